package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.jdbc.CrossDialectIT.Product;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Updates and deletes report the whole row they changed, every column and not only the compared
 * ones, and a restore of it puts the row back identical.
 */
@DisplayName("before-images hold the whole row, and restoring one puts it back exactly")
class BeforeImageIT {

  private static DataSource table(Product product) {
    String ddl = "CREATE TABLE t (id int PRIMARY KEY, a varchar(20), c varchar(20),"
        + " n int NOT NULL DEFAULT 7, at " + (product == Product.POSTGRES ? "timestamp" : "datetime(6)") + ")";
    String[] rows = {
      ddl,
      "INSERT INTO t VALUES (1, 'a1', 'c1', 11, '2024-01-02 03:04:05.678901')",
      "INSERT INTO t VALUES (2, 'a2', 'c2', 22, '2023-05-06 07:08:09')",
      "INSERT INTO t VALUES (3, 'a3', NULL, 33, NULL)",
    };
    return product == Product.POSTGRES ? Postgres.fresh(rows) : MariaDb.fresh(rows);
  }

  /** Every column of every row, as text: the whole-row checksum. */
  private static String everything(DataSource ds) {
    return H2.query(ds, "SELECT id, a, c, n, at FROM t ORDER BY id");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void deleteAndUpdateRestoreEveryColumn(Product product) {
    DataSource ds = table(product);
    String before = everything(ds);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").columns("a").build();
    Map<Key, Entry> now = store.get(List.of(Key.of(1), Key.of(2)));
    Entry written = Entry.of(Key.of(1), Map.of("a", "changed"));

    List<ActionOutcome> outcomes = store.apply(List.of(
        RepairAction.upsert("t", written, Expected.present(now.get(Key.of(1)))),
        RepairAction.delete("t", Key.of(2), Expected.present(now.get(Key.of(2))))));

    ActionOutcome updated = outcomes.get(0);
    ActionOutcome deleted = outcomes.get(1);
    assertThat(updated.status()).isEqualTo(ActionOutcome.Status.APPLIED);
    assertThat(updated.foundRow()).containsOnlyKeys("id", "a", "c", "n", "at")
        .containsEntry("id", Value.of(1L)).containsEntry("c", Value.of("c1")).containsEntry("n", Value.of(11L));
    assertThat(deleted.foundRow()).containsOnlyKeys("id", "a", "c", "n", "at")
        .containsEntry("a", Value.of("a2")).containsEntry("n", Value.of(22L));
    // Meanwhile a column outside the comparison changes too; the restore puts it back as well.
    H2.exec(ds, "UPDATE t SET c = 'other', n = 99 WHERE id = 1");

    List<ActionOutcome> restored = store.apply(List.of(
        RepairAction.restore("t", updated.found(), updated.foundRow(), Expected.present(written)),
        RepairAction.restore("t", deleted.found(), deleted.foundRow(), Expected.absent())));

    assertThat(restored).extracting(ActionOutcome::status)
        .containsExactly(ActionOutcome.Status.APPLIED, ActionOutcome.Status.APPLIED);
    assertThat(everything(ds)).isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void restoreNamingAMissingColumnIsRefused(Product product) {
    DataSource ds = table(product);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").columns("a").build();
    Entry e = Entry.of(Key.of(9), Map.of("a", "x"));

    assertThatThrownBy(() -> store.apply(List.of(RepairAction.restore(
            "t", e, Map.of("a", Value.of("x"), "gone", Value.of("y")), Expected.absent()))))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("'gone'")
        .hasMessageContaining("key 9");
    assertThat(H2.count(ds, "SELECT COUNT(*) FROM t WHERE id = 9")).isZero();
  }
}
