package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.memory.MemoryStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Decimal key columns — {@code numeric(16,3)} in PostgreSQL, {@code decimal(18,4)} in MariaDB,
 * {@code NUMERIC(20,2)} in H2: the same keys at different scales — are one key space. Keys compare by
 * value ({@code 2.50} = {@code 2.5}, {@code 5.00} = the integer 5), scans and range conditions
 * follow {@link Key}'s order, so segments, digests (in SQL where the product pushes them down) and
 * row hashes agree across the products and with the memory store, and the engine repairs one from
 * another.
 */
@DisplayName("Decimal-keyed tables agree on order, segments and digests across PostgreSQL, MariaDB and H2")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecimalKeyIT {

  private static final int ROWS = 240;

  /** Keys from -59.75 to 59.75 in steps of 0.25 (every fourth an integer), plus large ones. */
  static List<Entry> rows() {
    List<Entry> out = new ArrayList<>();
    for (int i = 0; i < ROWS - 2; i++) {
      BigDecimal id = BigDecimal.valueOf(i - (ROWS - 2) / 2, 0).multiply(new BigDecimal("0.25"));
      out.add(Entry.of(Key.of(id), Map.of("v", "v" + i)));
    }
    out.add(Entry.of(Key.of(new BigDecimal("9999999999.99")), Map.of("v", "big")));
    out.add(Entry.of(Key.of(new BigDecimal("-9999999999.99")), Map.of("v", "small")));
    return out;
  }

  private final Map<String, DataSource> databases = new LinkedHashMap<>();
  private final MemoryStore memory = MemoryStore.create("mem");

  @BeforeAll
  void load() {
    databases.put("pg", Postgres.fresh("CREATE TABLE d (id numeric(16,3) PRIMARY KEY, v text)"));
    databases.put("maria", MariaDb.fresh("CREATE TABLE d (id decimal(18,4) PRIMARY KEY, v text)"));
    databases.put("h2", H2Server.fresh("CREATE TABLE d (id NUMERIC(20,2) PRIMARY KEY, v VARCHAR(20))"));
    databases.put("h2-embedded", H2.fresh("CREATE TABLE d (id NUMERIC(20,2) PRIMARY KEY, v VARCHAR(20))"));
    List<Entry> rows = rows();
    memory.putAll(rows);
    databases.forEach((name, ds) -> {
      List<RepairAction> seed = new ArrayList<>();
      rows.forEach(e -> seed.add(RepairAction.upsert(name, e, Expected.absent())));
      store(name).apply(seed);
    });
  }

  private JdbcStore store(String name) {
    return JdbcStore.newBuilder(databases.get(name)).id(name).table("d").fetchSize(50).build();
  }

  private static List<Key> keys(Store s, KeyRange range) {
    try (Stream<Entry> e = s.scan(range)) {
      return e.map(Entry::key).toList();
    }
  }

  @Test
  @DisplayName("keys read back by value, in Key order, and look up by value")
  void orderAndLookups() {
    List<Key> expected = keys(memory, KeyRange.all());
    assertThat(expected.get(0)).isEqualTo(Key.of(new BigDecimal("-9999999999.99")));
    assertThat(expected).contains(Key.of(5), Key.of(new BigDecimal("-0.25")));
    for (String name : databases.keySet()) {
      JdbcStore s = store(name);
      assertThat(keys(s, KeyRange.all())).as(name).isEqualTo(expected);
      // A bound at a scale the column does not have, and one at an integer, select by value.
      KeyRange r = KeyRange.of(Key.of(new BigDecimal("-1.125")), Key.of(2));
      assertThat(keys(s, r)).as(name).isEqualTo(keys(memory, r));
      assertThat(keys(s, r)).as(name).first().isEqualTo(Key.of(new BigDecimal("-1")));
      assertThat(s.get(List.of(Key.of(new BigDecimal("2.50")), Key.of(5), Key.of(new BigDecimal("2.501")))))
          .as(name).containsOnlyKeys(Key.of(new BigDecimal("2.5")), Key.of(5));
      assertThat(s.schema().orElseThrow().key()).as(name).containsExactly(io.reconcile.api.store.Schema.Type.NUMBER);
    }
  }

  @Test
  @DisplayName("segments cut at the same keys, and digests and row hashes of them agree, server-side where pushed down")
  void segmentsAndDigests() {
    List<Segment> expected = memory.segments(KeyRange.all(), 7);
    List<KeyRange> ranges = expected.stream().map(Segment::range).toList();
    List<Digest> digests = memory.digest(ranges, HashScheme.CANONICAL_MD5);
    List<KeyHash> hashes;
    try (Stream<KeyHash> h = memory.rowHashes(ranges, HashScheme.CANONICAL_MD5)) {
      hashes = h.toList();
    }
    for (String name : databases.keySet()) {
      JdbcStore s = store(name);
      if (!name.equals("h2-embedded")) {
        assertThat(s.capabilities()).as(name).contains(Capability.SERVER_SIDE_DIGEST);
      }
      assertThat(s.segments(KeyRange.all(), 7)).as(name).isEqualTo(expected);
      assertThat(s.digest(ranges, HashScheme.CANONICAL_MD5)).as(name).isEqualTo(digests);
      try (Stream<KeyHash> h = s.rowHashes(ranges, HashScheme.CANONICAL_MD5)) {
        assertThat(h.toList()).as(name).isEqualTo(hashes);
      }
    }
    // PostgreSQL and MariaDB also share the typed-columns scheme over decimal keys.
    JdbcStore pg = store("pg");
    HashScheme typed = CrossProductDigestIT.typedScheme(pg);
    assertThat(store("maria").digest(ranges, typed)).isEqualTo(pg.digest(ranges, typed));
  }

  @Test
  @DisplayName("an integer-keyed table is digested over ranges with decimal bounds by value")
  void decimalBoundsOnIntegerKeys() {
    MemoryStore ints = MemoryStore.create("ints");
    List<RepairAction> seed = new ArrayList<>();
    for (long i = -20; i < 20; i++) {
      ints.put(Entry.of(Key.of(i), Map.of("v", "v" + i)));
      seed.add(RepairAction.upsert("pg", Entry.of(Key.of(i), Map.of("v", "v" + i)), Expected.absent()));
    }
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of(new BigDecimal("-2.5")), Key.of(0), Key.of(new BigDecimal("7.75"))));
    for (DataSource ds : List.of(Postgres.fresh("CREATE TABLE n (id bigint PRIMARY KEY, v text)"),
        MariaDb.fresh("CREATE TABLE n (id bigint PRIMARY KEY, v text)"),
        H2Server.fresh("CREATE TABLE n (id BIGINT PRIMARY KEY, v VARCHAR(20))"))) {
      JdbcStore s = JdbcStore.newBuilder(ds).id("pg").table("n").build();
      s.apply(seed);
      assertThat(s.digest(ranges, HashScheme.CANONICAL_MD5)).isEqualTo(ints.digest(ranges, HashScheme.CANONICAL_MD5));
      assertThat(keys(s, ranges.get(1))).isEqualTo(keys(ints, ranges.get(1)));
      assertThat(s.segments(ranges.get(1), 4)).extracting(Segment::estimatedCount).containsOnly(1L);
      assertThat(s.get(List.of(Key.of(new BigDecimal("0.5")), Key.of(3)))).containsOnlyKeys(Key.of(3));
    }
  }

  @Test
  @DisplayName("the engine repairs one product's decimal-keyed table from another's, and a second run finds nothing")
  void repairsAcrossProducts() {
    DataSource replica = MariaDb.fresh("CREATE TABLE d (id decimal(18,4) PRIMARY KEY, v text)");
    JdbcStore target = JdbcStore.newBuilder(replica).id("replica").table("d").build();
    List<RepairAction> seed = new ArrayList<>();
    for (Entry e : rows()) {
      Object part = e.key().part(0);
      if (part.equals(new BigDecimal("2.5"))) {
        continue; // missing
      }
      Entry row = part.equals(5L) ? Entry.of(e.key(), Map.of("v", "changed")) : e;
      seed.add(RepairAction.upsert("replica", row, Expected.absent()));
    }
    seed.add(RepairAction.upsert("replica", Entry.of(Key.of(new BigDecimal("0.0001")), Map.of("v", "extra")), Expected.absent()));
    target.apply(seed);
    JdbcStore source = store("pg");
    ReconcileReport report = CrossDialectIT.reconcile(source, target, Mode.APPLY);
    assertThat(report.divergences()).as(report.summary()).isEqualTo(3);
    assertThat(report.repairs().applied()).as(report.summary()).isEqualTo(3);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(target.digest(KeyRange.all())).isEqualTo(source.digest(KeyRange.all()));
    assertThat(CrossDialectIT.reconcile(source, target, Mode.REPORT_ONLY).divergences()).isZero();
  }
}
