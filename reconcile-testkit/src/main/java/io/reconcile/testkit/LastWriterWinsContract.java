package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Version;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of a last-writer-wins resolver, on top of those of {@link ResolverContract}: {@link
 * #theLatestWriteWins} — when every present side carries a timestamp, a repair leaves every store
 * holding the data of a side with the latest one. Timestamps come from {@link
 * ReconcileArbitraries#timestamps()}, whose text order is not their time order, so a rule that
 * compares them as text, by the second or by the millisecond, or picks the oldest, fails.
 *
 * <pre>{@code
 * class MyLastWriterWinsTest implements LastWriterWinsContract {
 *   public Resolver resolver() { return Resolvers.lastWriterWins(); }
 * }
 * }</pre>
 *
 * <p>Abstaining, escalating and skipping are allowed (say, when a side has no timestamp).
 */
public interface LastWriterWinsContract extends ResolverContract {

  /**
   * Divergences among stores {@code a} to {@code d} whose present sides all carry a {@link
   * ReconcileArbitraries#timestamps() timestamp} (and sometimes a version vector).
   */
  @Provide
  @Override
  default Arbitrary<Divergence> divergences() {
    Arbitrary<Entry> timed =
        Combinators.combine(ReconcileArbitraries.smallEntries(), ReconcileArbitraries.timestamps())
            .as((e, t) -> e.withVersion(new Version(e.version().vector(), t)));
    return ReconcileArbitraries.divergences(List.of("a", "b", "c", "d"), timed);
  }

  /**
   * When every present side carries a timestamp, a repair leaves every store holding the data of a
   * present side with the latest timestamp (of one of them, if tied sides hold different data).
   */
  @Property
  default void theLatestWriteWins(@ForAll("divergences") Divergence divergence) {
    Situations.count("theLatestWriteWins", "a later write holds other data than an earlier one",
        Situations.aLatestWriteDiffers(divergence));
    List<Divergence.Side> winners = Situations.latestSides(Situations.present(divergence));
    if (winners.isEmpty()) {
      return;
    }
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (decision.isEmpty() || !decision.get().repairs()) {
      return;
    }
    Instant latest = Objects.requireNonNull(Situations.entry(winners.get(0)).version().timestamp());
    Entry outcome = Decisions.outcome(divergence, decision.get());
    if (outcome == null || winners.stream().noneMatch(s -> Situations.entry(s).sameData(outcome))) {
      throw new AssertionError(
          "the latest write did not win: the latest timestamp is " + latest + ", held by store"
              + (winners.size() == 1 ? " " : "s ") + winners.stream().map(Divergence.Side::store).toList()
              + "\n  expected every store to hold " + Situations.entry(winners.get(0)).fields()
              + "\n  actual: " + Decisions.effect(decision) + ", leaving " + Decisions.show(outcome)
              + "\n  sides:" + Decisions.sides(divergence));
    }
  }
}
