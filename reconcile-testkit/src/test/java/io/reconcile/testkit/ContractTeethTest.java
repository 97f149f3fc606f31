package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves the contracts have teeth: deliberately broken rules, run through the jqwik engine, fail
 * the properties they break, with messages naming the versions involved; correct rules pass them
 * all. The rules are static nested classes, so surefire does not run them on its own.
 */
class ContractTeethTest {

  /** Runs a contract implementation through jqwik and returns what happened. */
  private static Events run(Class<?> rule) {
    return EngineTestKit.engine("jqwik").selectors(selectClass(rule)).execute().testEvents();
  }

  private static Map<String, String> failures(Events events) {
    return events.failed().stream()
        .collect(
            Collectors.toMap(
                e -> e.getTestDescriptor().getDisplayName(),
                ContractTeethTest::message,
                (a, b) -> a,
                TreeMap::new));
  }

  private static String message(Event e) {
    return e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .map(t -> String.valueOf(t.getMessage()))
        .orElse("");
  }

  @Nested
  @DisplayName("broken rules fail the laws they break")
  class Broken {

    @Test
    @DisplayName("a last-writer-wins whose tie-break follows the order of the sides is not commutative")
    void nonCommutativeTieBreak() {
      Map<String, String> failed = failures(run(NonCommutativeTieBreak.class));
      assertThat(failed).containsKey("commutative");
      assertThat(failed.get("commutative"))
          .contains("the decision depends on the order of the sides")
          .containsPattern("@20\\d\\d-");
    }

    @Test
    @DisplayName("a merge that drops a field is not idempotent")
    void mergeDroppingAField() {
      Map<String, String> failed = failures(run(FieldDroppingMerge.class));
      assertThat(failed).containsKey("idempotent");
      assertThat(failed.get("idempotent")).contains("merging a version with itself changed it").contains("merge(a, a)");
    }

    @Test
    @DisplayName("a resolver preferring the older version picks a dominated version")
    void prefersDominatedVersion() {
      Map<String, String> failed = failures(run(DominatedVersionResolver.class));
      assertThat(failed).containsKeys("neverPicksADominatedVersion", "theDominatingVersionWins");
      assertThat(failed.get("neverPicksADominatedVersion"))
          .contains("picked a dominated version")
          .contains("expected a winner")
          .contains("actual winner")
          .containsPattern("\\{n\\d:\\d");
    }

    @Test
    @DisplayName("a counter merge that adds up is neither idempotent nor convergent under redelivery")
    void countingMerge() {
      Map<String, String> failed = failures(run(CountingMerge.class));
      assertThat(failed).containsKeys("idempotent", "convergent", "noInventedValues");
      assertThat(failed).doesNotContainKeys("commutative", "associative", "deterministic");
      assertThat(failed.get("convergent")).contains("replicas did not converge").contains("received");
    }

    @Test
    @DisplayName("a plan that undoes and redoes its writes writes again when replayed")
    void flappingPlan() {
      Map<String, String> failed = failures(run(FlappingPlan.class));
      assertThat(failed).containsKey("applyingTwiceEqualsApplyingOnce");
      assertThat(failed).doesNotContainKey("realisesTheDecision");
      assertThat(failed.get("applyingTwiceEqualsApplyingOnce")).contains("written again by the replay: [");
    }
  }

  @Nested
  @DisplayName("correct rules pass every law")
  class Correct {

    @Test
    @DisplayName("last writer wins with the tie-break by store id")
    void lastWriterWins() {
      Events events = run(LastWriterWins.class);
      assertThat(failures(events)).isEmpty();
      assertThat(events.succeeded().count()).isEqualTo(4);
    }

    @Test
    @DisplayName("a field-wise join merge")
    void joinMerge() {
      Events events = run(JoinMerge.class);
      assertThat(failures(events)).isEmpty();
      assertThat(events.succeeded().count()).isEqualTo(6);
    }

    @Test
    @DisplayName("version-vector dominance that escalates concurrent versions")
    void dominance() {
      Events events = run(Dominance.class);
      assertThat(failures(events)).isEmpty();
      assertThat(events.succeeded().count()).isEqualTo(7);
    }

