package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Store;
import io.reconcile.core.Limits;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every type a catalog can hold either round-trips through a repair exactly (read, compared,
 * written back, digests equal) or is refused when the store is built, naming the column.
 */
@DisplayName("column types round-trip through repairs or are refused up front")
class WriteTypesIT {

  private static final String[] POSTGRES_TYPES = {
    "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')",
    "CREATE DOMAIN posint AS integer CHECK (VALUE > 0)",
    "CREATE DOMAIN short_text AS varchar(5)",
    "CREATE EXTENSION IF NOT EXISTS citext",
  };

  private static final String POSTGRES_TABLE =
      "CREATE TABLE t (id int PRIMARY KEY, m mood, d posint, st short_text, ci citext, ip inet,"
          + " cr cidr, iv interval, mo money, b bit(3), vb varbit(8), x xml)";

  private static final String[] POSTGRES_ROWS = {
    "INSERT INTO t VALUES (1, 'happy', 7, 'abc', 'MiXeD', '10.0.0.1', '10.1.0.0/16', '1 day 02:00:00',"
        + " 12.34, B'101', B'1100', '<a>x</a>')",
    "INSERT INTO t VALUES (2, 'sad', 1, 'z', 'x', '::1', '192.168.0.0/24', '3 mons', -5, B'000', B'', '<b/>')",
    "INSERT INTO t VALUES (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    "INSERT INTO t VALUES (4, 'ok', 2, 'four', 'four', '2001:db8::1/64', '2001:db8::/32', '-1 year',"
        + " 1000000.5, B'111', B'1', '<c>4</c>')",
  };

  /** Differences in every column, a missing row and an extra one. */
  private static final String[] POSTGRES_DRIFT = {
    "UPDATE t SET m = 'sad', d = 9, st = 'abd', ci = 'mixed', ip = '10.0.0.2', cr = '10.2.0.0/16',"
        + " iv = '1 day 03:00:00', mo = 12.35, b = B'100', vb = B'1101', x = '<a>y</a>' WHERE id = 1",
    "UPDATE t SET m = 'happy', ip = NULL WHERE id = 3",
    "DELETE FROM t WHERE id = 4",
    "INSERT INTO t VALUES (5, 'ok', 3, 'e', 'e', '1.2.3.4', '1.2.3.0/24', '5 minutes', 1, B'010', B'0', '<e/>')",
  };

  @Test
  @DisplayName("PostgreSQL: enums, domains, citext, inet/cidr, interval, money, bit/varbit and xml repair exactly")
  void postgresTypesRoundTrip() {
    DataSource source = Postgres.fresh(concat(POSTGRES_TYPES, POSTGRES_TABLE, POSTGRES_ROWS));
    DataSource target = Postgres.fresh(concat(POSTGRES_TYPES, POSTGRES_TABLE, POSTGRES_ROWS));
    Postgres.exec(target, POSTGRES_DRIFT);
    JdbcStore from = JdbcStore.newBuilder(source).id("source").table("t").build();
    JdbcStore to = JdbcStore.newBuilder(target).id("target").table("t").build();
    assertThat(to.digest(KeyRange.all())).isNotEqualTo(from.digest(KeyRange.all()));

    ReconcileReport report = repair(from, to, Mode.APPLY);

    String all = "SELECT * FROM t ORDER BY id";
    assertThat(Postgres.query(target, all)).as(report.summary()).isEqualTo(Postgres.query(source, all));
    assertThat(report.divergences()).isEqualTo(4);
    assertThat(to.digest(KeyRange.all())).isEqualTo(from.digest(KeyRange.all()));
    assertThat(repair(from, to, Mode.REPORT_ONLY).divergences()).isZero();
  }

  @Test
  @DisplayName("PostgreSQL: an array column is refused at build, naming the column and what to do")
  void postgresArraysAreRefused() {
    DataSource ds = Postgres.fresh("CREATE TABLE t (id int PRIMARY KEY, v text, tags text[])");

    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("t").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tags _text")
        .hasMessageContaining("columns(...)");
    assertThat(JdbcStore.newBuilder(ds).table("t").columns("v").build().capabilities()).isNotEmpty();
  }

  private static final String MARIADB_TABLE =
      "CREATE TABLE t (id int PRIMARY KEY, e ENUM('a', 'b', 'it''s'), s SET('x', 'y', 'z'), f BIT(1),"
          + " y YEAR)";

  private static final String[] MARIADB_ROWS = {
    "INSERT INTO t VALUES (1, 'a', 'x,z', b'1', 2024)",
    "INSERT INTO t VALUES (2, 'it''s', '', b'0', 1901)",
    "INSERT INTO t VALUES (3, NULL, NULL, NULL, NULL)",
    "INSERT INTO t VALUES (4, 'b', 'y', b'1', 2155)",
  };

  private static final String[] MARIADB_DRIFT = {
    "UPDATE t SET e = 'b', s = 'y,z', f = b'0', y = 2025 WHERE id = 1",
    "UPDATE t SET e = 'a', s = 'x' WHERE id = 3",
    "DELETE FROM t WHERE id = 4",
    "INSERT INTO t VALUES (5, 'a', 'x,y,z', b'1', 1999)",
  };

  @Test
  @DisplayName("MariaDB: ENUM, SET, BIT(1) and YEAR repair exactly")
  void mariaDbTypesRoundTrip() {
    DataSource source = MariaDb.fresh(concat(new String[0], MARIADB_TABLE, MARIADB_ROWS));
    DataSource target = MariaDb.fresh(concat(new String[0], MARIADB_TABLE, MARIADB_ROWS));
    H2.exec(target, MARIADB_DRIFT);
    JdbcStore from = JdbcStore.newBuilder(source).id("source").table("t").build();
    JdbcStore to = JdbcStore.newBuilder(target).id("target").table("t").build();

    ReconcileReport report = repair(from, to, Mode.APPLY);

    String all = "SELECT id, e, s, f + 0, y FROM t ORDER BY id";
    assertThat(H2.query(target, all)).as(report.summary()).isEqualTo(H2.query(source, all));
    assertThat(report.divergences()).isEqualTo(4);
    assertThat(to.digest(KeyRange.all())).isEqualTo(from.digest(KeyRange.all()));
  }

  @Test
  @DisplayName("MariaDB: a BIT(8) column is refused at build, naming the column")
  void mariaDbBitFieldsAreRefused() {
    DataSource ds = MariaDb.fresh("CREATE TABLE t (id int PRIMARY KEY, v text, flags BIT(8))");

    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("t").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("flags BIT");
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("t").columns("flags").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'flags'");
  }

  /** A source-of-truth run without the divergence-ratio limit (small tables diverge a lot). */
  static ReconcileReport repair(Store source, Store target, Mode mode) {
    return Reconciler.newBuilder()
        .stores(source, target)
        .resolver(Resolvers.sourceOfTruth(source.id()))
        .mode(mode)
        .limits(Limits.NONE)
        .auditLog(AuditLog.inMemory())
        .seed(1)
        .build()
        .run();
  }

  private static String[] concat(String[] types, String table, String[] rows) {
    String[] out = new String[types.length + 1 + rows.length];
    System.arraycopy(types, 0, out, 0, types.length);
    out[types.length] = table;
    System.arraycopy(rows, 0, out, types.length + 1, rows.length);
    return out;
  }
}
