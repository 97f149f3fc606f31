package io.reconcile.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.jdbc.spi.ColumnKind;
import io.reconcile.jdbc.spi.SqlColumn;
import io.reconcile.jdbc.spi.SqlDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What the SQLite dialect promises: discovery, the types it maps and the values it refuses. */
class SqliteDialectTest {

  private static final String DDL = "CREATE TABLE items (id INTEGER PRIMARY KEY, name VARCHAR(20),"
      + " amount DECIMAL(18,2), exact DECIMAL TEXT(40,10), active BOOLEAN, born DATE, seen TIMESTAMP,"
      + " data BLOB, ratio DOUBLE)";

  private static Entry row(long id, Map<String, Object> fields) {
    return Entry.of(Key.of(id), fields);
  }

  private static Map<String, Object> fields(BigDecimal amount, BigDecimal exact) {
    Map<String, Object> f = new LinkedHashMap<>();
    f.put("name", "Zoë 😀");
    f.put("amount", amount);
    f.put("exact", exact);
    f.put("active", true);
    f.put("born", LocalDate.of(1969, 7, 20));
    f.put("seen", Instant.parse("2024-02-29T23:59:59.123456Z"));
    f.put("data", new byte[] {0, (byte) 0x80, (byte) 0xFF});
    f.put("ratio", 0.1);
    return f;
  }

  @Test
  @DisplayName("ServiceLoader finds the dialect for the product name the SQLite driver reports")
  void foundThroughServiceLoader() throws SQLException {
    DataSource ds = Sqlite.fresh(DDL);
    String product;
    try (Connection c = ds.getConnection()) {
      product = c.getMetaData().getDatabaseProductName();
    }
    List<SqlDialect> serving = ServiceLoader.load(SqlDialect.class).stream()
        .map(ServiceLoader.Provider::get).filter(d -> d.serves(product)).toList();
    assertThat(serving).singleElement().isInstanceOf(SqliteDialect.class);
    // Built without a dialect, the store reads (the generic dialect's setReadOnly would fail on
    // this driver) and refuses what only this dialect knows a NUMERIC column rounds.
    JdbcStore store = JdbcStore.newBuilder(ds).table("items").build();
    assertThat(store.scan(io.reconcile.api.KeyRange.all()).toList()).isEmpty();
    Entry rounded = row(1, fields(new BigDecimal("1234567890123456.78"), BigDecimal.ONE));
    assertThat(store.unwritable(RepairAction.upsert(store.id(), rounded, Expected.absent())))
        .hasValueSatisfying(why -> assertThat(why).contains("column 'amount'")
            .contains("at most 15 significant digits").doesNotContain("1234567890123456"));
  }

