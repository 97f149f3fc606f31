package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    assertThatThrownBy(() -> Normalization.newBuilder().rename("a", "x").rename("b", "x"))
        .hasMessageContaining("two store fields would both be called 'x'");
    assertThatThrownBy(() -> Normalization.newBuilder().rename("a", "x").rename("a", "y"))
        .hasMessageContaining("already renamed to 'x'");
    assertThatThrownBy(() -> Normalization.Rule.IDENTITY.withDecimalScale(-1))
        .hasMessageContaining("decimal scale must be >= 0, but was -1");
    assertThatThrownBy(() -> Normalization.Rule.IDENTITY.withTimestampPrecision(ChronoUnit.MONTHS))
        .hasMessageContaining("DAYS or finer");
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
