package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Schema.Type;
import io.reconcile.core.Reconciler;
import io.reconcile.core.resolve.Resolvers;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("tables whose key or column types could never hold equal rows are refused before any read")
class SchemaCheckTest {

  private static final String ORDERS =
      "CREATE TABLE orders (id BIGINT PRIMARY KEY, qty INT, amount DECIMAL(10,2), note VARCHAR(20),"
          + " at TIMESTAMP, paid BOOLEAN)";

  @Test
  @DisplayName("a table's schema: numbers, text, timestamps by family; renamed and ignored fields")
  void schemaOfATable() {
    JdbcStore store = JdbcStore.newBuilder(H2.fresh(ORDERS)).table("orders")
        .normalization(Normalization.newBuilder().rename("note", "remark").ignore("paid").build()).build();
    assertThat(store.schema()).hasValue(new Schema(List.of(Type.NUMBER),
        Map.of("qty", Type.NUMBER, "amount", Type.NUMBER, "remark", Type.TEXT, "at", Type.TIMESTAMP),
        List.of("id")));
  }

  @Test
  @DisplayName("UUID columns compared as text are text in the schema; the rule on a column of another type is refused")
  void uuidsAsText() {
    DataSource ds = H2.fresh("CREATE TABLE refs (id UUID PRIMARY KEY, ref UUID, note VARCHAR(36), qty INT)");
    JdbcStore plain = JdbcStore.newBuilder(ds).table("refs").build();
    JdbcStore asText = JdbcStore.newBuilder(ds).table("refs")
        .normalization(Normalization.newBuilder().asText("id", "ref", "note").build()).build();
    assertThat(plain.schema()).hasValue(new Schema(List.of(Type.UUID),
        Map.of("ref", Type.UUID, "note", Type.TEXT, "qty", Type.NUMBER), List.of("id")));
    assertThat(asText.schema()).hasValue(new Schema(List.of(Type.TEXT),
        Map.of("ref", Type.TEXT, "note", Type.TEXT, "qty", Type.NUMBER), List.of("id")));
    assertThatThrownBy(() -> JdbcStore.newBuilder(ds).table("refs")
            .normalization(Normalization.newBuilder().asText("qty").build()).build())
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessage("column 'QTY' of table 'refs' has type INTEGER, but a normalisation rule compares it"
            + " as text, which converts UUID columns only; remove the rule (Normalization.Builder.asText(\"qty\"))");
  }

  @Test
  @DisplayName("an integer column against a text one, and a key of another type, fail naming them")
  void mismatchesAreRefused() {
    DataSource ds = H2.fresh(ORDERS,
        "CREATE TABLE orders_text (id BIGINT PRIMARY KEY, qty VARCHAR(10), amount DECIMAL(10,2),"
            + " note VARCHAR(20), at TIMESTAMP WITH TIME ZONE, paid BOOLEAN)",
        "CREATE TABLE orders_uuid (id UUID PRIMARY KEY, qty INT, amount DECIMAL(10,2), note VARCHAR(20),"
            + " at TIMESTAMP, paid BOOLEAN)",
        "INSERT INTO orders VALUES (1, 2, 3.00, 'x', TIMESTAMP '2024-01-01 00:00:00', TRUE)");
    JdbcStore orders = JdbcStore.newBuilder(ds).table("orders").build();
    JdbcStore text = JdbcStore.newBuilder(ds).table("orders_text").build();
    JdbcStore uuid = JdbcStore.newBuilder(ds).table("orders_uuid").build();

    assertThatThrownBy(() -> reconciler(orders, text).run())
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("field 'qty' holds NUMBER in store 'orders' but TEXT in store 'orders_text'")
        .hasMessageNotContaining("field 'at'");
    assertThatThrownBy(() -> reconciler(orders, uuid).run())
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("store 'orders' keys by [NUMBER] but store 'orders_uuid' by [UUID]");
    // Leaving the field out makes the same tables comparable.
    JdbcStore withoutQty = JdbcStore.newBuilder(ds).table("orders_text")
        .normalization(Normalization.newBuilder().ignore("qty").build()).build();
    JdbcStore ordersWithoutQty = JdbcStore.newBuilder(ds).table("orders")
        .normalization(Normalization.newBuilder().ignore("qty").build()).build();
    assertThat(reconciler(ordersWithoutQty, withoutQty).run().divergences()).isEqualTo(1);
  }

  private static Reconciler reconciler(JdbcStore a, JdbcStore b) {
    return Reconciler.newBuilder().stores(a, b).resolver(Resolvers.sourceOfTruth(a.id())).seed(1).build();
  }
}
