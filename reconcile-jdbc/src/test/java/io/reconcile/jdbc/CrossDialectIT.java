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
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The same logical rows in PostgreSQL, MariaDB and H2 (over TCP) digest the same, diff empty, and
 * repair into each other in every direction.
 *
 * <p>Each product declares the columns in its own types — numerics even at different scales
 * ({@code numeric(14,4)}, {@code decimal(12,2)}, {@code NUMERIC(20,3)}: compared by value), MariaDB's
 * {@code datetime(6)} and {@code timestamp(6)} for PostgreSQL's {@code timestamp} and {@code
 * timestamptz} (the MariaDB server runs in UTC). Two stores per database: {@code pushed} compares
 * the columns every product digests in SQL, and must do so server-side on all three; {@code full}
 * adds real, double and json, which hash client-side.
 *
 * <p><b>Float rule.</b> REAL and DOUBLE read as the shortest decimal that round-trips their binary
 * value (a REAL as a float), so equal binary values hash equal in every product; the stores add a
 * normalisation of REAL to 6 and DOUBLE to 15 significant digits, so that values that went through
 * decimal text on the way (as MariaDB's float does) still compare equal. JSON is compared as the
 * document it holds, not its spelling: PostgreSQL's {@code jsonb} (which reorders keys and
 * respaces) equals MariaDB's and H2's {@code json} holding the same document.
 */
