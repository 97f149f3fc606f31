package io.reconcile.cli;

import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.ReconcileReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Hears one run and passes each event on as it comes: divergences and planned repairs (which the
 * engine tells in key order, from one thread) to the command's printers, progress to the bar, the
 * run id to whoever must know it before the first write. Keeps nothing else, so a command's memory
 * does not grow with the differences it prints. The command's output is flushed as each segment is
 * done, so that what a run has found is seen as it goes.
 */
final class RunEvents implements ReconcileListener {

  /** A planned repair action and the decision it carries out. */
  record Planned(RepairAction action, String decision) {}

  private final ProgressBar progress;
  private final Consumer<String> onStart;
  private final Consumer<Divergence> onDivergence;
  private final Consumer<Planned> onPlanned;
  private final PrintWriter out;
  private volatile @Nullable String runId;

  /**
   * @param onStart told the run id as the run starts, before anything is written
   * @param onDivergence told each divergence, in key order
   * @param onPlanned told each planned action, in key order
   * @param out the command's output, flushed as each segment is done
   */
  RunEvents(ProgressBar progress, Consumer<String> onStart, Consumer<Divergence> onDivergence, Consumer<Planned> onPlanned,
      PrintWriter out) {
    this.progress = progress;
    this.onStart = onStart;
    this.onDivergence = onDivergence;
    this.onPlanned = onPlanned;
    this.out = out;
  }

  /** The id of the run heard, once it started; null before. */
  @Nullable String runId() {
    return runId;
  }

  @Override
  public void runStarted(String runId, List<String> stores, int segments) {
    this.runId = runId;
    onStart.accept(runId);
    progress.runStarted(runId, stores, segments);
  }

  @Override
  public void segmentCompared(String runId, KeyRange segment, int found, Duration took) {
    out.flush(); // what the segments before were found to hold
    progress.segmentCompared(runId, segment, found, took);
  }

  @Override
  public void divergenceFound(String runId, Divergence divergence) {
    onDivergence.accept(divergence);
  }

  @Override
  public void repairPlanned(String runId, RepairAction action, String decision) {
    onPlanned.accept(new Planned(action, decision));
  }

  @Override
  public void runFinished(ReconcileReport report) {
    progress.runFinished(report);
  }
}
