package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreProvider;
import io.reconcile.apicheck.CompiledModule;
import io.reconcile.core.memory.MemoryStoreProvider;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What module-info.java promises other modules, read from the compiled descriptor. */
class ModuleTest {

  private static final CompiledModule MODULE = CompiledModule.of(Reconciler.class);
  private static final ModuleDescriptor DESCRIPTOR = MODULE.descriptor();

  @Test
  void isAnExplicitModuleThatOpensNothing() {
    assertThat(DESCRIPTOR.name()).isEqualTo("io.reconcile.core");
    assertThat(DESCRIPTOR.isAutomatic()).isFalse();
    assertThat(DESCRIPTOR.isOpen()).isFalse();
    assertThat(DESCRIPTOR.opens()).isEmpty();
  }

  @Test
  void exportsItsApiPackagesToEveryModuleAndHidesTheEngineInternals() {
    assertThat(MODULE.exportedPackages()).containsExactly(
        "io.reconcile.core",
        "io.reconcile.core.audit",
        "io.reconcile.core.check",
        "io.reconcile.core.checkpoint",
        "io.reconcile.core.memory",
        "io.reconcile.core.resolve");
    assertThat(DESCRIPTOR.exports()).noneMatch(ModuleDescriptor.Exports::isQualified);
    assertThat(DESCRIPTOR.packages()).containsExactlyInAnyOrder(
        "io.reconcile.core",
        "io.reconcile.core.audit",
        "io.reconcile.core.check",
        "io.reconcile.core.checkpoint",
        "io.reconcile.core.internal",
        "io.reconcile.core.memory",
        "io.reconcile.core.resolve");
  }

  @Test
  void passesTheApiOnToItsUsersAndKeepsItsLibrariesToItself() {
    assertThat(MODULE.requires()).containsExactly(
        "com.dynatrace.hash4j",
        "com.fasterxml.jackson.databind",
        "org.slf4j",
        "static transitive org.jspecify",
        "transitive io.reconcile.api");
  }

  @Test
  void providesTheMemoryStoreOnTheModulePathAndOnTheClassPath() throws IOException {
    assertThat(DESCRIPTOR.uses()).isEmpty();
    assertThat(DESCRIPTOR.provides()).singleElement().satisfies(p -> {
      assertThat(p.service()).isEqualTo(StoreProvider.class.getName());
      assertThat(p.providers()).containsExactly(MemoryStoreProvider.class.getName());
    });
    List<String> services = Files.readAllLines(
        MODULE.location().resolve("META-INF/services/" + StoreProvider.class.getName()));
    assertThat(services).as("META-INF/services, for the class path")
        .containsExactlyElementsOf(DESCRIPTOR.provides().stream().flatMap(p -> p.providers().stream()).toList());
  }
}
