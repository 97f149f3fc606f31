package io.reconcile.jdbc;

import io.reconcile.testservers.TestServers;
import javax.sql.DataSource;

/**
 * Fresh databases on the real PostgreSQL that the build starts ({@link TestServers}); when it
 * cannot start, tests fail — never skip.
 */
final class Postgres {

  private Postgres() {}

  /** A new, empty database nobody else uses, with the given statements run in it. */
  static DataSource fresh(String... sql) {
    return TestServers.postgres().exec(sql).dataSource();
  }

  /** The JDBC URL (user {@code postgres}, no password) of a new database set up by {@code sql}. */
  static String freshUrl(String... sql) {
    return TestServers.postgres().exec(sql).jdbcUrl();
  }

  static void exec(DataSource ds, String... sql) {
    H2.exec(ds, sql);
  }

  static String query(DataSource ds, String sql) {
    return H2.query(ds, sql);
  }
}
