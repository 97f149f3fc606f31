package io.reconcile.core;

import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The decide stage: tells the listener of each divergence, in key order, and decides it — the
 * resolver's resolution, guarded (an empty store never causes deletes elsewhere; a run that
 * escalated repairs nothing; the repair limits per run and per segment), turned into conditional
 * actions, each checked against its target's {@link Store#unwritable} before anything is written.
 * Used by the run's conductor thread.
 */
final class Decider {

  /**
   * A divergence with its decision and the actions that carry it out; {@code refusedSome} when an
   * action of the decision was refused up front (a value its target cannot hold), so the key stays
   * different.
   */
  record Decided(Divergence divergence, String decision, List<RepairAction> actions, boolean refusedSome) {}

  private final String runId;
  private final RunSettings settings;
  private final Map<String, ? extends Store> byId;
  private final Detector detector;
  private final Counts counts;
  private final Trail trail;
  private final Map<String, Long> storeRows;
  private final Predicate<Divergence> held;

  /**
   * @param storeRows rows per store id, from the run's first digests; a store missing from it is
   *     digested whole when a decision needs its size
   */
  Decider(String runId, RunSettings settings, Map<String, ? extends Store> byId, Detector detector, Counts counts,
      Trail trail, Map<String, Long> storeRows, Predicate<Divergence> held) {
    this.runId = runId;
    this.settings = settings;
    this.byId = byId;
    this.detector = detector;
    this.counts = counts;
    this.trail = trail;
    this.storeRows = storeRows;
    this.held = held;
  }

  /** Decides one segment's divergences (in key order), counting each decision. */
  List<Decided> decide(List<Divergence> divergences) {
    List<Decided> out = new ArrayList<>(divergences.size());
    if (!divergences.isEmpty()) {
      counts.segmentsDiffering++;
    }
    long inSegment = 0;
    for (Divergence d : divergences) {
      if (held.test(d)) {
        continue;
      }
      Listeners.safely(runId, settings.listener(), l -> l.divergenceFound(runId, d));
      counts.divergence(d.kind().name());
      Decided decided = decideOne(d, inSegment);
      inSegment += decided.actions().size();
      counts.repairsPlanned += decided.actions().size();
      counts.finding(new ReconcileReport.Finding(d.key().toString(), d.kind().name(), d.checker(), d.detail(), decided.decision()));
      for (RepairAction a : decided.actions()) {
        if (settings.mode() != Mode.REPORT_ONLY) {
          counts.planLine(a.toString());
        }
        trail.planned(a, decided.decision());
      }
      out.add(decided);
    }
    return out;
  }

  private Decided decideOne(Divergence d, long inSegment) {
    if (!detector.repairable(d)) {
      counts.decision("report");
      return new Decided(d, "report: checker " + d.checker() + " only observes", List.of(), false);
    }
    if (counts.escalation != null && settings.mode() != Mode.REPORT_ONLY) {
      counts.decision("escalate");
      counts.escalated++;
      return new Decided(d, "escalate: the run escalated (divergence ratio above the limit)", List.of(), false);
    }
    Resolution res = settings.resolver().resolve(d).orElseGet(() -> new Resolution.Escalate(abstained(d)));
    res = guardEmptySource(d, res);
    List<RepairAction> planned = new ArrayList<>(Planner.plan(d, res));
    // Actions a target could never hold are refused here, per row, before anything is written.
    List<String> unwritable = new ArrayList<>();
    if (settings.mode() != Mode.REPORT_ONLY) {
      for (RepairAction action : List.copyOf(planned)) {
        Optional<String> why = byId.get(action.target()).unwritable(action);
        if (why.isPresent()) {
          planned.remove(action);
          counts.unwritable++;
          unwritable.add("not written to " + action.target() + ": " + why.get());
          trail.skipped(action, "unwritable: " + why.get());
        }
      }
    }
    Limits limits = settings.limits();
    if (!planned.isEmpty()
        && (counts.repairsPlanned + planned.size() > limits.maxRepairsPerRun()
            || inSegment + planned.size() > limits.maxRepairsPerSegment())) {
      res = new Resolution.Skip("repair limit reached (" + limits + ")");
      counts.skipped += planned.size();
      for (RepairAction action : planned) {
        trail.skipped(action, "repair limit reached (" + limits + ")");
      }
      planned = List.of();
    }
    counts.decision(Planner.kind(res));
    if (res instanceof Resolution.Escalate) {
      counts.escalated++;
    }
    String decision = Planner.describe(res) + (unwritable.isEmpty() ? "" : "; " + String.join("; ", unwritable));
    return new Decided(d, decision, List.copyOf(planned), !unwritable.isEmpty());
  }

  /** Why no resolver decided: for last writer wins alone, the side that carries no timestamp. */
  private String abstained(Divergence d) {
    if (settings.resolver() == Resolvers.lastWriterWins()) {
      for (Divergence.Side side : d.sides()) {
        if (side.entry() != null && side.entry().version().timestamp() == null) {
          return "lastWriterWins() cannot order this write: store " + side.store()
              + " holds it without a version timestamp; give the stores a version field or choose another resolver";
        }
      }
    }
    return "no resolver decided";
  }

  /** Never delete from a store because the winning side is an empty (or emptied) store. */
  private Resolution guardEmptySource(Divergence d, Resolution res) {
    if (res instanceof Resolution.TakeSide t && d.entryIn(t.store()).isEmpty()) {
      Store winner = byId.get(t.store());
      if (winner != null && storeRows.computeIfAbsent(winner.id(), id -> winner.digest(KeyRange.all()).count()) == 0) {
        return new Resolution.Escalate("store " + t.store() + " is empty; refusing to delete from the others because of it");
      }
    }
    return res;
  }
}
