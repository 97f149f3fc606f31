package io.reconcile.testkit.example;

import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

class SortedMapStoreCompatibilityTest extends StoreCompatibilityKit {

  @Override
  protected Set<KeyShape> keyShapes() {   // a map of Keys holds every shape
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return Stores.open("sorted-map:kit");
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(Stores.open("sorted-map:kit", StoreOptions.newBuilder().readOnly(true).build()));
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return Map.of("sorted-map:", () -> Stores.open("sorted-map:"));
  }
}
