package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.testservers.TestDatabase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("MariaDB computes canonical digests in the server, bit-identical to client-side hashing")
class MariaDbDigestIT extends DigestPushdownContract {

  static final String DDL =
      "CREATE TABLE items (id bigint PRIMARY KEY, i int, s smallint, n decimal(12,2),"
          + " n6 decimal(20,6), nn decimal(40,4), t text, v varchar(40), b boolean, dt date,"
          + " ts datetime(6), tz timestamp(6) NULL, u uuid, bin varbinary(16))";

  private static final List<String> ALL_KEYS = List.of(
      "a", "B", "b", "Z", "é", "e", "ß", "🙂", "\uE000", "\uFFFD", "a b", "ab", "", "a ", "a\t", "a\t ");

  @Override
  DataSource freshItems() {
    return MariaDb.fresh(DDL);
  }

  @Override
  String dialect() {
    return "mariadb";
  }

  @Override
  boolean searchesBounds() {
    return true;
  }

  @Override
  int rangesPerQuery() {
    return MariaDbDialect.RANGES_PER_QUERY;
  }

  @Override
  Map<String, List<String>> changes() {
    Map<String, List<String>> c = new LinkedHashMap<>();
    c.put("i", List.of("i + 1", "-i", "NULL"));
    c.put("s", List.of("s - 1", "NULL"));
    c.put("n", List.of("n + 0.01", "NULL"));
    c.put("n6", List.of("n6 + 0.000001", "NULL"));
    c.put("nn", List.of("nn * 10", "NULL"));
    c.put("t", List.of("CONCAT(t, ' ')", "''", "NULL"));
    c.put("v", List.of("'trailing'", "''", "NULL"));
    c.put("b", List.of("NOT b", "NULL"));
    c.put("dt", List.of("dt + INTERVAL 1 DAY", "NULL"));
    c.put("ts", List.of("ts + INTERVAL 1 MICROSECOND", "NULL"));
    c.put("tz", List.of("tz - INTERVAL 1 MICROSECOND", "NULL"));
    c.put("u", List.of("'00000000-0000-0000-0000-000000000001'", "NULL"));
    c.put("bin", List.of("CONCAT(bin, x'00')", "x''", "NULL"));
    return c;
  }

  @Override
  Map<DataSource, List<String>> textKeyTables() {
    Map<DataSource, List<String>> t = new LinkedHashMap<>();
    // NO PAD byte order: every key fits, and the bare column (and its index) orders them.
    t.put(MariaDb.fresh("CREATE TABLE words (k varchar(10) COLLATE utf8mb4_nopad_bin PRIMARY KEY, v text)"),
        ALL_KEYS);
    // utf8mb4_bin pads with spaces ('a' = 'a ', 'a\t' < 'a'): compared as bytes instead. Its
    // unique key holds no two keys that differ only by trailing spaces.
    t.put(MariaDb.fresh("CREATE TABLE words (k varchar(10) COLLATE utf8mb4_bin PRIMARY KEY, v text)"),
        ALL_KEYS.stream().filter(k -> !k.endsWith(" ")).toList());
    // Case- and accent-insensitive: only keys it holds apart (all emoji weigh as U+FFFD there).
    t.put(MariaDb.fresh("CREATE TABLE words (k varchar(10) COLLATE utf8mb4_general_ci PRIMARY KEY, v text)"),
        List.of("a", "B", "Z", "é", "🙂", "\uE000", "a b", "ab", "", "a\t"));
    return t;
  }

  @Override
  DataSource floatTable() {
    return MariaDb.fresh("CREATE TABLE f (id int PRIMARY KEY, x double, y text)",
        "INSERT INTO f VALUES (1, 0.1, 'a'), (2, NULL, 'b')");
  }

