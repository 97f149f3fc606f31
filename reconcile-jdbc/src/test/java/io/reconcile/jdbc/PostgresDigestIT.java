package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL computes canonical digests in the server, bit-identical to client-side hashing")
class PostgresDigestIT {

  static final String DDL =
      "CREATE TABLE items (id bigint PRIMARY KEY, i int, s smallint, n numeric(12,2),"
          + " n6 numeric(20,6), nn numeric, t text, v varchar(40), b boolean, dt date,"
          + " ts timestamp, tz timestamptz, u uuid, bin bytea)";

  private static final int ROWS = 400;

  static Map<String, Object> fields(long id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("i", (int) (id * 7 - 1000));
    m.put("s", (short) (id % 3 - 1));
    m.put("n", new BigDecimal(id % 5 == 0 ? "-0.00" : (id - 200) + ".50"));
    m.put("n6", new BigDecimal(id % 4 == 0 ? "12.000000" : "-0.000" + (id % 9 + 1) + "00"));
    m.put("nn", new BigDecimal(id % 3 == 0 ? "123456789012345678901234567890.0100" : "1E+3"));
    m.put("t", id % 6 == 0 ? "" : "grüße " + id + " 🙂  ");
    m.put("v", id % 2 == 0 ? "trailing " : "çé'\"\\x");
    m.put("b", id % 2 == 0);
    m.put("dt", LocalDate.of(1900, 1, 1).plusDays(id * 97));
    // Micro precision, before and after 1970, including whole seconds.
    Instant at = Instant.parse("1969-12-31T23:59:00Z").plus(id * 123_457, ChronoUnit.MICROS);
    m.put("ts", id % 10 == 0 ? at.truncatedTo(ChronoUnit.SECONDS) : at);
    m.put("tz", Instant.parse("2024-02-29T12:00:00Z").plus(id * 1_000_001, ChronoUnit.MICROS));
    m.put("u", new UUID(0xABCDEF0123456789L ^ id, -id));
    m.put("bin", Value.ofBytes(new byte[] {(byte) id, (byte) 0xff, 0, (byte) (id >> 8)}));
    return m;
  }

  static Entry row(long id) {
    if (id % 50 == 7) {
      Map<String, Object> m = new LinkedHashMap<>();
      fields(id).keySet().forEach(k -> m.put(k, Value.ofNull()));
      return Entry.of(Key.of(id), m);
    }
    return Entry.of(Key.of(id), fields(id));
  }

