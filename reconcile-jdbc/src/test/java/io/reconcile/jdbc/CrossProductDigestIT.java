package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.RowHash;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.jdbc.CrossDialectIT.Product;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * PostgreSQL and MariaDB share the {@link TypedColumns} scheme and compute the same bits under it:
 * on {@link CrossDialectIT}'s rows in each product's own types (every type both push down), and on
 * one-column tables pairing types where the promises of the canonical encoding are at stake —
 * numbers by value across integer and decimal types, NULL ≠ '' ≠ 'NULL', text '1' ≠ number 1, no
 * collisions from concatenation, char(n) without pad spaces, booleans not numbers.
 */
@DisplayName("PostgreSQL and MariaDB digest alike under the typed-columns scheme, and keep the canonical promises")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossProductDigestIT {

  private DataSource pg;
  private DataSource maria;

  @BeforeAll
  void load() {
    List<Entry> rows = CrossDialectIT.rows();
    pg = CrossDialectIT.fresh(Product.POSTGRES);
    maria = CrossDialectIT.fresh(Product.MARIADB);
    CrossDialectIT.seeded(pg, "pg", rows);
    CrossDialectIT.seeded(maria, "maria", rows);
  }

  static HashScheme typedScheme(Store s) {
    List<HashScheme> typed =
        s.hashSchemes().stream().filter(h -> h.name().startsWith(TypedColumns.PREFIX)).toList();
    assertThat(typed).as("%s declares one typed-columns scheme: %s", s.id(), s.hashSchemes()).hasSize(1);
    return typed.get(0);
  }

  static List<KeyHash> rowHashes(Store s, List<KeyRange> ranges, HashScheme scheme) {
    try (Stream<KeyHash> hashes = s.rowHashes(ranges, scheme)) {
      return hashes.toList();
    }
  }

  @Test
  @DisplayName("every type both products push down: equal digests in every range and equal row hashes, which sum to the digests")
  void equalDataEqualBits() {
    JdbcStore p = CrossDialectIT.pushed(pg, "pg");
    JdbcStore m = CrossDialectIT.pushed(maria, "maria");
    HashScheme scheme = typedScheme(p);
    assertThat(typedScheme(m)).isEqualTo(scheme);
    assertThat(scheme.bits()).isEqualTo(64);

    List<KeyRange> ranges =
        KeyRange.all().split(List.of(Key.of(1), Key.of(7), Key.of(8), Key.of(57), Key.of(150), Key.of(299)));
    List<Digest> digests = p.digest(ranges, scheme);
    assertThat(m.digest(ranges, scheme)).isEqualTo(digests);
    assertThat(digests.stream().mapToLong(Digest::count).sum()).isEqualTo(300);
    assertThat(digests).isNotEqualTo(p.digest(ranges, HashScheme.CANONICAL_MD5));

    List<KeyHash> hashes = rowHashes(p, ranges, scheme);
    assertThat(hashes).hasSize(300);
    assertThat(rowHashes(m, ranges, scheme)).isEqualTo(hashes);
    assertThat(hashes.stream().map(KeyHash::hash).distinct()).hasSize(300);
    // The digests are the sums of the row hashes (64 bits: the high half is 0).
    Digest summed = Digest.EMPTY;
    for (KeyHash h : hashes) {
      assertThat(h.hash().hi()).isZero();
      summed = summed.plus(h.hash());
    }
    assertThat(p.digest(List.of(KeyRange.all()), scheme).get(0)).isEqualTo(summed);
  }

  @Test
  @DisplayName("a change in any one pushed column shows in the digest and in that row's hash only")
  void everyColumnCounts() {
    JdbcStore p = CrossDialectIT.pushed(pg, "pg");
    HashScheme scheme = typedScheme(p);
    Key key = Key.of(5);
    List<KeyRange> one = List.of(KeyRange.of(key, Key.of(6)));
    RowHash before = rowHashes(p, one, scheme).get(0).hash();
    DataSource changedDb = CrossDialectIT.fresh(Product.MARIADB);
    JdbcStore fresh = CrossDialectIT.seeded(changedDb, "maria", CrossDialectIT.rows());
    JdbcStore m = CrossDialectIT.pushed(changedDb, "maria");
    assertThat(rowHashes(m, one, scheme).get(0).hash()).isEqualTo(before);
    Entry original = fresh.get(List.of(key)).get(key);
    for (String column : CrossDialectIT.PUSHED) {
      Map<String, Object> changed = new java.util.LinkedHashMap<>(original.fields().fields());
      changed.put(column, CrossDialectIT.replacement(column));
      Entry after = Entry.of(key, changed);
      fresh.apply(List.of(RepairAction.upsert("maria", after,
          Expected.present(fresh.get(List.of(key)).get(key)))));
      assertThat(rowHashes(m, one, scheme).get(0).hash()).as(column).isNotEqualTo(before);
      assertThat(m.digest(List.of(KeyRange.all()), scheme)).as(column)
          .isNotEqualTo(p.digest(List.of(KeyRange.all()), scheme));
      fresh.apply(List.of(RepairAction.upsert("maria", original,
          Expected.present(fresh.get(List.of(key)).get(key)))));
      assertThat(rowHashes(m, one, scheme).get(0).hash()).as(column).isEqualTo(before);
    }
  }

  /** One case: a column {@code x} in each product's type, one row holding each product's literal. */
  record Pair(String pgType, String pgValue, String mariaType, String mariaValue, boolean equal) {}

  static final List<Pair> PAIRS = List.of(
      // numbers by value, across integer and decimal types and scales
      new Pair("numeric(10,1)", "1.5", "decimal(10,2)", "1.50", true),
      new Pair("int8", "3", "decimal(12,2)", "3.00", true),
      new Pair("numeric(12,2)", "3.00", "bigint", "3", true),
      new Pair("numeric", "-0.00", "int", "0", true),
      new Pair("numeric", "1000", "decimal(20,6)", "1000.000000", true),
      new Pair("smallint", "-7", "decimal(5,0)", "-7", true),
      new Pair("numeric(12,2)", "1.50", "decimal(12,2)", "1.05", false),
      new Pair("int4", "10", "int", "1", false),
      // text: UTF-8 bytes, char(n) without its pad; NULL, '' and 'NULL' apart
      new Pair("text", "'grüße 🙂 '", "varchar(20)", "'grüße 🙂 '", true),
      new Pair("char(5)", "'ab'", "varchar(5)", "'ab'", true),
      new Pair("char(5)", "'ab'", "char(5)", "'ab'", true),
      new Pair("text", "NULL", "text", "NULL", true),
      new Pair("text", "NULL", "text", "''", false),
      new Pair("text", "''", "text", "'NULL'", false),
      new Pair("text", "NULL", "text", "'NULL'", false),
      new Pair("text", "'a'", "text", "'a '", false),
      // typed: a number never equals text or a boolean
      new Pair("text", "'1'", "int", "1", false),
      new Pair("int4", "1", "varchar(5)", "'1'", false),
      new Pair("boolean", "true", "int", "1", false),
      new Pair("boolean", "true", "boolean", "true", true),
      new Pair("boolean", "false", "boolean", "true", false),
      // instants at microsecond precision, before and after 1970 and 2000; dates
      new Pair("timestamptz", "'1960-06-01 00:00:00.000001+00'", "datetime(6)", "'1960-06-01 00:00:00.000001'", true),
      new Pair("timestamp(6)", "'2030-01-01 00:00:00.123456'", "timestamp(6)", "'2030-01-01 00:00:00.123456'", true),
      new Pair("timestamp(6)", "'1999-12-31 23:59:59.999999'", "datetime(6)", "'1999-12-31 23:59:59.999999'", true),
      new Pair("timestamp(6)", "'2024-01-01 00:00:00'", "datetime(6)", "'2024-01-01 00:00:00.000001'", false),
      new Pair("date", "'1900-03-01'", "date", "'1900-03-01'", true),
      new Pair("date", "'2000-01-01'", "date", "'2000-01-02'", false),
      new Pair("uuid", "'abcdef01-2345-6789-0000-00000000002a'", "uuid", "'abcdef01-2345-6789-0000-00000000002a'", true),
      new Pair("bytea", "'\\x00ff10'", "varbinary(8)", "X'00ff10'", true),
      new Pair("bytea", "'\\x00ff'", "varbinary(8)", "X'00ff00'", false));

  @Test
  @DisplayName("type pairs: numbers by value, NULL ≠ '' ≠ 'NULL', text '1' ≠ 1, char(n) unpadded, instants to the microsecond")
  void typePairs() {
    List<String> pgDdl = new ArrayList<>();
    List<String> mariaDdl = new ArrayList<>();
    for (int i = 0; i < PAIRS.size(); i++) {
      Pair c = PAIRS.get(i);
      pgDdl.add("CREATE TABLE c" + i + " (id bigint PRIMARY KEY, x " + c.pgType() + ")");
      pgDdl.add("INSERT INTO c" + i + " VALUES (1, " + c.pgValue() + ")");
      mariaDdl.add("CREATE TABLE c" + i + " (id bigint PRIMARY KEY, x " + c.mariaType() + ")");
      mariaDdl.add("INSERT INTO c" + i + " VALUES (1, " + c.mariaValue() + ")");
    }
    DataSource p = Postgres.fresh(pgDdl.toArray(String[]::new));
    DataSource m = MariaDb.fresh(mariaDdl.toArray(String[]::new));
    Map<String, String> failures = new TreeMap<>();
    for (int i = 0; i < PAIRS.size(); i++) {
      Pair c = PAIRS.get(i);
      JdbcStore left = JdbcStore.newBuilder(p).id("pg").table("c" + i).build();
      JdbcStore right = JdbcStore.newBuilder(m).id("maria").table("c" + i).build();
      HashScheme scheme = typedScheme(left);
      assertThat(typedScheme(right)).as("%s", c).isEqualTo(scheme);
      boolean digestsEqual = left.digest(List.of(KeyRange.all()), scheme).equals(right.digest(List.of(KeyRange.all()), scheme));
      boolean hashesEqual = rowHashes(left, List.of(KeyRange.all()), scheme).equals(rowHashes(right, List.of(KeyRange.all()), scheme));
      // The canonical digests (computed in each server too) say the same.
      boolean canonicalEqual = left.digest(KeyRange.all()).equals(right.digest(KeyRange.all()));
      if (digestsEqual != c.equal() || hashesEqual != c.equal() || canonicalEqual != c.equal()) {
        failures.put("c" + i, c + ": typed digests equal " + digestsEqual + ", row hashes " + hashesEqual
            + ", canonical " + canonicalEqual);
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  @DisplayName("no collisions from concatenation: ('ab', 'c') ≠ ('a', 'bc') ≠ ('abc', '') ≠ ('abc', NULL), in both products")
  void noConcatenationCollisions() {
    String[] rows = {"(1, 'ab', 'c')", "(2, 'a', 'bc')", "(3, 'abc', '')", "(4, 'abc', NULL)", "(5, '', 'abc')"};
    List<String> pgSql = new ArrayList<>(List.of("CREATE TABLE w (id bigint PRIMARY KEY, a text, b text)"));
    List<String> mariaSql = new ArrayList<>(List.of("CREATE TABLE w (id bigint PRIMARY KEY, a varchar(10), b text)"));
    for (String r : rows) {
      pgSql.add("INSERT INTO w VALUES " + r);
      mariaSql.add("INSERT INTO w VALUES " + r);
    }
    JdbcStore left = JdbcStore.newBuilder(Postgres.fresh(pgSql.toArray(String[]::new))).id("pg").table("w").build();
    JdbcStore right = JdbcStore.newBuilder(MariaDb.fresh(mariaSql.toArray(String[]::new))).id("maria").table("w").build();
    HashScheme scheme = typedScheme(left);
    List<KeyHash> hashes = rowHashes(left, List.of(KeyRange.all()), scheme);
    assertThat(rowHashes(right, List.of(KeyRange.all()), scheme)).isEqualTo(hashes);
    // Same values under every key: only the framing tells the rows apart, once the key is fixed.
    List<RowHash> underOneKey = new ArrayList<>();
    for (int i = 0; i < rows.length; i++) {
      String values = rows[i].substring(rows[i].indexOf(','));
      JdbcStore one = JdbcStore.newBuilder(Postgres.fresh("CREATE TABLE w (id bigint PRIMARY KEY, a text, b text)",
          "INSERT INTO w VALUES (1" + values)).id("pg").table("w").build();
      underOneKey.add(rowHashes(one, List.of(KeyRange.all()), scheme).get(0).hash());
    }
    assertThat(underOneKey).doesNotHaveDuplicates();
  }

  @Test
  @DisplayName("a report-only run between PostgreSQL and MariaDB digests under the typed-columns scheme; a repair PG → MariaDB converges under it")
  void diffAndRepairUnderTheScheme() {
    List<Entry> rows = CrossDialectIT.rows();
    Map<Long, Entry> byId = new TreeMap<>();
    rows.forEach(e -> byId.put((Long) e.key().part(0), e));
    byId.remove(40L); // missing in the replica
    byId.put(100L, Entry.of(Key.of(100), CrossDialectIT.row(107).fields())); // every column NULL
    byId.put(102L, Entry.of(Key.of(102), CrossDialectIT.fields(201))); // every column changed
    byId.put(5000L, Entry.of(Key.of(5000), CrossDialectIT.fields(5000))); // extra
    DataSource replicaDb = CrossDialectIT.fresh(Product.MARIADB);
    CrossDialectIT.seeded(replicaDb, "maria", new ArrayList<>(byId.values()));

    SchemeSpy source = new SchemeSpy(CrossDialectIT.pushed(pg, "pg"));
    SchemeSpy equal = new SchemeSpy(CrossDialectIT.pushed(maria, "maria"));
    HashScheme scheme = typedScheme(source);
    ReconcileReport clean = CrossDialectIT.reconcile(source, equal, Mode.REPORT_ONLY);
    assertThat(clean.divergences()).as(clean.summary()).isZero();
    assertThat(source.used).containsExactly(scheme);
    assertThat(equal.used).containsExactly(scheme);

    SchemeSpy replica = new SchemeSpy(CrossDialectIT.pushed(replicaDb, "maria"));
    ReconcileReport report = CrossDialectIT.reconcile(source, replica, Mode.APPLY);
    assertThat(report.divergences()).as(report.summary()).isEqualTo(4);
    assertThat(report.repairs().applied()).as(report.summary()).isEqualTo(4);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(replica.used).containsExactly(scheme);
    assertThat(replica.digest(List.of(KeyRange.all()), scheme)).isEqualTo(source.digest(List.of(KeyRange.all()), scheme));
    assertThat(replica.digest(KeyRange.all())).isEqualTo(source.digest(KeyRange.all()));
    ReconcileReport again = CrossDialectIT.reconcile(source, replica, Mode.APPLY);
    assertThat(again.divergences()).as(again.summary()).isZero();
  }

  @Test
  @DisplayName("H2, client-side hashing and the memory store never declare it; a PostgreSQL pair keeps hash_record_extended")
  void onlyWherePushedDown() {
    DataSource h2 = CrossDialectIT.fresh(Product.H2);
    CrossDialectIT.seeded(h2, "h2", CrossDialectIT.rows());
    assertThat(CrossDialectIT.pushed(h2, "h2").hashSchemes()).noneMatch(h -> h.name().startsWith(TypedColumns.PREFIX));
    assertThat(CrossDialectIT.full(pg, "pg").hashSchemes()).noneMatch(h -> h.name().startsWith(TypedColumns.PREFIX));
    assertThat(CrossDialectIT.full(maria, "maria").hashSchemes()).noneMatch(h -> h.name().startsWith(TypedColumns.PREFIX));
    assertThat(MemoryStore.create("mem").hashSchemes()).noneMatch(h -> h.name().startsWith(TypedColumns.PREFIX));

    SchemeSpy a = new SchemeSpy(CrossDialectIT.pushed(pg, "pg"));
    SchemeSpy b = new SchemeSpy(CrossDialectIT.pushed(pg, "pg2"));
    CrossDialectIT.reconcile(a, b, Mode.REPORT_ONLY);
    assertThat(a.used).singleElement().satisfies(h -> assertThat(h.name()).contains("/hash-record-extended/"));
    SchemeSpy c = new SchemeSpy(CrossDialectIT.pushed(maria, "maria"));
    SchemeSpy d = new SchemeSpy(CrossDialectIT.pushed(maria, "maria2"));
    CrossDialectIT.reconcile(c, d, Mode.REPORT_ONLY);
    assertThat(c.used).singleElement().satisfies(h -> assertThat(h.name()).contains("/typed-row-crc32-crc32c/"));
  }
}
