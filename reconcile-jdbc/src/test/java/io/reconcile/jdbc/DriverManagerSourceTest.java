package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a store opened by URI keeps a few connections idle between operations, reset and checked")
class DriverManagerSourceTest {

  private static DriverManagerSource source(String name) {
    Properties p = new Properties();
    p.setProperty("user", "sa");
    return new DriverManagerSource("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1", p, List.of());
  }

  private static long session(Connection c) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT SESSION_ID()")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  @DisplayName("a connection given back is the next one lent, rolled back and reset to auto-commit and read-write")
  void reused() throws SQLException {
    DriverManagerSource source = source("reused");
    long first;
    try (Connection c = source.getConnection()) {
      first = session(c);
      c.createStatement().execute("CREATE TABLE t (id INT PRIMARY KEY)");
      c.setAutoCommit(false);
      c.setReadOnly(true);
      c.createStatement().execute("INSERT INTO t VALUES (1)"); // H2 ignores read-only: the rollback undoes it
    }
    try (Connection c = source.getConnection()) {
      assertThat(session(c)).isEqualTo(first);
      assertThat(c.getAutoCommit()).isTrue();
      assertThat(c.isReadOnly()).isFalse();
      try (ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM t")) {
        rs.next();
        assertThat(rs.getLong(1)).as("the uncommitted insert was rolled back").isZero();
      }
    }
    source.close();
  }

  @Test
  @DisplayName("a closed connection refuses further use; at most a few are kept, the rest closed")
  void bounded() throws SQLException {
    DriverManagerSource source = source("bounded");
    List<Connection> lent = new ArrayList<>();
    for (int i = 0; i < DriverManagerSource.MAX_IDLE + 3; i++) {
      lent.add(source.getConnection());
    }
    List<Long> sessions = new ArrayList<>();
    for (Connection c : lent) {
      sessions.add(session(c));
      c.close();
      assertThat(c.isClosed()).isTrue();
      assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class).hasMessageContaining("given back");
    }
    List<Long> again = new ArrayList<>();
    List<Connection> second = new ArrayList<>();
    for (int i = 0; i < DriverManagerSource.MAX_IDLE + 3; i++) {
      Connection c = source.getConnection();
      second.add(c);
      again.add(session(c));
    }
    assertThat(again.stream().filter(sessions::contains).count()).as("sessions reused").isEqualTo(DriverManagerSource.MAX_IDLE);
    for (Connection c : second) {
      c.close();
    }
    source.close();
  }

  @Test
  @DisplayName("an idle connection whose session ended is replaced by a new one; after close nothing is kept")
  void replacedAndClosed() throws SQLException {
    DriverManagerSource source = source("replaced");
    long ended;
    try (Connection c = source.getConnection()) {
      ended = session(c);
    }
    try (Connection killer = source("replaced").getConnection()) {
      killer.createStatement().execute("CALL ABORT_SESSION(" + ended + ")");
    }
    try (Connection c = source.getConnection()) {
      assertThat(session(c)).isNotEqualTo(ended);
    }
    Connection out = source.getConnection();
    long lentAtClose = session(out);
    source.close();
    out.close();
    try (Connection c = source.getConnection()) {
      assertThat(session(c)).as("nothing was kept after close").isNotEqualTo(lentAtClose);
    }
  }
}
