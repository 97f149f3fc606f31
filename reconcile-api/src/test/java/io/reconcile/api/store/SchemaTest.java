package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  @DisplayName("a UUID against text names the rule that compares it as text, for a field and for a key part")
  void uuidAgainstTextNamesTheRule() {
    Schema uuids = new Schema(List.of(Type.UUID), Map.of("ref", Type.UUID, "name", Type.TEXT), List.of("id"));
    Schema texts = new Schema(List.of(Type.TEXT), Map.of("ref", Type.TEXT, "name", Type.TEXT), List.of("uid"));
    Schema textFields = new Schema(List.of(Type.UUID), Map.of("ref", Type.TEXT, "name", Type.TEXT), List.of("id"));

    assertThat(uuids.mismatch("a", textFields, "b")).hasValue(
        "field 'ref' holds UUID in store 'a' but TEXT in store 'b', so no row could compare equal;"
            + " to compare UUIDs with text that spells them (lowercase, 8-4-4-4-12), compare 'ref' as"
            + " text in store 'a' (Normalization.Builder.asText(\"ref\"))");
    assertThat(textFields.mismatch("b", uuids, "a")).get().asString()
        .contains("compare 'ref' as text in store 'a' (Normalization.Builder.asText(\"ref\"))");
    // A key part is named in each store; the rule takes the UUID side's name.
    assertThat(texts.mismatch("t", uuids, "u")).hasValue(
        "key part 1 ('uid' in store 't', 'id' in store 'u') holds TEXT in store 't' but UUID in store"
            + " 'u'; to compare UUIDs with text that spells them (lowercase, 8-4-4-4-12), compare 'id'"
            + " as text in store 'u' (Normalization.Builder.asText(\"id\"))");
    // Unnamed key parts: the hint says what to name.
    assertThat(new Schema(List.of(Type.UUID), Map.of()).mismatch("a", new Schema(List.of(Type.TEXT), Map.of()), "b"))
        .hasValue("key part 1 holds UUID in store 'a' but TEXT in store 'b'; to compare UUIDs with text"
            + " that spells them (lowercase, 8-4-4-4-12), compare the UUID side as text in store 'a'"
            + " (Normalization.Builder.asText with its name)");
    // Other pairs of types still say to choose other key columns.
    assertThat(uuids.mismatch("a", new Schema(List.of(Type.NUMBER), uuids.fields(), List.of("id")), "b"))
        .get().asString().startsWith("store 'a' keys by [UUID] but store 'b' by [NUMBER]");
  }

  @Test
  @DisplayName("key names, when given, name every key part")
  void keyNames() {
    assertThat(new Schema(List.of(Type.NUMBER), Map.of(), List.of("id")).keyNames()).containsExactly("id");
    assertThat(ORDERS.keyNames()).isEmpty();
    assertThatThrownBy(
            () -> new Schema(List.of(Type.NUMBER, Type.TEXT), Map.of(), List.of("id")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a schema names each key part or none, but names 1 of 2");
  }
}
