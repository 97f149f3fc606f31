package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a JDBC store and other stores agree on canonical digests and converge under the engine")
class CrossStoreTest {

  private static final int ROWS = 300;

  private static JdbcStore typedTable(String id, List<Entry> rows) {
    DataSource ds = H2.fresh(JdbcStoreTest.Types.DDL);
    DATA_SOURCES.put(id, ds);
    JdbcStore s = JdbcStore.newBuilder(ds).id(id).table("items").fetchSize(50).build();
    List<RepairAction> seed = new ArrayList<>();
    for (Entry e : rows) {
      seed.add(RepairAction.upsert(id, e, Expected.absent()));
    }
    s.apply(seed);
    return s;
  }

  private static List<Entry> typedRows() {
    List<Entry> rows = new ArrayList<>();
    for (long id = 0; id < ROWS; id++) {
      rows.add(id % 50 == 7 ? JdbcStoreTest.Types.nullRow(id) : JdbcStoreTest.Types.typedRow(id));
    }
    return rows;
  }

  @Test
  @DisplayName("digests of an H2 table equal those of a memory store holding the same logical rows")
  void canonicalEquality() {
    List<Entry> rows = typedRows();
    JdbcStore h2 = typedTable("h2", rows);
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);
    assertThat(h2.digest(KeyRange.all())).isEqualTo(mem.digest(KeyRange.all()));
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of(10), Key.of(11), Key.of(150), Key.of(299)));
    List<Digest> fromH2 = h2.digest(ranges, HashScheme.CANONICAL_MD5);
    assertThat(fromH2).isEqualTo(mem.digest(ranges, HashScheme.CANONICAL_MD5));
    assertThat(fromH2).extracting(Digest::count).containsExactly(10L, 1L, 139L, 149L, 1L);

    // A changed value in any one column makes the digests differ.
    for (String column : JdbcStoreTest.Types.fields(0).keySet()) {
      H2.exec(dataSourceOf(h2), "UPDATE items SET " + column + " = NULL WHERE id = 3");
      assertThat(h2.digest(KeyRange.all())).as("after nulling %s", column).isNotEqualTo(mem.digest(KeyRange.all()));
      h2.apply(List.of(RepairAction.upsert("h2", rows.get(3), Expected.present(h2.get(List.of(Key.of(3))).get(Key.of(3))))));
      assertThat(h2.digest(KeyRange.all())).as("after restoring %s", column).isEqualTo(mem.digest(KeyRange.all()));
    }
  }

  @Test
  @DisplayName("the engine repairs an H2 replica from a memory primary until they converge")
  void repairsFromMemory() {
    List<Entry> rows = typedRows();
    MemoryStore primary = MemoryStore.create("primary");
    primary.putAll(rows);
    List<Entry> drifted = new ArrayList<>(rows);
    drifted.remove(40); // missing in the replica
    drifted.set(100, JdbcStoreTest.Types.nullRow(100)); // changed
    drifted.add(Entry.of(Key.of(5000), JdbcStoreTest.Types.fields(5000))); // extra
    JdbcStore replica = typedTable("replica", drifted);
    assertThat(replica.digest(KeyRange.all())).isNotEqualTo(primary.digest(KeyRange.all()));

    ReconcileReport report = reconcile(primary, replica);
    assertThat(report.divergences()).isEqualTo(3);
    assertThat(report.repairs().applied()).isEqualTo(3);
    assertThat(report.converged()).isTrue();
    assertThat(replica.digest(KeyRange.all())).isEqualTo(primary.digest(KeyRange.all()));
    assertThat(reconcile(primary, replica).divergences()).isZero();
  }

  @Test
  @DisplayName("a memory store and an H2 store digest under canonical MD5: the memory store's XXH3 scheme is not shared")
  void memoryAndH2FallBackToCanonicalMd5() {
    List<Entry> rows = typedRows();
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);
    List<Entry> drifted = new ArrayList<>(rows);
    drifted.set(100, JdbcStoreTest.Types.nullRow(100));
    JdbcStore h2 = typedTable("h2-md5", drifted);
    assertThat(mem.hashSchemes()).contains(HashScheme.CANONICAL_XXH3_128);
    assertThat(h2.hashSchemes()).doesNotContain(HashScheme.CANONICAL_XXH3_128);

    SchemeSpy primary = new SchemeSpy(mem);
    SchemeSpy replica = new SchemeSpy(h2);
    ReconcileReport report = reconcile(primary, replica);
    assertThat(report.divergences()).as(report.summary()).isEqualTo(1);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(primary.used).containsExactly(HashScheme.CANONICAL_MD5);
    assertThat(replica.used).containsExactly(HashScheme.CANONICAL_MD5);
  }

  @Test
  @DisplayName("the engine repairs one H2 database from another, both directions of drift")
  void repairsBetweenDatabases() {
    DataSource a = H2.fresh("CREATE TABLE kv (id BIGINT PRIMARY KEY, v VARCHAR(20), n DECIMAL(8,3))");
    DataSource b = H2.fresh("CREATE TABLE kv (id BIGINT PRIMARY KEY, v VARCHAR(20), n DECIMAL(8,3))");
    H2.exec(a, "INSERT INTO kv SELECT X, 'v' || X, X / 8.0 FROM SYSTEM_RANGE(1, 2000)");
    H2.exec(b, "INSERT INTO kv SELECT X, 'v' || X, X / 8.0 FROM SYSTEM_RANGE(1, 2000) WHERE MOD(X, 97) <> 0",
        "UPDATE kv SET v = 'drift' WHERE MOD(id, 211) = 0",
        "INSERT INTO kv VALUES (-1, 'extra', 0), (99999, 'extra', 1)");
    JdbcStore primary = JdbcStore.newBuilder(a).id("a").table("kv").build();
    JdbcStore replica = JdbcStore.newBuilder(b).id("b").table("kv").build();
    ReconcileReport report = reconcile(primary, replica);
    assertThat(report.repairs().applied()).isEqualTo(20 + 9 + 2);
    assertThat(report.converged()).isTrue();
    assertThat(replica.digest(KeyRange.all())).isEqualTo(primary.digest(KeyRange.all()));
    assertThat(H2.count(b, "SELECT COUNT(*) FROM kv")).isEqualTo(2000);
  }

  private static ReconcileReport reconcile(io.reconcile.api.store.Store primary, io.reconcile.api.store.Store replica) {
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

  private static DataSource dataSourceOf(JdbcStore s) {
    return DATA_SOURCES.get(s.id());
  }

  private static final Map<String, DataSource> DATA_SOURCES = new java.util.concurrent.ConcurrentHashMap<>();
}