@DisplayName("PostgreSQL, MariaDB and H2 agree on digests and repair each other in every direction")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossDialectIT {

  enum Product {
    POSTGRES("pg"), MARIADB("maria"), H2("h2");

    final String id;

    Product(String id) {
      this.id = id;
    }
  }

  static final Map<Product, String> DDL = new EnumMap<>(Map.of(
      Product.POSTGRES,
      "CREATE TABLE items (id bigint PRIMARY KEY, i int, s smallint, n numeric(14,4), n6 numeric(20,6),"
          + " nn numeric, t text, v varchar(40), b boolean, dt date, ts timestamp(6), tz timestamptz,"
          + " u uuid, bin bytea, big bigint, r real, d double precision, j jsonb)",
      Product.MARIADB,
      "CREATE TABLE items (id bigint PRIMARY KEY, i int, s smallint, n decimal(12,2), n6 decimal(20,6),"
          + " nn decimal(40,4), t text, v varchar(40), b boolean, dt date, ts datetime(6),"
          + " tz timestamp(6) NULL, u uuid, bin varbinary(16), big bigint, r float, d double, j json)",
      Product.H2,
      "CREATE TABLE items (id BIGINT PRIMARY KEY, i INT, s SMALLINT, n NUMERIC(20,3),"
          + " n6 NUMERIC(20,6), nn NUMERIC(40,4), t VARCHAR(100), v VARCHAR(40), b BOOLEAN, dt DATE,"
          + " ts TIMESTAMP(6), tz TIMESTAMP(6) WITH TIME ZONE, u UUID, bin VARBINARY(16), big BIGINT,"
          + " r REAL, d DOUBLE PRECISION, j JSON)"));

  /** The columns every product digests in SQL. */
  static final String[] PUSHED = {"i", "s", "n", "n6", "nn", "t", "v", "b", "dt", "ts", "tz", "u", "bin", "big"};

  static final Normalization FLOATS = Normalization.newBuilder()
      .field("r", r -> r.withSignificantDigits(6))
      .field("d", r -> r.withSignificantDigits(15))
      .build();

  private static final int ROWS = 300;

  static DataSource fresh(Product p) {
    return switch (p) {
      case POSTGRES -> Postgres.fresh(DDL.get(p));
      case MARIADB -> MariaDb.fresh(DDL.get(p));
      case H2 -> H2Server.fresh(DDL.get(p));
    };
  }

  static Map<String, Object> fields(long id) {
    Map<String, Object> m = DigestPushdownContract.fields(id);
    m.put("big", id % 2 == 0 ? Long.MAX_VALUE - id : Long.MIN_VALUE + id);
    m.put("r", id % 3 == 0 ? 0.1f : -1.5e-3f * id);
    m.put("d", id % 3 == 0 ? 0.1 + 0.2 : 2.5e-7 * id);
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("s", "ü 🙂");
    doc.put("id", id);
    doc.put("a", java.util.Arrays.asList(1, new BigDecimal("2.50"), null));
    m.put("j", doc);
    return m;
  }

  static Entry row(long id) {
    return DigestPushdownContract.row(id, CrossDialectIT::fields);
  }

  static List<Entry> rows() {
    return DigestPushdownContract.rows(ROWS, CrossDialectIT::fields);
  }

  static JdbcStore full(DataSource ds, String id) {
    return JdbcStore.newBuilder(ds).id(id).table("items").normalization(FLOATS).fetchSize(64).build();
  }

  static JdbcStore pushed(DataSource ds, String id) {
    return JdbcStore.newBuilder(ds).id(id).table("items").columns(PUSHED).fetchSize(64).build();
  }

  static JdbcStore seeded(DataSource ds, String id, List<Entry> rows) {
    JdbcStore s = full(ds, id);
    List<RepairAction> seed = new ArrayList<>();
    for (Entry e : rows) {
      seed.add(RepairAction.upsert(id, e, Expected.absent()));
    }
    s.apply(seed);
    return s;
  }

  static Entry project(Entry e, String... fields) {
    Map<String, Value> m = new LinkedHashMap<>();
    for (String f : fields) {
      m.put(f, e.fields().fields().get(f));
    }
    return Entry.of(e.key(), m);
  }

  static ReconcileReport reconcile(Store reference, Store other, Mode mode) {
    return Reconciler.newBuilder()
        .stores(reference, other)
        .resolver(Resolvers.sourceOfTruth(reference.id()))
        .mode(mode)
        .auditLog(AuditLog.inMemory())
        .segments(8)
        .leafRows(16)
        .seed(1)
        .build()
        .run();
  }

  private final Map<Product, DataSource> databases = new EnumMap<>(Product.class);

  @BeforeAll
  void load() {
    List<Entry> rows = rows();
    for (Product p : Product.values()) {
      DataSource ds = fresh(p);
      seeded(ds, p.id, rows);
      databases.put(p, ds);
    }
  }

  @Test
  @DisplayName("every product reads the rows back as written and digests them equally, server-side where it can")
  void equalDigestsAndEmptyDiffs() {
    List<Entry> rows = rows();
    MemoryStore fullMem = MemoryStore.create("mem");
    MemoryStore pushedMem = MemoryStore.create("mem");
    rows.forEach(e -> fullMem.put(FLOATS.apply(e)));
    rows.forEach(e -> pushedMem.put(project(e, PUSHED)));
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of(1), Key.of(7), Key.of(8), Key.of(150), Key.of(299)));
    for (Product p : Product.values()) {
      JdbcStore f = full(databases.get(p), p.id);
      JdbcStore s = pushed(databases.get(p), p.id);
      assertThat(s.capabilities()).as("%s", p).contains(Capability.SERVER_SIDE_DIGEST);
      assertThat(f.capabilities()).as("%s", p).doesNotContain(Capability.SERVER_SIDE_DIGEST);
      try (Stream<Entry> scanned = f.scan(KeyRange.all())) {
        List<Entry> back = scanned.toList();
        assertThat(back).hasSize(ROWS);
        for (int i = 0; i < ROWS; i++) {
          assertThat(back.get(i).sameData(FLOATS.apply(rows.get(i)))).as("%s row %s: %s", p, i, back.get(i)).isTrue();
        }
      }
      assertThat(f.digest(KeyRange.all())).as("%s full", p).isEqualTo(fullMem.digest(KeyRange.all()));
      assertThat(s.digest(KeyRange.all())).as("%s pushed", p).isEqualTo(pushedMem.digest(KeyRange.all()));
      assertThat(s.digest(ranges, HashScheme.CANONICAL_MD5)).as("%s pushed ranges", p)
          .isEqualTo(pushedMem.digest(ranges, HashScheme.CANONICAL_MD5));
    }
    for (Product a : Product.values()) {
      for (Product b : Product.values()) {
        if (a.ordinal() < b.ordinal()) {
          ReconcileReport r = reconcile(full(databases.get(a), a.id), full(databases.get(b), b.id), Mode.REPORT_ONLY);
          assertThat(r.divergences()).as("%s vs %s: %s", a, b, r.summary()).isZero();
          ReconcileReport pr = reconcile(pushed(databases.get(a), a.id), pushed(databases.get(b), b.id), Mode.REPORT_ONLY);
          assertThat(pr.divergences()).as("%s vs %s pushed", a, b).isZero();
        }
      }
    }
  }

  /** A value of the column that none of the rows holds. */
  static Object replacement(String column) {
    return switch (column) {
      case "i" -> 1_000_000;
      case "s" -> (short) 32_000;
      case "n" -> new BigDecimal("-999.99");
      case "n6" -> new BigDecimal("0.000001");
      case "nn" -> new BigDecimal("-0.0001");
      case "t" -> "changed 🙂 ";
      case "v" -> "v\t";
      case "b" -> Value.ofNull();
      case "dt" -> LocalDate.of(2000, 2, 29);
      case "ts" -> Instant.parse("1960-06-01T00:00:00.000001Z");
      case "tz" -> Instant.parse("2030-01-01T00:00:00.123456Z");
      case "u" -> new UUID(1, 1);
      case "bin" -> Value.ofBytes(new byte[] {1, 2, 3});
      case "big" -> 0L;
      case "r" -> 2.5f;
      case "d" -> 1e-300;
      case "j" -> Map.of("changed", true);
      default -> throw new IllegalArgumentException(column);
    };
  }

  @ParameterizedTest(name = "a change in column {0} alone makes the diff non-empty")
  @ValueSource(strings = {"i", "s", "n", "n6", "nn", "t", "v", "b", "dt", "ts", "tz", "u", "bin", "big", "r", "d", "j"})
  void anyChangedColumnDiffers(String column) {
    // The changed side rotates over the products; the other two must both see the change.
    Product changed = Product.values()[Math.floorMod(column.hashCode(), 3)];
    JdbcStore target = full(databases.get(changed), changed.id);
    Key key = Key.of(5);
    Entry before = target.get(List.of(key)).get(key);
    Map<String, Object> m = new LinkedHashMap<>(before.fields().fields());
    m.put(column, replacement(column));
    Entry after = Entry.of(key, m);
    assertThat(after.sameData(before)).isFalse();
    target.apply(List.of(RepairAction.upsert(changed.id, after, Expected.present(before))));
    try {
      for (Product other : Product.values()) {
        if (other == changed) {
          continue;
        }
        JdbcStore o = full(databases.get(other), other.id);
        assertThat(target.digest(KeyRange.all())).as("%s vs %s", changed, other).isNotEqualTo(o.digest(KeyRange.all()));
        ReconcileReport r = reconcile(o, target, Mode.REPORT_ONLY);
        assertThat(r.divergences()).as("%s changed %s, seen from %s", changed, column, other).isEqualTo(1);
        assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo("MISMATCH"));
        if (List.of(PUSHED).contains(column)) {
          assertThat(pushed(databases.get(changed), changed.id).digest(KeyRange.all()))
              .isNotEqualTo(pushed(databases.get(other), other.id).digest(KeyRange.all()));
        }
      }
    } finally {
      target.apply(List.of(RepairAction.upsert(changed.id, before, Expected.present(target.get(List.of(key)).get(key)))));
    }
    assertThat(target.digest(KeyRange.all()))
        .isEqualTo(full(databases.get(Product.POSTGRES), "pg").digest(KeyRange.all()));
  }

  static Stream<Arguments> directions() {
    List<Arguments> out = new ArrayList<>();
    for (Product from : Product.values()) {
      for (Product to : Product.values()) {
        if (from != to) {
          out.add(Arguments.of(from, to));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} repairs {1}, and a second run is clean")
  @MethodSource("directions")
  void repairsInEveryDirection(Product from, Product to) {
    List<Entry> rows = rows();
    Map<Long, Entry> byId = new java.util.TreeMap<>();
    rows.forEach(e -> byId.put((Long) e.key().part(0), e));
    byId.remove(40L); // missing in the replica
    byId.put(100L, Entry.of(Key.of(100), row(107).fields())); // changed: every column NULL
    byId.put(102L, Entry.of(Key.of(102), fields(201))); // changed: every column
    byId.put(5000L, Entry.of(Key.of(5000), fields(5000))); // extra
    List<Entry> drifted = new ArrayList<>(byId.values());
    JdbcStore source = seeded(fresh(from), from.id, rows);
    JdbcStore replica = seeded(fresh(to), to.id, drifted);
    Digest expected = source.digest(KeyRange.all());
    assertThat(replica.digest(KeyRange.all())).isNotEqualTo(expected);

    ReconcileReport report = reconcile(source, replica, Mode.APPLY);
    assertThat(report.divergences()).as(report.summary()).isEqualTo(4);
    assertThat(report.repairs().applied()).as(report.summary()).isEqualTo(4);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(replica.digest(KeyRange.all())).isEqualTo(expected);
    ReconcileReport again = reconcile(source, replica, Mode.APPLY);
    assertThat(again.divergences()).as(again.summary()).isZero();
    assertThat(again.repairs().applied()).isZero();
    // The repaired rows read back as the source holds them, in the replica's own types.
    Map<Key, Entry> back = replica.get(List.of(Key.of(40), Key.of(100), Key.of(102), Key.of(5000)));
    assertThat(back).doesNotContainKey(Key.of(5000)).hasSize(3);
    for (Entry e : back.values()) {
      assertThat(e.sameData(FLOATS.apply(rows.get((int) (long) (Long) e.key().part(0))))).as("%s", e).isTrue();
    }
  }
}
