package io.reconcile.sqlite;

import io.reconcile.api.store.Store;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * The JDBC store on SQLite, its dialect found through ServiceLoader, passes the store compatibility
 * kit with keys of every shape, in the kit's tables ({@link KeyShape#createTableSql()}) but for the
 * amount: declared {@code DECIMAL TEXT(18,2)} (text affinity, any decimal exactly), since a {@code
 * DECIMAL(18,2)} column of SQLite rounds the kit's 18-digit amounts to 8-byte floats (see {@link
 * SqliteDialectTest}).
 */
class SqliteStoreCompatibilityTest extends StoreCompatibilityKit {

  static String createTableSql(KeyShape shape) {
    return shape.createTableSql().replace("amount DECIMAL(18,2)", "amount DECIMAL TEXT(18,2)");
  }

  @Override
  protected Set<KeyShape> keyShapes() {
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return JdbcStore.newBuilder(Sqlite.fresh(createTableSql(shape))).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    DataSource ds = Sqlite.fresh(createTableSql(shape));
    return Optional.of(JdbcStore.newBuilder(ds).id("kit").table("kit").readOnly(true).build());
  }

  /** An unknown table, a column name holding a quote, and a key that is not unique. */
  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    Supplier<DataSource> kit = () -> Sqlite.fresh(createTableSql(KeyShape.LONG));
    return Map.of(
        "no_such_table", () -> JdbcStore.newBuilder(kit.get()).table("no_such_table").build(),
        "na\"me", () -> JdbcStore.newBuilder(kit.get()).table("kit").columns("na\"me").build(),
        "amount", () -> JdbcStore.newBuilder(kit.get()).table("kit").keyColumns("amount").build());
  }
}
