package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.ReconcileException.RepairRefusedException;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import io.reconcile.api.Value;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.jdbc.CrossDialectIT.Product;
import io.reconcile.testservers.TestDatabase;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Views and tables without a primary key, compared and repaired over key columns the caller
 * trusts to be unique ({@code trustKey}): refused without it, checked for duplicates with it — at
 * build and by every ordered read — and writes that would touch two rows roll back.
 */
@DisplayName("trusted keys: views and tables without a primary key, checked for duplicates")
class TrustedKeyIT {

  private static final String TABLE =
      "CREATE TABLE t (id int PRIMARY KEY, name varchar(20) NOT NULL, amount decimal(10,2))";

  /** A table without a primary key and an updatable view over it without one of its columns. */
  private static final String[] BASE_AND_VIEW = {
    "CREATE TABLE base (id int NOT NULL, name varchar(20) NOT NULL, amount decimal(10,2), note varchar(20))",
    "CREATE VIEW v AS SELECT id, name, amount FROM base",
  };

  private static final String ROWS = rows(30);

  private static String rows(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'name ").append(i).append("', ")
          .append(i).append(".50)");
    }
    return sb.toString();
  }

  private static DataSource fresh(Product p, String... sql) {
    return p == Product.POSTGRES ? Postgres.fresh(sql) : MariaDb.fresh(sql);
  }

  private static DataSource source(Product p) {
    return fresh(p, TABLE, "INSERT INTO t VALUES " + ROWS);
  }

  /** The base table and view, holding the source's rows. */
  private static DataSource base(Product p, String... more) {
    String[] sql = new String[BASE_AND_VIEW.length + 1 + more.length];
    System.arraycopy(BASE_AND_VIEW, 0, sql, 0, BASE_AND_VIEW.length);
    sql[BASE_AND_VIEW.length] = "INSERT INTO base (id, name, amount) VALUES " + ROWS;
    System.arraycopy(more, 0, sql, BASE_AND_VIEW.length + 1, more.length);
    return fresh(p, sql);
  }

  private static JdbcStore trusted(DataSource ds, String table) {
    return JdbcStore.newBuilder(ds).id(table).table(table).keyColumns("id").trustKey(true).build();
  }

  private static final String BASE_ROWS = "SELECT id, name, amount, note FROM base ORDER BY id, name";

  @ParameterizedTest(name = "{0}: a view is refused without trustKey, naming the way out")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void viewRefusedWithoutTrust(Product p) {
    DataSource ds = base(p);

    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("v").keyColumns("id").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("key columns [id] of table 'v'")
        .hasMessageContaining("trustKey(true) or StoreOptions.property(\"trustKey\", \"true\")");
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("v").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("table 'v' has no primary key (a view has none)")
        .hasMessageContaining("trustKey(true)");
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("v").trustKey(true).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("name the key columns with keyColumns(...) or StoreOptions.keyFields, which trustKey needs");
  }

  @ParameterizedTest(name = "{0}: a view compares with a table, and repairs through it converge")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void viewComparedAndRepaired(Product p) {
    JdbcStore source = JdbcStore.newBuilder(source(p)).id("source").table("t").build();
    DataSource target = base(p,
        "DELETE FROM base WHERE id = 7",
        "UPDATE base SET name = 'renamed', note = 'kept' WHERE id = 12",
        "INSERT INTO base (id, name, amount) VALUES (41, 'ghost', 0)");
    JdbcStore view = trusted(target, "v");

    assertThat(WriteTypesIT.repair(source, view, Mode.REPORT_ONLY).divergences()).isEqualTo(3);
    ReconcileReport applied = WriteTypesIT.repair(source, view, Mode.APPLY);

    assertThat(applied.repairs().applied()).as(applied.summary()).isEqualTo(3);
    assertThat(applied.converged()).as(applied.summary()).isTrue();
    assertThat(H2.query(target, "SELECT id, name, amount FROM base ORDER BY id"))
        .isEqualTo(H2.query(source(p), "SELECT id, name, amount FROM t ORDER BY id"));
    assertThat(H2.query(target, "SELECT note FROM base WHERE id = 12")).isEqualTo("kept\n");
    assertThat(WriteTypesIT.repair(source, view, Mode.REPORT_ONLY).divergences()).isZero();
  }

  @ParameterizedTest(name = "{0}: a table without a primary key opens by URI with property trustKey")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void tableWithoutPrimaryKeyByUri(Product p) {
    String[] sql = {BASE_AND_VIEW[0], "INSERT INTO base (id, name, amount) VALUES " + ROWS};
    String url;
    Map<String, String> login = new HashMap<>();
    if (p == Product.POSTGRES) {
      url = Postgres.freshUrl(sql);
    } else {
      TestDatabase db = MariaDb.database(sql);
      url = db.jdbcUrl();
      login.put("user", db.user());
      login.put("password", db.password());
    }
    Supplier<StoreOptions.Builder> o = () -> {
      StoreOptions.Builder b = StoreOptions.newBuilder().dataset("base").keyFields("id").fields("name", "amount");
      login.forEach(b::property);
      return b;
    };

    assertThatThrownBy(() -> Stores.open(url, o.get().build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("nor covered by a unique index")
        .hasMessageContaining("StoreOptions.property(\"trustKey\", \"true\")");
    assertThatThrownBy(() -> Stores.open(url, o.get().property("trustKey", "yes").build()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("property trustKey must be true or false, but was 'yes'");
    try (Store base = Stores.open(url, o.get().property("trustKey", "true").build())) {
      JdbcStore source = JdbcStore.newBuilder(source(p)).table("t").build();
      assertThat(base.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5))
          .isEqualTo(source.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5));
    }
  }

  @ParameterizedTest(name = "{0}: a duplicate key fails the build, naming the key and no other value")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void duplicateFailsTheBuild(Product p) {
    DataSource ds = base(p, "INSERT INTO base (id, name, amount) VALUES (5, 'secret twin', 99)");

    assertThatThrownBy(() -> trusted(ds, "v"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("store 'v': key 5 is held by more than one row of table 'v'")
        .hasMessageContaining("key columns [id] are not unique")
        .hasMessageNotContaining("secret")
        .hasMessageNotContaining("99");
    // The filter's part of the table is what must be unique.
    JdbcStore filtered = JdbcStore.newBuilder(ds).table("v").keyColumns("id").trustKey(true).filter("id <> 5").build();
    try (Stream<Entry> s = filtered.scan(KeyRange.all())) {
      assertThat(s.count()).isEqualTo(29);
    }
  }

  @ParameterizedTest(name = "{0}: identical duplicates on both sides (equal digests) are still an error")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void identicalDuplicatesOnBothSides(Product p) {
    String twin = "INSERT INTO base (id, name, amount) VALUES (5, 'name 5', 5.50)";
    DataSource first = base(p, twin);
    DataSource second = base(p, twin);
    // Both sides hold the same rows, so their digests agree and no scan would ever meet the twins.
    assertThat(H2.query(first, BASE_ROWS)).isEqualTo(H2.query(second, BASE_ROWS)).contains("5|name 5|5.50|null\n5|name 5");

    for (DataSource ds : List.of(first, second)) {
      assertThatThrownBy(() -> trusted(ds, "base"))
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("key 5 is held by more than one row of table 'base'");
    }
  }

  @ParameterizedTest(name = "{0}: a duplicate appearing after the build fails scans at a page boundary, look-ups and repairs; nothing is written")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void duplicateAfterBuild(Product p) {
    JdbcStore source = JdbcStore.newBuilder(source(p)).id("source").table("t").build();
    DataSource target = base(p, "UPDATE base SET name = 'changed' WHERE id = 20");
    JdbcStore view = JdbcStore.newBuilder(target).id("v").table("v").keyColumns("id").trustKey(true)
        .fetchSize(2).build();
    H2.exec(target, "INSERT INTO base (id, name, amount) VALUES (2, 'twin', 2.50)");
    String before = H2.query(target, BASE_ROWS);

    // Pages of two rows: 1 and one of the 2s, then the other 2 — across the page boundary.
    assertThatThrownBy(() -> {
      try (Stream<Entry> s = view.scan(KeyRange.all())) {
        s.forEach(e -> { });
      }
    }).isInstanceOf(ConfigurationException.class).hasMessageContaining("key 2 is held by more than one row");
    assertThatThrownBy(() -> view.get(List.of(Key.of(2))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 2 is held by more than one row");
    assertThatThrownBy(() -> WriteTypesIT.repair(source, view, Mode.APPLY))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 2 is held by more than one row");
    assertThatThrownBy(() -> view.apply(List.of(
        RepairAction.delete("v", Key.of(2), Expected.present(source.get(List.of(Key.of(2))).get(Key.of(2)))))))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("key 2 is held by more than one row");
    assertThat(H2.query(target, BASE_ROWS)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}: an update or delete that would change two rows fails and rolls back its batch")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void writeOfTwoRowsRollsBack(Product p) {
    // Key 1 is unique where the filter looks (region 'eu'), not in the table: the locked read sees
    // one row, the UPDATE or DELETE by key would change both.
    DataSource ds = fresh(p,
        "CREATE TABLE r (id int NOT NULL, name varchar(20) NOT NULL, region varchar(2) NOT NULL)",
        "INSERT INTO r VALUES (1, 'a', 'eu'), (1, 'a', 'us'), (2, 'b', 'eu')");
    JdbcStore store = JdbcStore.newBuilder(ds).id("r").table("r").keyColumns("id").columns("name")
        .filter("region = 'eu'").trustKey(true).build();
    String all = "SELECT id, name, region FROM r ORDER BY id, region";
    String before = H2.query(ds, all);
    Map<Key, Entry> now = store.get(List.of(Key.of(1), Key.of(2)));
    RepairAction fine = RepairAction.upsert("r", Entry.of(Key.of(2), Map.of("name", Value.of("c"))),
        Expected.present(now.get(Key.of(2))));
    RepairAction update = RepairAction.upsert("r", Entry.of(Key.of(1), Map.of("name", Value.of("z"))),
        Expected.present(now.get(Key.of(1))));
    RepairAction delete = RepairAction.delete("r", Key.of(1), Expected.present(now.get(Key.of(1))));

    for (RepairAction twoRows : List.of(update, delete)) {
      assertThatThrownBy(() -> store.apply(List.of(fine, twoRows)))
          .isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("nothing of it was written")
          .hasMessageContaining("of key 1")
          .hasMessageContaining("changed 2 rows, expected 1")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThat(H2.query(ds, all)).isEqualTo(before);
    }
  }

  @ParameterizedTest(name = "{0}: a view the database cannot write is refused before the first write; it still compares")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void nonUpdatableView(Product p) {
    JdbcStore source = JdbcStore.newBuilder(source(p)).id("source").table("t").build();
    DataSource target = base(p,
        "CREATE VIEW g AS SELECT id, MAX(name) AS name, MAX(amount) AS amount FROM base GROUP BY id",
        "UPDATE base SET name = 'changed' WHERE id = 3");
    JdbcStore grouped = trusted(target, "g");
    String before = H2.query(target, BASE_ROWS);

    assertThatThrownBy(() -> WriteTypesIT.repair(source, grouped, Mode.APPLY))
        .isInstanceOf(RepairRefusedException.class)
        .hasMessageContaining("store 'g' cannot repair view 'g', which the database cannot write through")
        .hasMessageContaining("so it wrote none of a batch of 1 action(s)");
    assertThat(H2.query(target, BASE_ROWS)).isEqualTo(before);
    JdbcStore readOnly = JdbcStore.newBuilder(target).id("g").table("g").keyColumns("id").trustKey(true)
        .readOnly(true).build();
    assertThat(WriteTypesIT.repair(source, readOnly, Mode.REPORT_ONLY).divergences()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0}: a join view's delete is refused up front (PostgreSQL) or fails and rolls back (MariaDB), one line")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void joinView(Product p) {
    DataSource target = base(p,
        "CREATE TABLE extra (id int PRIMARY KEY, tag varchar(10))",
        "INSERT INTO extra VALUES (1, 'x'), (2, 'y')",
        "CREATE VIEW j AS SELECT b.id, b.name, e.tag FROM base b JOIN extra e ON e.id = b.id");
    JdbcStore join = trusted(target, "j");
    Entry one = join.get(List.of(Key.of(1))).get(Key.of(1));
    String before = H2.query(target, BASE_ROWS) + H2.query(target, "SELECT * FROM extra ORDER BY id");

    assertThatThrownBy(() -> join.apply(List.of(RepairAction.delete("j", Key.of(1), Expected.present(one)))))
        .isInstanceOf(p == Product.POSTGRES ? RepairRefusedException.class : StoreUnavailableException.class)
        .hasMessageContaining(p == Product.POSTGRES ? "cannot repair view 'j', which the database cannot write through"
            : "the delete of key 1 in table 'j': SQLState HY000, a join view cannot delete (error 1395)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThat(H2.query(target, BASE_ROWS) + H2.query(target, "SELECT * FROM extra ORDER BY id")).isEqualTo(before);
  }
}
