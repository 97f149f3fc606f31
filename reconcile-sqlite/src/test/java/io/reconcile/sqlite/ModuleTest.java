package io.reconcile.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.jdbc.spi.SqlDialect;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * What module-info.java promises, read from the compiled descriptor: the dialect is provided on
 * the module path and the class path, and the module reads reconcile-jdbc's exported packages only
 * (its own package is not one of reconcile-jdbc's: no same-package access to its internals).
 */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(SqliteDialect.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModuleThatOpensNothing() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.sqlite");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.isOpen()).isFalse();
    assertThat(DESCRIPTOR.opens()).isEmpty();
  }

  @Test
  void exportsItsOnePackageOutsideReconcileJdbcs() {
    assertThat(MODULE.exportedPackages()).containsExactly("io.reconcile.sqlite");
    assertThat(DESCRIPTOR.packages()).containsExactly("io.reconcile.sqlite");
    ModuleDescriptor jdbc = CompiledModule.of(JdbcStore.class).descriptor();
    assertThat(jdbc.packages()).doesNotContain("io.reconcile.sqlite");
  }

  @Test
  void readsTheJdbcStoreAndTheDriverOnly() {
    assertThat(MODULE.requires())
        .containsExactly("org.xerial.sqlitejdbc", "static org.jspecify", "transitive io.reconcile.jdbc");
  }

  @Test
  void providesTheDialectAndTheUriProviderOnTheModulePathAndOnTheClassPath() throws IOException {
    assertThat(DESCRIPTOR.uses()).isEmpty();
    Map<String, Set<String>> provides = new TreeMap<>();
    DESCRIPTOR.provides().forEach(p -> provides.put(p.service(), Set.copyOf(p.providers())));
    assertThat(provides).containsOnly(
        Map.entry(SqlDialect.class.getName(), Set.of(SqliteDialect.class.getName())),
        Map.entry(StoreProvider.class.getName(), Set.of(SqliteStoreProvider.class.getName())));
    for (Map.Entry<String, Set<String>> p : provides.entrySet()) {
      List<String> services = Files.readAllLines(MODULE.location().resolve("META-INF/services/" + p.getKey()));
      assertThat(services).containsExactlyElementsOf(p.getValue());
    }
  }
}
