package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * The laws of a resolver that decides by {@link VersionVector version vectors}, on top of those of
 * {@link ResolverContract}:
 *
 * <ul>
 *   <li>{@link #neverPicksADominatedVersion}: a side taken holds a version that no other side's
 *       version dominates;
 *   <li>{@link #mergedVersionDominatesItsInputs}: a merged entry's vector includes every side's;
 *   <li>{@link #theDominatingVersionWins}: when one version includes all the others, a repair
 *       makes every store hold that version's data;
 *   <li>{@link #concurrentVersionsAreMergedOrEscalated}: when two versions no other includes are
 *       concurrent, a repair merges them — taking one side would lose the other's writes without
 *       saying so (unless {@link #mayTakeOneOfConcurrentVersions()});
 *   <li>{@link #aMergeIncludesTheConcurrentVersions}: a merge of concurrent versions includes each
 *       of them in the order {@link #includesInput} declares (field-wise by default: no field, map
 *       entry or list element of an input is dropped).
 * </ul>
 *
 * <p>Escalating, skipping and abstaining are always allowed. By default every present side
 * carries a vector (see {@link #divergences()}); sides without one are ignored by these laws. A
 * failure names the versions involved, the winner expected and the one picked.
 */
public interface VersionVectorResolverContract extends ResolverContract {

  /**
   * Divergences among stores {@code a} to {@code d} whose present sides all carry a {@link
   * ReconcileArbitraries#versionVectors() version vector} (and sometimes a timestamp).
   */
  @Provide
  @Override
  default Arbitrary<Divergence> divergences() {
    Arbitrary<Entry> versioned =
        Combinators.combine(
                ReconcileArbitraries.smallEntries(),
                ReconcileArbitraries.versionVectors(),
                ReconcileArbitraries.versions())
            .as((e, vector, v) -> e.withVersion(new Version(vector, v.timestamp())));
    return ReconcileArbitraries.divergences(List.of("a", "b", "c", "d"), versioned);
  }

  /**
   * Whether the resolver may repair concurrent versions by taking one of them (say, the latest by
   * timestamp), losing the others' writes. Default false: {@link
   * #concurrentVersionsAreMergedOrEscalated} fails such a repair. Return true only for a rule
   * meant to lose writes, and document it where the rule is configured.
   */
  default boolean mayTakeOneOfConcurrentVersions() {
    return false;
  }

  /**
   * Whether {@code merged} includes everything of {@code input} a merge must keep. Default:
   * field-wise — every field {@code input} holds is held by {@code merged}; where both hold a map,
   * every entry of {@code input}'s is in {@code merged}'s, and where both hold a list, every
   * element; other values may
   * differ (a concurrent write may overwrite them). Override it to declare your data's order, for
   * example that counters only grow.
   */
  default boolean includesInput(Entry merged, Entry input) {
    return Inclusion.fieldWise(merged, input);
  }

  /** A side taken holds a version that is not before (dominated by) another side's version. */
  @Property
  default void neverPicksADominatedVersion(@ForAll("divergences") Divergence divergence) {
    Situations.count("neverPicksADominatedVersion", "a present side's version is superseded",
        Situations.present(divergence).size() > Situations.frontier(divergence).size() && !Situations.frontier(divergence).isEmpty());
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (decision.isEmpty() || !(decision.get() instanceof Resolution.TakeSide t)) {
      return;
    }
    Entry winner = divergence.entryIn(t.store()).orElse(null);
    VersionVector picked = winner == null ? null : winner.version().vector();
    for (Divergence.Side s : divergence.sides()) {
      VersionVector other = s.present() ? Objects.requireNonNull(s.entry()).version().vector() : null;
      if (other == null) {
        continue;
      }
      if (picked == null || picked.compare(other) == VersionVector.Order.BEFORE) {
        throw new AssertionError(
            "the resolver picked a dominated version: it took store " + t.store() + " holding "
                + (picked == null ? "no version" : picked.toText())
                + ", but store " + s.store() + " holds " + other.toText() + ", which includes it"
                + "\n  expected a winner whose version no other includes (e.g. store " + s.store() + ")"
                + "\n  actual winner: store " + t.store()
                + "\n  sides:" + Decisions.sides(divergence));
      }
    }
  }

  /** A merged entry's version vector dominates (includes) every side's vector. */
  @Property
  default void mergedVersionDominatesItsInputs(@ForAll("divergences") Divergence divergence) {
    Situations.count("mergedVersionDominatesItsInputs", "versions are concurrent", Situations.concurrent(divergence));
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (decision.isEmpty() || !(decision.get() instanceof Resolution.Merge m)) {
      return;
    }
    VersionVector merged = m.merged().version().vector();
    for (Divergence.Side s : divergence.sides()) {
      VersionVector input = s.present() ? Objects.requireNonNull(s.entry()).version().vector() : null;
      if (input != null && (merged == null || !merged.dominates(input))) {
        throw new AssertionError(
            "the merged version " + (merged == null ? "(none)" : merged.toText())
                + " does not include store " + s.store() + "'s version " + input.toText()
                + ", so a later comparison would treat the merge as older or concurrent"
                + "\n  merged entry: " + m.merged()
                + "\n  sides:" + Decisions.sides(divergence));
      }
    }
  }

  /**
   * When one present side's version includes every other present side's, and all sides holding
   * that version hold the same data, a repair makes every store hold that data.
   */
  @Property
  default void theDominatingVersionWins(@ForAll("divergences") Divergence divergence) {
    Divergence.Side top = null;
    for (Divergence.Side s : divergence.sides()) {
      if (s.present() && vector(s) != null && dominatesAll(s, divergence)) {
        top = s;
        break;
      }
    }
    Situations.count("theDominatingVersionWins", "one version includes the others, whose data differs",
        top != null && Situations.statesDiffer(divergence));
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (top == null || decision.isEmpty() || !decision.get().repairs()) {
      return;
    }
    Entry expected = Objects.requireNonNull(top.entry());
    Entry actual = Decisions.outcome(divergence, decision.get());
    if (actual == null || !actual.sameData(expected)) {
      throw new AssertionError(
          "the dominating version did not win: store " + top.store() + " holds "
              + Objects.requireNonNull(vector(top)).toText() + ", which includes every other version"
              + "\n  expected winner: " + expected + " (store " + top.store() + ")"
              + "\n  actual:          " + Decisions.effect(decision) + ", leaving " + Decisions.show(actual)
              + "\n  sides:" + Decisions.sides(divergence));
    }
  }

  /**
   * When the versions no other includes are concurrent, a repair is a {@link Resolution.Merge
   * Merge}: taking one side (or deleting) would drop the other's writes without a word. Escalating,
   * skipping and abstaining are allowed.
   */
  @Property
  default void concurrentVersionsAreMergedOrEscalated(@ForAll("divergences") Divergence divergence) {
    List<VersionVector> frontier = Situations.frontier(divergence);
    Situations.count("concurrentVersionsAreMergedOrEscalated", "versions are concurrent", frontier.size() > 1);
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (frontier.size() < 2 || mayTakeOneOfConcurrentVersions() || decision.isEmpty() || !decision.get().repairs()
        || decision.get() instanceof Resolution.Merge) {
      return;
    }
    throw new AssertionError(
        "the resolver lost concurrent writes: the versions "
            + frontier.stream().map(VersionVector::toText).toList()
            + " are concurrent (neither includes the other), but it decided: " + Decisions.effect(decision)
            + "\n  expected a merge of them, or an escalation"
            + " (override mayTakeOneOfConcurrentVersions() only if losing them is intended)"
            + "\n  sides:" + Decisions.sides(divergence));
  }

  /**
   * A merge of concurrent versions {@linkplain #includesInput includes} each side whose version
   * no other includes: nothing of a concurrent write is dropped.
   */
  @Property
  default void aMergeIncludesTheConcurrentVersions(@ForAll("divergences") Divergence divergence) {
    List<VersionVector> frontier = Situations.frontier(divergence);
    Situations.count("aMergeIncludesTheConcurrentVersions", "versions are concurrent", frontier.size() > 1);
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (frontier.size() < 2 || decision.isEmpty() || !(decision.get() instanceof Resolution.Merge m)) {
      return;
    }
    for (Divergence.Side s : Situations.present(divergence)) {
      if (frontier.contains(vector(s)) && !includesInput(m.merged(), Situations.entry(s))) {
        throw new AssertionError(
            "the merge dropped part of a concurrent version: store " + s.store() + " holds " + s.entry()
                + "\n  but the merge is " + m.merged()
                + "\n  which does not include it (field-wise by default: every field, map entry and list element;"
                + " override includesInput to declare another order)"
                + "\n  sides:" + Decisions.sides(divergence));
      }
    }
  }

  private static @Nullable VersionVector vector(Divergence.Side s) {
    return s.present() ? Objects.requireNonNull(s.entry()).version().vector() : null;
  }

  private static boolean dominatesAll(Divergence.Side candidate, Divergence d) {
    VersionVector v = Objects.requireNonNull(vector(candidate));
    for (Divergence.Side s : d.sides()) {
      VersionVector other = vector(s);
      if (other == null) {
        if (s.present()) {
          return false;
        }
        continue;
      }
      if (!v.dominates(other)
          || (v.equals(other) && !Objects.requireNonNull(s.entry()).sameData(Objects.requireNonNull(candidate.entry())))) {
        return false;
      }
    }
    return true;
  }
}
