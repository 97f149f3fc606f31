package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of a source-of-truth resolver, on top of those of {@link ResolverContract}: {@link
 * #theSourceWins} — when the source's store is among the sides, a repair leaves every store as the
 * source is (without the key, if the source does not hold it).
 *
 * <pre>{@code
 * class MySourceOfTruthTest implements SourceOfTruthContract {
 *   public Resolver resolver() { return Resolvers.sourceOfTruth("crm"); }
 *   public String source() { return "crm"; }
 * }
 * }</pre>
 *
 * <p>Abstaining, escalating and skipping are allowed (say, when the source is not among the sides).
 */
public interface SourceOfTruthContract extends ResolverContract {

  /** The id of the store the resolver holds for the truth. */
  String source();

  /** Divergences among {@link #source()} and three other stores, the source often among the sides. */
  @Provide
  @Override
  default Arbitrary<Divergence> divergences() {
    List<String> stores = new ArrayList<>(List.of(source()));
    for (String other : List.of("a", "b", "c", "d")) {
      if (stores.size() < 4 && !other.equals(source())) {
        stores.add(other);
      }
    }
    return ReconcileArbitraries.divergences(stores, ReconcileArbitraries.smallEntries());
  }

  /**
   * When {@link #source()} is among the sides, a repair leaves every store holding what the source
   * holds, or not holding the key if the source does not.
   */
  @Property
  default void theSourceWins(@ForAll("divergences") Divergence divergence) {
    Optional<Divergence.Side> source = divergence.side(source());
    Situations.count("theSourceWins", "the source is among sides holding different data",
        source.isPresent() && Situations.statesDiffer(divergence));
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (source.isEmpty() || decision.isEmpty() || !decision.get().repairs()) {
      return;
    }
    Entry expected = source.get().entry();
    Entry outcome = Decisions.outcome(divergence, decision.get());
    boolean same = expected == null ? outcome == null : outcome != null && outcome.sameData(expected);
    if (!same) {
      throw new AssertionError(
          "the source of truth did not win: store " + source() + " holds " + Decisions.show(expected)
              + "\n  actual: " + Decisions.effect(decision) + ", leaving " + Decisions.show(outcome)
              + "\n  sides:" + Decisions.sides(divergence));
    }
  }
}
