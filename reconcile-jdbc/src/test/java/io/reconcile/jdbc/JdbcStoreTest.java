package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ActionOutcome.Status;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class JdbcStoreTest {

  static DataSource kv(int rows) {
    DataSource ds = H2.fresh("CREATE TABLE kv (id BIGINT PRIMARY KEY, v VARCHAR(20))");
    if (rows > 0) {
      H2.exec(ds, "INSERT INTO kv SELECT X, 'v' || X FROM SYSTEM_RANGE(0, " + (rows - 1) + ")");
    }
    return ds;
  }

  static JdbcStore store(DataSource ds, int fetchSize) {
    return JdbcStore.newBuilder(ds).id("kv").table("kv").fetchSize(fetchSize).build();
  }

  static Entry row(long id, String v) {
    return Entry.of(Key.of(id), Map.of("v", v));
  }

  static List<Entry> scanAll(JdbcStore s, KeyRange r) {
    try (Stream<Entry> st = s.scan(r)) {
      return st.toList();
    }
  }

  @Nested
  @DisplayName("reading")
  class Reading {

    @Test
    @DisplayName("scans page through the table in key order, within the range bounds")
    void scans() {
      JdbcStore s = store(kv(100), 7);
      assertThat(scanAll(s, KeyRange.of(Key.of(10), Key.of(20))))
          .extracting(Entry::key)
          .containsExactlyElementsOf(LongStream.range(10, 20).mapToObj(Key::of).toList());
      List<Entry> all = scanAll(s, KeyRange.all());
      assertThat(all).hasSize(100).first().isEqualTo(row(0, "v0"));
      assertThat(all).extracting(Entry::key).isSorted();
      assertThat(scanAll(s, KeyRange.atLeast(Key.of(95)))).hasSize(5);
      assertThat(scanAll(s, KeyRange.below(Key.of(14)))).hasSize(14); // exactly 2 full pages
      assertThat(scanAll(s, KeyRange.of(Key.of(200), Key.of(300)))).isEmpty();
    }

    @Test
    @DisplayName("composite text keys scan in code point order, with full and prefix bounds")
    void compositeKeys() {
      DataSource ds =
          H2.fresh(
              "CREATE TABLE t (region VARCHAR(10), id BIGINT, v INT, PRIMARY KEY (region, id))");
      List<String> regions = List.of("", "a", "ab", "B", "eu", "us", "é", "\uD7FF", "😀");
      TreeSet<Key> keys = new TreeSet<>();
      for (String r : regions) {
        for (long id = -2; id < 3; id++) {
          H2.exec(ds, "INSERT INTO t VALUES ('" + r + "', " + id + ", 1)");
          keys.add(Key.of(r, id));
        }
      }
      JdbcStore s = JdbcStore.newBuilder(ds).table("t").fetchSize(4).build();
      assertThat(scanAll(s, KeyRange.all())).extracting(Entry::key).containsExactlyElementsOf(keys);
      for (KeyRange r :
          List.of(
              KeyRange.of(Key.of("a", 0L), Key.of("eu", 1L)),
              KeyRange.of(Key.of("ab"), Key.of("us")),
              KeyRange.of(Key.of("B", -1L), Key.of("é")),
              KeyRange.atLeast(Key.of("\uD7FF", 2L)),
              KeyRange.below(Key.of("a", 1L, "x")),
              KeyRange.atLeast(Key.of("eu", 0L, "x")))) {
        assertThat(scanAll(s, r))
            .as("scan of %s", r)
            .extracting(Entry::key)
            .containsExactlyElementsOf(keys.stream().filter(r::contains).toList());
      }
    }

    @Test
    @DisplayName("H2 orders text by UTF-16 unit, but its dialect compares text keys as UTF-8 bytes:"
        + " keys mixing U+E000..U+FFFF with supplementary characters scan and digest in code point order")
    void textKeysInCodePointOrder() {
      DataSource ds =
          H2.fresh(
              "CREATE TABLE t (k VARCHAR(4) PRIMARY KEY, v INT)",
              "INSERT INTO t VALUES ('a', 1), ('\uFFFD', 2), ('😀', 3), ('\uE000', 4), ('\uD7FF', 5)");
      // H2 itself puts the emoji (a surrogate pair) before U+E000.
      assertThat(H2.query(ds, "SELECT v FROM t ORDER BY k")).isEqualTo("1\n5\n3\n4\n2\n");
      JdbcStore s = JdbcStore.newBuilder(ds).table("t").fetchSize(2).build();
      assertThat(scanAll(s, KeyRange.all())).extracting(Entry::key).containsExactly(
          Key.of("a"), Key.of("\uD7FF"), Key.of("\uE000"), Key.of("\uFFFD"), Key.of("😀"));
      // By Key order 😀 (U+1F600) is after U+FFFD, so not in [a, U+FFFD).
      assertThat(s.digest(KeyRange.of(Key.of("a"), Key.of("\uFFFD"))).count()).isEqualTo(3);
      assertThat(scanAll(s, KeyRange.atLeast(Key.of("\uFFFD")))).extracting(Entry::key)
          .containsExactly(Key.of("\uFFFD"), Key.of("😀"));
    }

    @Test
    @DisplayName("UUID and binary keys scan unsigned, as Key orders them")
    void uuidAndBinaryKeys() {
      DataSource ds =
          H2.fresh(
              "CREATE TABLE u (id UUID PRIMARY KEY, v INT)",
              "CREATE TABLE b (id VARBINARY(4) PRIMARY KEY, v INT)",
              "INSERT INTO u VALUES ('ffffffff-0000-0000-0000-000000000000', 1),"
                  + " ('00000000-0000-0000-0000-000000000001', 2),"
                  + " ('7fffffff-0000-0000-0000-000000000000', 3)",
              "INSERT INTO b VALUES (X'FF', 1), (X'01', 2), (X'80', 3), (X'7F', 4), (X'7F00', 5)");
      List<Key> uuids =
          scanAll(JdbcStore.newBuilder(ds).table("u").build(), KeyRange.all()).stream().map(Entry::key).toList();
      assertThat(uuids).isSorted().hasSize(3);
      assertThat(uuids.get(2)).isEqualTo(Key.of(UUID.fromString("ffffffff-0000-0000-0000-000000000000")));
      List<Key> bins =
          scanAll(JdbcStore.newBuilder(ds).table("b").build(), KeyRange.all()).stream().map(Entry::key).toList();
      assertThat(bins).isSorted().hasSize(5);
      assertThat(bins.get(4)).isEqualTo(Key.ofBytes(new byte[] {(byte) 0xFF}));
    }

    @Test
    @DisplayName("the digest of a range equals the digest of its scanned rows and of its parts")
    void digests() {
      JdbcStore s = store(kv(100), 9);
      KeyRange r = KeyRange.of(Key.of(5), Key.of(77));
      Digest scanned = Digest.EMPTY;
      for (Entry e : scanAll(s, r)) {
        scanned = scanned.plus(e.hash());
      }
      assertThat(scanned.count()).isEqualTo(72);
      assertThat(s.digest(r)).isEqualTo(scanned);
      List<Digest> parts =
          s.digest(r.split(List.of(Key.of(30), Key.of(31))), HashScheme.CANONICAL_MD5);
      assertThat(parts.get(0).plus(parts.get(1)).plus(parts.get(2))).isEqualTo(scanned);
      assertThat(parts).extracting(Digest::count).containsExactly(25L, 1L, 46L);
      // Ranges with gaps between them: rows in the gaps count for none.
      List<Digest> gapped =
          s.digest(
              List.of(KeyRange.of(Key.of(1), Key.of(3)), KeyRange.of(Key.of(50), Key.of(52)), KeyRange.atLeast(Key.of(98))),
              HashScheme.CANONICAL_MD5);
      assertThat(gapped).extracting(Digest::count).containsExactly(2L, 2L, 2L);
      assertThat(gapped.get(1)).isEqualTo(s.digest(KeyRange.of(Key.of(50), Key.of(52))));
      assertThat(s.digest(List.of(), HashScheme.CANONICAL_MD5)).isEmpty();
    }

    @Test
    @DisplayName("digest ranges must be ascending and the scheme supported")
    void digestArguments() {
      JdbcStore s = store(kv(3), 10);
      assertThatThrownBy(
              () -> s.digest(List.of(KeyRange.atLeast(Key.of(2)), KeyRange.below(Key.of(1))), HashScheme.CANONICAL_MD5))
          .hasMessageContaining("ascending and not overlap");
      assertThatThrownBy(() -> s.digest(List.of(KeyRange.all()), new HashScheme("crc64", 64)))
          .hasMessageContaining("not HashScheme[name=crc64");
      assertThatThrownBy(() -> s.digest(KeyRange.atLeast(Key.of("text"))))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("key column 'ID' (BIGINT) cannot hold a String part");
    }

    @Test
    @DisplayName("text keys: segments cover the range with balanced exact counts")
    void segments() {
      DataSource ds = H2.fresh("CREATE TABLE tk (id VARCHAR(10) PRIMARY KEY, v VARCHAR(20))",
          "INSERT INTO tk SELECT 'k' || LPAD(CAST(X AS VARCHAR), 4, '0'), 'v' FROM SYSTEM_RANGE(0, 999)",
          "INSERT INTO tk VALUES ('z1', 'far'), ('z2', 'further')");
      JdbcStore s = JdbcStore.newBuilder(ds).table("tk").fetchSize(64).build();
      List<Segment> segs = s.segments(KeyRange.all(), 6);
      assertThat(segs).hasSize(6);
      assertThat(segs.stream().mapToLong(Segment::estimatedCount).sum()).isEqualTo(1002);
      assertThat(segs).allSatisfy(seg -> assertThat(seg.estimatedCount()).isBetween(166L, 168L));
      assertThat(segs.get(0).range().lo()).isNull();
      assertThat(segs.get(5).range().hi()).isNull();
      for (int i = 1; i < segs.size(); i++) {
        assertThat(segs.get(i).range().lo()).isEqualTo(segs.get(i - 1).range().hi());
      }
      for (Segment seg : segs) {
        assertThat(s.digest(seg.range()).count()).isEqualTo(seg.estimatedCount());
      }
      KeyRange mid = KeyRange.of(Key.of("k0100"), Key.of("k0200"));
      List<Segment> inMid = s.segments(mid, 4);
      assertThat(inMid).hasSize(4).extracting(Segment::estimatedCount).containsOnly(25L);
      assertThat(inMid.get(0).range().lo()).isEqualTo(Key.of("k0100"));
      assertThat(inMid.get(3).range().hi()).isEqualTo(Key.of("k0200"));
      assertThat(store(kv(3), 10).segments(KeyRange.all(), 10)).hasSize(3);
      assertThat(store(kv(0), 10).segments(KeyRange.all(), 10)).containsExactly(new Segment(KeyRange.all(), 0));
      assertThatThrownBy(() -> s.segments(KeyRange.all(), 0)).hasMessageContaining("maxSegments must be >= 1, but was 0");
    }

    @Test
    @DisplayName("point lookups return only present keys")
    void lookups() {
      JdbcStore s = store(kv(5), 10);
      Map<Key, Entry> got = s.get(List.of(Key.of(1), Key.of(9), Key.of(4)));
      assertThat(got).containsOnlyKeys(Key.of(1), Key.of(4));
      assertThat(got.get(Key.of(4))).isEqualTo(row(4, "v4"));
      assertThat(s.get(List.of())).isEmpty();
    }

    @Test
    @DisplayName("a filter limits every read; normalisation renames and ignores columns")
    void filterAndNormalisation() {
      DataSource ds =
          H2.fresh(
              "CREATE TABLE p (id INT PRIMARY KEY, full_name VARCHAR(20), note VARCHAR(20), region CHAR(2))",
              "INSERT INTO p VALUES (1, 'Ada  ', 'x', 'eu'), (2, 'Grace', 'y', 'us'), (3, 'Alan', 'z', 'eu')");
      JdbcStore s =
          JdbcStore.newBuilder(ds)
              .table("p")
              .filter("region = 'eu'")
              .normalization(
                  Normalization.newBuilder()
                      .rename("full_name", "name")
                      .ignore("note", "region")
                      .trim(Normalization.Trim.TRAILING)
                      .build())
              .build();
      List<Entry> seen = scanAll(s, KeyRange.all());
      assertThat(seen).containsExactly(
          Entry.of(Key.of(1), Map.of("name", "Ada")), Entry.of(Key.of(3), Map.of("name", "Alan")));
      assertThat(s.get(List.of(Key.of(2)))).isEmpty();
      assertThat(s.segments(KeyRange.all(), 5)).extracting(seg -> s.digest(seg.range()).count())
          .containsExactly(1L, 1L);
      assertThat(s.digest(KeyRange.all()).count()).isEqualTo(2);
      // Writing maps the dataset name back to the column and leaves ignored columns alone.
      Entry wanted = Entry.of(Key.of(3), Map.of("name", "Alan T"));
      assertThat(s.apply(List.of(RepairAction.upsert(s.id(), wanted, Expected.present(seen.get(1))))))
          .extracting(ActionOutcome::status)
          .containsExactly(Status.APPLIED);
      assertThat(s.get(List.of(Key.of(3))).get(Key.of(3))).isEqualTo(wanted);
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM p WHERE id = 3 AND note = 'z' AND full_name = 'Alan T'")).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("types")
  class Types {

    static final String DDL =
        "CREATE TABLE items (id BIGINT PRIMARY KEY, i INT, s SMALLINT, n NUMERIC(10,2), r REAL,"
            + " d DOUBLE PRECISION, t VARCHAR(50), c CLOB, b BOOLEAN, dt DATE, ts TIMESTAMP(9),"
            + " tz TIMESTAMP(9) WITH TIME ZONE, u UUID, bin VARBINARY(16), blb BLOB, j JSON)";

    static Map<String, Object> fields(long id) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("i", (int) id * 7);
      m.put("s", (short) -3);
      m.put("n", new BigDecimal(id + ".50"));
      m.put("r", 0.1f);
      m.put("d", 2.5e-7 * id);
      m.put("t", id % 2 == 0 ? "naïve 😀 " + id : "");
      m.put("c", "clob " + id);
      m.put("b", id % 2 == 0);
      m.put("dt", LocalDate.of(2024, 2, 29).plusDays(id));
      m.put("ts", Instant.parse("2024-03-01T10:15:30.123456Z").plusSeconds(id));
      m.put("tz", Instant.parse("1999-12-31T23:59:59.999999Z").plusSeconds(id));
      m.put("u", new UUID(id, -id));
      m.put("bin", new byte[] {0, (byte) id, (byte) 0xFF});
      m.put("blb", new byte[] {1, 2, 3});
      m.put("j", Map.of("a", List.of(1, 2), "b", "x")); // a JSON column holds a document
      return m;
    }

    static Entry typedRow(long id) {
      return Entry.of(Key.of(id), fields(id));
    }

    static Entry nullRow(long id) {
      Map<String, Object> m = new LinkedHashMap<>();
      fields(id).keySet().forEach(k -> m.put(k, Value.ofNull()));
      return Entry.of(Key.of(id), m);
    }

    @Test
    @DisplayName("every supported column type round-trips through apply and scan unchanged")
    void roundTrip() {
      DataSource ds = H2.fresh(DDL);
      JdbcStore s = JdbcStore.newBuilder(ds).id("items").table("items").build();
      List<RepairAction> inserts = new ArrayList<>();
      for (long id = 1; id <= 4; id++) {
        inserts.add(RepairAction.upsert("items", typedRow(id), Expected.absent()));
      }
      inserts.add(RepairAction.upsert("items", nullRow(5), Expected.absent()));
      assertThat(s.apply(inserts)).extracting(ActionOutcome::status).containsOnly(Status.APPLIED);
      List<Entry> back = scanAll(s, KeyRange.all());
      assertThat(back).hasSize(5);
      for (int i = 0; i < 4; i++) {
        assertThat(back.get(i).sameData(typedRow(i + 1))).as("row %s: %s", i + 1, back.get(i)).isTrue();
      }
      assertThat(back.get(4).sameData(nullRow(5))).as("null row: %s", back.get(4)).isTrue();
      assertThat(back.get(4).field("t")).isEqualTo(Value.ofNull());
      assertThat(back.get(0).field("t")).isEqualTo(Value.of("")); // empty text is not NULL
      assertThat(back.get(0).field("r")).isEqualTo(Value.of(0.1)); // REAL by its shortest form
      // Values written by plain SQL read the same as values written through the store.
      H2.exec(ds, "INSERT INTO items (id, n, ts, tz, j) VALUES (6, 1.5, TIMESTAMP '2024-03-01 10:15:30.123456',"
          + " TIMESTAMP WITH TIME ZONE '2024-03-01 12:15:30.123456+02:00', JSON '{\"a\":1}')");
      Entry six = s.get(List.of(Key.of(6))).get(Key.of(6));
      assertThat(six.field("n")).isEqualTo(Value.of(new BigDecimal("1.50")));
      assertThat(six.field("ts")).isEqualTo(Value.of(Instant.parse("2024-03-01T10:15:30.123456Z")));
      assertThat(six.field("tz")).isEqualTo(Value.of(Instant.parse("2024-03-01T10:15:30.123456Z")));
      assertThat(six.field("j")).isEqualTo(Value.from(Map.of("a", 1))); // a JSON column holds a document
    }

    @Test
    @DisplayName("a value that does not fit its column is refused and the batch rolled back")
    void mismatch() {
      DataSource ds = H2.fresh(DDL, "INSERT INTO items (id, i) VALUES (1, 1)");
      JdbcStore s = JdbcStore.newBuilder(ds).id("items").table("items").build();
      Entry before = s.get(List.of(Key.of(1))).get(Key.of(1));
      Map<String, Object> bad = fields(2);
      bad.put("i", "not a number");
      assertThatThrownBy(
              () -> s.apply(List.of(
                  RepairAction.delete("items", Key.of(1), Expected.present(before)),
                  RepairAction.upsert("items", Entry.of(Key.of(2), bad), Expected.absent()))))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining("key 2: column 'I' (INTEGER)")
          .hasMessageNotContaining("not a number");
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM items")).isEqualTo(1);
      assertThatThrownBy(
              () -> s.apply(List.of(RepairAction.upsert("items", Entry.of(Key.of(3), Map.of("nope", 1)), Expected.absent()))))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining("has field 'nope', but table 'items' has no compared column for it");
    }
  }

  @Nested
  @DisplayName("writing")
  class Writing {

    @Test
    @DisplayName("a conditional write with a stale expectation is refused and changes nothing")
    void staleExpectation() {
      DataSource ds = kv(3);
      JdbcStore s = store(ds, 10);
      Entry seenAtDetection = row(1, "v1");
      H2.exec(ds, "UPDATE kv SET v = 'changed' WHERE id = 1");
      Digest before = s.digest(KeyRange.all());
      List<ActionOutcome> out =
          s.apply(List.of(RepairAction.upsert("kv", row(1, "repaired"), Expected.present(seenAtDetection))));
      assertThat(out.get(0).status()).isEqualTo(Status.REFUSED);
      assertThat(out.get(0).found()).isEqualTo(row(1, "changed"));
      assertThat(s.apply(List.of(RepairAction.upsert("kv", row(7, "x"), Expected.present(row(7, "y"))))).get(0).status())
          .isEqualTo(Status.REFUSED);
      assertThat(s.apply(List.of(RepairAction.upsert("kv", row(2, "x"), Expected.absent()))).get(0).status())
          .isEqualTo(Status.REFUSED);
      assertThat(s.apply(List.of(RepairAction.delete("kv", Key.of(2), Expected.present(row(2, "nope"))))).get(0).status())
          .isEqualTo(Status.REFUSED);
      assertThat(s.digest(KeyRange.all())).isEqualTo(before);
    }

    @Test
    @DisplayName("a batch locks and reads its rows with one statement per 500 keys and writes with one JDBC batch per shape")
    void batchedStatements() {
      AtomicInteger prepared = new AtomicInteger();
      JdbcStore s = store(DigestPushdownContract.counting(kv(1000), prepared), 100);
      List<RepairAction> plan = new ArrayList<>();
      for (long k = 0; k < 400; k++) {
        plan.add(RepairAction.upsert("kv", row(k, "u" + k), Expected.present(row(k, "v" + k))));
      }
      for (long k = 400; k < 800; k++) {
        plan.add(RepairAction.delete("kv", Key.of(k), Expected.present(row(k, "v" + k))));
      }
      for (long k = 1000; k < 1400; k++) {
        plan.add(RepairAction.upsert("kv", row(k, "i" + k), Expected.absent()));
      }
      prepared.set(0);
      assertThat(s.apply(plan)).extracting(ActionOutcome::status).containsOnly(Status.APPLIED);
      // Three runs of at most 500 keys: a locking read each, then a delete, update or insert batch
      // per shape present — 8 statements where one by one would take 2,400.
      assertThat(prepared).hasValueLessThanOrEqualTo(8);
      List<Entry> after = scanAll(s, KeyRange.all());
      assertThat(after).hasSize(1000 - 400 + 400);
      assertThat(after.get(0)).isEqualTo(row(0, "u0"));
      assertThat(after.get(400)).isEqualTo(row(800, "v800"));
      assertThat(after.get(after.size() - 1)).isEqualTo(row(1399, "i1399"));
      // Replayed, every action finds its result in place and nothing is written.
      prepared.set(0);
      assertThat(s.apply(plan)).extracting(ActionOutcome::status).containsOnly(Status.ALREADY_APPLIED);
      assertThat(prepared).hasValueLessThanOrEqualTo(3);
    }

    @Test
    @DisplayName("a batch on composite keys locks, decides and writes each row by its whole key")
    void compositeKeyBatch() {
      DataSource ds = H2.fresh(
          "CREATE TABLE t (region VARCHAR(10), id BIGINT, v VARCHAR(10), PRIMARY KEY (region, id))",
          "INSERT INTO t VALUES ('eu', 1, 'a'), ('eu', 2, 'b'), ('us', 1, 'c'), ('us', 2, 'd')");
      JdbcStore s = JdbcStore.newBuilder(ds).id("t").table("t").build();
      List<RepairAction> plan = List.of(
          RepairAction.upsert("t", at("eu", 1, "A"), Expected.present(at("eu", 1, "a"))),
          RepairAction.delete("t", Key.of("eu", 2L), Expected.present(at("eu", 2, "b"))),
          RepairAction.upsert("t", at("us", 1, "x"), Expected.present(at("us", 1, "stale"))),
          RepairAction.upsert("t", at("us", 3, "n"), Expected.absent()),
          RepairAction.upsert("t", at("us", 2, "d"), Expected.present(at("us", 2, "z"))));
      assertThat(s.apply(plan)).extracting(ActionOutcome::status).containsExactly(
          Status.APPLIED, Status.APPLIED, Status.REFUSED, Status.APPLIED, Status.ALREADY_APPLIED);
      assertThat(scanAll(s, KeyRange.all())).containsExactly(
          at("eu", 1, "A"), at("us", 1, "c"), at("us", 2, "d"), at("us", 3, "n"));
      assertThat(s.get(List.of(Key.of("us", 1L), Key.of("eu", 2L), Key.of("us", 1L), Key.of("zz", 9L))))
          .containsOnlyKeys(Key.of("us", 1L));
    }

    private static Entry at(String region, long id, String v) {
      return Entry.of(Key.of(region, id), Map.of("v", v));
    }

    @Test
    @DisplayName("apply is idempotent: replaying a batch is ALREADY_APPLIED and writes nothing")
    void idempotent() {
      JdbcStore s = store(kv(3), 10);
      List<RepairAction> plan =
          List.of(
              RepairAction.upsert("kv", row(1, "new"), Expected.present(row(1, "v1"))),
              RepairAction.delete("kv", Key.of(2), Expected.present(row(2, "v2"))),
              RepairAction.upsert("kv", row(9, "ins"), Expected.absent()));
      assertThat(s.apply(plan)).extracting(ActionOutcome::status).containsOnly(Status.APPLIED);
      Digest after = s.digest(KeyRange.all());
      assertThat(s.apply(plan)).extracting(ActionOutcome::status).containsOnly(Status.ALREADY_APPLIED);
      assertThat(s.digest(KeyRange.all())).isEqualTo(after);
      assertThat(scanAll(s, KeyRange.all()))
          .containsExactly(row(0, "v0"), row(1, "new"), row(9, "ins"));
    }

    @Test
    @DisplayName("inverse actions undo a batch; a batch sees its own earlier actions")
    void inverseAndSequential() {
      JdbcStore s = store(kv(3), 10);
      Digest before = s.digest(KeyRange.all());
      List<RepairAction> plan =
          List.of(
              RepairAction.upsert("kv", row(1, "new"), Expected.present(row(1, "v1"))),
              RepairAction.delete("kv", Key.of(2), Expected.present(row(2, "v2"))),
              RepairAction.upsert("kv", row(9, "ins"), Expected.absent()));
      s.apply(plan);
      assertThat(s.apply(plan.stream().map(RepairAction::inverse).toList()))
          .extracting(ActionOutcome::status).containsOnly(Status.APPLIED);
      assertThat(s.digest(KeyRange.all())).isEqualTo(before);
      assertThat(s.apply(List.of(
              RepairAction.upsert("kv", row(5, "first"), Expected.absent()),
              RepairAction.upsert("kv", row(5, "second"), Expected.present(row(5, "first"))))))
          .extracting(ActionOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED);
      assertThat(s.get(List.of(Key.of(5))).get(Key.of(5))).isEqualTo(row(5, "second"));
    }

    @Test
    @DisplayName("a statement failing mid-batch rolls back the whole batch")
    void atomicBatch() {
      DataSource ds = kv(3);
      // A constraint the catalog does not describe, so only the database can refuse the value.
      H2.exec(ds, "ALTER TABLE kv ADD CONSTRAINT short_v CHECK (CHAR_LENGTH(v) < 15)");
      JdbcStore s = store(ds, 10);
      Digest before = s.digest(KeyRange.all());
      ReconcileException.StoreUnavailableException e =
          catchThrowableOfType(
              ReconcileException.StoreUnavailableException.class,
              () -> s.apply(List.of(
                  RepairAction.upsert("kv", row(1, "changed"), Expected.present(row(1, "v1"))),
                  RepairAction.delete("kv", Key.of(0), Expected.present(row(0, "v0"))),
                  RepairAction.upsert("kv", row(2, "longer than 15 c"), Expected.present(row(2, "v2"))))));
      assertThat(e).isNotNull();
      assertThat(e.getMessage())
          .contains("store 'kv' failed to apply a batch of 3 action(s); nothing of it was written")
          .contains("key 2", "SQLState 23513");
      assertThat(e.isTransient()).isFalse();
      assertThat(s.digest(KeyRange.all())).isEqualTo(before);
      assertThat(scanAll(s, KeyRange.all())).containsExactly(row(0, "v0"), row(1, "v1"), row(2, "v2"));
    }

    @Test
    @DisplayName("a read-only store refuses to write, and actions must target this store")
    void refusals() {
      DataSource ds = kv(3);
      JdbcStore ro = JdbcStore.newBuilder(ds).id("ro").table("kv").readOnly(true).build();
      assertThat(ro.capabilities()).containsExactly(Capability.ORDERED_SCAN, Capability.KEY_INDEX);
      assertThatThrownBy(() -> ro.apply(List.of(RepairAction.upsert("ro", row(1, "x"), Expected.absent()))))
          .isInstanceOf(ReconcileException.RepairRefusedException.class)
          .hasMessageContaining("store 'ro' is read-only");
      JdbcStore s = store(ds, 10);
      assertThat(s.capabilities()).containsExactlyInAnyOrder(Capability.ORDERED_SCAN, Capability.KEY_INDEX, Capability.WRITE,
          Capability.COMPARE_AND_SET, Capability.ATOMIC_BATCH, Capability.READ_YOUR_WRITES);
      assertThat(s.hashSchemes()).containsExactly(HashScheme.CANONICAL_MD5);
      assertThatThrownBy(() -> s.apply(List.of(RepairAction.upsert("b", row(1, "x"), Expected.absent()))))
          .hasMessageContaining("targets store 'b', not 'kv'");
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM kv WHERE v = 'x'")).isZero();
    }
  }

  @Nested
  @DisplayName("lifecycle")
  class Lifecycle {

    @Test
    @DisplayName("closing a scan stream releases its connection; a closed store fails clearly")
    void closing() throws Exception {
      DataSource ds = kv(50);
      JdbcStore s = JdbcStore.newBuilder(ds).table("kv").fetchSize(5).build();
      assertThat(s.id()).isEqualTo("kv");
      long sessionsBefore = H2.count(ds, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS");
      Stream<Entry> open = s.scan(KeyRange.all());
      assertThat(open.limit(3).count()).isEqualTo(3);
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")).isEqualTo(sessionsBefore + 1);
      open.close();
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM INFORMATION_SCHEMA.SESSIONS")).isEqualTo(sessionsBefore);
      s.close();
      s.close();
      assertThatThrownBy(() -> s.scan(KeyRange.all()))
          .isInstanceOf(ReconcileException.StoreUnavailableException.class)
          .hasMessage("store 'kv' is closed; open a new one");
      assertThat(catchThrowableOfType(ReconcileException.StoreUnavailableException.class, () -> s.digest(KeyRange.all())).isTransient())
          .isFalse();
    }
  }
}
