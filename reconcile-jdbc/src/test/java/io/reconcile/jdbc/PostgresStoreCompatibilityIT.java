package io.reconcile.jdbc;

import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The JDBC store on a real PostgreSQL (PostgreSQL dialect, digests computed in the database)
 * passes the store compatibility kit, with keys of every shape: the kit's tables with {@code BYTEA}
 * for {@code BINARY(12)}, which PostgreSQL lacks; text keys keep the database's collation, as the
 * dialect compares them {@code COLLATE "C"} (code point order).
 */
class PostgresStoreCompatibilityIT extends StoreCompatibilityKit {

  @Override
  protected Set<KeyShape> keyShapes() {
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return JdbcStore.newBuilder(Postgres.fresh(table(shape))).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(JdbcStore.newBuilder(Postgres.fresh(table(shape))).id("kit").table("kit").readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return H2StoreCompatibilityTest.badConfigurations(() -> Postgres.fresh(table(KeyShape.LONG)));
  }

  private static String table(KeyShape shape) {
    return shape.createTableSql().replace("BINARY(12)", "BYTEA");
  }
}
