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
            + " 'full_name' for a rule or ignore to name; name the dataset field 'name' instead");
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
    // An empty map is a value, not an absence.
    assertThat(n.apply(doc(Map.of("meta", Map.of())))).isEqualTo(doc(Map.of("meta", Map.of())));
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
}
