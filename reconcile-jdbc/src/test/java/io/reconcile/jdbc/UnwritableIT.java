package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.Mode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Values a target cannot hold are refused per action before anything is written, from the column
 * types the store read when it was built; PostgreSQL's infinity reads as such and round-trips.
 */
@DisplayName("unwritable values are found before the first write; infinity reads and round-trips")
class UnwritableIT {

  private static final String INFINITE =
      "CREATE TABLE t (id int PRIMARY KEY, d date, ts timestamp, tz timestamptz)";

  private static final String[] INFINITE_ROWS = {
    "INSERT INTO t VALUES (1, '2024-02-29', '2024-02-29 12:00:00.5', '2024-02-29 12:00:00+00')",
    "INSERT INTO t VALUES (2, 'infinity', '2020-01-01', '2020-01-01 00:00:00+00')",
    "INSERT INTO t VALUES (3, '2020-01-01', '-infinity', '2020-01-01 00:00:00+00')",
    "INSERT INTO t VALUES (4, '2020-01-01', '2020-01-01', 'infinity')",
    "INSERT INTO t VALUES (5, '-infinity', 'infinity', '-infinity')",
    "INSERT INTO t VALUES (6, NULL, NULL, NULL)",
  };

  @Test
  @DisplayName("PostgreSQL infinity reads as the ends of the time line, not as a year -10^9 instant")
  void infinityReadsAsSuch() {
    JdbcStore pg = JdbcStore.newBuilder(Postgres.fresh(concat(INFINITE, INFINITE_ROWS))).table("t").build();

    Map<Key, Entry> rows = pg.get(List.of(Key.of(2), Key.of(3), Key.of(4), Key.of(5)));

    assertThat(rows.get(Key.of(2)).field("d")).isEqualTo(Value.of(LocalDate.MAX));
    assertThat(rows.get(Key.of(3)).field("ts")).isEqualTo(Value.of(Instant.MIN));
    assertThat(rows.get(Key.of(4)).field("tz")).isEqualTo(Value.of(Instant.MAX));
    assertThat(rows.get(Key.of(5)).field("d")).isEqualTo(Value.of(LocalDate.MIN));
    assertThat(rows.get(Key.of(5)).field("ts")).isEqualTo(Value.of(Instant.MAX));
    assertThat(rows.get(Key.of(5)).field("tz")).isEqualTo(Value.of(Instant.MIN));
  }

  @Test
  @DisplayName("PostgreSQL to MariaDB: unwritable() names the infinite rows' key and column, not the value; the rest are writable")
  void infinityIsUnwritableToMariaDb() {
    JdbcStore pg = JdbcStore.newBuilder(Postgres.fresh(concat(INFINITE, INFINITE_ROWS))).table("t").build();
    DataSource mariaDb = MariaDb.fresh(
        "CREATE TABLE t (id int PRIMARY KEY, d date, ts datetime(6), tz timestamp(6) NULL)");
    JdbcStore target = JdbcStore.newBuilder(mariaDb).id("target").table("t").build();
    List<Entry> entries;
    try (Stream<Entry> s = pg.scan(KeyRange.all())) {
      entries = s.toList();
    }

    Map<Object, Optional<String>> reasons = new LinkedHashMap<>();
    for (Entry e : entries) {
      reasons.put(e.key().part(0), target.unwritable(RepairAction.upsert("target", e, Expected.absent())));
    }

    assertThat(reasons.entrySet().stream().filter(r -> r.getValue().isEmpty()).map(Map.Entry::getKey))
        .containsExactly(1L, 6L);
    assertThat(reasons.get(2L)).get().asString()
        .contains("key 2", "column 'd'", "1000-01-01").doesNotContain("999999999", "infinity");
    assertThat(reasons.get(3L)).get().asString().contains("key 3", "column 'ts'", "9999-12-31");
    assertThat(reasons.get(4L)).get().asString().contains("key 4", "column 'tz'", "2038-01-19");
    // apply refuses a batch holding one, before its first write.
    List<RepairAction> batch = entries.stream()
        .map(e -> (RepairAction) RepairAction.upsert("target", e, Expected.absent())).toList();
    assertThatThrownBy(() -> target.apply(batch))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot write 4 of a batch of 6")
        .hasMessageContaining("key 2");
    assertThat(H2.count(mariaDb, "SELECT COUNT(*) FROM t")).isZero();
  }

