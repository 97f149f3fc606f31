package io.reconcile.testservers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class TestServersIT {

  @Test
  void postgresHandsOutSeparateUtf8Databases() {
    TestDatabase a = TestServers.postgres();
    TestDatabase b = TestServers.postgres();

    a.exec("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");

    assertThat(a.jdbcUrl()).isNotEqualTo(b.jdbcUrl()).contains("localhost");
    assertThat(a.query("SELECT count(*) FROM t")).isEqualTo("1\n");
    assertThat(b.query("SELECT count(*) FROM pg_tables WHERE tablename = 't'")).isEqualTo("0\n");
    assertThat(a.query("SHOW server_encoding")).isEqualTo("UTF8\n");
    assertThat(a.query("SELECT current_setting('server_version_num')::int >= 170000"))
        .isEqualTo("t\n");
  }

  @Test
  void mariaDbHandsOutSeparateUtf8mb4DatabasesBehindAPassword() {
    TestDatabase a = TestServers.mariaDb();
    TestDatabase b = TestServers.mariaDb();

    a.exec("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1)");

    assertThat(a.query("SELECT count(*) FROM t")).isEqualTo("1\n");
    assertThat(b.query("SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE()"))
        .isEqualTo("0\n");
    assertThat(a.query("SELECT @@character_set_database, @@version LIKE '11.4%'"))
        .isEqualTo("utf8mb4|1\n");
    assertThat(a.jdbcUrl()).startsWith("jdbc:mariadb://127.0.0.1:");
    assertThat(a.toString()).doesNotContain(a.password());
    assertThatThrownBy(() -> DriverManager.getConnection(a.jdbcUrl(), a.user(), "wrong").close())
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Access denied");
  }

  @Test
  void dedicatedPostgresRestartsOnItsDataAndAsksForAPassword() throws SQLException {
    checkRestart(TestServers.dedicatedPostgres());
  }

  @Test
  void dedicatedMariaDbRestartsOnItsDataAndAsksForAPassword() throws SQLException {
    checkRestart(TestServers.dedicatedMariaDb());
  }

  /** Stop refuses connections and ends sessions, start brings the same data back, close deletes it. */
  private static void checkRestart(TestServer server) throws SQLException {
    TestDatabase db;
    try (server) {
      db = server.newDatabase();
      assertThat(db.password()).isNotEmpty();
      assertThatThrownBy(() -> DriverManager.getConnection(db.jdbcUrl(), db.user(), "wrong").close())
          .isInstanceOf(SQLException.class);
      db.exec("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (1), (2)");
      try (Connection session = db.dataSource().getConnection()) {
        server.stop();
        assertThat(server.isRunning()).isFalse();
        assertThat(session.isValid(5)).as("a session of the stopped server").isFalse();
        assertThatThrownBy(() -> db.query("SELECT 1")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(server::stop).isInstanceOf(IllegalStateException.class).hasMessageContaining("stopped");
      }
      server.start();
      assertThat(db.query("SELECT count(*) FROM t")).isEqualTo("2\n");
      assertThat(server.newDatabase().jdbcUrl()).isNotEqualTo(db.jdbcUrl());
    }
    assertThat(server.isRunning()).isFalse();
    assertThatThrownBy(server::newDatabase).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> db.query("SELECT 1")).isInstanceOf(IllegalStateException.class);
  }
}
