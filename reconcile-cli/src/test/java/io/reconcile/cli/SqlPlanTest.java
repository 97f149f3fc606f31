package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SqlPlanTest {

  private static final Job.Table TABLE =
      new Job.Table("sales.orders", null, List.of("region", "id"), List.of(), null, List.of("rename=full_name:name"), false);
  private static final Key KEY = Key.of("eu", 7L);
  private static final Entry NEW = Entry.of(KEY, Map.of("name", "Ada", "total", 12));
  private static final Entry OLD = Entry.of(KEY, Map.of("name", "Ada", "total", 10));

  private static List<String> render(RepairAction a) {
    return SqlPlan.render(TABLE, new RunEvents.Planned(a, "take sales.orders@first: why"));
  }

  @Test
  void insertWhenTheTargetLacksTheRow() {
    assertThat(render(RepairAction.upsert("sales.orders@second", NEW, Expected.absent()))).containsExactly(
        "-- sales.orders@second, key (\"eu\", 7): take sales.orders@first: why",
        "INSERT INTO sales.orders (region, id, full_name, total) VALUES (?, ?, ?, ?);",
        "--   binds: \"eu\", 7, \"Ada\", 12",
        "--   only if key (\"eu\", 7) is still absent");
  }

  @Test
  void updateWhenItHoldsOtherData() {
    assertThat(render(RepairAction.upsert("sales.orders@second", NEW, Expected.present(OLD)))).containsExactly(
        "-- sales.orders@second, key (\"eu\", 7): take sales.orders@first: why",
        "UPDATE sales.orders SET full_name = ?, total = ? WHERE region = ? AND id = ?;",
        "--   binds: \"Ada\", 12, \"eu\", 7",
        "--   only if key (\"eu\", 7) still holds full_name=\"Ada\", total=10");
  }

  @Test
  void deleteWhenTheWinnerLacksIt() {
    assertThat(render(RepairAction.delete("sales.orders@second", KEY, Expected.present(OLD))).subList(1, 4)).containsExactly(
        "DELETE FROM sales.orders WHERE region = ? AND id = ?;",
        "--   binds: \"eu\", 7",
        "--   only if key (\"eu\", 7) still holds full_name=\"Ada\", total=10");
  }
}
