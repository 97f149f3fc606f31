package io.reconcile.testkit.example;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import java.util.Set;

/** Opens a new, empty {@link SortedMapStore} for {@code sorted-map:NAME}; honours id and readOnly. */
public final class SortedMapStoreProvider implements StoreProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("sorted-map");
  }

  @Override
  public Store open(String uri, StoreOptions options) {
    String name = uri.substring("sorted-map:".length());
    if (name.isBlank() || !options.properties().isEmpty() || options.dataset().isPresent()) {
      throw new ReconcileException.ConfigurationException(
          "expected sorted-map:NAME with only the options id and readOnly, but got '" + uri + "' and " + options);
    }
    return new SortedMapStore(options.id().orElse(name), options.readOnly());
  }
}
