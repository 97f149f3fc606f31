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
 * The JDBC store on a real MariaDB (MariaDB dialect, digests computed in the database) passes the
 * store compatibility kit, with keys of every shape in the kit's tables as they are, in a utf8mb4
 * database whose {@code utf8mb4_bin} collation pads spaces (the dialect compares text keys as their
 * UTF-8 bytes, and no kit key ends in a space).
 */
class MariaDbStoreCompatibilityIT extends StoreCompatibilityKit {

  @Override
  protected Set<KeyShape> keyShapes() {
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return JdbcStore.newBuilder(MariaDb.fresh(shape.createTableSql())).id("kit").table("kit").build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(JdbcStore.newBuilder(MariaDb.fresh(shape.createTableSql())).id("kit").table("kit").readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return H2StoreCompatibilityTest.badConfigurations(() -> MariaDb.fresh(KeyShape.LONG.createTableSql()));
  }
}
