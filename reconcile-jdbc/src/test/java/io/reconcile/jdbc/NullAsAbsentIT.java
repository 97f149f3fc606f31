package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.api.store.Capability;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.jdbc.CrossDialectIT.Product;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A table whose columns are NULL against documents that lack those fields: distinct by default,
 * equal under {@link Normalization.Builder#nullAsAbsent()} — computed in SQL on PostgreSQL, MariaDB
 * and a remote H2 (the field left out of a row's canonical encoding where it is NULL), in the JVM on
 * an embedded H2 — and a repair from the documents writes their absent fields as NULL.
 */
@DisplayName("Under nullAsAbsent a table's NULL columns compare as the absent fields of documents, in every product")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NullAsAbsentIT {

  static final Normalization ABSENT = Normalization.newBuilder().nullAsAbsent().build();

  /** CrossDialectIT's rows with NULLs scattered over the columns (and its all-NULL rows). */
  static List<Entry> rows() {
    List<Entry> out = new ArrayList<>();
    for (Entry e : CrossDialectIT.rows()) {
      long id = (Long) e.key().part(0);
      Map<String, Value> m = new LinkedHashMap<>(CrossDialectIT.project(e, CrossDialectIT.PUSHED).fields().fields());
      for (int i = 0; i < CrossDialectIT.PUSHED.length; i++) {
        if ((id + i) % 4 == 0) {
          m.put(CrossDialectIT.PUSHED[i], Value.ofNull());
        }
      }
      out.add(Entry.of(e.key(), Value.MapValue.of(m)));
    }
    return out;
  }

  /** The same rows as documents: without the fields that are null (those {@code drop} names). */
  static MemoryStore documents(List<Entry> rows, Predicate<String> drop) {
    MemoryStore docs = MemoryStore.create("docs");
    for (Entry e : rows) {
      Map<String, Value> m = new LinkedHashMap<>();
      e.fields().fields().forEach((k, v) -> {
        if (!(v instanceof Value.Null && drop.test(k))) {
          m.put(k, v);
        }
      });
      docs.put(Entry.of(e.key(), Value.MapValue.of(m)));
    }
    return docs;
  }

  static JdbcStore store(DataSource ds, String id, Normalization n) {
    return JdbcStore.newBuilder(ds).id(id).table("items").columns(CrossDialectIT.PUSHED)
        .normalization(n).fetchSize(64).build();
  }

  static List<KeyHash> rowHashes(JdbcStore s, List<KeyRange> ranges, HashScheme scheme) {
    try (Stream<KeyHash> h = s.rowHashes(ranges, scheme)) {
      return h.toList();
    }
  }

  private final Map<Product, DataSource> databases = new EnumMap<>(Product.class);
  private DataSource embedded;

  @BeforeAll
  void load() {
    List<Entry> rows = rows();
    for (Product p : Product.values()) {
      DataSource ds = CrossDialectIT.fresh(p);
      CrossDialectIT.seeded(ds, p.id, rows);
      databases.put(p, ds);
    }
    embedded = H2.fresh(CrossDialectIT.DDL.get(Product.H2));
    CrossDialectIT.seeded(embedded, "h2", rows);
  }

  @Test
  @DisplayName("NULL columns digest, hash and read as absent fields: equal to the documents under the rule, unequal without it")
  void equalUnderTheRuleOnly() {
    List<Entry> rows = rows();
    MemoryStore docs = documents(rows, f -> true);
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of(1), Key.of(7), Key.of(8), Key.of(150), Key.of(299)));
    List<Digest> expected = docs.digest(ranges, HashScheme.CANONICAL_MD5);
    List<KeyHash> expectedHashes;
    try (Stream<KeyHash> h = docs.rowHashes(ranges, HashScheme.CANONICAL_MD5)) {
      expectedHashes = h.toList();
    }
    Map<String, DataSource> all = new LinkedHashMap<>();
    databases.forEach((p, ds) -> all.put(p.id, ds));
    all.put("h2-embedded", embedded);
    all.forEach((name, ds) -> {
      JdbcStore lenient = store(ds, name, ABSENT);
      JdbcStore plain = store(ds, name, Normalization.none());
      if (!name.equals("h2-embedded")) {
        assertThat(lenient.capabilities()).as(name).contains(Capability.SERVER_SIDE_DIGEST);
        assertThat(lenient.dialectName()).as(name).doesNotContain("client-side");
      }
      assertThat(lenient.digest(ranges, HashScheme.CANONICAL_MD5)).as(name).isEqualTo(expected);
      assertThat(rowHashes(lenient, ranges, HashScheme.CANONICAL_MD5)).as(name).isEqualTo(expectedHashes);
      assertThat(plain.digest(KeyRange.all())).as(name).isNotEqualTo(docs.digest(KeyRange.all()));
      // Hashed in the JVM from the rows read: the same.
      JdbcStore client = JdbcStore.newBuilder(ds).id(name).table("items").columns(CrossDialectIT.PUSHED)
          .normalization(ABSENT).serverSideDigest(false).build();
      assertThat(client.digest(ranges, HashScheme.CANONICAL_MD5)).as(name).isEqualTo(expected);
      try (Stream<Entry> read = lenient.scan(KeyRange.all()); Stream<Entry> want = docs.scan(KeyRange.all())) {
        assertThat(read.map(Entry::fields).toList()).as(name).isEqualTo(want.map(Entry::fields).toList());
      }
    });
  }

  @Test
  @DisplayName("the rule on one field leaves only that field's NULLs out")
  void perField() {
    Normalization onlyT = Normalization.newBuilder().field("t", r -> r.withNullAsAbsent(true)).build();
    MemoryStore docs = documents(rows(), "t"::equals);
    for (Product p : Product.values()) {
      JdbcStore s = store(databases.get(p), p.id, onlyT);
      assertThat(s.capabilities()).as("%s", p).contains(Capability.SERVER_SIDE_DIGEST);
      assertThat(s.digest(KeyRange.all())).as("%s", p).isEqualTo(docs.digest(KeyRange.all()));
    }
  }

  @Test
  @DisplayName("a scheme a store shares with one that reads NULL as a value never equates their different views; PostgreSQL and MariaDB share typed-columns under the rule")
  void nativeSchemesStayFaithful() {
    Map<Product, JdbcStore> lenient = new EnumMap<>(Product.class);
    for (Product p : Product.values()) {
      JdbcStore l = store(databases.get(p), p.id, ABSENT);
      JdbcStore plain = store(databases.get(p), p.id, Normalization.none());
      lenient.put(p, l);
      Set<HashScheme> shared = new HashSet<>(l.hashSchemes());
      shared.retainAll(plain.hashSchemes());
      assertThat(shared).as("%s", p).contains(HashScheme.CANONICAL_MD5);
      for (HashScheme s : shared) {
        assertThat(l.digest(List.of(KeyRange.all()), s)).as("%s %s", p, s)
            .isNotEqualTo(plain.digest(List.of(KeyRange.all()), s));
      }
    }
    HashScheme typed = CrossProductDigestIT.typedScheme(lenient.get(Product.POSTGRES));
    assertThat(CrossProductDigestIT.typedScheme(lenient.get(Product.MARIADB))).isEqualTo(typed);
    assertThat(typed).isNotEqualTo(CrossProductDigestIT.typedScheme(
        store(databases.get(Product.POSTGRES), "pg", Normalization.none())));
    List<KeyRange> ranges = KeyRange.all().split(List.of(Key.of(7), Key.of(8), Key.of(150)));
    assertThat(lenient.get(Product.MARIADB).digest(ranges, typed))
        .isEqualTo(lenient.get(Product.POSTGRES).digest(ranges, typed));
  }

  @Test
  @DisplayName("repairing a table from documents writes their absent fields as NULL, and a second run finds nothing")
  void repairWritesAbsentAsNull() {
    for (Product p : Product.values()) {
      DataSource ds = CrossDialectIT.fresh(p);
      // The table lacks rows 290-299, and rows 1, 2, 3 and 5 hold values where the documents lack
      // fields (row 3: t).
      List<Entry> drifted = new ArrayList<>();
      for (Entry e : rows().subList(0, 290)) {
        long id = (Long) e.key().part(0);
        drifted.add(Set.of(1L, 2L, 3L, 5L).contains(id)
            ? CrossDialectIT.project(CrossDialectIT.row(id), CrossDialectIT.PUSHED) : e);
      }
      CrossDialectIT.seeded(ds, p.id, drifted);
      MemoryStore docs = documents(rows(), f -> true);
      JdbcStore table = store(ds, p.id, ABSENT);
      ReconcileReport first = CrossDialectIT.reconcile(docs, table, Mode.APPLY);
      assertThat(first.repairs().applied()).as("%s: %s", p, first.summary()).isEqualTo(14);
      assertThat(first.converged()).as("%s: %s", p, first.summary()).isTrue();
      ReconcileReport again = CrossDialectIT.reconcile(docs, table, Mode.REPORT_ONLY);
      assertThat(again.divergences()).as("%s: %s", p, again.summary()).isZero();
      assertThat(table.digest(KeyRange.all())).as("%s", p).isEqualTo(docs.digest(KeyRange.all()));
      // The table holds NULL where the documents lack a field, inserted rows included.
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM items WHERE t IS NULL"))
          .as("%s", p).isEqualTo(rows().stream().filter(e -> e.field("t") instanceof Value.Null).count());
      assertThat(H2.count(ds, "SELECT COUNT(*) FROM items WHERE id = 292 AND i IS NULL")).as("%s", p).isEqualTo(1);
    }
  }
}
