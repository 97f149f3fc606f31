package io.reconcile.jdbc;

import io.reconcile.api.store.Store;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.Optional;
import javax.sql.DataSource;

/** The JDBC store on H2 (generic dialect) passes the store compatibility kit. */
class H2StoreCompatibilityTest extends StoreCompatibilityKit {

  static final String TABLE =
      "CREATE TABLE kit (id BIGINT PRIMARY KEY, name VARCHAR(200), amount DECIMAL(18,2), active BOOLEAN)";

  @Override
  protected Store newStore() {
    return JdbcStore.builder(H2.fresh(TABLE)).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore() {
    DataSource ds = H2.fresh(TABLE);
    return Optional.of(JdbcStore.builder(ds).id("kit").table("kit").readOnly(true).build());
  }
}
