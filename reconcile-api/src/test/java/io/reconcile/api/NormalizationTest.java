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
        Normalization.builder().timestampPrecision(ChronoUnit.MICROS).trim(Normalization.Trim.TRAILING).nfc().build();
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
        Normalization.builder()
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
    Normalization n = Normalization.builder().field("amount", r -> r.withScaleSignificant(true)).build();
    Entry a = n.apply(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.0"))));
    Entry b = n.apply(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.00"))));
    assertThat(a.hash()).isNotEqualTo(b.hash());
    assertThat(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.0"))).hash())
        .isEqualTo(Entry.of(Key.of(1), Map.of("amount", new BigDecimal("1.00"))).hash());
  }

  @Test
  void rejectsConflictingRules() {
    assertThatThrownBy(() -> Normalization.builder().rename("a", "x").rename("b", "x"))
        .hasMessageContaining("two store fields would both be called 'x'");
    assertThatThrownBy(() -> Normalization.builder().rename("a", "x").rename("a", "y"))
        .hasMessageContaining("already renamed to 'x'");
    assertThatThrownBy(() -> Normalization.Rule.IDENTITY.withDecimalScale(-1))
        .hasMessageContaining("decimal scale must be >= 0, but was -1");
    assertThatThrownBy(() -> Normalization.Rule.IDENTITY.withTimestampPrecision(ChronoUnit.MONTHS))
        .hasMessageContaining("DAYS or finer");
  }
}
