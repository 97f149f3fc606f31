package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dynatrace.hash4j.hashing.Hashing;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reconcile.api.Key;
import io.reconcile.apicheck.CompiledModule;
import java.lang.invoke.MethodHandles;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The engine as a module: the compiled api and core modules and the libraries they require (not
 * JSpecify, which they require only to compile) resolved into a layer of their own, apart from the
 * class path these tests run on, and used from outside it as another module would.
 */
class ModuleLayerTest {

  private static final ModuleLayer LAYER = layer();
  private static final ClassLoader LOADER = LAYER.findLoader("io.reconcile.core");

  private static ModuleLayer layer() {
    Path[] jars = Stream.of(Key.class, Reconciler.class, LoggerFactory.class, ObjectMapper.class,
        JsonFactory.class, JsonProperty.class, Hashing.class).map(CompiledModule::locationOf).toArray(Path[]::new);
    Configuration configuration = ModuleLayer.boot().configuration()
        .resolveAndBind(ModuleFinder.of(jars), ModuleFinder.of(), Set.of("io.reconcile.core"));
    // The platform loader as parent: no class of this layer can come from the class path.
    return ModuleLayer.boot().defineModulesWithOneLoader(configuration, ClassLoader.getPlatformClassLoader());
  }

  @Test
  void resolvesFromTheModulesItRequiresWithoutTheAnnotations() {
    assertThat(LAYER.modules().stream().map(Module::getName).collect(Collectors.toSet())).containsExactlyInAnyOrder(
        "io.reconcile.api", "io.reconcile.core", "org.slf4j", "com.fasterxml.jackson.databind",
        "com.fasterxml.jackson.core", "com.fasterxml.jackson.annotation", "com.dynatrace.hash4j");
  }

  @Test
  void theEngineInternalsCannotBeReachedFromAnotherModule() throws Exception {
    Module core = LAYER.findModule("io.reconcile.core").orElseThrow();
    assertThat(core.isExported("io.reconcile.core.internal")).isFalse();
    assertThat(core.isOpen("io.reconcile.core.internal")).isFalse();
    assertThat(core.isExported("io.reconcile.core.memory")).isTrue();

    Class<?> internal = LOADER.loadClass("io.reconcile.core.internal.Show");
    assertThat(internal.getModule()).isSameAs(core);
    assertThatThrownBy(() -> MethodHandles.publicLookup().accessClass(internal))
        .isInstanceOf(IllegalAccessException.class);
    assertThat(MethodHandles.publicLookup().accessClass(LOADER.loadClass(Reconciler.class.getName()))).isNotNull();
  }

  @Test
  void storesOpenFindsTheMemoryStoreThroughTheModulesProvides() throws Exception {
    Class<?> provider = LOADER.loadClass("io.reconcile.api.store.StoreProvider");
    // ServiceLoader ignores META-INF/services in named modules: only provides ... with counts here.
    assertThat(ServiceLoader.load(LAYER, provider).stream().map(p -> p.type().getName()))
        .containsExactly("io.reconcile.core.memory.MemoryStoreProvider");

    Object store = LOADER.loadClass("io.reconcile.api.store.Stores").getMethod("open", String.class)
        .invoke(null, "mem:layer");
    assertThat(store.getClass().getName()).isEqualTo("io.reconcile.core.memory.MemoryStore");
    assertThat(store.getClass().getModule()).isSameAs(LAYER.findModule("io.reconcile.core").orElseThrow());
  }

  @Test
  void aRunFindsAndReportsADifferenceUsingItsLibrariesAsModules() throws Exception {
    Class<?> keyType = LOADER.loadClass("io.reconcile.api.Key");
    Class<?> entryType = LOADER.loadClass("io.reconcile.api.Entry");
    Class<?> storeType = LOADER.loadClass("io.reconcile.api.store.Store");
    Class<?> memoryStore = LOADER.loadClass("io.reconcile.core.memory.MemoryStore");
    Object stores = Array.newInstance(storeType, 2);
    for (int i = 0; i < 2; i++) {
      Object store = memoryStore.getMethod("create", String.class).invoke(null, "side" + i);
      Object key = keyType.getMethod("of", long.class).invoke(null, 1L);
      Object entry = entryType.getMethod("of", keyType, Map.class).invoke(null, key, Map.of("n", i));
      memoryStore.getMethod("put", entryType).invoke(store, entry);
      Array.set(stores, i, store);
    }
    Object builder = LOADER.loadClass(Reconciler.class.getName()).getMethod("newBuilder").invoke(null);
    builder.getClass().getMethod("stores", stores.getClass()).invoke(builder, stores);
    Object reconciler = builder.getClass().getMethod("build").invoke(builder);
    Object report = reconciler.getClass().getMethod("run").invoke(reconciler);

    // The JSON comes from Jackson, the in-memory stores' row hashes from hash4j, both as modules.
    assertThat((String) report.getClass().getMethod("toJson").invoke(report)).contains("\"MISMATCH\"");
  }
}
