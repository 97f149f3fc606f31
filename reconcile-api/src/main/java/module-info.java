/**
 * The vocabulary every store, checker and resolver speaks, and the store SPI: {@link
 * io.reconcile.api.store.Stores} opens stores by URI through the {@link
 * io.reconcile.api.store.StoreProvider}s that modules provide.
 */
module io.reconcile.api {
  requires static transitive org.jspecify;

  exports io.reconcile.api;
  exports io.reconcile.api.repair;
  exports io.reconcile.api.store;

  uses io.reconcile.api.store.StoreProvider;
}
