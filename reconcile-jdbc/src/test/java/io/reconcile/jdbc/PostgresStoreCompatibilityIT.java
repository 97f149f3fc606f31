package io.reconcile.jdbc;

import io.reconcile.api.store.Store;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The JDBC store on a real PostgreSQL (PostgreSQL dialect, digests computed in the database)
 * passes the store compatibility kit.
 */
class PostgresStoreCompatibilityIT extends StoreCompatibilityKit {

  @Override
  protected Store newStore() {
    return JdbcStore.newBuilder(Postgres.fresh(H2StoreCompatibilityTest.TABLE)).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore() {
    return Optional.of(
        JdbcStore.newBuilder(Postgres.fresh(H2StoreCompatibilityTest.TABLE)).id("kit").table("kit").readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return H2StoreCompatibilityTest.badConfigurations(() -> Postgres.fresh(H2StoreCompatibilityTest.TABLE));
  }
}
