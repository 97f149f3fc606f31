package io.reconcile.core;

import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import java.time.Duration;
import java.util.List;

/**
 * Hears what a run does, so a host can attach metrics, logs or progress bars. Every method has a
 * no-op default; implement the ones you need. Methods may be called from several threads at once
 * and must be quick; an exception thrown by a listener is logged and otherwise ignored.
 */
public interface ReconcileListener {

  /**
   * A run started (or resumed) over these stores, with this many top-level segments planned (a run
   * splits a differing segment of many rows further; {@link #segmentCompared} is told of each
   * part).
   */
  default void runStarted(String runId, List<String> stores, int segments) {}

  /** A top-level segment was compared: how many divergences it held and how long it took. */
  default void segmentCompared(String runId, KeyRange segment, int divergences, Duration took) {}

  /** A divergence was found. */
  default void divergenceFound(String runId, Divergence divergence) {}

  /**
   * A repair action was planned (in {@link Mode#DRY_RUN} and {@link Mode#APPLY}, before anything is
   * written): the action, with its precondition, and the decision it carries out.
   */
  default void repairPlanned(String runId, RepairAction action, String decision) {}

  /** A repair action was written (or found already in place). */
  default void repairApplied(String runId, ActionOutcome outcome) {}

  /**
   * A repair action was not written, and why: refused by its precondition, a limit, a read-only
   * target, an open circuit, or a value its target cannot hold ({@code "unwritable: …"}, told
   * before the first write).
   */
  default void repairSkipped(String runId, RepairAction action, String reason) {}

  /** The run finished, with its report. */
  default void runFinished(ReconcileReport report) {}

  /**
   * A cycle of a {@link Watch} finished: where the watch stands. The cycle's run, when leaves
   * differed, was told to the other methods under its own run id ({@code watch-NAME-CYCLE}).
   */
  default void watchCycleFinished(WatchReport status) {}
}
