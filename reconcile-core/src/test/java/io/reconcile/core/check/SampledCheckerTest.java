package io.reconcile.core.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.core.check.SampledChecker.Estimate;
import io.reconcile.core.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SampledCheckerTest {

  private static Entry row(long id, String v) {
    return Entry.of(Key.of(id), Map.of("v", v));
  }

  private static MemoryStore seeded(String id, int rows) {
    MemoryStore s = MemoryStore.create(id);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      entries.add(row(i, "v" + i));
    }
    s.putAll(entries);
    return s;
  }

  private static List<Divergence> check(SampledChecker c, TestContext ctx, KeyRange range) {
    List<Divergence> found = new ArrayList<>();
    c.check(ctx, range, found::add);
    return found;
  }

  @Nested
  @DisplayName("sampling")
  class Sampling {

    @Test
    @DisplayName("identical stores: nothing reported; 0 of 400 gives the rule-of-three-like bound")
    void identical() {
      TestContext ctx = TestContext.of(seeded("a", 5000), seeded("b", 5000));
      SampledChecker c = new SampledChecker(400, 0.95, 42);

      assertThat(check(c, ctx, KeyRange.all())).isEmpty();
      Estimate e = c.estimate(ctx, KeyRange.all());
      assertThat(e.sampled()).isEqualTo(400);
      assertThat(e.differing()).isZero();
      assertThat(e.confidence()).isEqualTo(0.95);
      assertThat(e.upperBoundRate()).isCloseTo(1 - Math.pow(0.05, 1.0 / 400), within(1e-12));
      // The "rule of three": about 3/n at 95%.
      assertThat(e.upperBoundRate()).isCloseTo(3.0 / 400, within(0.0003));
      assertThat(e.statement())
          .isEqualTo("0 of 400 sampled keys differ; with 95% confidence at most 0.75% of rows differ");
    }

    @Test
    @DisplayName("a range smaller than the sample is checked row by row: every planted difference is found")
    void smallRangeFindsEverything() {
      MemoryStore a = seeded("a", 100);
      MemoryStore b = seeded("b", 100);
      b.remove(Key.of(10));
      b.put(row(20, "changed"));
      a.put(Entry.of(Key.of(30), Map.of("v", "x"), Version.of(VersionVector.of(Map.of("a", 2L)))));
      b.put(Entry.of(Key.of(30), Map.of("v", "y"), Version.of(VersionVector.of(Map.of("b", 1L)))));
      TestContext ctx = TestContext.of(a, b);
      SampledChecker c = new SampledChecker(400, 0.95, 1);

      List<Divergence> found = check(c, ctx, KeyRange.all());
      assertThat(found).extracting(Divergence::key).containsExactly(Key.of(10), Key.of(20), Key.of(30));
      assertThat(found)
          .extracting(Divergence::kind)
          .containsExactly(Kind.MISSING, Kind.MISMATCH, Kind.CONCURRENT);
      assertThat(found).allSatisfy(d -> assertThat(d.checker()).isEqualTo("sampled"));
      assertThat(found).allSatisfy(d -> assertThat(d.detectedAt()).isEqualTo(TestContext.NOW));
      assertThat(found.get(1).detail()).isEqualTo("fields differ: v (a: \"v20\", b: \"changed\")");
      assertThat(found.get(0).sides().get(0).entry()).isEqualTo(a.get(List.of(Key.of(10))).get(Key.of(10)));

      Estimate e = c.estimate(ctx, KeyRange.all());
      assertThat(e.sampled()).isEqualTo(100);
      assertThat(e.differing()).isEqualTo(3);
      assertThat(e.statement()).startsWith("3 of 100 sampled keys differ; with 95% confidence at most ");
    }

    @Test
    @DisplayName("a sample of a large range sees about the planted share of differences, within its bound")
    void largeRange() {
      MemoryStore a = seeded("a", 20_000);
      MemoryStore b = seeded("b", 20_000);
      List<Entry> changed = new ArrayList<>();
      for (int i = 0; i < 20_000; i += 10) {
        changed.add(row(i, "changed"));
      }
      b.putAll(changed); // 10% of rows differ
      SampledChecker c = new SampledChecker(500, 0.99, 7);
      Estimate e = c.estimate(TestContext.of(a, b), KeyRange.all());

      assertThat(e.sampled()).isEqualTo(500);
      assertThat(e.differing()).isBetween(20, 90);
      assertThat(e.upperBoundRate()).isGreaterThan(e.differing() / 500.0).isGreaterThan(0.10);
      assertThat(e.statement())
          .startsWith(e.differing() + " of 500 sampled keys differ; with 99% confidence at most ");
    }

    @Test
    @DisplayName("only keys of the given range are sampled")
    void onlyTheRange() {
      MemoryStore a = seeded("a", 1000);
      MemoryStore b = seeded("b", 1000);
      b.remove(Key.of(5));
      b.remove(Key.of(500));
      KeyRange range = KeyRange.of(Key.of(400), Key.of(600));
      List<Divergence> found = check(new SampledChecker(1000, 0.95, 3), TestContext.of(a, b), range);
      assertThat(found).extracting(Divergence::key).containsExactly(Key.of(500));
      assertThat(new SampledChecker(1000, 0.95, 3).estimate(TestContext.of(a, b), range).sampled())
          .isEqualTo(200);
    }

    @Test
    @DisplayName("the same seed samples the same keys; another seed samples others")
    void sameSeedSameSample() {
      MemoryStore a = seeded("a", 2000);
      MemoryStore b = MemoryStore.create("b"); // every sampled key is MISSING, so keys are visible
      TestContext ctx = TestContext.of(a, b);
      List<Key> first = check(new SampledChecker(50, 0.95, 11), ctx, KeyRange.all()).stream().map(Divergence::key).toList();
      List<Key> again = check(new SampledChecker(50, 0.95, 11), ctx, KeyRange.all()).stream().map(Divergence::key).toList();
      List<Key> other = check(new SampledChecker(50, 0.95, 12), ctx, KeyRange.all()).stream().map(Divergence::key).toList();

      assertThat(first).hasSize(50).isSortedAccordingTo(Key::compareTo).doesNotHaveDuplicates();
      assertThat(again).isEqualTo(first);
      assertThat(other).isNotEqualTo(first);
    }

    @Test
    @DisplayName("an empty range samples nothing and says nothing can be said")
    void emptyRange() {
      Estimate e =
          new SampledChecker(10, 0.95, 0)
              .estimate(TestContext.of(MemoryStore.create("a"), seeded("b", 10)), KeyRange.all());
      assertThat(e.sampled()).isZero();
      assertThat(e.upperBoundRate()).isEqualTo(1.0);
      assertThat(e.statement()).contains("nothing can be said");
    }
  }

  @Nested
  @DisplayName("the bound")
  class Bound {

    @Test
    @DisplayName("matches the exact Clopper–Pearson upper bound")
    void clopperPearson() {
      // Reference values: scipy.stats.beta.ppf(0.95, x + 1, n - x).
      assertThat(SampledChecker.upperBound(12, 400, 0.95)).isCloseTo(0.04815392102222603, within(1e-9));
      assertThat(SampledChecker.upperBound(20, 200, 0.95)).isCloseTo(0.14198925159094505, within(1e-9));
      assertThat(SampledChecker.upperBound(0, 400, 0.95)).isCloseTo(0.007461355528799602, within(1e-12));
      assertThat(SampledChecker.upperBound(5, 5, 0.95)).isEqualTo(1.0);
    }

    @Test
    @DisplayName("at the bound, seeing so few differences has probability 1 - confidence")
    void definingProperty() {
      double p = SampledChecker.upperBound(3, 10_000, 0.9);
      assertThat(SampledChecker.binomialCdf(3, 10_000, p)).isCloseTo(0.1, within(1e-9));
    }

    @Test
    @DisplayName("the statement reads like a sentence, rounding the percentage up")
    void statement() {
      assertThat(SampledChecker.estimate(400, 12, 0.95).statement())
          .isEqualTo("12 of 400 sampled keys differ; with 95% confidence at most 4.9% of rows differ");
      assertThat(SampledChecker.estimate(1, 1, 0.999).statement())
          .isEqualTo("1 of 1 sampled key differs; with 99.9% confidence at most 100% of rows differ");
      assertThat(SampledChecker.percent(0.0074613)).isEqualTo("0.75");
      assertThat(SampledChecker.percent(0.051)).isEqualTo("5.1");
    }
  }

  @Test
  @DisplayName("bad arguments are refused with a clear message; the checker is repairable")
  void contract() {
    assertThatThrownBy(() -> new SampledChecker(0, 0.95, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sampleSize >= 1");
    assertThatThrownBy(() -> new SampledChecker(10, 1.0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly between 0 and 1");
    assertThatThrownBy(() -> new Estimate(3, 4, 0.95, 0.5, "x"))
        .isInstanceOf(IllegalArgumentException.class);
    SampledChecker c = new SampledChecker(10, 0.95, 1);
    assertThat(c.name()).isEqualTo("sampled");
    assertThat(c.repairable()).isTrue();
  }
}
