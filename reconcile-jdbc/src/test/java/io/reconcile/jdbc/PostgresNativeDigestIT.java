package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("two PostgreSQL stores negotiate hash_record_extended digests")
class PostgresNativeDigestIT {

  private static final String DDL = PostgresDigestIT.DDL;

  private static HashScheme nativeScheme(JdbcStore store) {
    return store.hashSchemes().stream()
        .filter(h -> !h.equals(HashScheme.CANONICAL_MD5) && !h.name().startsWith(TypedColumns.PREFIX))
        .findFirst()
        .orElseThrow(() -> new AssertionError(store + " declares no native scheme"));
  }

  @Test
  @DisplayName("equal rows give equal native digests in every range; any changed column changes them")
  void nativeDigestsTrackTheData() {
    List<Entry> rows = DigestPushdownContract.rows();
    DataSource a = Postgres.fresh(DDL);
    DataSource b = Postgres.fresh(DDL);
    JdbcStore left = DigestPushdownContract.seeded(a, "left", rows);
    JdbcStore right = DigestPushdownContract.seeded(b, "right", rows);
    HashScheme scheme = nativeScheme(left);

    assertThat(scheme.name()).startsWith("postgresql-17/UTF8/hash-record-extended/");
    assertThat(scheme.bits()).isEqualTo(64);
    assertThat(right.hashSchemes()).isEqualTo(left.hashSchemes());

    List<Key> cuts = new ArrayList<>();
    for (long k = -600; k < 400; k++) {
      cuts.add(Key.of(k));
    }
    List<KeyRange> many = KeyRange.all().split(cuts);
    assertThat(many.size()).isGreaterThan(PostgresDialect.RANGES_PER_QUERY);
    List<Digest> digests = left.digest(many, scheme);
    assertThat(right.digest(many, scheme)).isEqualTo(digests);
    assertThat(digests.stream().mapToLong(Digest::count).sum()).isEqualTo(rows.size());
    // Native digests are not canonical ones: the two schemes never mix.
    assertThat(left.digest(List.of(KeyRange.all()), scheme))
        .isNotEqualTo(left.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5));