  @Test
  @DisplayName("a jdbc:sqlite URI opens an existing file, and refuses a missing one without creating it")
  void opensExistingFilesOnly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws SQLException {
    java.nio.file.Path existing = dir.resolve("there.db");
    try (Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + existing);
        java.sql.Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)");
    }
    io.reconcile.api.store.StoreOptions options = io.reconcile.api.store.StoreOptions.newBuilder().dataset("t").build();
    try (io.reconcile.api.store.Store store = io.reconcile.api.store.Stores.open("jdbc:sqlite:" + existing, options)) {
      assertThat(store.digest(io.reconcile.api.KeyRange.all()).count()).isZero();
    }
    java.nio.file.Path missing = dir.resolve("typo.db");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.reconcile.api.store.Stores.open("jdbc:sqlite:" + missing, options))
        .isInstanceOf(io.reconcile.api.ReconcileException.ConfigurationException.class)
        .hasMessageContaining("does not exist").hasMessageContaining("never creates one");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.reconcile.api.store.Stores.open("jdbc:sqlite:file:" + missing, options))
        .isInstanceOf(io.reconcile.api.ReconcileException.class);
    assertThat(missing).doesNotExist();
  }

  @Test
  @DisplayName("a dialect chosen on the builder wins over the one ServiceLoader finds")
  void explicitDialectWins() {
    AtomicInteger limits = new AtomicInteger();
    SqliteDialect sqlite = new SqliteDialect();
    SqlDialect counting = new SqlDialect() {
      @Override
      public String name() {
        return "counting-sqlite";
      }

      @Override
      public boolean serves(String productName) {
        return false;
      }

      @Override
      public Optional<ColumnKind> kind(SqlColumn column) {
        return sqlite.kind(column);
      }

      @Override
      public boolean setsReadOnly() {
        return sqlite.setsReadOnly();
      }

      @Override
      public Restore beginRead(Connection connection) throws SQLException {
        return sqlite.beginRead(connection);
      }

      @Override
      public String limit(int rows) {
        limits.incrementAndGet();
        return sqlite.limit(rows);
      }
    };
    JdbcStore store = JdbcStore.newBuilder(Sqlite.fresh(DDL, "INSERT INTO items (id) VALUES (1), (2)"))
        .table("items").dialect(counting).build();
    assertThat(store.scan(io.reconcile.api.KeyRange.all()).toList()).hasSize(2);
    assertThat(limits.get()).isPositive();
    // Its own answers, not SQLite's: no snapshot reads declared, so no atomic batches.
    assertThat(store.capabilities()).doesNotContain(Capability.ATOMIC_BATCH);
  }

  @Test
  @DisplayName("every mapped type round-trips exactly; a DECIMAL TEXT column holds any decimal")
  void typesRoundTrip() {
    JdbcStore store = JdbcStore.newBuilder(Sqlite.fresh(DDL)).table("items").build();
    assertThat(store.capabilities()).contains(Capability.COMPARE_AND_SET, Capability.ATOMIC_BATCH)
        .doesNotContain(Capability.SERVER_SIDE_DIGEST);
    Entry a = row(1, fields(new BigDecimal("9999999999999999"), new BigDecimal("123456789012345678901234567890.0123456789")));
    Entry b = row(2, fields(new BigDecimal("-0.01"), new BigDecimal("0.10")));
    Entry c = row(3, fields(new BigDecimal("123456789012.345"), BigDecimal.ZERO));
    List<ActionOutcome> out = store.apply(List.of(
        RepairAction.upsert(store.id(), a, Expected.absent()),
        RepairAction.upsert(store.id(), b, Expected.absent()),
        RepairAction.upsert(store.id(), c, Expected.absent())));
    assertThat(out).extracting(ActionOutcome::status).containsOnly(ActionOutcome.Status.APPLIED);
    Map<Key, Entry> back = store.get(List.of(Key.of(1), Key.of(2), Key.of(3)));
    assertThat(back.get(Key.of(1)).hash()).isEqualTo(a.hash());
    assertThat(back.get(Key.of(2)).hash()).isEqualTo(b.hash());
    assertThat(back.get(Key.of(3)).hash()).isEqualTo(c.hash());
    assertThat(back.get(Key.of(1)).fields().fields().get("active")).isEqualTo(Value.of(true));
  }

  @Test
  @DisplayName("a NUMERIC column refuses decimals it would round, and takes integers within 64 bits")
  void numericAffinityRefusesWhatItRounds() {
    JdbcStore store = JdbcStore.newBuilder(Sqlite.fresh(DDL)).table("items").build();
    for (String ok : List.of("9223372036854775807", "1E+20", "99999999999999.9", "0.000000000000001")) {
      Entry e = row(1, fields(new BigDecimal(ok), BigDecimal.ONE));
      assertThat(store.unwritable(RepairAction.upsert(store.id(), e, Expected.absent()))).as(ok).isEmpty();
    }
    for (String rounded : List.of("9223372036854775808", "1234567890123456.78", "0.1234567890123456")) {
      Entry e = row(1, fields(new BigDecimal(rounded), BigDecimal.ONE));
      assertThat(store.unwritable(RepairAction.upsert(store.id(), e, Expected.absent()))).as(rounded).isPresent();
    }
  }
}