  @Test
  @DisplayName("tinyint(1) is read as a boolean on both sides; bit(1), char(n) and blob push down too")
  void booleansAndOtherTypes() {
    DataSource ds = MariaDb.fresh(
        "CREATE TABLE o (id varbinary(8) PRIMARY KEY, t1 tinyint(1), b1 bit(1), c char(6),"
            + " bl blob, ti tinyint, mi mediumint unsigned, lt longtext)",
        "INSERT INTO o VALUES (x'00', 2, 1, 'ab  ', x'00ff', -128, 16777215, '{\"a\": [1, 2]}'),"
            + " (x'ff00', -1, 0, '', '', 127, 0, ''), (x'7f', 0, NULL, NULL, NULL, NULL, NULL, NULL)");
    JdbcStore db = JdbcStore.newBuilder(ds).table("o").build();
    JdbcStore client = JdbcStore.newBuilder(ds).table("o").serverSideDigest(false).build();
    assertThat(db.dialectName()).isEqualTo("mariadb");
    assertThat(db.get(List.of(Key.ofBytes(new byte[] {0}))).values().iterator().next().field("t1"))
        .isEqualTo(io.reconcile.api.Value.of(true));
    assertThat(db.digest(KeyRange.all())).isEqualTo(client.digest(KeyRange.all()));
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.ofBytes(new byte[] {0x7f}), Key.ofBytes(new byte[] {(byte) 0x80})));
    assertThat(db.digest(ranges, HashScheme.CANONICAL_MD5)).isEqualTo(client.digest(ranges, HashScheme.CANONICAL_MD5))
        .extracting(Digest::count).containsExactly(1L, 1L, 1L);
  }

  @Test
  @DisplayName("a jdbc:mariadb URI opens a store with the MariaDB dialect and server-side digests")
  void opensByUri() {
    TestDatabase db = MariaDb.database(DDL,
        "INSERT INTO items (id, i, t) SELECT seq, seq, CONCAT('x', seq) FROM seq_1_to_100");
    try (Store s = Stores.open(db.jdbcUrl(), StoreOptions.newBuilder().dataset("items")
        .property("user", db.user()).property("password", db.password()).build())) {
      assertThat(s.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
      assertThat(((JdbcStore) s).dialectName()).isEqualTo("mariadb");
      assertThat(s.digest(KeyRange.all()).count()).isEqualTo(100);
    }
  }

  @Test
  @DisplayName("the digest query reads the key range once, groups without a sort; timed against client-side")
  void planAndTiming() throws Exception {
    DataSource ds = MariaDb.fresh(
        "CREATE TABLE items (id bigint PRIMARY KEY, name varchar(40), amount decimal(12,2),"
            + " created datetime(6), active boolean, qty int)",
        "INSERT INTO items SELECT seq, CONCAT('name ', seq), seq / 7,"
            + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND, seq % 2, seq % 1000"
            + " FROM seq_1_to_200000",
        "ANALYZE TABLE items");
    JdbcStore db = JdbcStore.newBuilder(ds).table("items").build();
    List<Key> cuts = new ArrayList<>();
    for (long k = 300; k < 200000; k += 300) {
      cuts.add(Key.of(k));
    }
    List<KeyRange> all = KeyRange.all().split(cuts).subList(0, MariaDbDialect.RANGES_PER_QUERY);
    String whole = explain(db, ds, all);
    // A sub-span of the table: read by a range scan of the primary key.
    String part = explain(db, ds, all.subList(10, 20));
    System.out.println("EXPLAIN, " + all.size() + " ranges over the table:\n" + whole + "EXPLAIN, 10 ranges:\n" + part);
    assertThat(whole + part).doesNotContainIgnoringCase("filesort");
    assertThat(part).contains("range").contains("PRIMARY");

    JdbcStore client = JdbcStore.newBuilder(ds).table("items").serverSideDigest(false).build();
    for (int round = 0; round < 3; round++) { // the first round warms both paths up
      long t0 = System.nanoTime();
      List<Digest> server = db.digest(all, HashScheme.CANONICAL_MD5);
      long t1 = System.nanoTime();
      List<Digest> fetched = client.digest(all, HashScheme.CANONICAL_MD5);
      long t2 = System.nanoTime();
      assertThat(server).isEqualTo(fetched);
      assertThat(server.stream().mapToLong(Digest::count).sum()).isEqualTo(all.size() * 300L - 1);
      System.out.printf("MariaDB %d rows, %d ranges: server-side %d ms, client-side %d ms%n",
          all.size() * 300 - 1, all.size(), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
    }
  }

  private static String explain(JdbcStore db, DataSource ds, List<KeyRange> ranges) throws Exception {
    Queries queries = db.queries();
    List<Queries.Bound> params = new ArrayList<>();
    String sql = ((MariaDbDialect.Digests) queries.dialect().pushdown()).sql(queries, ranges, params);
    StringBuilder plan = new StringBuilder();
    try (var c = ds.getConnection(); var ps = c.prepareStatement("EXPLAIN " + sql)) {
      new Queries.Sql(sql, params).bind(ps);
      try (var rs = ps.executeQuery()) {
        while (rs.next()) {
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            plan.append(rs.getString(i)).append(i < rs.getMetaData().getColumnCount() ? " | " : "\n");
          }
        }
      }
    }
    return plan.toString();
  }
}
