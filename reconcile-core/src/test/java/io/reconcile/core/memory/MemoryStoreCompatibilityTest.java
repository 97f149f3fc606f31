package io.reconcile.core.memory;

import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The in-memory store passes the store compatibility kit, with keys of every shape. */
class MemoryStoreCompatibilityTest extends StoreCompatibilityKit {

  @Override
  protected Set<KeyShape> keyShapes() {
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return MemoryStore.create("kit");
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(MemoryStore.create("kit", StoreOptions.newBuilder().readOnly(true).build()));
  }

  /** Its only name is the one in its URI. */
  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return Map.of("mem:", () -> new MemoryStoreProvider().open("mem:", StoreOptions.defaults()));
  }
}
