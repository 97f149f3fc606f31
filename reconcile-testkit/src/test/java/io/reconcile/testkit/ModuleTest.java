package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.apicheck.CompiledModule;
import java.lang.module.ModuleDescriptor;
import org.junit.jupiter.api.Test;

/** What module-info.java promises other modules, read from the compiled descriptor. */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(StoreCompatibilityKit.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModule() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.testkit");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.isOpen()).isFalse();
  }

  @Test
  void exportsItsOnePackageToEveryModuleAndNotTheBuildsOwnSupport() {
    assertThat(MODULE.exportedPackages()).containsExactly("io.reconcile.testkit");
    assertThat(DESCRIPTOR.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(DESCRIPTOR.packages()).containsExactlyInAnyOrder("io.reconcile.testkit", "io.reconcile.testkit.internal");
  }

  @Test
  void opensItsPackageToJUnitOnlySoThatJUnitCanRunTheKitsNestedTests() {
    assertThat(DESCRIPTOR.opens()).singleElement().satisfies(o -> {
      assertThat(o.source()).isEqualTo("io.reconcile.testkit");
      assertThat(o.targets()).containsExactly("org.junit.platform.commons");
    });
  }

  @Test
  void passesTheApiAndJqwikOnToItsUsers() {
    // The contracts' generators return jqwik Arbitrary values; JUnit types appear in no signature;
    // the internal README checks compile with the JDK's compiler; the kit runs its tests once per key
    // shape with JUnit's parameterized tests.
    assertThat(MODULE.requires()).containsExactly(
        "java.compiler", "org.junit.jupiter.api", "org.junit.jupiter.params", "static transitive org.jspecify", "transitive io.reconcile.api",
        "transitive net.jqwik.api");
    assertThat(DESCRIPTOR.uses()).isEmpty();
    assertThat(DESCRIPTOR.provides()).isEmpty();
  }
}
