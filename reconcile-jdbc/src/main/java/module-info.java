/**
 * A store over one table of any JDBC database ({@link io.reconcile.jdbc.JdbcStore}), provided for
 * the {@code jdbc:} scheme.
 */
module io.reconcile.jdbc {
  requires transitive io.reconcile.api;
  requires transitive java.sql;
  requires static transitive org.jspecify;

  exports io.reconcile.jdbc;

  provides io.reconcile.api.store.StoreProvider with io.reconcile.jdbc.JdbcStoreProvider;
}