    Digest whole = right.digest(List.of(KeyRange.all()), scheme).get(0);
    Map<String, String> changes = new LinkedHashMap<>();
    changes.put("i", "i + 1");
    changes.put("s", "NULL");
    changes.put("n", "n + 0.01");
    changes.put("n6", "n6 + 0.000001");
    changes.put("nn", "nn * 10");
    changes.put("t", "t || ' '");
    changes.put("v", "''");
    changes.put("b", "NOT b");
    changes.put("dt", "dt + 1");
    changes.put("ts", "ts + interval '1 microsecond'");
    changes.put("tz", "tz - interval '1 microsecond'");
    changes.put("u", "'00000000-0000-0000-0000-000000000001'");
    changes.put("bin", "bin || '\\x00'::bytea");
    for (Map.Entry<String, String> c : changes.entrySet()) {
      Entry before = right.get(List.of(Key.of(4))).get(Key.of(4));
      Postgres.exec(b, "UPDATE items SET " + c.getKey() + " = " + c.getValue() + " WHERE id = 4");
      assertThat(right.digest(List.of(KeyRange.all()), scheme).get(0))
          .as("%s = %s", c.getKey(), c.getValue()).isNotEqualTo(whole);
      Entry now = right.get(List.of(Key.of(4))).get(Key.of(4));
      right.apply(List.of(RepairAction.upsert("right", before, Expected.present(now))));
      assertThat(right.digest(List.of(KeyRange.all()), scheme).get(0)).isEqualTo(whole);
    }
  }

  @Test
  @DisplayName("numeric values hash by value: 1.5 in numeric(12,2) and numeric(20,6) hash alike")
  void numericByValue() {
    DataSource a = Postgres.fresh("CREATE TABLE m (id int PRIMARY KEY, x numeric)",
        "INSERT INTO m VALUES (1, 1.5), (2, 100)");
    DataSource b = Postgres.fresh("CREATE TABLE m (id int PRIMARY KEY, x numeric)",
        "INSERT INTO m VALUES (1, 1.500000), (2, 100.00)");
    JdbcStore left = JdbcStore.newBuilder(a).table("m").build();
    JdbcStore right = JdbcStore.newBuilder(b).table("m").build();
    HashScheme scheme = nativeScheme(left);
    assertThat(right.digest(List.of(KeyRange.all()), scheme))
        .isEqualTo(left.digest(List.of(KeyRange.all()), scheme));
  }

  @Test
  @DisplayName("different column types or compared fields give different hash_record_extended schemes; value-changing rules leave only canonical MD5")
  void schemesCaptureTypesAndFields() {
    DataSource a = Postgres.fresh("CREATE TABLE p (id bigint PRIMARY KEY, x int, y text)");
    DataSource b = Postgres.fresh("CREATE TABLE p (id bigint PRIMARY KEY, x bigint, y text)");
    JdbcStore left = JdbcStore.newBuilder(a).table("p").build();
    JdbcStore wider = JdbcStore.newBuilder(b).table("p").build();
    JdbcStore fewer = JdbcStore.newBuilder(a).table("p").columns("x").build();
    JdbcStore renamed = JdbcStore.newBuilder(a).table("p")
        .normalization(Normalization.newBuilder().rename("y", "z").build()).build();
    JdbcStore trimmed = JdbcStore.newBuilder(a).table("p")
        .normalization(Normalization.newBuilder().trim(Normalization.Trim.TRAILING).build()).build();

    assertThat(nativeScheme(wider)).isNotEqualTo(nativeScheme(left));
    assertThat(nativeScheme(fewer)).isNotEqualTo(nativeScheme(left));
    assertThat(nativeScheme(renamed)).isNotEqualTo(nativeScheme(left));
    // The cross-product scheme hashes values whatever their types: shared across int and bigint,
    // not across different compared fields.
    assertThat(CrossProductDigestIT.typedScheme(wider)).isEqualTo(CrossProductDigestIT.typedScheme(left));
    assertThat(CrossProductDigestIT.typedScheme(fewer)).isNotEqualTo(CrossProductDigestIT.typedScheme(left));
    assertThat(CrossProductDigestIT.typedScheme(renamed)).isNotEqualTo(CrossProductDigestIT.typedScheme(left));
    assertThat(trimmed.hashSchemes()).containsExactly(HashScheme.CANONICAL_MD5);
    assertThat(JdbcStore.newBuilder(a).table("p").serverSideDigest(false).build().hashSchemes())
        .containsExactly(HashScheme.CANONICAL_MD5);
  }

  @Test
  @DisplayName("the engine digests two PostgreSQL stores natively, and the repair converges")
  void engineNegotiatesNativeDigests() {
    String ddl = "CREATE TABLE big (id bigint PRIMARY KEY, name text, amount numeric(12,2))";
    String fill = "INSERT INTO big SELECT g, 'name ' || g, g * 1.25 FROM generate_series(1, 20000) g";
    DataSource a = Postgres.fresh(ddl, fill);
    DataSource b = Postgres.fresh(ddl, fill,
        "UPDATE big SET amount = amount + 1 WHERE id IN (17, 9000, 19999)",
        "DELETE FROM big WHERE id = 4242",
        "INSERT INTO big VALUES (30000, 'extra', 1)");
    SchemeSpy source = new SchemeSpy(JdbcStore.newBuilder(a).id("source").table("big").build());
    SchemeSpy target = new SchemeSpy(JdbcStore.newBuilder(b).id("target").table("big").build());

    ReconcileReport report = reconcile(source, target);

    assertThat(report.divergences()).as(report.toJson()).isEqualTo(5);
    assertThat(report.converged()).isTrue();
    assertThat(source.used).hasSize(1).allMatch(h -> h.name().contains("hash-record-extended"));
    assertThat(target.used).isEqualTo(source.used);
    assertThat(reconcile(source, target).divergences()).isZero();
  }

  @Test
  @DisplayName("gapped integer keys split by index probes (one unnest query) into non-empty segments")
  void integerSegmentsByArrayProbes() {
    DataSource ds = Postgres.fresh("CREATE TABLE g (id bigint PRIMARY KEY)",
        "INSERT INTO g SELECT x FROM generate_series(1, 100) x",
        "INSERT INTO g SELECT x + 1000000000000 FROM generate_series(1, 100) x");
    JdbcStore store = JdbcStore.newBuilder(ds).table("g").build();
    List<io.reconcile.api.store.Segment> segments = store.segments(KeyRange.all(), 16);
    assertThat(segments.size()).isBetween(2, 16);
    long total = 0;
    for (io.reconcile.api.store.Segment seg : segments) {
      long rows = store.digest(seg.range()).count();
      assertThat(rows).as("%s", seg).isPositive();
      total += rows;
    }
    assertThat(total).isEqualTo(200);
    assertThat(store.segments(KeyRange.all(), 1).get(0).estimatedCount()).isEqualTo(200);
  }

  @Test
  @DisplayName("the native digest query is a hash aggregate over one scan, no sort")
  void nativePlanIsHashAggregate() throws Exception {
    DataSource ds = Postgres.fresh(DDL,
        "INSERT INTO items (id, i, t) SELECT g, g, 'x' || g FROM generate_series(1, 200000) g",
        "ANALYZE items");
    JdbcStore pg = JdbcStore.newBuilder(ds).table("items").build();
    List<Key> cuts = new ArrayList<>();
    for (long k = 300; k < 200000; k += 300) {
      cuts.add(Key.of(k));
    }
    List<KeyRange> ranges = KeyRange.all().split(cuts).subList(0, PostgresDialect.RANGES_PER_QUERY);
    Queries queries = pg.queries();
    List<Queries.Bound> params = new ArrayList<>();
    String sql = ((PostgresDialect.HashRecord) queries.dialect().nativeDigests().get(0)).sql(queries, ranges, params);
    StringBuilder plan = new StringBuilder();
    try (var c = ds.getConnection(); var ps = c.prepareStatement("EXPLAIN " + sql)) {
      new Queries.Sql(sql, params).bind(ps);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    assertThat(plan.toString()).as(plan.toString()).contains("HashAggregate").doesNotContain("Sort");
  }

  private static ReconcileReport reconcile(Store source, Store target) {
    return Reconciler.newBuilder()
        .stores(source, target)
        .resolver(Resolvers.sourceOfTruth(source.id()))
        .mode(Mode.APPLY)
        .auditLog(AuditLog.inMemory())
        .segments(16)
        .leafRows(64)
        .seed(1)
        .build()
        .run();
  }
}
