/**
 * A store over one table of any JDBC database ({@link io.reconcile.jdbc.JdbcStore}), provided for
 * the {@code jdbc:} scheme, and the SPI for the SQL dialects of database products ({@link
 * io.reconcile.jdbc.spi.SqlDialect}), which it finds through {@link java.util.ServiceLoader}.
 */
module io.reconcile.jdbc {
  requires transitive io.reconcile.api;
  requires transitive java.sql;
  requires com.fasterxml.jackson.core;
  requires static transitive org.jspecify;

  exports io.reconcile.jdbc;
  exports io.reconcile.jdbc.spi;

  uses io.reconcile.jdbc.spi.SqlDialect;

  provides io.reconcile.api.store.StoreProvider with io.reconcile.jdbc.JdbcStoreProvider;
}
