package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.testservers.TestDatabase;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * A MariaDB session whose time zone is not UTC reads, digests and writes the same instants as
 * PostgreSQL; {@code char(n)} values compare without their pad spaces on both products.
 */
@DisplayName("Session time zones and char(n) padding do not make equal rows differ")
class SessionZoneAndCharIT {

  private static final String[] ROWS = {
    "(1, '2024-03-01 10:00:00.123456', '2024-03-01 10:00:00.123456', 'ab')",
    "(2, '1999-12-31 23:59:59', '1969-07-20 20:17:40', ' a b')",
    "(3, '2038-01-01 00:00:00.5', '2100-02-28 12:00:00', 'abcde')",
    "(4, NULL, NULL, NULL)",
    "(5, '2024-10-27 01:30:00', '2024-10-27 01:30:00', '')",
    // More equal rows, so that two repairs stay under the engine's divergence limit.
    "(6, NULL, NULL, 'f')", "(7, NULL, NULL, 'g')", "(8, NULL, NULL, 'h')", "(9, NULL, NULL, 'i')",
    "(10, NULL, NULL, 'j')", "(11, NULL, NULL, 'k')", "(12, NULL, NULL, 'l')", "(13, NULL, NULL, 'm')",
    "(14, NULL, NULL, 'n')", "(15, NULL, NULL, 'o')", "(16, NULL, NULL, 'p')", "(17, NULL, NULL, 'q')",
  };

  private static DataSource postgres() {
    return Postgres.fresh(
        "SET TIME ZONE 'UTC'",
        "CREATE TABLE ev (id int PRIMARY KEY, ts timestamptz(6), dt timestamp(6), c char(5))",
        "INSERT INTO ev VALUES " + String.join(", ", ROWS));
  }

  /** The same rows (written in UTC), reached through sessions in {@code +02:00}. */
  private static DataSource mariaDbInPlusTwo() throws Exception {
    TestDatabase db = MariaDb.database(
        "SET time_zone = '+00:00'",
        "CREATE TABLE ev (id int PRIMARY KEY, ts timestamp(6) NULL, dt datetime(6) NULL, c char(5))",
        "SET time_zone = '+00:00'");
    try (var c = db.dataSource().getConnection(); var s = c.createStatement()) {
      s.execute("SET time_zone = '+00:00'");
      s.execute("INSERT INTO ev VALUES " + String.join(", ", ROWS));
    }
    MariaDbDataSource ds = new MariaDbDataSource(db.jdbcUrl() + "?sessionVariables=time_zone='+02:00'");
    ds.setUser(db.user());
    ds.setPassword(db.password());
    assertThat(H2.query(ds, "SELECT @@session.time_zone")).isEqualTo("+02:00\n");
    return ds;
  }

  private static JdbcStore store(DataSource ds, String id, boolean serverSide) {
    return JdbcStore.newBuilder(ds).id(id).table("ev").serverSideDigest(serverSide).build();
  }

  private static List<Entry> scan(JdbcStore s) {
    try (Stream<Entry> rows = s.scan(KeyRange.all())) {
      return rows.toList();
    }
  }

  @Test
  @DisplayName("timestamp, datetime and char(5) in a +02:00 MariaDB session digest and scan as in PostgreSQL")
  void sameInstantsAndText() throws Exception {
    DataSource pg = postgres();
    DataSource maria = mariaDbInPlusTwo();
    JdbcStore pgPushed = store(pg, "pg", true);
    JdbcStore mariaPushed = store(maria, "maria", true);
    JdbcStore pgClient = store(pg, "pg-client", false);
    JdbcStore mariaClient = store(maria, "maria-client", false);

    assertThat(pgPushed.capabilities()).as(pgPushed.dialectName()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(mariaPushed.capabilities()).as(mariaPushed.dialectName()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(scan(mariaClient)).isEqualTo(scan(pgClient));
    assertThat(mariaPushed.digest(KeyRange.all()))
        .isEqualTo(pgPushed.digest(KeyRange.all()))
        .isEqualTo(pgClient.digest(KeyRange.all()))
        .isEqualTo(mariaClient.digest(KeyRange.all()));
    // The session keeps its own zone once the store hands the connection back.
    assertThat(H2.query(maria, "SELECT @@session.time_zone")).isEqualTo("+02:00\n");
  }

  @Test
  @DisplayName("a real difference still shows, and a repair through the +02:00 session writes the right instant")
  void differencesShowAndRepairsWriteUtc() throws Exception {
    DataSource pg = postgres();
    DataSource maria = mariaDbInPlusTwo();
    Postgres.exec(pg, "UPDATE ev SET c = 'abc' WHERE id = 1",
        "UPDATE ev SET ts = '2024-03-01 12:00:00+00' WHERE id = 2");
    JdbcStore source = store(pg, "pg", true);
    JdbcStore replica = store(maria, "maria", true);
    assertThat(replica.digest(KeyRange.all())).isNotEqualTo(source.digest(KeyRange.all()));

    ReconcileReport report = CrossDialectIT.reconcile(source, replica, Mode.APPLY);

    assertThat(report.divergences()).as(report.summary()).isEqualTo(2);
    assertThat(report.repairs().applied()).as(report.summary()).isEqualTo(2);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(scan(replica)).isEqualTo(scan(source));
    assertThat(replica.digest(KeyRange.all())).isEqualTo(source.digest(KeyRange.all()));
    DataSource utc = MariaDb.fresh(); // any UTC session of the server reads what was stored
    String db = H2.query(maria, "SELECT DATABASE()").trim();
    assertThat(H2.query(utc, "SELECT CAST(ts AS CHAR), c FROM " + db + ".ev WHERE id IN (1, 2) ORDER BY id"))
        .isEqualTo("2024-03-01 10:00:00.123456|abc\n2024-03-01 12:00:00.000000| a b\n");
  }
}