    @Test
    @DisplayName("a plan of conditional upserts and deletes towards the decided state")
    void plan() {
      Events events = run(TowardsTheDecision.class);
      assertThat(failures(events)).isEmpty();
      assertThat(events.succeeded().count()).isEqualTo(4);
    }
  }

  // ------------------------------------------------------------------ the rules

  private static List<Divergence.Side> present(Divergence d) {
    return d.sides().stream().filter(Divergence.Side::present).toList();
  }

  private static Entry entry(Divergence.Side s) {
    return Objects.requireNonNull(s.entry());
  }

  /** Last writer wins; among tied sides the last one listed wins, so the order of the sides matters. */
  static class NonCommutativeTieBreak implements ResolverContract {
    @Override
    public Resolver resolver() {
      return d -> {
        Divergence.Side best = null;
        for (Divergence.Side s : present(d)) {
          Instant at = entry(s).version().timestamp();
          if (at == null) {
            return Optional.empty();
          }
          if (best == null || !at.isBefore(Objects.requireNonNull(entry(best).version().timestamp()))) {
            best = s;
          }
        }
        return best == null ? Optional.empty() : Optional.of(new Resolution.TakeSide(best.store(), "latest"));
      };
    }
  }

  /** Last writer wins; ties go to the first store id. Correct. */
  static class LastWriterWins implements ResolverContract {
    @Override
    public Resolver resolver() {
      return d -> {
        List<Divergence.Side> sides = new ArrayList<>(present(d));
        if (sides.isEmpty() || sides.stream().anyMatch(s -> entry(s).version().timestamp() == null)) {
          return Optional.empty();
        }
        sides.sort(
            Comparator.comparing((Divergence.Side s) -> entry(s).version().timestamp(), Comparator.reverseOrder())
                .thenComparing(Divergence.Side::store));
        return Optional.of(new Resolution.TakeSide(sides.get(0).store(), "latest"));
      };
    }

    @Override
    public boolean referenceIsPrivileged() {
      return false;
    }
  }

  /** Takes the side with the smallest version: prefers what others have superseded. */
  static class DominatedVersionResolver implements VersionVectorResolverContract {
    @Override
    public Resolver resolver() {
      return d -> {
        List<Divergence.Side> sides = new ArrayList<>(present(d));
        if (sides.isEmpty()) {
          return Optional.empty();
        }
        sides.sort(Comparator.comparing((Divergence.Side s) -> total(entry(s))).thenComparing(Divergence.Side::store));
        return Optional.of(new Resolution.TakeSide(sides.get(0).store(), "oldest"));
      };
    }

    private static long total(Entry e) {
      VersionVector v = Objects.requireNonNull(e.version().vector());
      return v.asMap().values().stream().mapToLong(c -> Math.min(c, 1_000L)).sum();
    }
  }

  /** The side whose version includes every other wins; anything else is escalated. Correct. */
  static class Dominance implements VersionVectorResolverContract {
    @Override
    public Resolver resolver() {
      return d -> {
        List<Divergence.Side> sides = present(d).stream().sorted(Comparator.comparing(Divergence.Side::store)).toList();
        for (Divergence.Side s : sides) {
          VersionVector v = Objects.requireNonNull(entry(s).version().vector());
          boolean top =
              sides.stream()
                  .allMatch(t -> v.compare(Objects.requireNonNull(entry(t).version().vector())) == VersionVector.Order.AFTER
                      || (v.equals(entry(t).version().vector()) && entry(t).sameData(entry(s))));
          if (top) {
            return Optional.of(new Resolution.TakeSide(s.store(), "dominates"));
          }
        }
        return sides.isEmpty() ? Optional.empty() : Optional.of(new Resolution.Escalate("concurrent"));
      };
    }

    @Override
    public boolean referenceIsPrivileged() {
      return false;
    }
  }

  /** Keeps the fields of both, but drops "name": merging a version with itself loses data. */
  static class FieldDroppingMerge implements MergeContract {
    @Override
    public BinaryOperator<Entry> merge() {
      return (a, b) -> {
        Map<String, Value> fields = new TreeMap<>(b.fields().fields());
        fields.putAll(a.fields().fields());
        fields.remove("name");
        return Entry.of(a.key(), Value.MapValue.of(fields), a.version());
      };
    }

