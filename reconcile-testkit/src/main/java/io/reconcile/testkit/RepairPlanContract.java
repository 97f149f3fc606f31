package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * The laws of a repair planner: a function that turns a {@link Resolution} of a {@link Divergence}
 * into the {@link RepairAction}s that carry it out. The plan is applied to a model of the
 * divergence's stores that follows {@link io.reconcile.api.store.Store#apply} exactly.
 *
 * <ul>
 *   <li>{@link #conditionalOnWhatWasDetected}: every action writes to one of the sides' stores and
 *       expects exactly what that store held at detection, so a row written since is left alone;
 *   <li>{@link #realisesTheDecision}: once applied, every store holds the decided state (a skip or
 *       an escalation writes nothing);
 *   <li>{@link #applyingTwiceEqualsApplyingOnce}: replaying the plan writes nothing more (every
 *       action is then already applied or refused) and leaves the same state;
 *   <li>{@link #aSecondPlanHasNothingToDo}: planning the same decision again against the repaired
 *       stores yields a plan that changes nothing.
 * </ul>
 *
 * <p>A test class implements this interface and returns the plan from {@link #plan}. Decisions
 * come from {@link #decisions()}: {@link ReconcileArbitraries#divergences divergences} among stores
 * {@code a} to {@code d}, each with a resolution that takes a side, merges, deletes, skips or
 * escalates.
 */
public interface RepairPlanContract {

  /**
   * A divergence and what was decided about it.
   *
   * @param divergence the divergence as detected
   * @param resolution the decision to carry out
   */
  record Decision(Divergence divergence, Resolution resolution) {
    public Decision {
      Objects.requireNonNull(divergence, "divergence");
      Objects.requireNonNull(resolution, "resolution");
    }

    @Override
    public String toString() {
      return Decisions.effect(java.util.Optional.of(resolution)) + " over sides" + Decisions.sides(divergence);
    }
  }

  /** The plan under test: the actions that carry out {@code resolution}, for every store. */
  List<RepairAction> plan(Divergence divergence, Resolution resolution);

  /** Divergences among stores {@code a} to {@code d}, each with a resolution of any kind. */
  @Provide
  default Arbitrary<Decision> decisions() {
    return Combinators.combine(
            ReconcileArbitraries.divergences(List.of("a", "b", "c", "d"), ReconcileArbitraries.smallEntries()),
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 3),
            ReconcileArbitraries.smallEntries())
        .as(
            (d, kind, side, merged) -> {
              Resolution r =
                  switch (kind) {
                    case 0 -> new Resolution.TakeSide(d.sides().get(side % d.sides().size()).store(), "generated");
                    case 1 -> new Resolution.Merge(Entry.of(d.key(), merged.fields(), merged.version()), "generated");
                    case 2 -> new Resolution.Delete("generated");
                    case 3 -> new Resolution.Skip("generated");
                    default -> new Resolution.Escalate("generated");
                  };
              return new Decision(d, r);
            });
  }

  /** Every action targets a side's store and expects exactly what that store held at detection. */
  @Property
  default void conditionalOnWhatWasDetected(@ForAll("decisions") Decision decision) {
    Divergence d = decision.divergence();
    for (RepairAction a : plan(d, decision.resolution())) {
      Divergence.Side side = d.side(a.target()).orElse(null);
      if (side == null || !a.key().equals(d.key()) || !a.expected().matches(side.entry())) {
        throw new AssertionError(
            "the plan for " + decision + "\n  has an action that is not conditional on what was detected: " + a
                + (side == null ? "\n  (its target is not among the sides)" : "\n  (store " + side.store() + " held " + Decisions.show(side.entry()) + ")"));
      }
    }
  }

  /** Once the plan is applied, every store holds the decided state; skip and escalate write nothing. */
  @Property
  default void realisesTheDecision(@ForAll("decisions") Decision decision) {
    Divergence d = decision.divergence();
    ModelStores stores = new ModelStores(d);
    stores.apply(plan(d, decision.resolution()));
    boolean repairs = decision.resolution().repairs();
    Entry decided = repairs ? Decisions.outcome(d, decision.resolution()) : null;
    for (Divergence.Side s : d.sides()) {
      Entry expected = repairs ? decided : s.entry();
      Entry actual = stores.state().get(s.store());
      if (!same(expected, actual)) {
        throw new AssertionError(
            "the plan does not carry out the decision " + decision
                + "\n  plan: " + plan(d, decision.resolution())
                + "\n  store " + s.store() + " should hold " + Decisions.show(expected) + "\n  but holds " + Decisions.show(actual));
      }
    }
  }

  /** Applying the plan a second time writes nothing and leaves the state of the first application. */
  @Property
  default void applyingTwiceEqualsApplyingOnce(@ForAll("decisions") Decision decision) {
    Divergence d = decision.divergence();
    List<RepairAction> plan = plan(d, decision.resolution());
    ModelStores stores = new ModelStores(d);
    stores.apply(plan);
    Map<String, @Nullable Entry> once = stores.state();
    List<ActionOutcome> replay = stores.apply(plan);
    Map<String, @Nullable Entry> twice = stores.state();
    List<ActionOutcome> written =
        replay.stream().filter(o -> o.status() == ActionOutcome.Status.APPLIED).toList();
    if (!written.isEmpty() || !once.equals(twice)) {
      throw new AssertionError(
          "applying the plan twice differs from applying it once, for " + decision
              + "\n  plan: " + plan
              + "\n  after one application: " + once
              + "\n  after two:             " + twice
              + "\n  written again by the replay: " + written.stream().map(ActionOutcome::action).toList());
    }
  }

  /** Planning the same decision again, against the repaired stores, yields a plan that changes nothing. */
  @Property
  default void aSecondPlanHasNothingToDo(@ForAll("decisions") Decision decision) {
    Divergence d = decision.divergence();
    ModelStores stores = new ModelStores(d);
    stores.apply(plan(d, decision.resolution()));
    Divergence repaired = stores.redetect(d);
    List<RepairAction> second = plan(repaired, decision.resolution());
    Map<String, @Nullable Entry> before = stores.state();
    List<ActionOutcome> outcomes = stores.apply(second);
    boolean wrote = outcomes.stream().anyMatch(o -> o.status() == ActionOutcome.Status.APPLIED);
    if (wrote || !before.equals(stores.state())) {
      throw new AssertionError(
          "a second plan for the same decision still writes, for " + decision
              + "\n  after the first plan the stores held " + before
              + "\n  the second plan " + second + "\n  left them holding " + stores.state());
    }
  }

  private static boolean same(@Nullable Entry x, @Nullable Entry y) {
    return x == null || y == null ? x == y : x.sameData(y);
  }
}
