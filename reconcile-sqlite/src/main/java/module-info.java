/**
 * The SQLite dialect of the reconcile JDBC store ({@link io.reconcile.sqlite.SqliteDialect}),
 * provided for {@link io.reconcile.jdbc.spi.SqlDialect} and found by the product name {@code SQLite}.
 * It reads only the exported packages of {@code io.reconcile.jdbc}.
 */
module io.reconcile.sqlite {
  requires transitive io.reconcile.jdbc;
  requires org.xerial.sqlitejdbc;
  requires static org.jspecify;

  exports io.reconcile.sqlite;

  provides io.reconcile.jdbc.spi.SqlDialect with io.reconcile.sqlite.SqliteDialect;
}
