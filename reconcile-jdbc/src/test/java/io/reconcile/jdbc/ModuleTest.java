package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
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
  void exportsItsOnePackageToEveryModule() {
    assertThat(MODULE.exportedPackages()).containsExactly("io.reconcile.jdbc");
    assertThat(DESCRIPTOR.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(DESCRIPTOR.packages()).containsExactly("io.reconcile.jdbc");
  }

  @Test
  void passesTheApiAndJavaSqlOnToItsUsers() {
    // JdbcStore.newBuilder takes a javax.sql.DataSource: users read java.sql through this module.
    assertThat(MODULE.requires())
        .containsExactly("static transitive org.jspecify", "transitive io.reconcile.api", "transitive java.sql");
  }

  @Test
  void providesTheJdbcStoreOnTheModulePathAndOnTheClassPath() throws IOException {
    assertThat(DESCRIPTOR.uses()).isEmpty();
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
