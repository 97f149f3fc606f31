package io.reconcile.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The running totals of one run, kept in its checkpoint so a resumed run reports the whole run.
 * Mutable, guarded by the run; public fields for Jackson.
 */
final class Tally {
  public int segments;
  public int segmentsDiffering;
  public Map<String, Long> divergencesByKind = new TreeMap<>();
  public Map<String, Long> decisions = new TreeMap<>();
  public long applied;
  public long alreadyApplied;
  public long refused;
  public long skipped;
  public long unwritable;
  public long escalated;
  public long failed;
  public long reported;
  public long rangesVerified;
  public long rangesConverged;
  public List<String> unconverged = new ArrayList<>();
  public List<String> problems = new ArrayList<>();
  public List<ReconcileReport.Finding> findings = new ArrayList<>();
  public List<String> plan = new ArrayList<>();
  public @Nullable String escalation;

  void add(Map<String, Long> map, String key, long n) {
    map.merge(key, n, Long::sum);
  }

  /** Adds the counts one segment's decisions made, keeping at most {@code maxFindings} findings. */
  void addDecisions(Tally d, int maxFindings) {
    segmentsDiffering += d.segmentsDiffering;
    d.divergencesByKind.forEach((k, n) -> add(divergencesByKind, k, n));
    d.decisions.forEach((k, n) -> add(decisions, k, n));
    reported += d.reported;
    escalated += d.escalated;
    skipped += d.skipped;
    unwritable += d.unwritable;
    for (ReconcileReport.Finding f : d.findings) {
      if (findings.size() < maxFindings) {
        findings.add(f);
      }
    }
  }
}
