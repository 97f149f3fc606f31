package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Turns a resolution into the conditional actions that make every store hold the decided state. */
final class Planner {

  private Planner() {}

  /** The actions for one decision; empty for skip and escalate. */
  static List<RepairAction> plan(Divergence d, Resolution r) {
    List<RepairAction> out = new ArrayList<>();
    if (r instanceof Resolution.TakeSide t) {
      Entry winner = d.entryIn(t.store()).orElse(null);
      for (Divergence.Side side : d.sides()) {
        if (!side.store().equals(t.store())) {
          addTowards(out, side, winner, d);
        }
      }
    } else if (r instanceof Resolution.Merge m) {
      for (Divergence.Side side : d.sides()) {
        addTowards(out, side, m.merged(), d);
      }
    } else if (r instanceof Resolution.Delete) {
      for (Divergence.Side side : d.sides()) {
        addTowards(out, side, null, d);
      }
    }
    return out;
  }

  private static void addTowards(List<RepairAction> out, Divergence.Side side, @Nullable Entry target, Divergence d) {
    Entry current = side.entry();
    if (target == null) {
      if (current != null) {
        out.add(RepairAction.delete(side.store(), d.key(), Expected.present(current)));
      }
      return;
    }
    if (current == null) {
      out.add(RepairAction.upsert(side.store(), target, Expected.absent()));
    } else if (!current.sameData(target) || !current.version().equals(target.version())) {
      out.add(RepairAction.upsert(side.store(), target, Expected.present(current)));
    }
  }

  /** A short name for a resolution kind, as the report counts them. */
  static String kind(Resolution r) {
    if (r instanceof Resolution.TakeSide) {
      return "take-side";
    }
    if (r instanceof Resolution.Merge) {
      return "merge";
    }
    if (r instanceof Resolution.Delete) {
      return "delete";
    }
    return r instanceof Resolution.Skip ? "skip" : "escalate";
  }

  /** The decision as the audit trail and the report show it. */
  static String describe(Resolution r) {
    if (r instanceof Resolution.TakeSide t) {
      return "take " + t.store() + ": " + t.reason();
    }
    return kind(r) + ": " + r.reason();
  }
}
