/**
 * The SQLite dialect of the reconcile JDBC store ({@link io.reconcile.sqlite.SqliteDialect}),
 * provided for {@link io.reconcile.jdbc.spi.SqlDialect} and found by the product name {@code SQLite},
 * and the provider of {@code jdbc:sqlite:} URIs that opens existing database files only ({@link
 * io.reconcile.sqlite.SqliteStoreProvider}).
 * It reads only the exported packages of {@code io.reconcile.jdbc}.
 */
module io.reconcile.sqlite {
  requires transitive io.reconcile.jdbc;
  requires org.xerial.sqlitejdbc;
  requires static org.jspecify;

  exports io.reconcile.sqlite;

  provides io.reconcile.jdbc.spi.SqlDialect with io.reconcile.sqlite.SqliteDialect;
  provides io.reconcile.api.store.StoreProvider with io.reconcile.sqlite.SqliteStoreProvider;
}
