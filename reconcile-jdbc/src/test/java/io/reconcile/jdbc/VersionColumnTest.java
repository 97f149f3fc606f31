package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ActionOutcome.Status;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.Limits;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a version column gives each row its version, and repairs write the winner's")
class VersionColumnTest {

  private static final String TABLE =
      "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(20), updated_at TIMESTAMP WITH TIME ZONE)";

  private static List<Entry> scan(JdbcStore s) {
    try (Stream<Entry> rows = s.scan(KeyRange.all())) {
      return rows.toList();
    }
  }

  @Test
  @DisplayName("last writer wins in both directions over timestamp columns; the column is not compared")
  void lastWriterWinsOverTimestamps() {
    DataSource a = H2.fresh(TABLE,
        "INSERT INTO accounts VALUES (1, 'old', TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00Z'),"
            + " (2, 'newer here', TIMESTAMP WITH TIME ZONE '2024-03-01 00:00:00Z'),"
            + " (3, 'same', TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00Z')");
    DataSource b = H2.fresh(TABLE,
        "INSERT INTO accounts VALUES (1, 'new', TIMESTAMP WITH TIME ZONE '2024-02-01 00:00:00Z'),"
            + " (2, 'older', TIMESTAMP WITH TIME ZONE '2024-01-15 00:00:00Z'),"
            + " (3, 'same', TIMESTAMP WITH TIME ZONE '2025-01-01 00:00:00Z')");
    JdbcStore left = JdbcStore.newBuilder(a).id("left").table("accounts").versionColumn("updated_at").build();
    JdbcStore right = JdbcStore.newBuilder(b).id("right").table("accounts").versionColumn("updated_at").build();

    assertThat(left.capabilities()).contains(Capability.VERSIONS);
    assertThat(scan(left).get(0).version()).isEqualTo(Version.of(Instant.parse("2024-01-01T00:00:00Z")));
    assertThat(scan(left).get(0).fields().fields()).containsOnlyKeys("name");

    ReconcileReport report = Reconciler.newBuilder().stores(left, right)
        .resolver(Resolvers.lastWriterWins()).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).seed(1)
        .limits(new Limits(100, 100, 1.0)) // two of three rows differ: above the default ratio
        .build().run();

    assertThat(report.divergences()).as("row 3 differs only in its version").isEqualTo(2);
    assertThat(report.converged()).isTrue();
    assertThat(H2.query(a, "SELECT id, name, updated_at FROM accounts ORDER BY id")).as(report.toJson()).isEqualTo(
        "1|new|2024-02-01 00:00:00+00\n2|newer here|2024-03-01 00:00:00+00\n3|same|2024-01-01 00:00:00+00\n");
    assertThat(H2.query(b, "SELECT id, name, updated_at FROM accounts WHERE id = 2"))
        .isEqualTo("2|newer here|2024-03-01 00:00:00+00\n");
  }

  @Test
  @DisplayName("a text column holds version vectors; a malformed one fails naming the column")
  void versionVectors() {
    VersionVector v = VersionVector.of(Map.of("east", 3L, "west", 1L));
    DataSource ds = H2.fresh("CREATE TABLE docs (id INT PRIMARY KEY, body VARCHAR(20), vv VARCHAR(200))",
        "INSERT INTO docs VALUES (1, 'x', '" + v.toText() + "'), (2, 'y', NULL)");
    JdbcStore docs = JdbcStore.newBuilder(ds).table("docs").versionColumn("vv").build();
    List<Entry> rows = scan(docs);
    assertThat(rows.get(0).version()).isEqualTo(Version.of(v));
    assertThat(rows.get(1).version()).isEqualTo(Version.NONE);
    assertThat(docs.get(List.of(Key.of(1))).get(Key.of(1)).version()).isEqualTo(Version.of(v));

    H2.exec(ds, "UPDATE docs SET vv = 'not a vector' WHERE id = 2");
    assertThatThrownBy(() -> scan(docs))
        .isInstanceOf(ReconcileException.class)
        .hasMessageContaining("version column 'VV' holds 'not a vector'");
  }

  @Test
  @DisplayName("a new version alone is written; a replay is already applied once the row holds the part of the version its column can")
  void versionsAsTheColumnHoldsThem() {
    Instant later = Instant.parse("2024-02-01T00:00:00Z");
    VersionVector v = VersionVector.of(Map.of("east", 3L));
    Version both = new Version(v, later);
    DataSource stamped = H2.fresh(TABLE, "INSERT INTO accounts VALUES (1, 'x', TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00Z')");
    DataSource vectors = H2.fresh("CREATE TABLE docs (id INT PRIMARY KEY, body VARCHAR(20), vv VARCHAR(200))",
        "INSERT INTO docs VALUES (1, 'x', NULL)");
    for (JdbcStore s : List.of(
        JdbcStore.newBuilder(stamped).table("accounts").versionColumn("updated_at").build(),
        JdbcStore.newBuilder(vectors).table("docs").versionColumn("vv").build())) {
      Entry before = scan(s).get(0);
      RepairAction bump = RepairAction.upsert(s.id(), before.withVersion(both), Expected.present(before));
      assertThat(s.apply(List.of(bump))).extracting(ActionOutcome::status).as(s.id()).containsExactly(Status.APPLIED);
      assertThat(scan(s).get(0).version()).as(s.id()).isIn(Version.of(later), Version.of(v));
      assertThat(s.apply(List.of(bump))).extracting(ActionOutcome::status).as(s.id()).containsExactly(Status.ALREADY_APPLIED);
    }
  }

  @Test
  @DisplayName("a key or compared column cannot be the version column")
  void misconfigured() {
    DataSource ds = H2.fresh(TABLE);
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("accounts").versionColumn("id").build())
        .hasMessageContaining("version column 'id' of table 'accounts' is a key column");
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("accounts").columns("name", "updated_at")
            .versionColumn("updated_at").build())
        .hasMessageContaining("is the version column");
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("accounts").versionColumn("nope").build())
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("nope");
  }
}
