package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MongoPlanTest {

  private static final Job.Side FIRST = new Job.Side("first", "jdbc:postgresql://db1/shop", null, null, null, null);

  private static Job.Side second(String uri) {
    return new Job.Side("second", uri, null, null, null, null);
  }

  private static Job.Table table(List<String> key, List<String> columns, List<String> normalize) {
    return new Job.Table("orders", null, key, columns, null, normalize, false);
  }

  private static List<String> render(Job.Side side, Job.Table table, RepairAction a) {
    assertThat(new Job(FIRST, side, List.of(table), 1, true).isCollection(a.target())).isTrue();
    return MongoPlan.render(side, table, new RunEvents.Planned(a, "take orders@first: why"));
  }

  private static final Key KEY = Key.of(7L);
  private static final Entry NEW = Entry.of(KEY, Map.of("name", "Ada", "total", new BigDecimal("12.50"),
      "at", Instant.parse("2026-01-01T00:07:00Z"), "tags", List.of("a", "b")));
  private static final Entry OLD = Entry.of(KEY, Map.of("name", "Ada \"the first\"", "total", 10));

  @Test
  void insertWhereTheKeyIsFree() {
    assertThat(render(second("mongodb://127.0.0.1:27017/shop.orders"), table(List.of("id"), List.of(), List.of()),
        RepairAction.upsert("orders@second", NEW, Expected.absent()))).containsExactly(
        "-- orders@second, key 7: take orders@first: why",
        "db.orders.insertOne({_id: 7, at: ISODate(\"2026-01-01T00:07:00Z\"), name: \"Ada\", tags: [\"a\", \"b\"], total: 12.5})",
        "--   only if key 7 is still absent");
  }

  @Test
  void replaceWhereItHoldsOtherData() {
    assertThat(render(second("mongodb://u:pw@127.0.0.1:27017/shop.order-archive?authSource=admin"),
        table(List.of("id"), List.of("name", "total"), List.of()),
        RepairAction.upsert("orders@second", Entry.of(KEY, Map.of("name", "Ada", "total", 12)), Expected.present(OLD))))
        .containsExactly(
            "-- orders@second, key 7: take orders@first: why",
            "db.getCollection(\"order-archive\").replaceOne({_id: 7}, {_id: 7, name: \"Ada\", total: 12})",
            "--   the fields it does not compare are kept as the document holds them",
            "--   only if key 7 still holds {name: \"Ada \\\"the first\\\"\", total: 10}");
  }

  @Test
  void deleteACompoundIdNamedByTheKeyColumns() {
    Key key = Key.of("eu", 3_000_000_000L);
    Entry old = Entry.of(key, Map.of("name", "Grace", "big", new BigDecimal("0.1000000000000000000001")));
    assertThat(render(second("mongodb://h:1/shop"), table(List.of("region", "id"), List.of(), List.of("rename=full_name:name")),
        RepairAction.delete("orders@second", key, Expected.present(old)))).containsExactly(
        "-- orders@second, key (\"eu\", 3000000000): take orders@first: why",
        "db.orders.deleteOne({_id: {region: \"eu\", id: NumberLong(\"3000000000\")}})",
        "--   only if key (\"eu\", 3000000000) still holds {big: NumberDecimal(\"0.1000000000000000000001\"), full_name: \"Grace\"}");
  }

  @Test
  void theUrisKeyOptionNamesTheIdsFields() {
    Key key = Key.of(UUID.fromString("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"));
    List<String> lines = render(second("mongodb+srv://cluster.example.net/shop.orders?retryWrites=true&key=_id.ref"),
        table(List.of("ref"), List.of(), List.of()), RepairAction.upsert("orders@second",
            Entry.of(key, Map.of("n", Value.ofNull())), Expected.absent()));
    assertThat(lines.get(1)).isEqualTo("db.orders.insertOne({_id: {ref: UUID(\"0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9\")}, n: null})");
  }

  @Test
  void anObjectIdKeyAndWrapper() {
    byte[] oid = java.util.HexFormat.of().parseHex("65a1b2c3d4e5f60718293a4b");
    Entry e = Entry.of(Key.ofBytes(oid), Map.of("owner", Map.of("$oid", "65a1b2c3d4e5f60718293a4c"), "raw", new byte[] {1, 2}));
    assertThat(render(second("mongodb://h:1/shop.orders"), table(List.of("_id"), List.of(), List.of()),
        RepairAction.upsert("orders@second", e, Expected.absent())).get(1)).isEqualTo(
        "db.orders.insertOne({_id: ObjectId(\"65a1b2c3d4e5f60718293a4b\"), owner: ObjectId(\"65a1b2c3d4e5f60718293a4c\"),"
            + " raw: BinData(0, \"AQI=\")})");
  }
}
