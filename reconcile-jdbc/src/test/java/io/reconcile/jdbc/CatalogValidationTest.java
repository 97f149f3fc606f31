package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("building a store validates it against the catalog before reading any row")
class CatalogValidationTest {

  private static final DataSource DB =
      H2.fresh(
          "CREATE TABLE items (id BIGINT PRIMARY KEY, code VARCHAR(10) NOT NULL UNIQUE, name VARCHAR(20), qty INT)",
          "CREATE TABLE nokey (a INT, b INT)",
          "CREATE TABLE odd (id INT PRIMARY KEY, t TIME, arr INT ARRAY)",
          "CREATE TABLE deckey (id DECIMAL(10,2) PRIMARY KEY, v INT)",
          "CREATE TABLE timekey (t TIME PRIMARY KEY, v INT)",
          "CREATE TABLE dotted (id INT PRIMARY KEY, \"a.b\" INT, meta VARCHAR(100))",
          "CREATE SCHEMA sales",
          "CREATE TABLE sales.orders (id INT PRIMARY KEY, total DECIMAL(10,2))",
          "CREATE TABLE \"we\"\"ird\" (\"i\"\"d\" INT PRIMARY KEY, \"va'l\"\"ue\" VARCHAR(10), \"MixedCase\" INT)",
          "INSERT INTO items VALUES (1, 'A-1', 'one', 1), (2, 'A-2', 'two', 2)",
          "INSERT INTO sales.orders VALUES (1, 9.90)",
          "INSERT INTO \"we\"\"ird\" VALUES (1, 'x', 5)");

  private static JdbcStore.Builder on(String table) {
    return JdbcStore.newBuilder(DB).table(table);
  }

