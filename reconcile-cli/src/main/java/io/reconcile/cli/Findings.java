package io.reconcile.cli;

import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.ReconcileReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Hears one run: keeps every divergence and every planned repair (segments are compared in
 * parallel, so they arrive in no particular order; the getters sort them by key) and passes
 * progress on to the bar.
 */
final class Findings implements ReconcileListener {

  /** A planned repair action and the decision it carries out. */
  record Planned(RepairAction action, String decision) {}

  private final ProgressBar progress;
  private final Consumer<String> onStart;
  private final List<Divergence> divergences = new ArrayList<>();
  private final List<Planned> planned = new ArrayList<>();
  private volatile @Nullable String runId;

  Findings(ProgressBar progress) {
    this(progress, id -> {});
  }

  /** Also tells {@code onStart} the run id as the run starts, before anything is written. */
  Findings(ProgressBar progress, Consumer<String> onStart) {
    this.progress = progress;
    this.onStart = onStart;
  }

  /** The id of the run heard, once it started; null before. */
  @Nullable String runId() {
    return runId;
  }

  /** The divergences found, by key. */
  synchronized List<Divergence> divergences() {
    List<Divergence> out = new ArrayList<>(divergences);
    out.sort(Comparator.comparing(Divergence::key));
    return out;
  }

  /** The repair actions planned, by key then target store. */
  synchronized List<Planned> planned() {
    List<Planned> out = new ArrayList<>(planned);
    out.sort(Comparator.comparing((Planned p) -> p.action().key()).thenComparing(p -> p.action().target()));
    return out;
  }

  @Override
  public void runStarted(String runId, List<String> stores, int segments) {
    this.runId = runId;
    onStart.accept(runId);
    progress.runStarted(runId, stores, segments);
  }

  @Override
  public void segmentCompared(String runId, KeyRange segment, int found, Duration took) {
    progress.segmentCompared(runId, segment, found, took);
  }

  @Override
  public synchronized void divergenceFound(String runId, Divergence divergence) {
    divergences.add(divergence);
  }

  @Override
  public synchronized void repairPlanned(String runId, RepairAction action, String decision) {
    planned.add(new Planned(action, decision));
  }

  @Override
  public void runFinished(ReconcileReport report) {
    progress.runFinished(report);
  }
}
