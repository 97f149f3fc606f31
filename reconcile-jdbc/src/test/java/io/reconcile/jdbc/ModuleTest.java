package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
import io.reconcile.jdbc.spi.SqlDialect;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What module-info.java promises other modules, read from the compiled descriptor. */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(JdbcStore.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModuleThatOpensNothing() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.jdbc");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.isOpen()).isFalse();
    assertThat(DESCRIPTOR.opens()).isEmpty();
  }

  @Test
  void exportsTheStoreAndTheDialectSpiToEveryModule() {
    assertThat(MODULE.exportedPackages()).containsExactlyInAnyOrder("io.reconcile.jdbc", "io.reconcile.jdbc.spi");
    assertThat(DESCRIPTOR.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(DESCRIPTOR.packages()).containsExactlyInAnyOrder("io.reconcile.jdbc", "io.reconcile.jdbc.spi");
  }

  @Test
  void passesTheApiAndJavaSqlOnToItsUsers() {
    // JdbcStore.newBuilder takes a javax.sql.DataSource: users read java.sql through this module.
    // Jackson's core parses JSON columns, inside the module only.
    assertThat(MODULE.requires()).containsExactly(
        "com.fasterxml.jackson.core", "static transitive org.jspecify", "transitive io.reconcile.api", "transitive java.sql");
  }

  @Test
  void providesTheJdbcStoreAndFindsDialectsOnTheModulePathAndOnTheClassPath() throws IOException {
    assertThat(DESCRIPTOR.uses()).containsExactly(SqlDialect.class.getName());
    assertThat(DESCRIPTOR.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo(StoreProvider.class.getName());
      assertThat(p.providers()).containsExactly(JdbcStoreProvider.class.getName());
    });
    List<String> services = Files.readAllLines(
        MODULE.location().resolve("META-INF/services/" + StoreProvider.class.getName()));
    assertThat(services).as("META-INF/services, for the class path")
        .containsExactlyElementsOf(DESCRIPTOR.provides().stream().flatMap(p -> p.providers().stream()).toList());
  }
}