  @Test
  @DisplayName("an unknown table is named, with what to check")
  void unknownTable() {
    assertThatThrownBy(() -> on("nope").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("table 'nope' was not found in the database catalog; check its name and schema"
            + " (give it as table or schema.table) and that this user may see it");
    assertThatThrownBy(() -> on("sales.nope").build()).hasMessageContaining("table 'sales.nope' was not found");
    assertThatThrownBy(() -> JdbcStore.newBuilder(DB).build()).hasMessageContaining("needs a table; set it with table(...)");
  }

  @Test
  @DisplayName("an unknown key or compared column is named with the columns that exist")
  void unknownColumn() {
    assertThatThrownBy(() -> on("items").keyColumns("idd").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("column 'idd' was not found in table 'items', which has columns [ID, CODE, NAME, QTY];"
            + " check the spelling");
    assertThatThrownBy(() -> on("items").columns("name", "colour").build())
        .hasMessageContaining("column 'colour' was not found in table 'items'");
    assertThatThrownBy(() -> on("items").columns("id").build())
        .hasMessageContaining("column 'id' of table 'items' is a key column");
  }

  @Test
  @DisplayName("key columns must be the primary key or cover a unique index")
  void uniqueness() {
    assertThatThrownBy(() -> on("items").keyColumns("name").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("key columns [name] of table 'items' are neither its primary key [ID] nor covered"
            + " by a unique index");
    assertThatThrownBy(() -> on("nokey").build())
        .hasMessageContaining("table 'nokey' has no primary key (a view has none); name the key columns");
    assertThatThrownBy(() -> on("nokey").keyColumns("a").build())
        .hasMessageContaining("are neither its primary key (it has none) nor covered by a unique index")
        .hasMessageContaining("trust them with trustKey(true)");
    assertThat(on("nokey").keyColumns("a").trustKey(true).build().queries().table().keyTrusted()).isTrue();
    assertThat(on("items").keyColumns("code").trustKey(true).build().queries().table().keyTrusted()).isFalse();
    // A unique index serves as a key, and so does a superset of the primary key.
    JdbcStore byCode = on("items").keyColumns("code").build();
    try (Stream<Entry> s = byCode.scan(KeyRange.all())) {
      assertThat(s.map(Entry::key)).containsExactly(Key.of("A-1"), Key.of("A-2"));
    }
    assertThat(on("items").keyColumns("id", "qty").build().get(List.of(Key.of(1L, 1L)))).hasSize(1);
  }

  @Test
  @DisplayName("H2: a view over trusted key columns is read, checked for duplicates, and not written")
  void trustedKeyOnH2() {
    DataSource ds = H2.fresh(
        "CREATE TABLE base (id INT NOT NULL, name VARCHAR(20))",
        "INSERT INTO base VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        "CREATE VIEW v AS SELECT id, name FROM base");
    JdbcStore view = JdbcStore.newBuilder(ds).table("v").keyColumns("id").trustKey(true).fetchSize(1).build();
    try (Stream<Entry> s = view.scan(KeyRange.all())) {
      assertThat(s.map(Entry::key)).containsExactly(Key.of(1), Key.of(2), Key.of(3));
    }
    Entry one = view.get(List.of(Key.of(1))).get(Key.of(1));
    assertThatThrownBy(() -> view.apply(List.of(RepairAction.delete("v", Key.of(1), Expected.present(one)))))
        .isInstanceOf(io.reconcile.api.ReconcileException.RepairRefusedException.class)
        .hasMessageContaining("cannot repair view 'v'");

    H2.exec(ds, "INSERT INTO base VALUES (2, 'twin')");
    try (Stream<Entry> s = view.scan(KeyRange.all())) {
      assertThatThrownBy(s::count).hasMessageContaining("key 2 is held by more than one row of table 'v'");
    }
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("v").keyColumns("id").trustKey(true).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("key 2 is held by more than one row of table 'v'");
    assertThat(H2.count(ds, "SELECT COUNT(*) FROM base")).isEqualTo(4);
  }

  @Test
  @DisplayName("normalisation paths into fields are refused, since columns hold none; a column name with a dot is escaped")
  void nestedPaths() {
    assertThatThrownBy(() -> on("dotted").normalization(Normalization.newBuilder()
            .ignore("meta.updatedAt").field("items[].price", r -> r.withDecimalScale(2)).build()).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("table 'dotted' has columns, which hold no nested fields, so the normalisation's paths"
            + " [items[].price, meta.updatedAt] could never apply; leave them out of this store's"
            + " normalisation (they belong to a store of documents), and write a column name holding '.',"
            + " '[' or ']' with a backslash before each, e.g. 'a\\.b'");
    assertThatThrownBy(() -> on("dotted").normalization(Normalization.newBuilder().ignore("a.b").build()).build())
        .hasMessageContaining("paths [a.b] could never apply");
    JdbcStore escaped = on("dotted").normalization(Normalization.newBuilder().ignore("a\\.b").build()).build();
    assertThat(escaped.schema().orElseThrow().fields()).containsOnlyKeys("meta");
  }

  @Test
  @DisplayName("unsupported column and key types are named, with what to do")
  void types() {
    assertThatThrownBy(() -> on("odd").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("table 'odd' has columns of types reconcile cannot compare: [T TIME, ARR INTEGER ARRAY];"
            + " list the columns to compare with columns(...) or ignore these with Normalization.ignore(...)");
    assertThat(on("odd").columns().normalization(Normalization.newBuilder().ignore("t", "arr").build()).build()).isNotNull();
    assertThatThrownBy(() -> on("odd").columns("t").build()).hasMessageContaining("column 't' of table 'odd' has type TIME");
    assertThatThrownBy(() -> on("timekey").build())
        .hasMessage("key column 'T' of table 'timekey' has type TIME, which cannot be a reconcile key part;"
            + " key columns must be exact numbers (integer, numeric or decimal types), text, UUIDs or binary");
    // A decimal key is a number key, by value.
    JdbcStore deckey = on("deckey").build();
    deckey.apply(List.of(RepairAction.upsert("deckey", Entry.of(Key.of(new java.math.BigDecimal("1.50")), Map.of("v", 1)), Expected.absent())));
    assertThat(deckey.get(List.of(Key.of(new java.math.BigDecimal("1.5")))).keySet())
        .containsExactly(Key.of(new java.math.BigDecimal("1.5")));
  }

  @Test
  @DisplayName("schema-qualified and case-folded names resolve; fields read in lower case")
  void names() {
    JdbcStore orders = on("sales.orders").build();
    assertThat(orders.id()).isEqualTo("sales.orders");
    assertThat(orders.get(List.of(Key.of(1))).get(Key.of(1)).fields().fields()).containsOnlyKeys("total");
    assertThat(on("ITEMS").columns("NAME").build().get(List.of(Key.of(2))).get(Key.of(2)))
        .isEqualTo(Entry.of(Key.of(2), Map.of("name", "two")));
  }

  @Test
  @DisplayName("identifiers holding quotes are quoted and work; an injection attempt is just an unknown table")
  void quoting() {
    JdbcStore weird = JdbcStore.newBuilder(DB).id("weird").table("we\"ird").build();
    Entry one = weird.get(List.of(Key.of(1))).get(Key.of(1));
    assertThat(one.fields().fields()).containsOnlyKeys("va'l\"ue", "MixedCase");
    Entry changed = Entry.of(Key.of(1), Map.of("va'l\"ue", "y", "MixedCase", 6));
    assertThat(weird.apply(List.of(
            RepairAction.upsert("weird", changed, Expected.present(one)),
            RepairAction.upsert("weird", Entry.of(Key.of(2), Map.of("va'l\"ue", "z", "MixedCase", 7)), Expected.absent()))))
        .extracting(ActionOutcome::status)
        .containsOnly(ActionOutcome.Status.APPLIED);
    assertThat(H2.count(DB, "SELECT COUNT(*) FROM \"we\"\"ird\" WHERE \"va'l\"\"ue\" IN ('y', 'z')")).isEqualTo(2);

    assertThatThrownBy(() -> on("items\"; DROP TABLE items; --").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("table 'items\"; DROP TABLE items; --' was not found");
    assertThatThrownBy(() -> on("items").columns("name\" FROM items; --").build())
        .hasMessageContaining("column 'name\" FROM items; --' was not found in table 'items'");
    assertThat(H2.count(DB, "SELECT COUNT(*) FROM items")).isEqualTo(2);
    assertThatThrownBy(() -> on("ite\0ms").build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("the table name 'ite\\0ms' contains a NUL character");
  }

  @Test
  @DisplayName("LIKE wildcards in names match only themselves")
  void wildcards() {
    H2.exec(DB, "CREATE TABLE IF NOT EXISTS a_b (id INT PRIMARY KEY)", "CREATE TABLE IF NOT EXISTS axb (id INT PRIMARY KEY, v INT)");
    assertThat(on("a_b").build().get(List.of(Key.of(1)))).isEmpty();
    assertThatThrownBy(() -> on("a%").build()).hasMessageContaining("table 'a%' was not found");
  }
}
