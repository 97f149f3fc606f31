package io.reconcile.jdbc;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import javax.sql.DataSource;

/**
 * Fresh databases (utf8mb4, collation utf8mb4_bin) on the real MariaDB that the build starts
 * ({@link TestServers}); when it cannot start, tests fail — never skip.
 */
final class MariaDb {

  private MariaDb() {}

  /** A new, empty database nobody else uses, with the given statements run in it. */
  static DataSource fresh(String... sql) {
    return database(sql).dataSource();
  }

  /** A new database set up by {@code sql}: URL, user, password and data source. */
  static TestDatabase database(String... sql) {
    return TestServers.mariaDb().exec(sql);
  }
}
