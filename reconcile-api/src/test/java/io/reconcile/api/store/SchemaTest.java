package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.Schema.Type;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("schemas that could never hold equal entries are told apart, with what to do")
class SchemaTest {

  private static final Schema ORDERS =
      new Schema(List.of(Type.NUMBER), Map.of("name", Type.TEXT, "amount", Type.NUMBER));

  @Test
  @DisplayName("equal types match, whatever the order the fields were given in")
  void matching() {
    Schema same = new Schema(List.of(Type.NUMBER), Map.of("amount", Type.NUMBER, "name", Type.TEXT));
    assertThat(ORDERS.mismatch("a", same, "b")).isEmpty();
    assertThat(same).isEqualTo(ORDERS);
  }

  @Test
  @DisplayName("keys of other types or lengths")
  void keys() {
    Schema text = new Schema(List.of(Type.TEXT), ORDERS.fields());
    Schema composite = new Schema(List.of(Type.NUMBER, Type.NUMBER), ORDERS.fields());
    assertThat(ORDERS.mismatch("a", text, "b")).hasValue(
        "store 'a' keys by [NUMBER] but store 'b' by [TEXT]: keys must have the same parts of the"
            + " same types on every side; choose matching key columns (StoreOptions.keyFields)");
    assertThat(ORDERS.mismatch("a", composite, "b")).get().asString().contains("[NUMBER, NUMBER]");
  }

  @Test
  @DisplayName("a field of another type, and fields compared on one side only")
  void fields() {
    Schema other = new Schema(List.of(Type.NUMBER), Map.of("name", Type.NUMBER, "note", Type.TEXT));
    String why = ORDERS.mismatch("a", other, "b").orElseThrow();
    assertThat(why)
        .contains("field 'name' holds TEXT in store 'a' but NUMBER in store 'b'")
        .contains("field 'amount' is compared in store 'a' but store 'b' has no such field")
        .contains("field 'note' is compared in store 'b' but store 'a' has no such field")
        .contains("Normalization.ignore");
  }
}
