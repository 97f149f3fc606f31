package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
import java.lang.module.ModuleDescriptor;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * What module-info.java promises, read from the compiled descriptor: one exported package, the
 * provider of {@code kafka://} URIs on the module path, and the same provider on the class path;
 * reconcile-core only for the audit log, so the stores run without it.
 */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(KafkaStore.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModuleThatExportsOnePackageAndOpensNothing() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.kafka");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.opens()).isEmpty();
    assertThat(MODULE.exportedPackages()).containsExactly("io.reconcile.kafka");
  }

  @Test
  void needsReconcileCoreOnlyForTheAuditLog() {
    assertThat(DESCRIPTOR.requires()).anySatisfy(r -> {
      assertThat(r.name()).isEqualTo("io.reconcile.core");
      assertThat(r.modifiers()).containsExactlyInAnyOrder(
          ModuleDescriptor.Requires.Modifier.STATIC, ModuleDescriptor.Requires.Modifier.TRANSITIVE);
    });
  }

  @Test
  void providesTheKafkaUriSchemeOnBothPaths() {
    assertThat(DESCRIPTOR.provides()).anySatisfy(p -> {
      assertThat(p.service()).isEqualTo(StoreProvider.class.getName());
      assertThat(p.providers()).containsExactly(KafkaStoreProvider.class.getName());
    });
    assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(KafkaStoreProvider.class);
  }
}
