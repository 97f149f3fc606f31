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
import io.reconcile.core.memory.MemoryStore;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every dialect with server-side digests must show, on the rows of {@link #rows()}
 * (negative numbers, big and zero decimals at several scales, empty vs NULL text, trailing spaces,
 * quotes and backslashes, emoji, timestamps with micros before and after 1970, all-NULL rows): the
 * digests computed in the database equal client-side canonical hashing and the memory store's, a
 * change in any one column changes them, text keys order by code point, and types or rules the
 * database cannot reproduce fall back to client-side hashing. A product's test subclasses this.
 */
abstract class DigestPushdownContract {

  /**
   * A new database holding the table {@code items} in this product's types: {@code id bigint} key, then
   * the columns of {@link #fields}, as {@link PostgresDigestIT#DDL} declares them for PostgreSQL.
   */
  abstract DataSource freshItems();

  /** The dialect name of a store that pushes digests down. */
  abstract String dialect();

  /** The ranges one digest query buckets. */
  abstract int rangesPerQuery();

  /** Whether the dialect buckets adjacent integer-key ranges with a search of its own. */
  abstract boolean searchesBounds();

  /** Per column of {@code items}, SQL expressions that change its value (e.g. {@code i + 1}, NULL). */
  abstract Map<String, List<String>> changes();

  /**
   * Databases with a table {@code words (k <text> PRIMARY KEY, v <text>)}, one per key collation
   * worth testing, with the keys they can hold (a PAD SPACE unique key cannot hold both 'a' and
   * 'a ').
   */
  abstract Map<DataSource, List<String>> textKeyTables();

  /** A database with a table {@code f (id int PRIMARY KEY, x <double>, y <text>)} and two rows. */
  abstract DataSource floatTable();

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

  /** The contract's rows, 0 to 399: {@link #fields} of each id, every 50th (from 7) all NULL. */
  static List<Entry> rows() {
    return rows(ROWS, DigestPushdownContract::fields);
  }

  /** Rows 0 to {@code count - 1} with the given fields of each id, every 50th (from 7) with all of them NULL. */
  static List<Entry> rows(int count, LongFunction<Map<String, Object>> fields) {
    List<Entry> rows = new ArrayList<>();
    for (long id = 0; id < count; id++) {
      rows.add(row(id, fields));
    }
    return rows;
  }

  /** Row {@code id} with the given fields, all NULL for every 50th id from 7. */
  static Entry row(long id, LongFunction<Map<String, Object>> fields) {
    Map<String, Object> m = fields.apply(id);
    if (id % 50 == 7) {
      m.replaceAll((k, v) -> Value.ofNull());
    }
    return Entry.of(Key.of(id), m);
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
    AtomicInteger statements = new AtomicInteger();
    DataSource ds = counting(freshItems(), statements);
    JdbcStore db = seeded(ds, "db", rows);
    JdbcStore client = JdbcStore.newBuilder(ds).id("db").table("items").serverSideDigest(false).build();
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);

    assertThat(db.dialectName()).isEqualTo(dialect());
    assertThat(db.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(client.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);

    // Every row reads back as written, so the comparison below is of the same logical rows.
    try (Stream<Entry> scanned = db.scan(KeyRange.all())) {
      List<Entry> back = scanned.toList();
      assertThat(back).hasSize(rows.size());
      for (int i = 0; i < rows.size(); i++) {
        assertThat(back.get(i).sameData(rows.get(i))).as("row %s: %s", i, back.get(i)).isTrue();
      }
    }

    Digest whole = mem.digest(KeyRange.all());
    assertThat(db.digest(KeyRange.all())).isEqualTo(whole);
    assertThat(client.digest(KeyRange.all())).isEqualTo(whole);

    List<List<KeyRange>> groups = List.of(
        KeyRange.all().split(List.of(Key.of(10), Key.of(11), Key.of(150), Key.of(399))),
        // not contiguous: rows between the ranges belong to none
        List.of(KeyRange.of(Key.of(-5), Key.of(3)), KeyRange.of(Key.of(100), Key.of(101)),
            KeyRange.of(Key.of(390), null)),
        List.of(KeyRange.of(Key.of(1000), Key.of(2000))));
    for (List<KeyRange> ranges : groups) {
      List<Digest> server = db.digest(ranges, HashScheme.CANONICAL_MD5);
      assertThat(server).as("%s", ranges).isEqualTo(mem.digest(ranges, HashScheme.CANONICAL_MD5));
      assertThat(server).as("%s", ranges).isEqualTo(client.digest(ranges, HashScheme.CANONICAL_MD5));
    }
    // More ranges than one query buckets: adjacent ones over the integer key in one query where the
    // database searches their bounds itself, else one query per group of ranges; same answer.
    List<Key> cuts = new ArrayList<>();
    int wanted = 2 * rangesPerQuery() + rangesPerQuery() / 2; // spread over the rows and below them
    for (long k = 400 - wanted + 1; k < 400; k++) {
      cuts.add(Key.of(k));
    }
    List<KeyRange> many = KeyRange.all().split(cuts);
    assertThat(many.size()).isGreaterThan(2 * rangesPerQuery()).isLessThanOrEqualTo(3 * rangesPerQuery());
    statements.set(0);
    List<Digest> server = db.digest(many, HashScheme.CANONICAL_MD5);
    assertThat(statements).as("queries for %s ranges", many.size()).hasValue(searchesBounds() ? 1 : 3);
    assertThat(server).isEqualTo(mem.digest(many, HashScheme.CANONICAL_MD5));
    // With gaps between the ranges, every dialect groups them.
    List<KeyRange> gapped = new ArrayList<>();
    for (int i = 0; i < many.size(); i += 2) {
      gapped.add(many.get(i));
    }
    statements.set(0);
    assertThat(db.digest(gapped, HashScheme.CANONICAL_MD5)).isEqualTo(mem.digest(gapped, HashScheme.CANONICAL_MD5));
    assertThat(statements).as("queries for %s ranges with gaps", gapped.size()).hasValue(2);
  }

  @Test
  @DisplayName("changing any single column value changes the server-side digest, to the client-side one")
  void everyColumnCounts() {
    List<Entry> rows = rows();
    DataSource ds = freshItems();
    JdbcStore db = seeded(ds, "db", rows);
    MemoryStore mem = MemoryStore.create("mem");
    mem.putAll(rows);
    Digest expected = mem.digest(KeyRange.all());
    assertThat(db.digest(KeyRange.all())).isEqualTo(expected);
    int changed = 0;
    for (long id : new long[] {4, 6}) { // id 6 holds empty text
      for (Map.Entry<String, List<String>> c : changes().entrySet()) {
        for (String to : c.getValue()) {
          H2.exec(ds, "UPDATE items SET " + c.getKey() + " = " + to + " WHERE id = " + id);
          Entry now = db.get(List.of(Key.of(id))).get(Key.of(id));
          if (now.sameData(rows.get((int) id))) {
            continue; // the row already held that value (e.g. '' in row 6)
          }
          changed++;
          assertThat(db.digest(KeyRange.all()))
              .as("row %s: %s = %s", id, c.getKey(), to).isNotEqualTo(expected);
          MemoryStore after = MemoryStore.create("after");
          after.putAll(rows);
          after.put(now);
          assertThat(db.digest(KeyRange.all())).as("%s = %s", c.getKey(), to)
              .isEqualTo(after.digest(KeyRange.all()));
          db.apply(List.of(RepairAction.upsert("db", rows.get((int) id), Expected.present(now))));
          assertThat(db.digest(KeyRange.all())).isEqualTo(expected);
        }
      }
    }
    assertThat(changed).isGreaterThanOrEqualTo(2 * changes().size());
  }

  @Test
  @DisplayName("text keys scan, bound ranges and digest in code point order, whatever the collation")
  void textKeysByCodePoint() {
    for (Map.Entry<DataSource, List<String>> t : textKeyTables().entrySet()) {
      List<Entry> rows = t.getValue().stream()
          .map(k -> Entry.of(Key.of(k), Map.of("v", "v:" + k)))
          .toList();
      JdbcStore db = JdbcStore.newBuilder(t.getKey()).table("words").fetchSize(3).build();
      List<RepairAction> seed = new ArrayList<>();
      rows.forEach(e -> seed.add(RepairAction.upsert("words", e, Expected.absent())));
      db.apply(seed);
      assertThat(db.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
      MemoryStore mem = MemoryStore.create("mem");
      mem.putAll(rows);
      try (Stream<Entry> s = db.scan(KeyRange.all()); Stream<Entry> m = mem.scan(KeyRange.all())) {
        assertThat(s.map(Entry::key).toList()).isEqualTo(m.map(Entry::key).toList());
      }
      List<Key> cuts = new ArrayList<>();
      for (String k : List.of("B", "a", "a\t", "é", "\uE000", "\uFFFD")) {
        cuts.add(Key.of(k));
      }
      List<KeyRange> ranges = KeyRange.all().split(cuts);
      assertThat(db.digest(ranges, HashScheme.CANONICAL_MD5))
          .isEqualTo(mem.digest(ranges, HashScheme.CANONICAL_MD5));
      for (KeyRange r : ranges) {
        try (Stream<Entry> s = db.scan(r); Stream<Entry> m = mem.scan(r)) {
          assertThat(s.map(Entry::key).toList()).as("%s", r).isEqualTo(m.map(Entry::key).toList());
        }
      }
    }
  }

  @Test
  @DisplayName("renames and ignored fields still push down; value rules and floats hash client-side")
  void pushdownOnlyWhenBitIdentical() {
    List<Entry> rows = rows();
    DataSource ds = freshItems();
    seeded(ds, "items", rows);
    Normalization renamed = Normalization.newBuilder().rename("t", "title").ignore("bin").build();
    JdbcStore db = JdbcStore.newBuilder(ds).table("items").normalization(renamed).build();
    assertThat(db.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    MemoryStore mem = MemoryStore.create("mem");
    rows.forEach(e -> mem.put(renamed.apply(e)));
    assertThat(db.digest(KeyRange.all())).isEqualTo(mem.digest(KeyRange.all()));

    Normalization trim = Normalization.newBuilder().trim(Normalization.Trim.TRAILING).build();
    JdbcStore trimmed = JdbcStore.newBuilder(ds).table("items").normalization(trim).build();
    assertThat(trimmed.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);
    assertThat(trimmed.dialectName()).contains("client-side").contains("normalisation rule");
    MemoryStore trimmedMem = MemoryStore.create("trimmed");
    rows.forEach(e -> trimmedMem.put(trim.apply(e)));
    assertThat(trimmed.digest(KeyRange.all())).isEqualTo(trimmedMem.digest(KeyRange.all()));

    JdbcStore floats = JdbcStore.newBuilder(floatTable()).table("f").build();
    assertThat(floats.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST);
    assertThat(floats.dialectName()).contains("client-side").containsIgnoringCase("column x");
    MemoryStore floatMem = MemoryStore.create("f");
    floatMem.put(Entry.of(Key.of(1), Map.of("x", 0.1, "y", "a")));
    Map<String, Object> nulls = new LinkedHashMap<>();
    nulls.put("x", io.reconcile.api.Value.ofNull());
    nulls.put("y", "b");
    floatMem.put(Entry.of(Key.of(2), nulls));
    assertThat(floats.digest(KeyRange.all())).isEqualTo(floatMem.digest(KeyRange.all()));
  }

  /** A data source whose connections count the statements they prepare. */
  static DataSource counting(DataSource ds, AtomicInteger prepared) {
    return recording(ds, sql -> prepared.incrementAndGet());
  }

  /** A data source whose connections hand the SQL of every statement they prepare to {@code sink}. */
  static DataSource recording(DataSource ds, java.util.function.Consumer<String> sink) {
    InvocationHandler dsHandler = (proxy, method, args) -> {
      Object result = invoke(ds, method, args);
      if (result instanceof Connection c) {
        return Proxy.newProxyInstance(DigestPushdownContract.class.getClassLoader(),
            new Class<?>[] {Connection.class}, (p, m, a) -> {
              if (m.getName().equals("prepareStatement")) {
                sink.accept((String) a[0]);
              }
              return invoke(c, m, a);
            });
      }
      return result;
    };
    return (DataSource) Proxy.newProxyInstance(DigestPushdownContract.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, dsHandler);
  }

  static Object invoke(Object target, java.lang.reflect.Method m, Object[] args) throws Throwable {
    try {
      return m.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
