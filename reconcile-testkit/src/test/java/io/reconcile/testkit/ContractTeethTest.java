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

  /**
   * Runs a broken rule, checks that it fails {@code law} with a message holding every phrase, and
   * returns every law it failed, by name, with its message.
   */
  private static Map<String, String> failsWith(Class<?> rule, String law, String... phrases) {
    Map<String, String> failed = failures(run(rule));
    assertThat(failed).as(rule.getSimpleName()).containsKey(law);
    for (String phrase : phrases) {
      assertThat(failed.get(law)).as(rule.getSimpleName()).contains(phrase);
    }
    return failed;
  }

  /** Runs a correct rule and checks that it passes all of its {@code laws} laws. */
  private static void passesAll(Class<?> rule, int laws) {
    Events events = run(rule);
    assertThat(failures(events)).isEmpty();
    assertThat(events.succeeded().count()).isEqualTo(laws);
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
          .containsPattern("@[-+]?\\d{4,}-\\d\\d-");
    }

    @Test
    @DisplayName("a merge that drops a field is not idempotent")
    void mergeDroppingAField() {
      failsWith(FieldDroppingMerge.class, "idempotent", "merging a version with itself changed it", "merge(a, a)");
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
    @DisplayName("last writer wins that picks the oldest write, or compares timestamps as text, by the second or by the millisecond")
    void wrongLastWriter() {
      for (Class<?> rule : List.of(OldestWriterWins.class, TextTimestamps.class, WholeSeconds.class, Milliseconds.class)) {
        failsWith(rule, "theLatestWriteWins", "the latest write did not win", "expected every store to hold");
      }
    }

    @Test
    @DisplayName("a rule that takes one of two concurrent versions loses writes")
    void takesOneConcurrentVersion() {
      assertThat(failsWith(TakesOneConcurrentVersion.class, "concurrentVersionsAreMergedOrEscalated",
              "lost concurrent writes", "are concurrent"))
          .doesNotContainKeys("neverPicksADominatedVersion", "theDominatingVersionWins");
    }

    @Test
    @DisplayName("a rule that deletes a key every side holds invents a delete")
    void inventedDelete() {
      failsWith(DeletesWhenAllDisagree.class, "noInventedDeletes", "invented a delete: every side holds key");
    }

    @Test
    @DisplayName("a merge that keeps only the fields both inputs hold drops input, and nothing else")
    void commonFieldsMerge() {
      assertThat(failsWith(CommonFieldsMerge.class, "includesItsInputs", "dropped part of an input"))
          .containsOnlyKeys("includesItsInputs");
    }

    @Test
    @DisplayName("a merge that owns its versions but keeps one input's vector")
    void oneSidedVersion() {
      failsWith(OneSidedVersionMerge.class, "includesItsInputs", "the merged version", "does not include", "'s version");
    }

    @Test
    @DisplayName("a tie-break by identity hash code is not deterministic")
    void identityTieBreak() {
      failsWith(IdentityTieBreak.class, "deterministic", "not deterministic", "equal copy");
    }

    @Test
    @DisplayName("a cache of decisions by key answers later divergences with earlier ones' decisions")
    void cacheByKey() {
      failsWith(CachingByKey.class, "statelessAcrossDivergences", "depends on what it was asked before");
    }

    @Test
    @DisplayName("a resolver sharing a scratch list between calls is not thread-safe")
    void sharedScratch() {
      failsWith(SharedScratchList.class, "threadSafe", "not thread-safe");
    }

    @Test
    @DisplayName("a source-of-truth rule that lets the latest write win instead")
    void sourceLosing() {
      failsWith(LatestInsteadOfSource.class, "theSourceWins", "the source of truth did not win");
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
      passesAll(LastWriterWins.class, 8);
    }

    @Test
    @DisplayName("a field-wise join merge that owns its versions")
    void joinMerge() {
      passesAll(JoinMerge.class, 7);
    }

    @Test
    @DisplayName("a grow-only counter held as one map field, merged by maximum per node")
    void counterMerge() {
      passesAll(CounterMerge.class, 7);
    }

    @Test
    @DisplayName("a merge for versionVectors(merge), which replaces its versions")
    void mergeForVersionVectors() {
      passesAll(TagsUnionMerge.class, 7);
    }

    @Test
    @DisplayName("version-vector dominance that escalates concurrent versions")
    void dominance() {
      passesAll(Dominance.class, 12);
    }

    @Test
    @DisplayName("a source of truth")
    void sourceOfTruth() {
      passesAll(SourceOfTruth.class, 8);
    }

    @Test
    @DisplayName("a plan of conditional upserts and deletes towards the decided state")
    void plan() {
      passesAll(TowardsTheDecision.class, 4);
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

  /**
   * Takes the present side latest by {@code order}, ties going to the first by {@code tieBreak};
   * abstains when no side holds the key or a present side has no timestamp. Sorts {@code sides}.
   */
  private static Optional<Resolution> latest(
      List<Divergence.Side> sides, Comparator<Instant> order, Comparator<Divergence.Side> tieBreak) {
    if (sides.isEmpty() || sides.stream().anyMatch(s -> entry(s).version().timestamp() == null)) {
      return Optional.empty();
    }
    sides.sort(Comparator.comparing((Divergence.Side s) -> entry(s).version().timestamp(), order.reversed()).thenComparing(tieBreak));
    return Optional.of(new Resolution.TakeSide(sides.get(0).store(), "latest"));
  }

  /** Last writer wins by an order of the timestamps; ties go to the first store id. */
  abstract static class LastWriterBy implements LastWriterWinsContract {
    abstract Comparator<Instant> order();

    @Override
    public Resolver resolver() {
      return d -> latest(new ArrayList<>(present(d)), order(), Comparator.comparing(Divergence.Side::store));
    }

    @Override
    public boolean referenceIsPrivileged() {
      return false;
    }
  }

  /** Last writer wins; ties go to the first store id. Correct. */
  static class LastWriterWins extends LastWriterBy {
    @Override
    Comparator<Instant> order() {
      return Comparator.naturalOrder();
    }
  }

  /** Picks the earliest write. */
  static class OldestWriterWins extends LastWriterBy {
    @Override
    Comparator<Instant> order() {
      return Comparator.<Instant>naturalOrder().reversed();
    }
  }

  /** Compares timestamps as their ISO-8601 text. */
  static class TextTimestamps extends LastWriterBy {
    @Override
    Comparator<Instant> order() {
      return Comparator.comparing(Instant::toString);
    }
  }

  /** Compares timestamps by the whole second. */
  static class WholeSeconds extends LastWriterBy {
    @Override
    Comparator<Instant> order() {
      return Comparator.comparingLong(Instant::getEpochSecond);
    }
  }

  /** Compares timestamps by the millisecond. */
  static class Milliseconds extends LastWriterBy {
    @Override
    Comparator<Instant> order() {
      return Comparator.comparingLong(Instant::toEpochMilli);
    }
  }

  /** Dominance, but of versions no other includes it takes the first store's instead of escalating. */
  static class TakesOneConcurrentVersion extends Dominance {
    @Override
    public Resolver resolver() {
      Resolver dominance = super.resolver();
      return d -> dominance.resolve(d).map(r -> r instanceof Resolution.Escalate
          ? new Resolution.TakeSide(present(d).stream().filter(s -> notSuperseded(s, d)).map(Divergence.Side::store)
              .sorted().findFirst().orElseThrow(), "first")
          : r);
    }

    private static boolean notSuperseded(Divergence.Side s, Divergence d) {
      VersionVector v = Objects.requireNonNull(entry(s).version().vector());
      return present(d).stream()
          .noneMatch(t -> v.compare(Objects.requireNonNull(entry(t).version().vector())) == VersionVector.Order.BEFORE);
    }
  }

  /** Last writer wins, but when no two sides agree it deletes the key everywhere. */
  static class DeletesWhenAllDisagree extends LastWriterWins {
    @Override
    public Resolver resolver() {
      Resolver latest = super.resolver();
      return d -> present(d).size() > 1 && present(d).stream().map(s -> entry(s).fields()).distinct().count() == d.sides().size()
          ? Optional.of(new Resolution.Delete("nobody agrees"))
          : latest.resolve(d);
    }
  }

  /** Keeps the fields both inputs hold, each with the larger value: a meet, not a join. */
  static class CommonFieldsMerge implements MergeContract {
    @Override
    public BinaryOperator<Entry> merge() {
      return (a, b) -> {
        Map<String, Value> fields = new TreeMap<>();
        a.fields().fields().forEach((k, v) -> {
          Value other = b.fields().fields().get(k);
          if (other != null) {
            fields.put(k, JoinMerge.larger(v, other));
          }
        });
        return Entry.of(a.key(), Value.MapValue.of(fields));
      };
    }

    @Provide
    @Override
    public Arbitrary<Entry> entries() {
      return JoinMerge.fieldsOnly();
    }
  }

  /** The join of the fields, but the version of the first input only, while owning versions. */
  static class OneSidedVersionMerge extends JoinMerge {
    @Override
    public BinaryOperator<Entry> merge() {
      BinaryOperator<Entry> join = super.merge();
      return (a, b) -> join.apply(a, b).withVersion(a.version());
    }
  }

  /** Last writer wins; ties go to the side whose entry has the smaller identity hash code. */
  static class IdentityTieBreak extends LastWriterWins {
    @Override
    public Resolver resolver() {
      return d -> latest(new ArrayList<>(present(d)), order(), Comparator.comparingInt(s -> System.identityHashCode(entry(s))));
    }
  }

  /** Last writer wins, remembering each key's first decision. */
  static class CachingByKey implements ResolverContract {
    private final Map<Key, Optional<Resolution>> decided = new java.util.concurrent.ConcurrentHashMap<>();
    private final Resolver latest = new LastWriterWins().resolver();

    @Override
    public Resolver resolver() {
      return d -> decided.computeIfAbsent(d.key(), k -> latest.resolve(d));
    }
  }

  /** Last writer wins, sorting the sides in one list shared by every call. */
  static class SharedScratchList implements ResolverContract {
    private final List<Divergence.Side> scratch = new ArrayList<>();

    @Override
    public Resolver resolver() {
      return d -> {
        scratch.clear();
        scratch.addAll(present(d));
        return latest(scratch, Comparator.naturalOrder(), Comparator.comparing(Divergence.Side::store));
      };
    }
  }

  /** Store b is the source of truth. Correct. */
  static class SourceOfTruth implements SourceOfTruthContract {
    @Override
    public Resolver resolver() {
      return d -> d.side("b").isPresent() ? Optional.of(new Resolution.TakeSide("b", "source")) : Optional.empty();
    }

    @Override
    public String source() {
      return "b";
    }
  }

  /** Said to hold store b for the truth, but lets the latest write win. */
  static class LatestInsteadOfSource extends SourceOfTruth {
    @Override
    public Resolver resolver() {
      return new LastWriterWins().resolver();
    }
  }

  /** A grow-only counter: one map field of counts per node, merged by the larger count per node. Correct. */
  static class CounterMerge implements MergeContract {
    @Override
    public BinaryOperator<Entry> merge() {
      return (a, b) -> {
        Map<String, Value> counts = new TreeMap<>(counts(a));
        counts(b).forEach((node, n) -> counts.merge(node, n, (x, y) -> count(x) >= count(y) ? x : y));
        return Entry.of(a.key(), Map.of("counts", Value.MapValue.of(counts)));
      };
    }

    private static Map<String, Value> counts(Entry e) {
      return ((Value.MapValue) e.field("counts")).fields();
    }

    private static long count(Value v) {
      return ((Value.Num) v).decimal().longValueExact();
    }

    @Override
    public boolean includesInput(Entry merged, Entry input) {
      Map<String, Value> m = counts(merged);
      return counts(input).entrySet().stream().allMatch(c -> m.containsKey(c.getKey()) && count(m.get(c.getKey())) >= count(c.getValue()));
    }

    @Provide
    @Override
    public Arbitrary<Entry> entries() {
      return Arbitraries.maps(Arbitraries.of("n1", "n2", "n3"), Arbitraries.longs().between(0, 4).map(Value::of))
          .ofMaxSize(3)
          .map(m -> Entry.of(Key.of(1), Map.of("counts", Value.MapValue.of(m))));
    }
  }

  /**
   * A merge as given to {@code Resolvers.versionVectors(merge)}: the union of the tags and the
   * first input's other fields, where missing; it keeps the first input's version, which the
   * resolver replaces. Correct.
   */
  static class TagsUnionMerge implements MergeContract {
    @Override
    public BinaryOperator<Entry> merge() {
      return (a, b) -> {
        Map<String, Value> fields = new TreeMap<>(b.fields().fields());
        fields.putAll(a.fields().fields());
        fields.keySet().forEach(k -> {
          Value x = a.fields().fields().get(k);
          Value y = b.fields().fields().get(k);
          if (x != null && y != null && !x.equals(y)) {
            fields.put(k, JoinMerge.larger(x, y));
          }
        });
        Map<String, Value> tags = new TreeMap<>();
        for (Entry e : List.of(a, b)) {
          if (e.fields().fields().get("tags") instanceof Value.ListValue l) {
            l.values().forEach(v -> tags.put(v.toString(), v));
          }
        }
        if (!tags.isEmpty()) {
          fields.put("tags", new Value.ListValue(List.copyOf(tags.values())));
        }
        return Entry.of(a.key(), Value.MapValue.of(fields), a.version());
      };
    }

    @Provide
    @Override
    public Arbitrary<Entry> entries() {
      return Arbitraries.of("p", "q", "r").list().uniqueElements().ofMaxSize(3)
          .map(l -> Entry.of(Key.of(1), Map.of("tags", Value.from(l.stream().sorted().toList())),
              Version.of(VersionVector.of(Map.of("n1", (long) l.size() + 1)))));
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

    @Override
    public boolean ownsVersions() {
      return true;
    }

    static Value larger(Value x, Value y) {
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
      return Combinators.combine(fields(), ReconcileArbitraries.versions())
          .as((f, v) -> Entry.of(Key.of(1), Value.MapValue.of(f), v));
    }

    static Arbitrary<Map<String, Value>> fields() {
      return Arbitraries.maps(Arbitraries.of("a", "b", "c"), Arbitraries.of(Value.ofNull(), Value.of(1), Value.of("x"), Value.of("")))
          .ofMaxSize(3);
    }

    static Arbitrary<Entry> fieldsOnly() {
      return fields().map(f -> Entry.of(Key.of(1), Value.MapValue.of(f)));
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
