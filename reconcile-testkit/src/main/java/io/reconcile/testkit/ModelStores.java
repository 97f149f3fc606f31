package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The stores of one divergence reduced to the one key they disagree on, applying actions exactly
 * as {@link io.reconcile.api.store.Store#apply} specifies, in order, each decided by {@link
 * RepairAction#statusFor} as a store that keeps versions decides it (the model keeps entries whole,
 * versions included). Not thread-safe.
 */
final class ModelStores {

  private final Map<String, @Nullable Entry> state = new LinkedHashMap<>();

  ModelStores(Divergence d) {
    for (Divergence.Side s : d.sides()) {
      state.put(s.store(), s.entry());
    }
  }

  /** What each store holds (null: absent), in side order. */
  Map<String, @Nullable Entry> state() {
    return new LinkedHashMap<>(state);
  }

  /**
   * Applies the actions, each to its target, in order.
   *
   * @throws AssertionError if an action targets a store that is not among the sides
   */
  List<ActionOutcome> apply(List<RepairAction> actions) {
    List<ActionOutcome> out = new ArrayList<>(actions.size());
    for (RepairAction a : actions) {
      if (!state.containsKey(a.target())) {
        throw new AssertionError(
            "the plan writes to store '" + a.target() + "', which is not among the sides "
                + state.keySet() + ": " + a);
      }
      Entry now = state.get(a.target());
      ActionOutcome.Status status = a.statusFor(now, true); // the model keeps entries whole
      if (status == ActionOutcome.Status.APPLIED) {
        state.put(a.target(), a.result());
      }
      out.add(new ActionOutcome(a, status, now));
    }
    return out;
  }

  /** A copy of the current state as a divergence of the same key, as a new detection would see it. */
  Divergence redetect(Divergence d) {
    Map<String, @Nullable Entry> now = new HashMap<>(state);
    List<Divergence.Side> sides = new ArrayList<>();
    for (Divergence.Side s : d.sides()) {
      sides.add(new Divergence.Side(s.store(), now.get(s.store())));
    }
    return new Divergence(d.key(), d.kind(), sides, d.checker(), d.detectedAt(), d.detail());
  }
}
