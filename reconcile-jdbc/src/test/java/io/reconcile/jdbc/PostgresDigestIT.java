package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("PostgreSQL computes canonical digests in the server, bit-identical to client-side hashing")
class PostgresDigestIT extends DigestPushdownContract {

  static final String DDL =
      "CREATE TABLE items (id bigint PRIMARY KEY, i int, s smallint, n numeric(12,2),"
          + " n6 numeric(20,6), nn numeric, t text, v varchar(40), b boolean, dt date,"
          + " ts timestamp, tz timestamptz, u uuid, bin bytea)";

  @Override
  DataSource freshItems() {
    return Postgres.fresh(DDL);
  }

  @Override
  String dialect() {
    return "postgresql";
  }

  @Override
  int rangesPerQuery() {
    return PostgresDialect.RANGES_PER_QUERY;
  }

  @Override
  boolean searchesBounds() {
    return true;
  }

  @Override
  Map<String, List<String>> changes() {
    Map<String, List<String>> c = new LinkedHashMap<>();
    c.put("i", List.of("i + 1", "-i", "NULL"));
    c.put("s", List.of("s - 1", "NULL"));
    c.put("n", List.of("n + 0.01", "NULL"));
    c.put("n6", List.of("n6 + 0.000001", "NULL"));
    c.put("nn", List.of("nn * 10", "NULL"));
    c.put("t", List.of("t || ' '", "''", "NULL"));
    c.put("v", List.of("'trailing'", "''", "NULL"));
    c.put("b", List.of("NOT b", "NULL"));
    c.put("dt", List.of("dt + 1", "NULL"));
    c.put("ts", List.of("ts + interval '1 microsecond'", "NULL"));
    c.put("tz", List.of("tz - interval '1 microsecond'", "NULL"));
    c.put("u", List.of("'00000000-0000-0000-0000-000000000001'", "NULL"));
    c.put("bin", List.of("bin || '\\x00'::bytea", "''::bytea", "NULL"));
    return c;
  }

  @Override
  Map<DataSource, List<String>> textKeyTables() {
    List<String> keys = List.of(
        "a", "B", "b", "Z", "é", "e", "ß", "🙂", "\uE000", "\uFFFD", "a b", "ab", "", "a ", "a\t", "a\t ");
    Map<DataSource, List<String>> t = new LinkedHashMap<>();
    // A linguistic ICU collation, the database's default one and byte order: all compared by code point.
    t.put(Postgres.fresh("CREATE TABLE words (k text COLLATE \"en-x-icu\" PRIMARY KEY, v text)"), keys);
    t.put(Postgres.fresh("CREATE TABLE words (k varchar(10) PRIMARY KEY, v text)"), keys);
    t.put(Postgres.fresh("CREATE TABLE words (k text COLLATE \"C\" PRIMARY KEY, v text)"), keys);
    return t;
  }

  @Override
  DataSource floatTable() {
    return Postgres.fresh("CREATE TABLE f (id int PRIMARY KEY, x double precision, y text)",
        "INSERT INTO f VALUES (1, 0.1, 'a'), (2, NULL, 'b')");
  }

  @Test
  @DisplayName("look-ups of integer keys bind them as one array (= ANY), and gapped keys are probed by one unnest")
  void integerKeysTravelAsOneArray() {
    List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();
    DataSource ds = recording(Postgres.fresh(DDL,
        "INSERT INTO items (id, i) SELECT g * g, g FROM generate_series(1, 400) g", "ANALYZE items"), statements::add);
    JdbcStore pg = JdbcStore.newBuilder(ds).table("items").build();
    List<Key> keys = new ArrayList<>();
    for (long k = 1; k <= 300; k++) {
      keys.add(Key.of(k * k));
    }
    statements.clear();
    assertThat(pg.get(keys)).hasSize(300);
    assertThat(statements).singleElement().asString().contains("= ANY(?)");

    statements.clear();
    assertThat(pg.segments(KeyRange.all(), 16)).hasSizeBetween(2, 16);
    assertThat(statements).filteredOn(sql -> sql.contains("unnest(?) WITH ORDINALITY")).hasSize(1);
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
    List<Entry> rows = DigestPushdownContract.rows();
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
