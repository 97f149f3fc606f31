package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Keys and columns of different but convertible types compare and repair into each other, on
 * PostgreSQL against MariaDB and against PostgreSQL: integers against {@code numeric(p,0)} (as
 * columns without a rule; as keys too, by value), text against
 * {@code varchar(n)}, and — with the rule that compares them as text — UUID columns and keys
 * against {@code char(36)} and text ones. Values and keys the target cannot hold exactly are
 * refused before the first write.
 */
@DisplayName("keys and columns of convertible types compare and repair, with a rule where one is needed")
class ConvertibleTypesIT {

  /** The database the PostgreSQL table is compared with. */
  enum Other {
    MARIADB, POSTGRES;

    DataSource fresh(String mariaDbDdl, String postgresDdl) {
      return this == MARIADB ? MariaDb.fresh(mariaDbDdl) : Postgres.fresh(postgresDdl);
    }
  }

  private static ReconcileReport run(Store source, Store target, Mode mode) {
    return Reconciler.newBuilder()
        .stores(source, target)
        .resolver(Resolvers.sourceOfTruth(source.id()))
        .mode(mode)
        .auditLog(AuditLog.inMemory())
        .segments(8)
        .leafRows(8)
        .seed(7)
        .build()
        .run();
  }

  private static JdbcStore store(DataSource ds, String id, String table, Normalization n) {
    return JdbcStore.newBuilder(ds).id(id).table(table).normalization(n).build();
  }

  private static String values(LongStream ids, java.util.function.LongFunction<String> row) {
    return ids.mapToObj(row).collect(Collectors.joining(", "));
  }

