package io.reconcile.jdbc;

import io.reconcile.api.store.Store;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The JDBC store on a real MariaDB (MariaDB dialect, digests computed in the database) passes the
 * store compatibility kit.
 */
class MariaDbStoreCompatibilityIT extends StoreCompatibilityKit {

  @Override
  protected Store newStore() {
    return JdbcStore.newBuilder(MariaDb.fresh(H2StoreCompatibilityTest.TABLE)).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore() {
    return Optional.of(
        JdbcStore.newBuilder(MariaDb.fresh(H2StoreCompatibilityTest.TABLE)).id("kit").table("kit").readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return H2StoreCompatibilityTest.badConfigurations(() -> MariaDb.fresh(H2StoreCompatibilityTest.TABLE));
  }
}
