package io.reconcile.core.memory;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import java.util.Set;

/**
 * Opens {@link MemoryStore}s for URIs {@code mem:NAME}: a handle on the store shared under NAME in
 * this JVM. Registered through {@link java.util.ServiceLoader}.
 */
public final class MemoryStoreProvider implements StoreProvider {

  /** For ServiceLoader. */
  public MemoryStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("mem");
  }

  @Override
  public Store open(String uri, StoreOptions options) {
    if (!uri.regionMatches(true, 0, "mem:", 0, 4) || uri.length() == 4) {
      throw new ReconcileException.ConfigurationException(
          "an in-memory store URI is mem:NAME (e.g. mem:orders), but was '" + uri + "'");
    }
    return MemoryStore.named(uri.substring(4), options);
  }
}
