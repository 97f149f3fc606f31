package io.reconcile.core.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.core.memory.MemoryStore;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FieldRuleCheckerTest {

  private static final EntryRule AMOUNT_NOT_NULL = EntryRule.notNull("amount");
  private static final EntryRule AMOUNT_RANGE =
      EntryRule.range("amount", BigDecimal.ZERO, new BigDecimal("100"));
  private static final EntryRule CURRENCY = EntryRule.matches("currency", Pattern.compile("[A-Z]{3}"));

  private static Entry row(long id, Object amount, Object currency) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("amount", amount);
    fields.put("currency", currency);
    return Entry.of(Key.of(id), fields);
  }

  private static List<Divergence> check(FieldRuleChecker c, KeyRange range, MemoryStore... stores) {
    List<Divergence> found = new ArrayList<>();
    c.check(TestContext.of(stores), range, found::add);
    return found;
  }

  @Test
  @DisplayName("each broken rule of each entry is one RULE_VIOLATION with that store's side only")
  void plantedViolations() {
    MemoryStore a = MemoryStore.create("a");
    a.putAll(
        List.of(
            row(1, 10, "EUR"),
            row(2, null, "EUR"), // null amount
            row(3, 150, "usd"), // out of range and bad currency
            row(4, 100, null))); // fine: null passes matches, 100 is inclusive
    FieldRuleChecker c = new FieldRuleChecker(AMOUNT_NOT_NULL, AMOUNT_RANGE, CURRENCY);

    List<Divergence> found = check(c, KeyRange.all(), a);

    assertThat(found).extracting(Divergence::key).containsExactly(Key.of(2), Key.of(3), Key.of(3));
    assertThat(found).extracting(Divergence::detail)
        .containsExactly(
            "rule 'amount not null' broken: amount is NULL",
            "rule 'amount in [0, 100]' broken: amount = 150",
            "rule 'currency matches [A-Z]{3}' broken: currency = \"usd\"");
    assertThat(found).allSatisfy(d -> {
      assertThat(d.kind()).isEqualTo(Kind.RULE_VIOLATION);
      assertThat(d.checker()).isEqualTo("field-rules");
      assertThat(d.detectedAt()).isEqualTo(TestContext.NOW);
      assertThat(d.sides()).hasSize(1);
      assertThat(d.reference().store()).isEqualTo("a");
      assertThat(d.reference().entry()).isNotNull();
      assertThat(d.reference().entry().key()).isEqualTo(d.key());
    });
  }

  @Test
  @DisplayName("every store is checked on its own; only the given range is scanned")
  void perStoreAndRange() {
    MemoryStore a = MemoryStore.create("a");
    MemoryStore b = MemoryStore.create("b");
    a.putAll(List.of(row(1, -1, "EUR"), row(50, -1, "EUR")));
    b.putAll(List.of(row(1, -1, "EUR"), row(2, 5, "EUR")));

    List<Divergence> found =
        check(new FieldRuleChecker(List.of(AMOUNT_RANGE)), KeyRange.below(Key.of(10)), a, b);

    assertThat(found).hasSize(2);
    assertThat(found).extracting(d -> d.reference().store()).containsExactly("a", "b");
    assertThat(found).extracting(Divergence::key).containsOnly(Key.of(1));
  }

  @Test
  @DisplayName("scans are closed, nothing is written")
  void readOnly() {
    MemoryStore a = MemoryStore.create("a");
    a.put(row(1, -1, "EUR"));
    TrackingStore t = TrackingStore.of(a);
    new FieldRuleChecker(AMOUNT_RANGE).check(TestContext.of(t), KeyRange.all(), d -> {});
    assertThat(t.scansOpened).hasValue(1);
    assertThat(t.scansClosed).hasValue(1);
    assertThat(t.writes).hasValue(0);
  }

  @Test
  @DisplayName("observer contract: named field-rules, not repairable, needs a rule")
  void contract() {
    FieldRuleChecker c = new FieldRuleChecker(CURRENCY);
    assertThat(c.name()).isEqualTo("field-rules");
    assertThat(c.repairable()).isFalse();
    assertThat(c.rules()).containsExactly(CURRENCY);
    assertThatThrownBy(() -> new FieldRuleChecker(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one rule");
  }

  @Nested
  @DisplayName("entry rules")
  class Rules {

    @Test
    @DisplayName("notNull: a missing field counts as null")
    void notNull() {
      assertThat(AMOUNT_NOT_NULL.test(Entry.of(Key.of(1), Map.of()))).isFalse();
      assertThat(AMOUNT_NOT_NULL.test(row(1, 0, null))).isTrue();
      assertThat(AMOUNT_NOT_NULL.field()).contains("amount");
      assertThat(AMOUNT_NOT_NULL.name()).isEqualTo("amount not null");
    }

    @Test
    @DisplayName("range: inclusive bounds compared by value; null passes; text and NaN break it")
    void range() {
      assertThat(AMOUNT_RANGE.test(row(1, new BigDecimal("100.00"), null))).isTrue();
      assertThat(AMOUNT_RANGE.test(row(1, 0, null))).isTrue();
      assertThat(AMOUNT_RANGE.test(row(1, null, null))).isTrue();
      assertThat(AMOUNT_RANGE.test(row(1, new BigDecimal("100.01"), null))).isFalse();
      assertThat(AMOUNT_RANGE.violation(row(1, "ten", null)))
          .contains("rule 'amount in [0, 100]' broken: amount = \"ten\" is not a finite number");
      assertThat(AMOUNT_RANGE.test(row(1, Double.NaN, null))).isFalse();

      EntryRule atLeast = EntryRule.range("amount", BigDecimal.ONE, null);
      assertThat(atLeast.name()).isEqualTo("amount in [1, +∞]");
      assertThat(atLeast.test(row(1, 1_000_000, null))).isTrue();
      assertThat(atLeast.test(row(1, 0, null))).isFalse();
    }

    @Test
    @DisplayName("range: needs a bound and min <= max")
    void rangeArguments() {
      assertThatThrownBy(() -> EntryRule.range("x", null, null))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("needs a min, a max or both");
      assertThatThrownBy(() -> EntryRule.range("x", BigDecimal.TEN, BigDecimal.ONE))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("min <= max");
    }

    @Test
    @DisplayName("matches: the whole text must match; other kinds of value break it")
    void matches() {
      assertThat(CURRENCY.test(row(1, null, "EUR"))).isTrue();
      assertThat(CURRENCY.test(row(1, null, "EURO"))).isFalse();
      assertThat(CURRENCY.violation(row(1, null, 978)))
          .contains("rule 'currency matches [A-Z]{3}' broken: currency = 978 is not text");
    }

    @Test
    @DisplayName("of: any predicate, reported with the entry's fields cut short")
    void custom() {
      EntryRule rule = EntryRule.of("euro amounts are whole", e ->
          !e.field("currency").equals(io.reconcile.api.Value.of("EUR"))
              || e.field("amount").toString().indexOf('.') < 0);
      assertThat(rule.test(row(1, 10, "EUR"))).isTrue();
      assertThat(rule.field()).isEmpty();
      String v = rule.violation(row(1, new BigDecimal("10.5"), "EUR")).orElseThrow();
      assertThat(v).startsWith("rule 'euro amounts are whole' broken: entry ").contains("10.5");

      MemoryStore a = MemoryStore.create("a");
      a.put(Entry.of(Key.of(9), Map.of("note", "n".repeat(500))));
      List<Divergence> found =
          check(new FieldRuleChecker(EntryRule.of("short notes", e -> false)), KeyRange.all(), a);
      assertThat(found.get(0).detail().length()).isLessThan(150);
      assertThatThrownBy(() -> EntryRule.of(" ", e -> true))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