    @Provide
    @Override
    public Arbitrary<Entry> entries() {
      return Arbitraries.of("Ada", "Grace", "").map(n -> Entry.of(Key.of(1), Map.of("name", n)));
    }
  }

  /** A counter whose merge adds the counts: each redelivery counts again. */
  static class CountingMerge implements MergeContract {
    @Override
    public BinaryOperator<Entry> merge() {
      return (a, b) -> Entry.of(a.key(), Map.of("count", count(a) + count(b)));
    }

    private static long count(Entry e) {
      return ((Value.Num) e.field("count")).decimal().longValueExact();
    }

    @Provide
    @Override
    public Arbitrary<Entry> entries() {
      return Arbitraries.longs().between(0, 5).map(n -> Entry.of(Key.of(1), Map.of("count", n)));
    }
  }

  /**
   * A join: every field takes the larger of the two values by canonical text order (absent is the
   * least), vectors merge, timestamps take the later. Correct.
   */
  static class JoinMerge implements MergeContract {
    @Override
    public BinaryOperator<Entry> merge() {
      return (a, b) -> {
        Map<String, Value> fields = new TreeMap<>(a.fields().fields());
        b.fields().fields().forEach((k, v) -> fields.merge(k, v, (x, y) -> larger(x, y)));
        return Entry.of(a.key(), Value.MapValue.of(fields), new Version(vector(a, b), later(a, b)));
      };
    }

    private static Value larger(Value x, Value y) {
      int c = java.util.Arrays.compareUnsigned(io.reconcile.api.Canonical.encode(x), io.reconcile.api.Canonical.encode(y));
      return c >= 0 ? x : y;
    }

    private static @Nullable VersionVector vector(Entry a, Entry b) {
      VersionVector x = a.version().vector();
      VersionVector y = b.version().vector();
      return x == null ? y : y == null ? x : x.merge(y);
    }

    private static @Nullable Instant later(Entry a, Entry b) {
      Instant x = a.version().timestamp();
      Instant y = b.version().timestamp();
      return x == null ? y : y == null || x.isAfter(y) ? x : y;
    }

    @Provide
    @Override
    public Arbitrary<Entry> entries() {
      Arbitrary<Map<String, Value>> fields =
          Arbitraries.maps(Arbitraries.of("a", "b", "c"), Arbitraries.of(Value.ofNull(), Value.of(1), Value.of("x"), Value.of("")))
              .ofMaxSize(3);
      return Combinators.combine(fields, ReconcileArbitraries.versions())
          .as((f, v) -> Entry.of(Key.of(1), Value.MapValue.of(f), v));
    }
  }

  /** Conditional upserts and deletes that make every side hold the decided state. Correct. */
  static class TowardsTheDecision implements RepairPlanContract {
    @Override
    public List<RepairAction> plan(Divergence d, Resolution r) {
      List<RepairAction> out = new ArrayList<>();
      if (!r.repairs()) {
        return out;
      }
      Entry target =
          r instanceof Resolution.TakeSide t ? d.entryIn(t.store()).orElse(null)
              : r instanceof Resolution.Merge m ? m.merged() : null;
      for (Divergence.Side s : d.sides()) {
        Entry now = s.entry();
        if (target == null && now != null) {
          out.add(RepairAction.delete(s.store(), d.key(), Expected.present(now)));
        } else if (target != null && (now == null || !now.equals(target))) {
          out.add(RepairAction.upsert(s.store(), target, now == null ? Expected.absent() : Expected.present(now)));
        }
      }
      return out;
    }
  }

  /** The correct plan, but each action is followed by its inverse and then the action again. */
  static class FlappingPlan implements RepairPlanContract {
    @Override
    public List<RepairAction> plan(Divergence d, Resolution r) {
      List<RepairAction> out = new ArrayList<>();
      for (RepairAction a : new TowardsTheDecision().plan(d, r)) {
        out.add(a);
        out.add(a.inverse());
        out.add(a);
      }
      return out;
    }
  }
}