  static List<Entry> rows() {
    List<Entry> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      rows.add(row(id));
    }
    return rows;
  }

  static JdbcStore seeded(DataSource ds, String id, List<Entry> rows) {
    JdbcStore s = JdbcStore.newBuilder(ds).id(id).table("items").fetchSize(64).build();
    List<RepairAction> seed = new ArrayList<>();
    for (Entry e : rows) {
      seed.add(RepairAction.upsert(id, e, Expected.absent()));
    }
    s.apply(seed);
    return s;
  }

  @Test
  @DisplayName("server-side digests equal the memory store's and client-side hashing's, whole and in ranges")
  void serverDigestEqualsCanonical() {
    List<Entry> rows = rows();
    DataSource ds = Postgres.fresh(DDL);
    JdbcStore pg = seeded(ds, "pg", rows);
    JdbcStore client = JdbcStore.newBuilder(ds).id("pg").table("items").serverSideDigest(false).build();
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);

    assertThat(pg.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(pg.dialectName()).isEqualTo("postgresql");
    assertThat(client.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);

    // Every row reads back as written, so the comparison below is of the same logical rows.
    try (Stream<Entry> scanned = pg.scan(KeyRange.all())) {
      List<Entry> back = scanned.toList();
      assertThat(back).hasSize(ROWS);
      for (int i = 0; i < ROWS; i++) {
        assertThat(back.get(i).sameData(rows.get(i))).as("row %s: %s", i, back.get(i)).isTrue();
      }
    }

    Digest whole = mem.digest(KeyRange.all());
    assertThat(pg.digest(KeyRange.all())).isEqualTo(whole);
    assertThat(client.digest(KeyRange.all())).isEqualTo(whole);

    List<List<KeyRange>> groups = List.of(
        KeyRange.all().split(List.of(Key.of(10), Key.of(11), Key.of(150), Key.of(399))),
        List.of(KeyRange.of(Key.of(-5), Key.of(3)), KeyRange.of(Key.of(100), Key.of(101)),
            KeyRange.of(Key.of(390), null)),
        List.of(KeyRange.of(Key.of(1000), Key.of(2000))));
    for (List<KeyRange> ranges : groups) {
      List<Digest> server = pg.digest(ranges, HashScheme.CANONICAL_MD5);
      assertThat(server).as("%s", ranges).isEqualTo(mem.digest(ranges, HashScheme.CANONICAL_MD5));
      assertThat(server).as("%s", ranges).isEqualTo(client.digest(ranges, HashScheme.CANONICAL_MD5));
    }
    // More ranges than one query buckets: several queries, same answer.
    List<Key> cuts = new ArrayList<>();
    for (long k = -600; k < ROWS; k++) {
      cuts.add(Key.of(k));
    }
    List<KeyRange> many = KeyRange.all().split(cuts);
    assertThat(many.size()).isGreaterThan(PostgresDialect.RANGES_PER_QUERY);
    assertThat(pg.digest(many, HashScheme.CANONICAL_MD5)).isEqualTo(mem.digest(many, HashScheme.CANONICAL_MD5));
  }

  @Test
  @DisplayName("changing any single column value changes the server-side digest")
  void everyColumnCounts() {
    List<Entry> rows = rows();
    DataSource ds = Postgres.fresh(DDL);
    JdbcStore pg = seeded(ds, "pg", rows);
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);
    Digest expected = mem.digest(KeyRange.all());
    assertThat(pg.digest(KeyRange.all())).isEqualTo(expected);
    Map<String, List<String>> changes = new LinkedHashMap<>();
    changes.put("i", List.of("i + 1", "NULL"));
    changes.put("s", List.of("s - 1", "NULL"));
    changes.put("n", List.of("n + 0.01", "NULL"));
    changes.put("n6", List.of("n6 + 0.000001", "NULL"));
    changes.put("nn", List.of("nn * 10", "NULL"));
    changes.put("t", List.of("t || ' '", "''", "NULL"));
    changes.put("v", List.of("'trailing'", "''", "NULL"));
    changes.put("b", List.of("NOT b", "NULL"));
    changes.put("dt", List.of("dt + 1", "NULL"));
    changes.put("ts", List.of("ts + interval '1 microsecond'", "NULL"));
    changes.put("tz", List.of("tz - interval '1 microsecond'", "NULL"));
    changes.put("u", List.of("'00000000-0000-0000-0000-000000000001'", "NULL"));
    changes.put("bin", List.of("bin || '\\x00'::bytea", "''::bytea", "NULL"));
    for (long id : new long[] {4, 6}) { // id 6 holds empty text
      for (Map.Entry<String, List<String>> c : changes.entrySet()) {
        for (String to : c.getValue()) {
          Postgres.exec(ds, "UPDATE items SET " + c.getKey() + " = " + to + " WHERE id = " + id);
          Entry now = pg.get(List.of(Key.of(id))).get(Key.of(id));
          if (now.sameData(rows.get((int) id))) {
            continue; // the row already held that value (e.g. '' in row 6)
          }
          assertThat(pg.digest(KeyRange.all()))
              .as("row %s: %s = %s", id, c.getKey(), to).isNotEqualTo(expected);
          // ... and still equals the client-side hash of the changed row.
          MemoryStore changed = MemoryStore.create("changed");
          changed.putAll(rows);
          changed.put(now);
          assertThat(pg.digest(KeyRange.all())).as("%s = %s", c.getKey(), to)
              .isEqualTo(changed.digest(KeyRange.all()));
          pg.apply(List.of(RepairAction.upsert("pg", rows.get((int) id), Expected.present(now))));
          assertThat(pg.digest(KeyRange.all())).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  @DisplayName("text keys order and digest by code point under a linguistic column collation")
  void textKeysByCodePoint() {
    DataSource ds = Postgres.fresh(
        "CREATE TABLE words (k text COLLATE \"en-x-icu\" PRIMARY KEY, v text)");
    List<String> keys = List.of("a", "B", "b", "Z", "é", "e", "ß", "🙂", "\uE000", "a b", "ab", "");
    List<Entry> rows = keys.stream()
        .map(k -> Entry.of(Key.of(k), Map.of("v", "v:" + k)))
        .collect(Collectors.toList());
    JdbcStore pg = JdbcStore.newBuilder(ds).table("words").fetchSize(3).build();
    List<RepairAction> seed = new ArrayList<>();
    rows.forEach(e -> seed.add(RepairAction.upsert("words", e, Expected.absent())));
    pg.apply(seed);
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);
    try (Stream<Entry> s = pg.scan(KeyRange.all()); Stream<Entry> m = mem.scan(KeyRange.all())) {
      assertThat(s.map(Entry::key).toList()).isEqualTo(m.map(Entry::key).toList());
    }
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of("B"), Key.of("a"), Key.of("é"), Key.of("\uE000")));
    assertThat(pg.digest(ranges, HashScheme.CANONICAL_MD5)).isEqualTo(mem.digest(ranges, HashScheme.CANONICAL_MD5));
    assertThat(pg.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
  }

  @Test
  @DisplayName("renames and ignored fields still push down; value rules and floats fall back to client-side")
  void pushdownOnlyWhenBitIdentical() {
    DataSource ds = Postgres.fresh(DDL, "CREATE TABLE f (id int PRIMARY KEY, x double precision, y text)",
        "INSERT INTO f VALUES (1, 0.1, 'a'), (2, NULL, 'b')");
    List<Entry> rows = rows();
    seeded(ds, "items", rows);
    Normalization renamed = Normalization.newBuilder().rename("t", "title").ignore("bin").build();
    JdbcStore pg = JdbcStore.newBuilder(ds).table("items").normalization(renamed).build();
    assertThat(pg.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    MemoryStore mem = MemoryStore.create("mem");
    rows.forEach(e -> mem.put(renamed.apply(e)));
    assertThat(pg.digest(KeyRange.all())).isEqualTo(mem.digest(KeyRange.all()));

    JdbcStore trimmed = JdbcStore.newBuilder(ds).table("items")
        .normalization(Normalization.newBuilder().trim(Normalization.Trim.TRAILING).build()).build();
    assertThat(trimmed.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);
    JdbcStore floats = JdbcStore.newBuilder(ds).table("f").build();
    assertThat(floats.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);
    assertThat(floats.dialectName()).contains("client-side");
  }

  @Test
  @DisplayName("a jdbc:postgresql URI opens a store with the PostgreSQL dialect and server-side digests")
  void opensByUri() {
    String url = Postgres.freshUrl(DDL,
        "INSERT INTO items (id, i, t) SELECT g, g, 'x' || g FROM generate_series(1, 100) g");
    assertThat(url).startsWith("jdbc:postgresql:");
    try (Store s = io.reconcile.api.store.Stores.open(url,
        io.reconcile.api.store.StoreOptions.newBuilder().dataset("items").property("user", "postgres").build())) {
      assertThat(s.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
      assertThat(((JdbcStore) s).dialectName()).isEqualTo("postgresql");
      assertThat(s.digest(KeyRange.all()).count()).isEqualTo(100);
    }
  }

  @Test
  @DisplayName("the digest query is a hash aggregate over one scan, no sort")
  void planIsHashAggregate() throws Exception {
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
    PostgresDialect.Digests d = (PostgresDialect.Digests) queries.dialect().pushdown();
    String sql = d.sql(queries, ranges, params);
    StringBuilder plan = new StringBuilder();
    try (var c = ds.getConnection(); var ps = c.prepareStatement("EXPLAIN " + sql)) {
      new Queries.Sql(sql, params).bind(ps);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          plan.append(rs.getString(1)).append('\n');
        }
      }
    }
    System.out.println(plan);
    assertThat(plan.toString()).contains("HashAggregate").doesNotContain("Sort");
    long t0 = System.nanoTime();
    List<Digest> server = pg.digest(ranges, HashScheme.CANONICAL_MD5);
    long t1 = System.nanoTime();
    JdbcStore client = JdbcStore.newBuilder(ds).table("items").serverSideDigest(false).build();
    assertThat(client.digest(ranges, HashScheme.CANONICAL_MD5)).isEqualTo(server);
    long t2 = System.nanoTime();
    System.out.printf("200k rows, %d ranges: server-side %d ms, client-side %d ms%n",
        ranges.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
  }

  @Test
  @DisplayName("the engine repairs PostgreSQL from a memory primary, and a memory replica from PostgreSQL")
  void reconcilesWithMemory() {
    List<Entry> rows = rows();
    MemoryStore primary = MemoryStore.create("primary");
    primary.putAll(rows);
    List<Entry> drifted = new ArrayList<>(rows);
    drifted.remove(40); // missing in the replica
    drifted.set(99, Entry.of(Key.of(100), fields(101))); // key 100, changed
    assertThat(drifted.get(99).key()).isEqualTo(Key.of(100));
    drifted.add(Entry.of(Key.of(5000), fields(5000)));
    JdbcStore replica = seeded(Postgres.fresh(DDL), "replica", drifted);
    assertThat(replica.digest(KeyRange.all())).isNotEqualTo(primary.digest(KeyRange.all()));
    ReconcileReport report = reconcile(primary, replica);
    assertThat(report.divergences()).isEqualTo(3);
    assertThat(report.converged()).isTrue();
    assertThat(replica.digest(KeyRange.all())).isEqualTo(primary.digest(KeyRange.all()));
    assertThat(reconcile(primary, replica).divergences()).isZero();

    JdbcStore pgPrimary = seeded(Postgres.fresh(DDL), "pgPrimary", rows);
    MemoryStore memReplica = MemoryStore.create("memReplica");
    memReplica.putAll(drifted);
    ReconcileReport back = reconcile(pgPrimary, memReplica);
    assertThat(back.divergences()).as(back.toJson()).isEqualTo(3);
    assertThat(back.converged()).isTrue();
    assertThat(memReplica.digest(KeyRange.all())).isEqualTo(pgPrimary.digest(KeyRange.all()));
  }

  private static ReconcileReport reconcile(Store primary, Store replica) {
    return Reconciler.newBuilder()
        .stores(primary, replica)
        .resolver(Resolvers.sourceOfTruth(primary.id()))
        .mode(Mode.APPLY)
        .auditLog(AuditLog.inMemory())
        .segments(8)
        .leafRows(16)
        .seed(1)
        .build()
        .run();
  }
}
