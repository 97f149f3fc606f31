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
 *       makes every store hold that version's data.
 * </ul>
 *
 * <p>Escalating and abstaining are always allowed. By default every present side carries a vector
 * (see {@link #divergences()}); sides without one are ignored by these laws. A failure names the
 * versions involved, the winner expected and the one picked.
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

  /** A side taken holds a version that is not before (dominated by) another side's version. */
  @Property
  default void neverPicksADominatedVersion(@ForAll("divergences") Divergence divergence) {
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
