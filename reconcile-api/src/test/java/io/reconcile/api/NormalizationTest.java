package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizationTest {

  private static Value.MapValue doc(Map<String, ?> m) {
    return (Value.MapValue) Value.from(m);
  }

  @Test
  void noneChangesNothing() {
    Value.MapValue d = doc(Map.of("a", " x ", "t", Instant.parse("2024-01-01T00:00:00.123456789Z")));
    assertThat(Normalization.none().apply(d)).isSameAs(d);
  }

  @Test
  void truncatesTimestampsTrimsAndNormalisesText() {
    Normalization n =
        Normalization.newBuilder().timestampPrecision(ChronoUnit.MICROS).trim(Normalization.Trim.TRAILING).nfc().build();
    Value.MapValue d =
        doc(Map.of("t", Instant.parse("2024-01-01T00:00:00.123456789Z"), "s", "e\u0301  ", "nested", List.of("x  ")));
    Value.MapValue out = n.apply(d);
    assertThat(out.fields().get("t")).isEqualTo(Value.of(Instant.parse("2024-01-01T00:00:00.123456Z")));
    assertThat(out.fields().get("s")).isEqualTo(Value.of("\u00e9"));
    assertThat(out.fields().get("nested")).isEqualTo(Value.from(List.of("x")));
  }

  @Test
  void perFieldRulesRenamesAndIgnoredFields() {
    Normalization n =
        Normalization.newBuilder()
            .rename("full_name", "name")
            .ignore("updated_at")
            .field("price", r -> r.withDecimalScale(2))
            .field("ratio", r -> r.withSignificantDigits(3))
            .build();
    Value.MapValue out =
        n.apply(doc(Map.of("full_name", "Ada", "updated_at", 5, "price", new BigDecimal("1.005"), "ratio", 0.123456)));
    assertThat(out.fields()).containsOnlyKeys("name", "price", "ratio");
    assertThat(out.fields().get("price")).isEqualTo(Value.of(new BigDecimal("1.00")));
    assertThat(out.fields().get("ratio")).isEqualTo(Value.of(new BigDecimal("0.123")));
    assertThat(n.toStore(doc(Map.of("name", "Ada"))).fields()).containsOnlyKeys("full_name");
    assertThat(n.storeName("name")).isEqualTo("full_name");
    assertThat(n.datasetName("full_name")).isEqualTo("name");
  }

  @Test
  void scaleCanBeDeclaredSignificant() {
    Normalization n = Normalization.newBuilder().field("amount", r -> r.withScaleSignificant(true)).build();
    Entry a = n.apply(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.0"))));
    Entry b = n.apply(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.00"))));
    assertThat(a.hash()).isNotEqualTo(b.hash());
    assertThat(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.0"))).hash())
        .isEqualTo(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.00"))).hash());
  }

  @Test
  void rejectsConflictingRules() {
    assertThatThrownBy(() -> Normalization.newBuilder().rename("a", "x").rename("b", "x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("renames 'a' -> 'x' and 'b' -> 'x' both make dataset field 'x'; give one of them"
            + " another name");
    assertThatThrownBy(() -> Normalization.newBuilder().rename("a", "x").rename("a", "y"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("store field 'a' was already renamed to 'x'; rename a field once");
    assertThatThrownBy(() -> Normalization.newBuilder().ignore("a").field("a", r -> r.withNfc(true)).build())
        .hasMessage("field 'a' is ignored, so the rule on 'a' never applies; remove one of them");
    assertThatThrownBy(() -> Normalization.newBuilder().asText("a").ignore("a").build())
        .hasMessage("field 'a' is ignored, so comparing as text 'a' never applies; remove one of them");
    assertThatThrownBy(() -> Normalization.newBuilder().rename("full_name", "name").ignore("full_name").build())
        .hasMessage("store field 'full_name' is renamed to 'name', so the dataset has no field"
            + " 'full_name' for ignoring 'full_name'; name the dataset field 'name' instead");
    // A swap renames both ways at once: each name is still a dataset field.
    Normalization swap = Normalization.newBuilder().rename("a", "b").rename("b", "a").ignore("a").build();
    assertThat(swap.apply(doc(Map.of("a", 1, "b", 2))).fields()).containsOnlyKeys("b").containsEntry("b", Value.of(1));
    assertThatThrownBy(() -> Normalization.Rule.IDENTITY.withDecimalScale(-1))
        .hasMessageContaining("decimal scale must be >= 0, but was -1");
    assertThatThrownBy(() -> Normalization.Rule.IDENTITY.withTimestampPrecision(ChronoUnit.MONTHS))
        .hasMessageContaining("DAYS or finer");
    assertThatThrownBy(() -> Normalization.newBuilder().field("p", r -> r.withDecimalScale(-2)).build())
        .hasMessageContaining("decimal scale must be >= 0, but was -2");
    assertThatThrownBy(() -> Normalization.newBuilder().field("p", r -> null).build())
        .hasMessage("the change given for field 'p' returned no rule");
  }

  @Test
  void aSettingGivenTwiceFailsSayingWhatItWas() {
    assertThatThrownBy(() -> Normalization.newBuilder().trim(Normalization.Trim.BOTH).trim(Normalization.Trim.TRAILING))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("trim was already set to BOTH; set it once");
    assertThatThrownBy(() -> Normalization.newBuilder().timestampPrecision(ChronoUnit.MICROS).timestampPrecision(ChronoUnit.MICROS))
        .hasMessage("timestamp precision was already set to MICROS; set it once");
    assertThatThrownBy(() -> Normalization.newBuilder().nfc().nfc())
        .hasMessage("nfc was already set; set it once");
    assertThatThrownBy(() -> Normalization.newBuilder().significantDigits(6).significantDigits(15))
        .hasMessage("significant digits was already set to 6; set it once");
    assertThatThrownBy(() -> Normalization.newBuilder().nullAsAbsent().nullAsAbsent())
        .hasMessage("nullAsAbsent was already set; set it once");
    assertThatThrownBy(() -> Normalization.newBuilder().asText("u", "u"))
        .hasMessage("field 'u' is already compared as text; name it once");
    assertThatThrownBy(() -> Normalization.newBuilder().ignore("x").ignore("x"))
        .hasMessage("field 'x' is already ignored; name it once");
    assertThatThrownBy(() -> Normalization.newBuilder().field("p", r -> r).field("p", r -> r))
        .hasMessage("field 'p' already has a rule; make all of its changes in one field(...) call");
    // Bad values fail at the call, before anything is set.
    assertThatThrownBy(() -> Normalization.newBuilder().significantDigits(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("significant digits must be >= 1, but was 0");
    assertThatThrownBy(() -> Normalization.newBuilder().timestampPrecision(ChronoUnit.YEARS))
        .hasMessageContaining("DAYS or finer");
  }

  @Test
  void theOrderOfCallsDoesNotMatter() {
    Normalization fieldFirst = Normalization.newBuilder()
        .field("price", r -> r.withDecimalScale(2)).trim(Normalization.Trim.BOTH).nullAsAbsent().build();
    Normalization defaultsFirst = Normalization.newBuilder()
        .nullAsAbsent().trim(Normalization.Trim.BOTH).field("price", r -> r.withDecimalScale(2)).build();
    assertThat(fieldFirst).isEqualTo(defaultsFirst).hasSameHashCodeAs(defaultsFirst);
    // A field's rule is its change applied to the defaults, whenever they were set.
    assertThat(fieldFirst.ruleFor("price")).isEqualTo(Normalization.Rule.IDENTITY
        .withTrim(Normalization.Trim.BOTH).withNullAsAbsent(true).withDecimalScale(2));
    assertThat(Normalization.newBuilder().build()).isEqualTo(Normalization.none());
  }

  @Test
  void aNullFieldIsAbsentUnderNullAsAbsent() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", 7);
    row.put("email", null);
    row.put("name", "Ada");
    Entry table = Entry.of(Key.of(7), row);
    Entry document = Entry.of(Key.of(7), Map.of("id", 7, "name", "Ada"));
    // Distinct by default …
    assertThat(Normalization.none().apply(table).hash()).isNotEqualTo(document.hash());
    // … alike under the rule, which drops the null field on read.
    Normalization n = Normalization.newBuilder().nullAsAbsent().build();
    assertThat(n.apply(table).fields()).isEqualTo(document.fields());
    assertThat(n.apply(table).hash()).isEqualTo(n.apply(document).hash()).isEqualTo(document.hash());
    // Writing the entry back leaves the field out: a store writes its absence (a table: NULL).
    assertThat(n.toStore(n.apply(table).fields()).fields()).doesNotContainKey("email");
  }

  @Test
  void nullAsAbsentReachesNestedMapsButNotListElements() {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("deletedAt", null);
    meta.put("tags", Arrays.asList("a", null));
    Normalization n = Normalization.newBuilder().nullAsAbsent().build();
    assertThat(n.apply(doc(Map.of("meta", meta))))
        .isEqualTo(doc(Map.of("meta", Map.of("tags", Arrays.asList("a", null)))));
    // An empty map is a value, not an absence; a map the rule empties goes with its fields.
    assertThat(n.apply(doc(Map.of("meta", Map.of())))).isEqualTo(doc(Map.of("meta", Map.of())));
    Map<String, Object> deleted = new LinkedHashMap<>();
    deleted.put("deletedAt", null);
    assertThat(n.apply(doc(Map.of("meta", deleted, "m", Map.of("n", deleted))))).isEqualTo(doc(Map.of()));
    assertThat(n.apply(doc(Map.of("list", List.of(deleted))))).isEqualTo(doc(Map.of("list", List.of(Map.of()))));
  }

  @Test
  void nullAsAbsentPerField() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("email", null);
    row.put("phone", null);
    Normalization only = Normalization.newBuilder().field("email", r -> r.withNullAsAbsent(true)).build();
    assertThat(only.apply(doc(row)).fields()).containsOnlyKeys("phone");
    Normalization allBut = Normalization.newBuilder().nullAsAbsent().field("phone", r -> r.withNullAsAbsent(false)).build();
    assertThat(allBut.apply(doc(row)).fields()).containsOnlyKeys("phone");
    // Renamed fields are dropped under their dataset name's rule.
    Normalization renamed = Normalization.newBuilder().rename("mail", "email").field("email", r -> r.withNullAsAbsent(true)).build();
    assertThat(renamed.apply(doc(Collections.singletonMap("mail", null))).fields()).isEmpty();
  }

  @Test
  void aRenamedFieldReplacesAStoreFieldOfItsDatasetName() {
    Normalization n = Normalization.newBuilder().rename("full_name", "name").build();
    // Entries written before and after the store's field was renamed both read.
    assertThat(n.apply(doc(Map.of("full_name", "Ada"))).fields()).containsExactly(Map.entry("name", Value.of("Ada")));
    assertThat(n.apply(doc(Map.of("name", "Ada"))).fields()).containsExactly(Map.entry("name", Value.of("Ada")));
    assertThat(n.apply(doc(Map.of("full_name", "Ada", "name", "old"))).fields())
        .containsExactly(Map.entry("name", Value.of("Ada")));
  }

  @Test
  void comparesUuidsAsTheirCanonicalText() {
    java.util.UUID id = java.util.UUID.fromString("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9");
    Normalization n = Normalization.newBuilder().asText("ref", "refs").field("other", r -> r.withTrim(Normalization.Trim.BOTH)).build();
    Value.MapValue out = n.apply(doc(Map.of("ref", id, "refs", List.of(id, "x"), "other", id, "plain", id)));

    assertThat(out.fields().get("ref")).isEqualTo(Value.of("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"));
    assertThat(out.fields().get("refs")).isEqualTo(Value.from(List.of("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9", "x")));
    assertThat(out.fields().get("other")).isEqualTo(Value.of(id));
    assertThat(out.fields().get("plain")).isEqualTo(Value.of(id));
    // Text, numbers and NULL are left as they are.
    Normalization.Rule text = n.ruleFor("ref");
    assertThat(text.asText()).isTrue();
    assertThat(text.apply(Value.of("ABC "))).isEqualTo(Value.of("ABC "));
    assertThat(text.apply(Value.of(7))).isEqualTo(Value.of(7));
    assertThat(text.apply(Value.ofNull())).isEqualTo(Value.ofNull());
    // The entry of a UUID and the entry of its text now hash alike.
    assertThat(n.apply(Entry.of(Key.of(1), Map.of("ref", id))).hash())
        .isEqualTo(n.apply(Entry.of(Key.of(1), Map.of("ref", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9"))).hash());
    assertThat(Normalization.none().apply(Entry.of(Key.of(1), Map.of("ref", id))).hash())
        .isNotEqualTo(Entry.of(Key.of(1), Map.of("ref", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")).hash());
    assertThat(n.ruleFor("plain").asText()).isFalse();
    assertThat(Normalization.Rule.IDENTITY.withAsText(true).withAsText(false)).isEqualTo(Normalization.Rule.IDENTITY);
    assertThat(n).isEqualTo(Normalization.newBuilder().asText("refs", "ref").field("other", r -> r.withTrim(Normalization.Trim.BOTH)).build());
    assertThat(n.comparedAsText()).containsExactlyInAnyOrder("ref", "refs");
    // Other rules of the field still apply, whether given before or after.
    Normalization trimmed = Normalization.newBuilder().asText("ref").trim(Normalization.Trim.BOTH).build();
    assertThat(trimmed.ruleFor("ref")).isEqualTo(Normalization.Rule.IDENTITY.withTrim(Normalization.Trim.BOTH).withAsText(true));
    assertThat(trimmed.apply(doc(Map.of("ref", " x ", "id", id))).fields())
        .containsEntry("ref", Value.of("x")).containsEntry("id", Value.of(id));
    assertThatThrownBy(() -> Normalization.newBuilder().asText("")).hasMessageContaining("must not be empty");
  }

  @Test
  void nestedPathsNameFieldsOfMapsAndOfEveryListElement() {
    Normalization n = Normalization.newBuilder()
        .ignore("meta.updatedAt")
        .field("items[].price", r -> r.withDecimalScale(2))
        .build();
    Value.MapValue order = doc(Map.of(
        "meta", Map.of("updatedAt", 17, "by", "ada"),
        "items", List.of(Map.of("price", new BigDecimal("1.005"), "qty", new BigDecimal("1.005")), "not a map"),
        "price", new BigDecimal("1.005")));
    assertThat(n.apply(order)).isEqualTo(doc(Map.of(
        "meta", Map.of("by", "ada"),
        "items", List.of(Map.of("price", new BigDecimal("1.00"), "qty", new BigDecimal("1.005")), "not a map"),
        "price", new BigDecimal("1.005"))));
    // An enclosing rule reaches everything below it, except where a longer path has its own rule.
    Normalization nested = Normalization.newBuilder()
        .field("items", r -> r.withTrim(Normalization.Trim.BOTH))
        .field("items[].sku", r -> r.withNfc(true))
        .build();
    assertThat(nested.overrides().get("items[].sku"))
        .isEqualTo(Normalization.Rule.IDENTITY.withTrim(Normalization.Trim.BOTH).withNfc(true));
    assertThat(nested.apply(doc(Map.of("items", List.of(Map.of("sku", " e\u0301 ", "name", " x "))))))
        .isEqualTo(doc(Map.of("items", List.of(Map.of("sku", "\u00e9", "name", "x")))));
    assertThat(nested.nestedPaths()).containsExactly("items[].sku");
    // A map whose fields are all ignored goes with them; a list element stays.
    Normalization ignoring = Normalization.newBuilder().ignore("meta.updatedAt", "items[].price").build();
    assertThat(ignoring.apply(doc(Map.of("meta", Map.of("updatedAt", 1), "items", List.of(Map.of("price", 1))))))
        .isEqualTo(doc(Map.of("items", List.of(Map.of()))));
  }

  @Test
  void aPathThatDoesNotFitTheDataChangesNothing() {
    Normalization n = Normalization.newBuilder()
        .ignore("meta.updatedAt")
        .field("items[].price", r -> r.withDecimalScale(2))
        .rename("customer.id", "customer_id")
        .build();
    Map<String, Object> nulls = new LinkedHashMap<>();
    nulls.put("meta", null);
    nulls.put("items", null);
    nulls.put("customer", null);
    for (Value.MapValue d : List.of(
        doc(Map.of()),                                                           // missing
        doc(nulls),                                                              // null on the way
        doc(Map.of("meta", "text", "items", Map.of("price", 1), "customer", List.of(Map.of("id", 1)))),
        doc(Map.of("meta", Map.of(), "items", List.of(), "customer", Map.of("name", "x"))))) {
      assertThat(n.apply(d)).as("%s", d).isEqualTo(d);
      assertThat(n.toStore(n.apply(d))).as("%s", d).isEqualTo(d);
    }
  }

  @Test
  void aRenameMovesANestedFieldToTheTopAndWritingPutsItBack() {
    Normalization n = Normalization.newBuilder()
        .rename("customer.id", "customer_id")
        .rename("customer.address.city", "city")
        .build();
    Value.MapValue document = doc(Map.of("customer", Map.of("id", 5, "address", Map.of("city", "Oslo")), "total", 3));
    Value.MapValue row = doc(Map.of("customer_id", 5, "city", "Oslo", "total", 3));
    // Maps the renames leave empty go too, so the document reads as the table's row.
    assertThat(n.apply(document)).isEqualTo(row);
    assertThat(n.toStore(row)).isEqualTo(document);
    // What stays in a map keeps its place.
    Value.MapValue named = doc(Map.of("customer", Map.of("id", 5, "name", "Ada")));
    assertThat(n.apply(named)).isEqualTo(doc(Map.of("customer", Map.of("name", "Ada"), "customer_id", 5)));
    assertThat(n.toStore(n.apply(named))).isEqualTo(named);
    // A field moved into a name the store also uses replaces it; one with no map to go back to stays on top.
    assertThat(n.apply(doc(Map.of("customer", Map.of("id", 5), "customer_id", 9)))).isEqualTo(doc(Map.of("customer_id", 5)));
    Value.MapValue flat = doc(Map.of("customer", "Ada", "customer_id", 9));
    assertThat(n.apply(flat)).isEqualTo(flat);
    assertThat(n.toStore(flat)).isEqualTo(flat);
    assertThat(n.renames()).containsOnly(Map.entry("customer.id", "customer_id"), Map.entry("customer.address.city", "city"));
    assertThat(n.storeName("customer_id")).isEqualTo("customer_id");
    assertThat(n.datasetName("customer")).isEqualTo("customer");
    // Rules name the moved field by its dataset name.
    Normalization withRule = Normalization.newBuilder().rename("customer.id", "customer_id")
        .field("customer_id", r -> r.withDecimalScale(0)).nullAsAbsent().build();
    assertThat(withRule.apply(doc(Map.of("customer", Map.of("id", new BigDecimal("5.4")))))).isEqualTo(doc(Map.of("customer_id", 5)));
    Map<String, Object> nullId = new LinkedHashMap<>();
    nullId.put("id", null);
    assertThat(withRule.apply(doc(Map.of("customer", nullId)))).isEqualTo(doc(Map.of()));
  }

  @Test
  void aNameHoldingPathCharactersIsEscaped() {
    Normalization n = Normalization.newBuilder().ignore("a\\.b").rename("x\\[1\\]", "x1").build();
    assertThat(n.apply(doc(Map.of("a.b", 1, "a", Map.of("b", 2), "x[1]", 3))))
        .isEqualTo(doc(Map.of("a", Map.of("b", 2), "x1", 3)));
    assertThat(n.isIgnored("a.b")).isTrue();
    assertThat(n.ignored()).containsExactly("a\\.b");
    assertThat(n.nestedPaths()).isEmpty();
    assertThat(Normalization.newBuilder().ignore("back\\\\slash").build().isIgnored("back\\slash")).isTrue();
  }

  @Test
  void pathSyntaxIsCheckedWhenARuleIsGiven() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("", "a field path must not be empty; give a field name, or names separated by dots such as 'meta.updatedAt'");
    bad.put("a..b", "field path 'a..b' has an empty field name before '.'; expected names separated by single dots, e.g. 'meta.updatedAt' or 'items[].price' (at character 3)");
    bad.put(".a", "field path '.a' has an empty field name before '.'; expected names separated by single dots, e.g. 'meta.updatedAt' or 'items[].price' (at character 1)");
    bad.put("a.", "field path 'a.' has an empty field name at its end; expected names separated by single dots, e.g. 'meta.updatedAt' or 'items[].price' (at character 3)");
    bad.put("[].a", "field path '[].a' has an empty field name before '['; expected names separated by single dots, e.g. 'meta.updatedAt' or 'items[].price' (at character 1)");
    bad.put("items[0].price", "field path 'items[0].price' has '[' not followed by ']'; '[]' means every element of a list (no index goes inside), and a '[' that is part of a name is written '\\[' (at character 6)");
    bad.put("items[", "field path 'items[' has '[' not followed by ']'; '[]' means every element of a list (no index goes inside), and a '[' that is part of a name is written '\\[' (at character 6)");
    bad.put("items]", "field path 'items]' has a ']' that closes no '['; a ']' that is part of a name is written '\\]' (at character 6)");
    bad.put("items[]price", "field path 'items[]price' has 'p' right after '[]', where '.', another '[]' or the end must follow (at character 8)");
    bad.put("a\\", "field path 'a\\' ends in a lone '\\'; write a backslash that is part of a name as '\\\\' (at character 2)");
    bad.put("a\\b", "field path 'a\\b' has '\\b', but '\\' escapes only '.', '[', ']' and '\\' (at character 2)");
    bad.put("items[]", "field path 'items[]' ends in '[]', but ignoring names a field; give 'items' for the whole list (a rule reaches every element), or a field of its elements such as 'items[].price'");
    bad.forEach((path, message) -> assertThatThrownBy(() -> Normalization.newBuilder().ignore(path))
        .as(path).isInstanceOf(IllegalArgumentException.class).hasMessage(message));
    assertThatThrownBy(() -> Normalization.newBuilder().field("tags[]", r -> r))
        .hasMessageContaining("ends in '[]', but a rule names a field");
    assertThatThrownBy(() -> Normalization.newBuilder().rename("items[].price", "price"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rename source 'items[].price' reads every element of a list, but a rename moves one"
            + " field; rename a field of the top level or of nested maps, such as 'customer.id'");
    assertThatThrownBy(() -> Normalization.newBuilder().rename("customer.id", "customer.key"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the dataset name of rename 'customer.id' must be one top-level field, but"
            + " 'customer.key' is a path; the dataset's fields are its top level (write a name holding '.'"
            + " as 'a\\.b')");
  }

  @Test
  void contradictoryPathsFailAtBuild() {
    Map<java.util.function.Supplier<Normalization.Builder>, String> bad = new LinkedHashMap<>();
    bad.put(() -> Normalization.newBuilder().rename("customer.id", "customer"),
        "rename 'customer.id' -> 'customer' gives the name of the map 'customer' that rename"
            + " 'customer.id' moves a field out of, which stays in the dataset; choose another dataset"
            + " name, e.g. 'customer_id'");
    bad.put(() -> Normalization.newBuilder().rename("customer", "client").rename("customer.id", "customer_id"),
        "renames of 'customer' and 'customer.id' overlap: the first moves the map the second moves a"
            + " field out of; rename either the map or the fields in it");
    bad.put(() -> Normalization.newBuilder().rename("customer.id", "id").rename("order.id", "id"),
        "renames 'customer.id' -> 'id' and 'order.id' -> 'id' both make dataset field 'id'; give one of"
            + " them another name");
    bad.put(() -> Normalization.newBuilder().rename("customer.id", "customer_id").field("customer.id", r -> r),
        "store field 'customer.id' is renamed to 'customer_id', so the dataset has no field"
            + " 'customer.id' for the rule on 'customer.id'; name the dataset field 'customer_id' instead");
    bad.put(() -> Normalization.newBuilder().rename("a", "b").asText("a.u"),
        "store field 'a' is renamed to 'b', so the dataset has no field 'a' for comparing as text"
            + " 'a.u'; name the dataset field 'b' instead");
    bad.put(() -> Normalization.newBuilder().ignore("meta").field("meta.x", r -> r),
        "field 'meta' is ignored, so the rule on 'meta.x' never applies; remove one of them");
    bad.put(() -> Normalization.newBuilder().ignore("items").ignore("items[].price"),
        "field 'items' is ignored, so ignoring 'items[].price' never applies; remove one of them");
    bad.put(() -> Normalization.newBuilder().field("meta.x", r -> r).ignore("meta[].y"),
        "paths 'meta.x' and 'meta[].y' disagree on what 'meta' holds: the first reads a map there, the"
            + " second a list; a field holds one or the other, so correct one of the paths");
    bad.put(() -> Normalization.newBuilder().asText("m[].x").asText("m[][].y"),
        "paths 'm[].x' and 'm[][].y' disagree on what 'm[]' holds: the first reads a map there, the"
            + " second a list; a field holds one or the other, so correct one of the paths");
    bad.forEach((builder, message) -> assertThatThrownBy(() -> builder.get().build())
        .isInstanceOf(IllegalStateException.class).hasMessage(message));
    // Not contradictions: a rule on a moved field's dataset name, a map kept while one of its
    // fields moves out, the list and one of its elements' fields both given rules.
    assertThat(Normalization.newBuilder().rename("customer.id", "customer_id").ignore("customer")
        .field("customer_id", r -> r).field("items", r -> r).field("items[].price", r -> r).build()
        .apply(doc(Map.of("customer", Map.of("id", 5, "name", "Ada")))))
        .isEqualTo(doc(Map.of("customer_id", 5)));
  }
}
