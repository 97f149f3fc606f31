package io.reconcile.core.memory;

import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** The in-memory store passes the store compatibility kit. */
class MemoryStoreCompatibilityTest extends StoreCompatibilityKit {

  @Override
  protected Store newStore() {
    return MemoryStore.create("kit");
  }

  @Override
  protected Optional<Store> newReadOnlyStore() {
    return Optional.of(MemoryStore.create("kit", StoreOptions.newBuilder().readOnly(true).build()));
  }

  /** Its only name is the one in its URI. */
  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return Map.of("mem:", () -> new MemoryStoreProvider().open("mem:", StoreOptions.defaults()));
  }
}
