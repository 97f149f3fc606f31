package io.reconcile.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestServers;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * SQLite as an edge replica of a central PostgreSQL or MariaDB: the same logical rows digest the
 * same under canonical MD5 in all three (SQLite client-side, the servers in SQL), and a repair
 * from PostgreSQL to SQLite, from SQLite to MariaDB and back converges, a second run finding
 * nothing. Each product declares the columns in its own types; SQLite's amount is {@code DECIMAL
 * TEXT(18,2)} so that 18-digit amounts stay exact.
 */
@DisplayName("SQLite, PostgreSQL and MariaDB digest alike and repair each other")
class SqliteCrossStoreIT {

  enum Product {
    SQLITE, POSTGRES, MARIADB
  }

  private static final int ROWS = 200;

  static DataSource fresh(Product p) {
    return switch (p) {
      case SQLITE -> Sqlite.fresh("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT,"
          + " amount DECIMAL TEXT(18,2), active BOOLEAN, born DATE, seen TIMESTAMP, data BLOB)");
      case POSTGRES -> TestServers.postgres().exec("CREATE TABLE items (id bigint PRIMARY KEY, name text,"
          + " amount numeric(18,2), active boolean, born date, seen timestamp(6), data bytea)").dataSource();
      case MARIADB -> TestServers.mariaDb().exec("CREATE TABLE items (id bigint PRIMARY KEY,"
          + " name varchar(200), amount decimal(18,2), active boolean, born date, seen datetime(6),"
          + " data varbinary(64))").dataSource();
    };
  }

  static Map<String, Object> fields(long n) {
    Map<String, Object> f = new LinkedHashMap<>();
    String[] names = {"Ada", "", "Zoë", "日本語", "😀 emoji", "it's \"quoted\"", "tab\tline"};
    f.put("name", n % 11 == 0 ? null : names[(int) (n % names.length)] + n);
    f.put("amount", n % 13 == 0 ? null
        : new BigDecimal(n % 2 == 0 ? "9999999999999990.01" : "-0.01").add(BigDecimal.valueOf(n % 97, 2)));
    f.put("active", n % 3 == 0 ? null : n % 2 == 0);
    f.put("born", LocalDate.of(1900, 1, 1).plusDays(n * 97));
    f.put("seen", Instant.parse("2024-01-01T00:00:00Z").plusNanos(n * 1_234_567_000L));
    f.put("data", n % 5 == 0 ? null : new byte[] {(byte) n, (byte) 0x80, (byte) 0xFF, 0});
    return f;
  }

  static List<Entry> rows() {
    List<Entry> out = new ArrayList<>();
    for (long n = 1; n <= ROWS; n++) {
      out.add(Entry.of(Key.of(n), fields(n)));
    }
    return out;
  }

  static JdbcStore seeded(DataSource ds, String id, List<Entry> rows) {
    JdbcStore store = JdbcStore.newBuilder(ds).id(id).table("items").build();
    List<RepairAction> inserts = rows.stream()
        .<RepairAction>map(e -> RepairAction.upsert(id, e, Expected.absent())).toList();
    assertThat(store.apply(inserts)).extracting(ActionOutcome::status).containsOnly(ActionOutcome.Status.APPLIED);
    return store;
  }

  static ReconcileReport reconcile(Store reference, Store other) {
    return Reconciler.newBuilder()
        .stores(reference, other)
        .resolver(Resolvers.sourceOfTruth(reference.id()))
        .mode(Mode.APPLY)
        .auditLog(AuditLog.inMemory())
        .segments(8)
        .leafRows(16)
        .seed(1)
        .build()
        .run();
  }

  @Test
  @DisplayName("the same rows digest the same under canonical MD5 in SQLite, PostgreSQL and MariaDB")
  void digestsAgree() {
    List<Entry> rows = rows();
    List<KeyRange> ranges = List.of(KeyRange.of(null, Key.of(50)), KeyRange.of(Key.of(50), Key.of(51)),
        KeyRange.of(Key.of(51), null));
    Map<Product, List<Digest>> digests = new TreeMap<>();
    for (Product p : Product.values()) {
      digests.put(p, seeded(fresh(p), p.name(), rows).digest(ranges, HashScheme.CANONICAL_MD5));
    }
    Digest all = Digest.EMPTY;
    for (Entry e : rows) {
      all = all.plus(e.hash());
    }
    List<Digest> sqlite = digests.get(Product.SQLITE);
    assertThat(sqlite.get(0).plus(sqlite.get(1)).plus(sqlite.get(2))).isEqualTo(all);
    assertThat(sqlite.get(1).count()).isEqualTo(1);
    assertThat(digests.get(Product.POSTGRES)).isEqualTo(digests.get(Product.SQLITE));
    assertThat(digests.get(Product.MARIADB)).isEqualTo(digests.get(Product.SQLITE));
  }

  static Stream<Arguments> directions() {
    return Stream.of(
        Arguments.of(Product.POSTGRES, Product.SQLITE),
        Arguments.of(Product.SQLITE, Product.MARIADB),
        Arguments.of(Product.MARIADB, Product.SQLITE),
        Arguments.of(Product.SQLITE, Product.POSTGRES));
  }

  @ParameterizedTest(name = "{0} repairs {1}, and a second run is clean")
  @MethodSource("directions")
  void repairsConverge(Product from, Product to) {
    List<Entry> rows = rows();
    Map<Key, Entry> drifted = new TreeMap<>();
    rows.forEach(e -> drifted.put(e.key(), e));
    drifted.remove(Key.of(40)); // missing in the replica
    drifted.put(Key.of(100), Entry.of(Key.of(100), fields(107))); // changed
    drifted.put(Key.of(5000), Entry.of(Key.of(5000), fields(5000))); // extra
    JdbcStore source = seeded(fresh(from), "source", rows);
    JdbcStore replica = seeded(fresh(to), "replica", new ArrayList<>(drifted.values()));
    Digest expected = source.digest(KeyRange.all());
    assertThat(replica.digest(KeyRange.all())).isNotEqualTo(expected);

    ReconcileReport report = reconcile(source, replica);
    assertThat(report.divergences()).as(report.summary()).isEqualTo(3);
    assertThat(report.repairs().applied()).as(report.summary()).isEqualTo(3);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(replica.digest(KeyRange.all())).isEqualTo(expected);
    ReconcileReport again = reconcile(source, replica);
    assertThat(again.divergences()).as(again.summary()).isZero();
    Map<Key, Entry> back = replica.get(List.of(Key.of(40), Key.of(100), Key.of(5000)));
    assertThat(back).doesNotContainKey(Key.of(5000)).hasSize(2);
    assertThat(back.get(Key.of(100)).hash()).isEqualTo(rows.get(99).hash());
  }
}
