package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("two MariaDB stores negotiate CRC32 + CRC32C digests: of the typed rows, or of the canonical rows")
class MariaDbNativeDigestIT {

  private static final String DDL =
      "CREATE TABLE big (id bigint PRIMARY KEY, name varchar(40), amount decimal(12,2), at datetime(6))";
  private static final String FILL =
      "INSERT INTO big SELECT seq, CONCAT('name ', seq), seq * 1.25,"
          + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_1_to_5000";

  @Test
  @DisplayName("equal rows give equal native digests in every range, across decimal scales; changes show")
  void nativeDigestsTrackTheData() {
    DataSource a = MariaDb.fresh(DDL, FILL);
    DataSource b = MariaDb.fresh(DDL.replace("decimal(12,2)", "decimal(20,6)"), FILL);
    JdbcStore left = JdbcStore.newBuilder(a).table("big").build();
    JdbcStore right = JdbcStore.newBuilder(b).table("big").build();

    assertThat(left.hashSchemes()).contains(MariaDbDialect.CRC_SCHEME);
    assertThat(right.hashSchemes()).contains(MariaDbDialect.CRC_SCHEME);
    // The decimals print differently, so the typed-row schemes differ and only the canonical one is shared.
    assertThat(rowScheme(left)).isNotEqualTo(rowScheme(right));
    List<Key> cuts = new ArrayList<>();
    for (long k = 0; k < 5100; k += 37) {
      cuts.add(Key.of(k));
    }
    List<KeyRange> ranges = KeyRange.all().split(cuts);
    List<Digest> digests = left.digest(ranges, MariaDbDialect.CRC_SCHEME);
    assertThat(right.digest(ranges, MariaDbDialect.CRC_SCHEME)).isEqualTo(digests);
    assertThat(digests.stream().mapToLong(Digest::count).sum()).isEqualTo(5000);
    assertThat(left.digest(List.of(KeyRange.all()), MariaDbDialect.CRC_SCHEME))
        .isNotEqualTo(left.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5));

    Digest whole = right.digest(List.of(KeyRange.all()), MariaDbDialect.CRC_SCHEME).get(0);
    for (String change : List.of("name = CONCAT(name, ' ')", "amount = amount + 0.000001",
        "at = at + INTERVAL 1 MICROSECOND", "name = NULL", "amount = NULL")) {
      H2.exec(b, "UPDATE big SET " + change + " WHERE id = 4242");
      assertThat(right.digest(List.of(KeyRange.all()), MariaDbDialect.CRC_SCHEME).get(0))
          .as(change).isNotEqualTo(whole);
      H2.exec(b, "DELETE FROM big WHERE id = 4242",
          "INSERT INTO big SELECT seq, CONCAT('name ', seq), seq * 1.25,"
              + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND FROM seq_4242_to_4242");
      assertThat(right.digest(List.of(KeyRange.all()), MariaDbDialect.CRC_SCHEME).get(0)).isEqualTo(whole);
    }
  }

  @Test
  @DisplayName("same column types: typed-row digests agree on equal rows and tell NULL, '' and a trailing space apart")
  void typedRowDigests() {
    DataSource a = MariaDb.fresh(DDL, FILL);
    DataSource b = MariaDb.fresh(DDL, FILL);
    JdbcStore left = JdbcStore.newBuilder(a).table("big").build();
    JdbcStore right = JdbcStore.newBuilder(b).table("big").build();
    HashScheme rows = rowScheme(left);
    assertThat(rows.name()).startsWith("mariadb-11.4/typed-row-crc32-crc32c/");
    assertThat(rowScheme(right)).isEqualTo(rows);
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of(100), Key.of(2000), Key.of(4999)));
    assertThat(right.digest(ranges, rows)).isEqualTo(left.digest(ranges, rows));

    List<Digest> seen = new ArrayList<>();
    for (String name : List.of("'name 7'", "''", "NULL", "'name 7 '", "'-1'")) {
      H2.exec(b, "UPDATE big SET name = " + name + " WHERE id = 7");
      Digest d = right.digest(List.of(KeyRange.all()), rows).get(0);
      assertThat(seen).as("name = %s", name).doesNotContain(d);
      seen.add(d);
    }
    assertThat(seen.get(0)).isEqualTo(left.digest(List.of(KeyRange.all()), rows).get(0));
  }

  private static HashScheme rowScheme(JdbcStore store) {
    return store.hashSchemes().stream().filter(h -> h.name().contains("/typed-row-crc32")).findFirst()
        .orElseThrow(() -> new AssertionError(store + " declares no typed-row scheme: " + store.hashSchemes()));
  }

  @Test
  @DisplayName("the engine digests two MariaDB stores natively and converges; with PostgreSQL the typed-columns scheme")
  void engineNegotiates() {
    DataSource a = MariaDb.fresh(DDL, FILL);
    DataSource b = MariaDb.fresh(DDL, FILL,
        "UPDATE big SET amount = amount + 1 WHERE id IN (17, 2500, 4999)",
        "DELETE FROM big WHERE id = 1234",
        "INSERT INTO big VALUES (9000, 'extra', 1, NOW(6))");
    SchemeSpy source = new SchemeSpy(JdbcStore.newBuilder(a).id("source").table("big").build());
    SchemeSpy target = new SchemeSpy(JdbcStore.newBuilder(b).id("target").table("big").build());

    ReconcileReport report = reconcile(source, target);
    assertThat(report.divergences()).as(report.toJson()).isEqualTo(5);
    assertThat(report.converged()).isTrue();
    assertThat(source.used).hasSize(1).allMatch(h -> h.name().startsWith("mariadb-11.4/typed-row-crc32-crc32c/"));
    assertThat(reconcile(source, target).divergences()).isZero();

    DataSource pg = Postgres.fresh(
        "CREATE TABLE big (id bigint PRIMARY KEY, name varchar(40), amount numeric(12,2), at timestamp)",
        "INSERT INTO big SELECT g, 'name ' || g, g * 1.25, timestamp '2024-01-01' + g * interval '1 second'"
            + " FROM generate_series(1, 5000) g");
    SchemeSpy postgres = new SchemeSpy(JdbcStore.newBuilder(pg).id("pg").table("big").build());
    SchemeSpy maria = new SchemeSpy(JdbcStore.newBuilder(MariaDb.fresh(DDL, FILL)).id("maria").table("big").build());
    assertThat(reconcile(postgres, maria).divergences()).isZero();
    assertThat(maria.used).singleElement().satisfies(h -> assertThat(h.name()).startsWith(TypedColumns.PREFIX));
  }

  private static ReconcileReport reconcile(Store source, Store target) {
    return Reconciler.newBuilder()
        .stores(source, target)
        .resolver(Resolvers.sourceOfTruth(source.id()))
        .mode(Mode.APPLY)
        .auditLog(AuditLog.inMemory())
        .seed(1)
        .build()
        .run();
  }
}
