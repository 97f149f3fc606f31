package io.reconcile.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.engine.DebeziumEngine;
import io.reconcile.apicheck.CompiledModule;
import io.reconcile.debezium.internal.SeededOffsetStore;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.junit.jupiter.api.Test;

/**
 * Why this module has no module-info.java, and what it is instead: Debezium 3.6 and Kafka Connect
 * 4.3 split packages between their jars, so they cannot be resolved as modules; this jar is an
 * automatic module named {@code io.reconcile.debezium} (its manifest), used with Debezium on the
 * class path. If the first test starts failing, Debezium became usable as modules: write the
 * module-info.java then.
 */
class ModuleTest {

  @Test
  void debeziumAndKafkaConnectCannotBeResolvedAsModules() {
    ModuleFinder jars = ModuleFinder.of(
        CompiledModule.locationOf(DebeziumEngine.class),
        CompiledModule.locationOf(io.debezium.embedded.Connect.class),
        CompiledModule.locationOf(SourceRecord.class),
        CompiledModule.locationOf(MemoryOffsetBackingStore.class));
    Configuration boot = ModuleLayer.boot().configuration();
    assertThatThrownBy(() -> boot.resolve(jars, ModuleFinder.of(),
            jars.findAll().stream().map(r -> r.descriptor().name()).collect(java.util.stream.Collectors.toSet())))
        .hasMessageContaining("org.apache.kafka.connect");
  }

  @Test
  void isAnAutomaticModuleNamedByItsManifest() throws Exception {
    Path classes = CompiledModule.locationOf(PostgresChangeFeed.class);
    assertThat(classes.resolve("module-info.class")).doesNotExist();
    String pom = Files.readString(Path.of(System.getProperty("basedir", ".")).resolve("pom.xml"));
    assertThat(pom).contains("<moduleName>io.reconcile.debezium</moduleName>"); // the parent writes Automatic-Module-Name
  }

  @Test
  void onlyTheFeedIsPublicInTheApiPackageAndTheOffsetStoreIsWhereTheEngineCanMakeIt() throws Exception {
    for (Class<?> c : Set.of(DebeziumFeed.class, Position.class, KeyReader.class, Replication.class)) {
      assertThat(Modifier.isPublic(c.getModifiers())).as(c.getName()).isFalse();
    }
    assertThat(Modifier.isPublic(SeededOffsetStore.class.getConstructor().getModifiers())).isTrue();
    assertThat(SeededOffsetStore.class.getPackageName()).endsWith(".internal");
  }
}
