package io.reconcile.jdbc;

import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The JDBC store on H2 (its H2 dialect) passes the store compatibility kit, with keys of every
 * shape in the kit's tables ({@link KeyShape#createTableSql()}, as they are).
 */
class H2StoreCompatibilityTest extends StoreCompatibilityKit {

  @Override
  protected Set<KeyShape> keyShapes() {
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return JdbcStore.newBuilder(H2.fresh(shape.createTableSql())).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    DataSource ds = H2.fresh(shape.createTableSql());
    return Optional.of(JdbcStore.newBuilder(ds).id("kit").table("kit").readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return badConfigurations(() -> H2.fresh(KeyShape.LONG.createTableSql()));
  }

  /** An unknown table, a column name holding a quote, and a key that is not unique. */
  static Map<String, Supplier<Store>> badConfigurations(Supplier<DataSource> kitTable) {
    return Map.of(
        "no_such_table", () -> JdbcStore.newBuilder(kitTable.get()).table("no_such_table").build(),
        "na\"me", () -> JdbcStore.newBuilder(kitTable.get()).table("kit").columns("na\"me").build(),
        "amount", () -> JdbcStore.newBuilder(kitTable.get()).table("kit").keyColumns("amount").build());
  }
}