  @Test
  @DisplayName("PostgreSQL to PostgreSQL: infinity and -infinity round-trip exactly; server-side and client-side digests agree")
  void infinityRoundTripsBetweenPostgres() {
    DataSource source = Postgres.fresh(concat(INFINITE, INFINITE_ROWS));
    DataSource target = Postgres.fresh(INFINITE);
    JdbcStore from = JdbcStore.newBuilder(source).id("source").table("t").build();
    JdbcStore to = JdbcStore.newBuilder(target).id("target").table("t").build();

    String summary = WriteTypesIT.repair(from, to, Mode.APPLY).summary();

    String all = "SELECT * FROM t ORDER BY id";
    assertThat(Postgres.query(target, all)).as(summary).isEqualTo(Postgres.query(source, all)).contains("-infinity");
    JdbcStore clientSide = JdbcStore.newBuilder(target).table("t").serverSideDigest(false).build();
    assertThat(from.capabilities()).contains(io.reconcile.api.store.Capability.SERVER_SIDE_DIGEST);
    assertThat(to.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5))
        .isEqualTo(clientSide.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5))
        .isEqualTo(from.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5));
  }

  @Test
  @DisplayName("MariaDB: lengths, precision, labels, integer ranges, fractional digits and NOT NULL are checked without I/O")
  void mariaDbLimits() {
    DataSource ds = MariaDb.fresh(
        "CREATE TABLE t (id int PRIMARY KEY, vc varchar(4), n decimal(5,2), e ENUM('a','b'),"
            + " s SET('x','y'), ti tinyint, y YEAR, dt datetime(3), nn int NOT NULL DEFAULT 7)");
    JdbcStore store = JdbcStore.newBuilder(ds).id("m").table("t").build();
    Map<String, Object> fits = new LinkedHashMap<>(Map.of(
        "vc", "four", "n", new BigDecimal("123.45"), "e", "b", "s", "x,y", "ti", -128L,
        "y", 2155L, "dt", Instant.parse("2024-01-01T00:00:00.123Z"), "nn", 1L));

    assertThat(store.unwritable(upsert(fits))).isEmpty();
    Map<String, String> accepts = new LinkedHashMap<>();
    accepts.put("vc=fives", "at most 4 characters");
    accepts.put("n=1234.5", "at most 5 digits, 2 of them after the point");
    accepts.put("n=1.005", "at most 5 digits");
    accepts.put("e=c", "labels [a, b]");
    accepts.put("s=x,z", "labels of [x, y]");
    accepts.put("ti=128", "integers from -128 to 127");
    accepts.put("y=1900", "integers from 1901 to 2155");
    accepts.put("dt=2024-01-01T00:00:00.1234Z", "at most 3 fractional second digits");
    accepts.put("nn=null", "NOT NULL");
    for (Map.Entry<String, String> c : accepts.entrySet()) {
      String column = c.getKey().substring(0, c.getKey().indexOf('='));
      String text = c.getKey().substring(column.length() + 1);
      Map<String, Object> fields = new LinkedHashMap<>(fits);
      Object prior = fits.get(column);
      fields.put(column, text.equals("null") ? null
          : prior instanceof BigDecimal ? new BigDecimal(text)
          : prior instanceof Long ? Long.parseLong(text)
          : prior instanceof Instant ? Instant.parse(text)
          : text);
      assertThat(store.unwritable(upsert(fields))).as(c.getKey()).get().asString()
          .contains("key 9", "column '" + column + "'", c.getValue());
    }
  }

  private static RepairAction upsert(Map<String, Object> fields) {
    Map<String, Object> nonNull = fields.entrySet().stream().filter(f -> f.getValue() != null)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    Map<String, Value> values = new LinkedHashMap<>();
    nonNull.forEach((k, v) -> values.put(k, Value.from(v)));
    fields.forEach((k, v) -> values.putIfAbsent(k, Value.ofNull()));
    return RepairAction.upsert("m", Entry.of(Key.of(9), values), Expected.absent());
  }

  private static String[] concat(String table, String... rows) {
    String[] out = new String[rows.length + 1];
    out[0] = table;
    System.arraycopy(rows, 0, out, 1, rows.length);
    return out;
  }
}
