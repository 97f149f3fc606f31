package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Segment;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("large tables split from the database's statistics, and digest in few queries")
class StatisticsSegmentsIT {

  private static final long ROWS = 200_000;

  /** A fresh analysed table {@code t} of {@link #ROWS} rows, key = {@code step} × 1..ROWS. */
  private static DataSource table(String product, long step) {
    if (product.equals("postgresql")) {
      return Postgres.fresh("CREATE TABLE t (id bigint PRIMARY KEY, v text)",
          "INSERT INTO t SELECT g * " + step + ", 'v' || g FROM generate_series(1, " + ROWS + ") g",
          "ANALYZE t");
    }
    return MariaDb.fresh("CREATE TABLE t (id bigint PRIMARY KEY, v varchar(20))",
        "INSERT INTO t SELECT seq * " + step + ", CONCAT('v', seq) FROM seq_1_to_" + ROWS,
        "ANALYZE TABLE t");
  }

  private static long count(DataSource ds, String where) {
    return Long.parseLong(Postgres.query(ds, "SELECT COUNT(*) FROM t WHERE " + where).strip());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgresql", "mariadb"})
  @DisplayName("dense keys: the row count is the statistics' estimate and the even cuts are kept, even on deleted keys")
  void denseKeysAreCutEvenly(String product) {
    DataSource ds = table(product, 1);
    H2.exec(ds, "DELETE FROM t WHERE id IN (2001, 100001)"); // where two of the even cuts fall
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").build();

    long estimate = store.segments(KeyRange.all(), 1).get(0).estimatedCount();
    assertThat(estimate).isBetween(ROWS * 8 / 10, ROWS * 12 / 10);

    List<Segment> segments = store.segments(KeyRange.all(), 100);
    assertThat(segments).hasSize(100);
    assertThat(segments).extracting(s -> s.range().lo())
        .contains(Key.of(2001L), Key.of(100001L)); // index probes would have moved them to 2002, 100002
    for (Segment s : segments.subList(1, segments.size() - 1)) {
      long lo = (Long) s.range().lo().part(0);
      long hi = (Long) s.range().hi().part(0);
      assertThat(count(ds, "id >= " + lo + " AND id < " + hi)).isBetween(1999L, 2000L);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgresql", "mariadb"})
  @DisplayName("sparse keys: cuts move to existing keys, so no segment is empty")
  void sparseKeysAreProbed(String product) {
    DataSource ds = table(product, 10);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").build();
    List<Segment> segments = store.segments(KeyRange.all(), 100);
    assertThat(segments.size()).isBetween(90, 100);
    for (Segment s : segments.subList(1, segments.size())) {
      assertThat((Long) s.range().lo().part(0) % 10).as("%s starts on a key", s).isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgresql", "mariadb"})
  @DisplayName("text keys of a large table are cut at a random sample's keys, without counting or scanning every key")
  void textKeysAreSampled(String product) {
    DataSource ds = product.equals("postgresql")
        ? Postgres.fresh("CREATE TABLE w (k text PRIMARY KEY, v int)",
            "INSERT INTO w SELECT md5(g::text), g FROM generate_series(1, " + ROWS + ") g", "ANALYZE w")
        : MariaDb.fresh("CREATE TABLE w (k varchar(32) COLLATE utf8mb4_nopad_bin PRIMARY KEY, v int)",
            "INSERT INTO w SELECT MD5(seq), seq FROM seq_1_to_" + ROWS, "ANALYZE TABLE w");
    List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();
    JdbcStore store = JdbcStore.newBuilder(DigestPushdownContract.recording(ds, statements::add)).table("w").build();
    statements.clear(); // the catalog reads of build() are not the split's

    List<Segment> segments = store.segments(KeyRange.all(), 100);
    assertThat(statements).anyMatch(sql -> sql.contains("RAND()") || sql.contains("random()"))
        .noneMatch(sql -> sql.contains("COUNT(*)") || sql.contains("ORDER BY"));
    assertThat(segments.size()).isBetween(90, 100);
    assertThat(segments.get(0).range().lo()).isNull();
    assertThat(segments.get(segments.size() - 1).range().hi()).isNull();
    long total = 0;
    for (int i = 0; i < segments.size(); i++) {
      KeyRange r = segments.get(i).range();
      if (i > 0) {
        assertThat(r.lo()).isEqualTo(segments.get(i - 1).range().hi());
      }
      long rows;
      try (var scan = JdbcStore.newBuilder(ds).table("w").build().scan(r)) {
        rows = scan.count();
      }
      // About 2,000 rows each: 10 sampled keys per segment leave it far from empty or 3x too large.
      assertThat(rows).as("%s", r).isBetween(1L, 6_000L);
      total += rows;
    }
    assertThat(total).isEqualTo(ROWS);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgresql", "mariadb"})
  @DisplayName("a filtered table is counted exactly: its statistics do not describe the filter")
  void filteredTablesAreCounted(String product) {
    DataSource ds = table(product, 1);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").filter("id % 3 = 0").build();
    assertThat(store.segments(KeyRange.all(), 1).get(0).estimatedCount()).isEqualTo(ROWS / 3);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"postgresql", "mariadb"})
  @DisplayName("thousands of adjacent segments digest in the server exactly as client-side, native digests too")
  void manySegmentsDigestAsClientSide(String product) {
    DataSource ds = table(product, 3);
    H2.exec(ds, "UPDATE t SET v = NULL WHERE id % 7 = 0");
    JdbcStore server = JdbcStore.newBuilder(ds).table("t").build();
    JdbcStore client = JdbcStore.newBuilder(ds).table("t").serverSideDigest(false).build();
    List<KeyRange> ranges = server.segments(KeyRange.all(), 5_000).stream().map(Segment::range).toList();
    assertThat(ranges).hasSizeGreaterThan(4_000);

    assertThat(server.digest(ranges, HashScheme.CANONICAL_MD5))
        .isEqualTo(client.digest(ranges, HashScheme.CANONICAL_MD5));
    HashScheme nativeScheme = server.hashSchemes().stream()
        .filter(h -> !h.equals(HashScheme.CANONICAL_MD5)).findFirst().orElseThrow();
    assertThat(server.digest(ranges, nativeScheme).stream().mapToLong(Digest::count).sum()).isEqualTo(ROWS);
    // The same ranges one by one and all at once give the same native digests.
    assertThat(server.digest(ranges, nativeScheme).subList(0, 50))
        .isEqualTo(ranges.subList(0, 50).stream().map(r -> server.digest(List.of(r), nativeScheme).get(0)).toList());
  }
}