  @ParameterizedTest(name = "PostgreSQL against {0}")
  @EnumSource(Other.class)
  @DisplayName("int against numeric(10,0), text against varchar(n), char(n) against varchar(n): compared as they are, repaired both ways")
  void columnsOfConvertibleTypes(Other other) {
    String rows = values(LongStream.rangeClosed(1, 120),
        id -> "(" + id + ", " + (id * 1000 - 60_007) + ", 'text " + id + " ü🙂', 'c" + id + "')");
    DataSource pg = Postgres.fresh(
        "CREATE TABLE t (id int PRIMARY KEY, i int, s text, c char(10))", "INSERT INTO t VALUES " + rows);
    DataSource od = other.fresh(
        "CREATE TABLE t (id int PRIMARY KEY, i decimal(10,0), s varchar(50), c varchar(10))",
        "CREATE TABLE t (id int PRIMARY KEY, i numeric(10,0), s varchar(50), c varchar(10))");
    Postgres.exec(od, "INSERT INTO t VALUES " + rows,
        "DELETE FROM t WHERE id = 5",
        "UPDATE t SET i = 7 WHERE id = 6",
        "UPDATE t SET s = 'changed' WHERE id = 7",
        "UPDATE t SET c = NULL WHERE id = 8",
        "INSERT INTO t VALUES (500, 9999999999, 'extra', 'x')");
    JdbcStore source = store(pg, "pg", "t", Normalization.none());
    JdbcStore target = store(od, "other", "t", Normalization.none());
    assertThat(source.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(target.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);

    ReconcileReport diff = run(source, target, Mode.REPORT_ONLY);
    assertThat(diff.divergences()).as(diff.summary()).isEqualTo(5);

    // A decimal(10,0) value beyond int, and text longer than varchar(50), are refused up front.
    Entry big = target.get(List.of(Key.of(500))).get(Key.of(500));
    assertThat(source.unwritable(RepairAction.upsert("pg", big, Expected.absent())))
        .hasValueSatisfying(why -> assertThat(why).contains("column 'i' (int4)", "integers from -2147483648 to 2147483647"));
    Entry tooLong = Entry.of(Key.of(1), Map.of("i", 1L, "s", "x".repeat(51), "c", "c"));
    assertThat(target.unwritable(RepairAction.upsert("other", tooLong, Expected.absent())))
        .hasValueSatisfying(why -> assertThat(why).contains("text of at most 50 characters"));

    ReconcileReport repaired = run(source, target, Mode.APPLY);
    assertThat(repaired.repairs().applied()).as(repaired.summary()).isEqualTo(5);
    assertThat(repaired.converged()).as(repaired.summary()).isTrue();
    assertThat(run(source, target, Mode.REPORT_ONLY).divergences()).isZero();

    // The other way: the integer, text and char(n) columns take the numeric and varchar values.
    Postgres.exec(od, "UPDATE t SET i = -42, s = 'from the other side', c = 'short' WHERE id = 9",
        "DELETE FROM t WHERE id = 10");
    ReconcileReport back = run(target, source, Mode.APPLY);
    assertThat(back.repairs().applied()).as(back.summary()).isEqualTo(2);
    assertThat(back.converged()).as(back.summary()).isTrue();
    assertThat(Postgres.query(pg, "SELECT i, s, c FROM t WHERE id BETWEEN 9 AND 10"))
        .isEqualTo("-42|from the other side|short     \n");
    assertThat(run(source, target, Mode.REPORT_ONLY).divergences()).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL against {0}")
  @EnumSource(Other.class)
  @DisplayName("an int key against a numeric(12,0) key: diffed, repaired both ways; a key the numeric cannot hold is refused")
  void integerKeyAgainstNumericKey(Other other) {
    String rows = values(LongStream.rangeClosed(-20, 380), id -> "(" + id + ", 'v" + id + "')");
    DataSource pg = Postgres.fresh("CREATE TABLE k (id int PRIMARY KEY, v text)", "INSERT INTO k VALUES " + rows);
    DataSource od = other.fresh(
        "CREATE TABLE k (id decimal(12,0) PRIMARY KEY, v varchar(40))",
        "CREATE TABLE k (id numeric(12,0) PRIMARY KEY, v varchar(40))");
    Postgres.exec(od, "INSERT INTO k VALUES " + rows,
        "DELETE FROM k WHERE id IN (-20, 100, 380)",
        "UPDATE k SET v = 'changed' WHERE id IN (0, 200)",
        "INSERT INTO k VALUES (999999999999, 'largest'), (-999999999999, 'least')");
    JdbcStore source = store(pg, "pg", "k", Normalization.none());
    JdbcStore target = store(od, "other", "k", Normalization.none());
    assertThat(target.schema().orElseThrow().key()).isEqualTo(source.schema().orElseThrow().key());
    assertThat(target.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    try (var keys = target.scan(KeyRange.of(Key.of(-1_000_000_000_000L), Key.of(-20)))) {
      assertThat(keys.map(Entry::key).toList()).containsExactly(Key.of(-999_999_999_999L));
    }

    ReconcileReport diff = run(source, target, Mode.REPORT_ONLY);
    assertThat(diff.divergences()).as(diff.summary()).isEqualTo(7);
    ReconcileReport repaired = run(source, target, Mode.APPLY);
    assertThat(repaired.repairs().applied()).as(repaired.summary()).isEqualTo(7);
    assertThat(repaired.converged()).as(repaired.summary()).isTrue();
    assertThat(run(source, target, Mode.REPORT_ONLY).divergences()).isZero();

    Postgres.exec(od, "INSERT INTO k VALUES (1000, 'new')", "UPDATE k SET v = 'back' WHERE id = -3",
        "DELETE FROM k WHERE id = 50");
    ReconcileReport back = run(target, source, Mode.APPLY);
    assertThat(back.repairs().applied()).as(back.summary()).isEqualTo(3);
    assertThat(back.converged()).as(back.summary()).isTrue();
    assertThat(Postgres.query(pg, "SELECT id, v FROM k WHERE id IN (-3, 50, 1000) ORDER BY id"))
        .isEqualTo("-3|back\n1000|new\n");

    // A bigint key of 13 digits fits the source's type but not numeric(12,0): refused before writing.
    Entry wide = Entry.of(Key.of(1_000_000_000_000L), Map.of("v", "wide"));
    assertThat(target.unwritable(RepairAction.upsert("other", wide, Expected.absent())))
        .hasValueSatisfying(why -> assertThat(why).contains(
            "key column 'id'", "accepts integers from -999999999999 to 999999999999, and the key is not one"));
    assertThat(source.unwritable(RepairAction.upsert("pg", wide, Expected.absent())))
        .hasValueSatisfying(why -> assertThat(why).contains("integers from -2147483648 to 2147483647"));
    assertThatThrownBy(() -> target.apply(List.of(
            RepairAction.upsert("other", Entry.of(Key.of(2000), Map.of("v", "fits")), Expected.absent()),
            RepairAction.upsert("other", wide, Expected.absent()))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("so it wrote none");
    assertThat(target.get(List.of(Key.of(2000)))).isEmpty();
  }

  @ParameterizedTest(name = "PostgreSQL against {0}")
  @EnumSource(Other.class)
  @DisplayName("bigint keys near 10^17 against numeric(18,0): the same digests over ranges bounded one apart")
  void eighteenDigitKeys(Other other) {
    long base = 100_000_000_000_000_000L;
    String rows = values(LongStream.range(0, 200), i -> "(" + (base + i) + ", " + i + ")");
    DataSource pg = Postgres.fresh("CREATE TABLE b (id bigint PRIMARY KEY, v int)", "INSERT INTO b VALUES " + rows);
    DataSource od = other.fresh(
        "CREATE TABLE b (id decimal(18,0) PRIMARY KEY, v int)", "CREATE TABLE b (id numeric(18,0) PRIMARY KEY, v int)");
    Postgres.exec(od, "INSERT INTO b VALUES " + rows);
    JdbcStore source = store(pg, "pg", "b", Normalization.none());
    JdbcStore target = store(od, "other", "b", Normalization.none());
    assertThat(target.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    // Adjacent bounds where a double could not tell them apart (doubles are 16 apart here).
    List<Key> cuts = new ArrayList<>();
    for (long c : new long[] {1, 2, 3, 17, 18, 19, 33, 100, 101, 199}) {
      cuts.add(Key.of(base + c));
    }
    List<KeyRange> ranges = KeyRange.all().split(cuts);
    var expected = source.digest(ranges, HashScheme.CANONICAL_MD5);
    assertThat(target.digest(ranges, HashScheme.CANONICAL_MD5)).isEqualTo(expected);
    assertThat(expected.get(1).count()).isEqualTo(1);
    assertThat(target.segments(KeyRange.all(), 16)).hasSizeGreaterThan(1);
    assertThat(run(source, target, Mode.REPORT_ONLY).divergences()).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL against {0}")
  @EnumSource(Other.class)
  @DisplayName("a uuid column against char(36): refused without the rule, naming it; with it, diffed and repaired both ways, non-UUID text refused before writing")
  void uuidColumnAgainstText(Other other) {
    String rows = values(LongStream.rangeClosed(1, 100), id -> "(" + id + ", '" + uuid(id) + "', 'n" + id + "')");
    DataSource pg = Postgres.fresh("CREATE TABLE r (id int PRIMARY KEY, ref uuid, note text)", "INSERT INTO r VALUES " + rows);
    DataSource od = other.fresh(
        "CREATE TABLE r (id int PRIMARY KEY, ref char(36), note varchar(40))",
        "CREATE TABLE r (id int PRIMARY KEY, ref char(36), note varchar(40))");
    Postgres.exec(od, "INSERT INTO r VALUES " + rows,
        "UPDATE r SET ref = '" + uuid(1000) + "' WHERE id = 3",
        "DELETE FROM r WHERE id = 4",
        "UPDATE r SET ref = NULL WHERE id = 5",
        "UPDATE r SET ref = '" + uuid(6).toString().toUpperCase(Locale.ROOT) + "' WHERE id = 6",
        "UPDATE r SET ref = 'not-a-uuid' WHERE id = 7");

    assertThatThrownBy(() -> run(store(pg, "pg", "r", Normalization.none()), store(od, "other", "r", Normalization.none()), Mode.REPORT_ONLY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("field 'ref' holds UUID in store 'pg' but TEXT in store 'other', so no row could"
            + " compare equal; to compare UUIDs with text that spells them (lowercase, 8-4-4-4-12),"
            + " compare 'ref' as text in store 'pg' (Normalization.Builder.asText(\"ref\"))");

    Normalization asText = Normalization.newBuilder().asText("ref").build();
    JdbcStore uuids = store(pg, "pg", "r", asText);
    JdbcStore texts = store(od, "other", "r", asText);
    assertThat(uuids.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(texts.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    assertThat(uuids.get(List.of(Key.of(1))).get(Key.of(1)).field("ref")).isEqualTo(Value.of(uuid(1).toString()));
    ReconcileReport diff = run(uuids, texts, Mode.REPORT_ONLY);
    assertThat(diff.divergences()).as(diff.summary()).isEqualTo(5);

    // From the text side: a UUID's text is written as the UUID; text that is none (or not in
    // canonical form, which would not read back the same) is refused before the first write.
    Entry invalid = texts.get(List.of(Key.of(7))).get(Key.of(7));
    Entry valid = Entry.of(Key.of(8), Map.of("ref", uuid(2000).toString(), "note", "n8"));
    assertThat(uuids.unwritable(RepairAction.upsert("pg", invalid, Expected.absent())))
        .hasValue("key 7: column 'ref' (uuid) of table 'r' accepts UUIDs only, or their canonical text"
            + " (36 characters: lowercase hex digits in groups of 8-4-4-4-12 joined by hyphens), and the"
            + " value to write is not one");
    assertThatThrownBy(() -> uuids.apply(List.of(
            RepairAction.upsert("pg", valid, Expected.present(uuids.get(List.of(Key.of(8))).get(Key.of(8)))),
            RepairAction.upsert("pg", invalid, Expected.present(uuids.get(List.of(Key.of(7))).get(Key.of(7)))))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cannot write 1 of a batch of 2 action(s), so it wrote none")
        .hasMessageNotContaining("not-a-uuid");
    assertThat(Postgres.query(pg, "SELECT ref FROM r WHERE id = 8")).isEqualTo(uuid(8) + "\n");

    ReconcileReport fromText = run(texts, uuids, Mode.APPLY);
    assertThat(fromText.repairs().applied()).as(fromText.summary()).isEqualTo(3);
    assertThat(fromText.repairs().unwritable()).as(fromText.summary()).isEqualTo(2);
    assertThat(Postgres.query(pg, "SELECT id, ref FROM r WHERE id BETWEEN 3 AND 7 ORDER BY id"))
        .isEqualTo("3|" + uuid(1000) + "\n5|null\n6|" + uuid(6) + "\n7|" + uuid(7) + "\n");

    // From the uuid side: the text column takes the canonical text; then both agree.
    ReconcileReport fromUuids = run(uuids, texts, Mode.APPLY);
    assertThat(fromUuids.repairs().applied()).as(fromUuids.summary()).isEqualTo(2);
    assertThat(fromUuids.converged()).as(fromUuids.summary()).isTrue();
    assertThat(Postgres.query(od, "SELECT ref FROM r WHERE id IN (6, 7) ORDER BY id")).isEqualTo(uuid(6) + "\n" + uuid(7) + "\n");
    assertThat(run(texts, uuids, Mode.REPORT_ONLY).divergences()).isZero();
  }

  @ParameterizedTest(name = "PostgreSQL against {0}")
  @EnumSource(Other.class)
  @DisplayName("a uuid key against a char(36) or text key: refused without the rule; with it, ranges agree, and repairs go both ways")
  void uuidKeyAgainstTextKey(Other other) {
    Random random = new Random(11);
    List<UUID> ids = new ArrayList<>(List.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 0)));
    while (ids.size() < 300) {
      ids.add(new UUID(random.nextLong(), random.nextLong()));
    }
    String rows = ids.stream().map(u -> "('" + u + "', " + (u.hashCode() & 0xffff) + ")").collect(Collectors.joining(", "));
    DataSource pg = Postgres.fresh("CREATE TABLE u (id uuid PRIMARY KEY, v int)", "INSERT INTO u VALUES " + rows);
    DataSource od = other.fresh("CREATE TABLE u (id char(36) PRIMARY KEY, v int)", "CREATE TABLE u (id text PRIMARY KEY, v int)");
    Postgres.exec(od, "INSERT INTO u VALUES " + rows,
        "DELETE FROM u WHERE id IN ('" + ids.get(0) + "', '" + ids.get(1) + "', '" + ids.get(50) + "')",
        "UPDATE u SET v = -1 WHERE id IN ('" + ids.get(2) + "', '" + ids.get(60) + "')",
        "INSERT INTO u VALUES ('" + new UUID(5, 5) + "', 1), ('" + new UUID(-5, 5) + "', 2)",
        "INSERT INTO u VALUES ('not-a-uuid', 3), ('" + ids.get(70).toString().toUpperCase(Locale.ROOT) + "', 4)");

    assertThatThrownBy(() -> run(store(od, "other", "u", Normalization.none()), store(pg, "pg", "u", Normalization.none()), Mode.REPORT_ONLY))
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("key part 1 'id' holds TEXT in store 'other' but UUID in store 'pg'; to compare"
            + " UUIDs with text that spells them (lowercase, 8-4-4-4-12), compare 'id' as text in store"
            + " 'pg' (Normalization.Builder.asText(\"id\"))");

    Normalization asText = Normalization.newBuilder().asText("id").build();
    JdbcStore uuids = store(pg, "pg", "u", asText);
    JdbcStore texts = store(od, "other", "u", asText);
    assertThat(uuids.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
    // Ranges bounded by text that no UUID spells select, on the uuid side, the same rows as text order.
    List<Key> cuts = new ArrayList<>(List.of(Key.of("0"), Key.of("7fffffff-ffff-ffff-ffff-ffffffffffff"),
        Key.of("80"), Key.of(ids.get(70).toString().toUpperCase(Locale.ROOT)), Key.of("c"),
        Key.of("not-a-uuid"), Key.of(ids.get(80).toString()), Key.of(ids.get(90) + "0")));
    cuts.sort(null);
    List<KeyRange> ranges = KeyRange.all().split(cuts);
    JdbcStore clean = store(Postgres.fresh("CREATE TABLE u (id text PRIMARY KEY, v int)"), "clean", "u", asText);
    clean.apply(ids.stream().<RepairAction>map(u -> RepairAction.upsert("clean",
        Entry.of(Key.of(u.toString()), Map.of("v", (long) (u.hashCode() & 0xffff))), Expected.absent())).toList());
    assertThat(uuids.digest(ranges, HashScheme.CANONICAL_MD5)).isEqualTo(clean.digest(ranges, HashScheme.CANONICAL_MD5));

    ReconcileReport diff = run(texts, uuids, Mode.REPORT_ONLY);
    assertThat(diff.divergences()).as(diff.summary()).isEqualTo(9);

    // From the text side: the keys that spell no UUID in canonical form are refused, the rest applied.
    assertThat(uuids.unwritable(RepairAction.upsert("pg", Entry.of(Key.of("not-a-uuid"), Map.of("v", 3L)), Expected.absent())))
        .hasValueSatisfying(why -> assertThat(why).startsWith("key \"not-a-uuid\": key column 'id' (uuid) of table 'u'")
            .contains("UUIDs only, or their canonical text"));
    ReconcileReport fromText = run(texts, uuids, Mode.APPLY);
    assertThat(fromText.repairs().applied()).as(fromText.summary()).isEqualTo(7);
    assertThat(fromText.repairs().unwritable()).as(fromText.summary()).isEqualTo(2);
    assertThat(Postgres.query(pg, "SELECT count(*) FROM u")).isEqualTo("299\n");

    // From the uuid side: the text side's non-UUID keys are deleted; then both agree.
    ReconcileReport fromUuids = run(uuids, texts, Mode.APPLY);
    assertThat(fromUuids.repairs().applied()).as(fromUuids.summary()).isEqualTo(2);
    assertThat(fromUuids.converged()).as(fromUuids.summary()).isTrue();
    assertThat(run(texts, uuids, Mode.REPORT_ONLY).divergences()).isZero();
    assertThat(Postgres.query(od, "SELECT count(*) FROM u")).isEqualTo("299\n");
  }

  /** A UUID made from a number, in every part of its text. */
  private static UUID uuid(long n) {
    return new UUID(n * 0x9E3779B97F4A7C15L, ~n * 0xC2B2AE3D27D4EB4FL);
  }
}
