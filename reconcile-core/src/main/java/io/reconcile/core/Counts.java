package io.reconcile.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The running totals of one run, which its report is made of. The numbers (not the findings, the
 * plan lines or the messages, which are samples) go into checkpoints, so that a resumed run reports
 * the whole run. Mutable; used by the run's conductor thread only.
 */
final class Counts {

  /** At most this many findings are kept for the report. */
  static final int MAX_FINDINGS = 1_000;

  /** At most this many plan lines are kept for the report. */
  static final int MAX_PLAN_LINES = 10_000;

  /** At most this many unconverged ranges and problems are kept, each. */
  static final int MAX_MESSAGES = 100;

  int segments;
  int segmentsDiffering;
  final Map<String, Long> divergencesByKind = new TreeMap<>();
  final Map<String, Long> decisions = new TreeMap<>();
  long applied;
  long alreadyApplied;
  long refused;
  long skipped;
  long unwritable;
  long escalated;
  long failed;
  long rangesVerified;
  long rangesConverged;
  /** Repair actions planned so far, for {@link Limits#maxRepairsPerRun()}. */
  long repairsPlanned;
  @Nullable String escalation;

  final List<String> unconverged = new ArrayList<>();
  final List<String> problems = new ArrayList<>();
  final List<ReconcileReport.Finding> findings = new ArrayList<>();
  final List<String> plan = new ArrayList<>();

  void divergence(String kind) {
    divergencesByKind.merge(kind, 1L, Long::sum);
  }

  void decision(String kind) {
    decisions.merge(kind, 1L, Long::sum);
  }

  void finding(ReconcileReport.Finding f) {
    if (findings.size() < MAX_FINDINGS) {
      findings.add(f);
    }
  }

  void planLine(String line) {
    if (plan.size() < MAX_PLAN_LINES) {
      plan.add(line);
    }
  }

  void unconverged(String range) {
    if (unconverged.size() < MAX_MESSAGES) {
      unconverged.add(range);
    }
  }

  void problem(String message) {
    if (problems.size() < MAX_MESSAGES && !problems.contains(message)) {
      problems.add(message);
    }
  }

  /** Divergences found so far. */
  long divergences() {
    return divergencesByKind.values().stream().mapToLong(Long::longValue).sum();
  }
}
