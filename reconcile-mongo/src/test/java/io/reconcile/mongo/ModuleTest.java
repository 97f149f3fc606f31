package io.reconcile.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
import java.lang.module.ModuleDescriptor;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * What module-info.java promises, read from the compiled descriptor: one exported package, the
 * provider of {@code mongodb://} URIs on the module path, and the same provider on the class path;
 * the api and the driver only, no reconcile-core.
 */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(MongoStore.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModuleThatExportsOnePackageAndOpensNothing() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.mongo");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.opens()).isEmpty();
    assertThat(MODULE.exportedPackages()).containsExactly("io.reconcile.mongo");
  }

  @Test
  void needsTheApiAndTheDriverButNotTheEngine() {
    assertThat(DESCRIPTOR.requires()).extracting(ModuleDescriptor.Requires::name)
        .contains("io.reconcile.api", "org.mongodb.driver.sync.client")
        .doesNotContain("io.reconcile.core");
  }

  @Test
  void providesTheMongodbUriSchemesOnBothPaths() {
    assertThat(DESCRIPTOR.provides()).anySatisfy(p -> {
      assertThat(p.service()).isEqualTo(StoreProvider.class.getName());
      assertThat(p.providers()).containsExactly(MongoStoreProvider.class.getName());
    });
    assertThat(ServiceLoader.load(StoreProvider.class).stream().map(ServiceLoader.Provider::type))
        .contains(MongoStoreProvider.class);
  }
}
