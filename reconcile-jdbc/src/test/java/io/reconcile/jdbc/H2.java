package io.reconcile.jdbc;

import io.reconcile.testservers.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;

/** Fresh, private H2 in-memory databases for tests, and SQL helpers for any test database. */
final class H2 {

  private static final AtomicInteger COUNT = new AtomicInteger();

  private H2() {}

  /** The URL of a new database nobody else uses; it lives until the JVM exits. */
  static String freshUrl() {
    return "jdbc:h2:mem:test" + COUNT.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
  }

  /** A new database, with the given statements run in it. */
  static DataSource fresh(String... sql) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL(freshUrl());
    exec(ds, sql);
    return ds;
  }

  static void exec(DataSource ds, String... sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static long count(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A query's rows as text: one line per row, columns separated by {@code |}. */
  static String query(DataSource ds, String sql) {
    return TestDatabase.query(ds, sql);
  }
}
