package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** What module-info.java promises other modules, read from the compiled descriptor. */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(Key.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModuleThatOpensNothing() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.api");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.isOpen()).isFalse();
    assertThat(DESCRIPTOR.opens()).isEmpty();
  }

  @Test
  void exportsEachOfItsPackagesToEveryModule() {
    assertThat(MODULE.exportedPackages())
        .containsExactly("io.reconcile.api", "io.reconcile.api.repair", "io.reconcile.api.store");
    assertThat(DESCRIPTOR.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(DESCRIPTOR.packages()).containsExactlyInAnyOrderElementsOf(MODULE.exportedPackages());
  }

  @Test
  void requiresOnlyTheNullnessAnnotationsAndThoseOnlyToCompile() {
    assertThat(MODULE.requires()).containsExactly("static transitive org.jspecify");
  }

  @Test
  void usesTheStoreProvidersThatStoresOpenLooksUp() {
    assertThat(DESCRIPTOR.uses()).containsExactly(StoreProvider.class.getName());
    assertThat(DESCRIPTOR.provides()).isEmpty();
  }
}
