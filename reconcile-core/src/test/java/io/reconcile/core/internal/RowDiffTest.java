package io.reconcile.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RowDiffTest {

  private static final Key K = Key.of(7);
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  private static Entry row(Map<String, ?> fields) {
    return Entry.of(K, fields);
  }

  private static Entry row(Map<String, ?> fields, Map<String, Long> vector) {
    return Entry.of(K, fields, Version.of(VersionVector.of(vector)));
  }

  private static Optional<Divergence> diff(Side... sides) {
    return RowDiff.compare(K, List.of(sides), "test", NOW);
  }

  @Test
  @DisplayName("sides holding the same data do not differ, whatever their versions")
  void sameDataIsNoDivergence() {
    Entry a = row(Map.of("amount", 10), Map.of("a", 1L));
    Entry b = row(Map.of("amount", 10), Map.of("b", 5L));
    assertThat(diff(new Side("a", a), new Side("b", b), new Side("c", row(Map.of("amount", 10)))))
        .isEmpty();
  }

  @Test
  @DisplayName("no side holding the key is no divergence")
  void allAbsentIsNoDivergence() {
    assertThat(diff(new Side("a", null), new Side("b", null))).isEmpty();
  }

  @Test
  @DisplayName("the reference lacking the key is EXTRA")
  void extra() {
    Divergence d = diff(new Side("a", null), new Side("b", row(Map.of("amount", 1)))).orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.EXTRA);
    assertThat(d.detail()).isEqualTo("absent in reference a; present in b");
    assertThat(d.checker()).isEqualTo("test");
    assertThat(d.detectedAt()).isEqualTo(NOW);
    assertThat(d.key()).isEqualTo(K);
  }

  @Test
  @DisplayName("EXTRA wins over MISSING when the reference lacks the key and others disagree")
  void extraBeforeMissing() {
    Divergence d =
        diff(new Side("a", null), new Side("b", row(Map.of("amount", 1))), new Side("c", null))
            .orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.EXTRA);
  }

  @Test
  @DisplayName("another side lacking the key is MISSING; present sides that differ are described")
  void missing() {
    Divergence d =
        diff(
                new Side("a", row(Map.of("amount", 10))),
                new Side("b", null),
                new Side("c", row(Map.of("amount", 12))))
            .orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.MISSING);
    assertThat(d.detail())
        .isEqualTo("missing in b; present in a, c; fields differ: amount (a: 10, c: 12)");
    assertThat(d.sides()).extracting(Side::store).containsExactly("a", "b", "c");
  }

  @Test
  @DisplayName("every side present with different data is MISMATCH, naming the field")
  void mismatch() {
    Divergence d =
        diff(
                new Side("a", row(Map.of("amount", 10, "note", "x"))),
                new Side("b", row(Map.of("amount", 12, "note", "x"))))
            .orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.MISMATCH);
    assertThat(d.detail()).isEqualTo("fields differ: amount (a: 10, b: 12)");
  }

  @Test
  @DisplayName("versions that only follow one another are MISMATCH, not CONCURRENT")
  void orderedVersionsAreMismatch() {
    Divergence d =
        diff(
                new Side("a", row(Map.of("amount", 10), Map.of("a", 1L))),
                new Side("b", row(Map.of("amount", 12), Map.of("a", 2L))))
            .orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.MISMATCH);
  }

  @Test
  @DisplayName("different data under concurrent version vectors is CONCURRENT")
  void concurrent() {
    Divergence d =
        diff(
                new Side("a", row(Map.of("amount", 10), Map.of("a", 2L))),
                new Side("b", row(Map.of("amount", 12), Map.of("b", 1L))))
            .orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.CONCURRENT);
    assertThat(d.detail())
        .isEqualTo("concurrent versions a: {a:2}, b: {b:1}; fields differ: amount (a: 10, b: 12)");
  }

  @Test
  @DisplayName("concurrent vectors over the same data do not make a CONCURRENT divergence")
  void concurrentButSameDataIsMismatch() {
    Divergence d =
        diff(
                new Side("a", row(Map.of("amount", 10), Map.of("a", 2L))),
                new Side("b", row(Map.of("amount", 10), Map.of("b", 1L))),
                new Side("c", row(Map.of("amount", 11), Map.of("a", 3L, "b", 1L))))
            .orElseThrow();
    assertThat(d.kind()).isEqualTo(Kind.MISMATCH);
  }

  @Test
  @DisplayName("a field one entry lacks shows as (no field); null shows as NULL")
  void missingFieldAndNull() {
    Map<String, Object> withNull = new LinkedHashMap<>();
    withNull.put("note", null);
    Divergence d =
        diff(new Side("a", row(withNull)), new Side("b", row(Map.of()))).orElseThrow();
    assertThat(d.detail()).isEqualTo("fields differ: note (a: NULL, b: (no field))");
  }

  @Test
  @DisplayName("long values are cut to about 40 characters")
  void longValuesAreCut() {
    String longText = "x".repeat(100);
    Divergence d =
        diff(new Side("a", row(Map.of("t", longText))), new Side("b", row(Map.of("t", "y"))))
            .orElseThrow();
    String shown = d.detail().substring("fields differ: t (a: ".length(), d.detail().indexOf(", b:"));
    assertThat(shown).hasSize(40).endsWith("…").startsWith("\"xxxx");
  }

  @Test
  @DisplayName("at most five differing fields are listed, then how many more")
  void atMostFiveFields() {
    Map<String, Object> a = new LinkedHashMap<>();
    Map<String, Object> b = new LinkedHashMap<>();
    for (int i = 0; i < 8; i++) {
      a.put("f" + i, i);
      b.put("f" + i, i + 100);
    }
    Divergence d = diff(new Side("a", row(a)), new Side("b", row(b))).orElseThrow();
    assertThat(d.detail())
        .startsWith("fields differ: f0 (a: 0, b: 100), f1")
        .contains("f4 (a: 4, b: 104)")
        .doesNotContain("f5 (")
        .endsWith(" and 3 more");
  }

  @Test
  @DisplayName("no sides is a programming error")
  void noSides() {
    assertThatThrownBy(() -> RowDiff.compare(K, List.of(), "test", NOW))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one side");
  }
}
