package io.reconcile.core;

import io.reconcile.api.Key;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Decider.Decided;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The execute stage: writes decided actions to their targets in batches ({@link
 * RunSettings#batchSize()} per target), each action recorded in the audit log before (INTENT) and
 * after (OUTCOME, or FAILED / SKIPPED with the reason), through the {@link RepairExecutor}'s
 * retries, circuit breaker and pacing. Used by the run's conductor thread.
 */
final class Writer {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** What a write left: the keys deliberately left different, and whether anything is now in place. */
  record Written(Set<Key> leftAlone, boolean wrote) {}

  private final String runId;
  private final RunSettings settings;
  private final Map<String, ? extends Store> byId;
  private final Counts counts;
  private final Trail trail;
  private final RepairExecutor executor;

  Writer(String runId, RunSettings settings, Map<String, ? extends Store> byId, Counts counts, Trail trail, RepairExecutor executor) {
    this.runId = runId;
    this.settings = settings;
    this.byId = byId;
    this.counts = counts;
    this.trail = trail;
    this.executor = executor;
  }

  /**
   * Carries out decisions as the mode allows (only {@link Mode#APPLY} writes; other modes return
   * at once); returns the keys left different on purpose (escalated, skipped, refused, failed,
   * unwritable) and whether anything was written.
   */
  Written write(List<Decided> decided) throws InterruptedException {
    if (settings.mode() != Mode.APPLY) {
      return new Written(Set.of(), false);
    }
    Set<Key> leftAlone = new HashSet<>();
    Map<String, List<RepairAction>> byTarget = new LinkedHashMap<>();
    Map<String, Decided> byAction = new LinkedHashMap<>();
    for (Decided x : decided) {
      if (x.actions().isEmpty() || x.refusedSome()) {
        leftAlone.add(x.divergence().key());
      }
      for (RepairAction a : x.actions()) {
        byTarget.computeIfAbsent(a.target(), k -> new ArrayList<>()).add(a);
        byAction.put(a.id(), x);
      }
    }
    boolean wrote = false;
    for (Map.Entry<String, List<RepairAction>> t : byTarget.entrySet()) {
      Store target = byId.get(t.getKey());
      List<RepairAction> actions = t.getValue();
      if (!target.capabilities().contains(Capability.WRITE)) {
        skipAll(actions, "store " + t.getKey() + " is read-only", leftAlone);
        continue;
      }
      for (int from = 0; from < actions.size(); from += settings.batchSize()) {
        List<RepairAction> batch = actions.subList(from, Math.min(actions.size(), from + settings.batchSize()));
        if (executor.isOpen(target.id())) {
          skipAll(batch, "circuit open for store " + target.id() + " after repeated failures", leftAlone);
          continue;
        }
        settings.faults().at(Faults.Point.BEFORE_AUDIT_INTENT);
        for (RepairAction a : batch) {
          Decided x = byAction.get(a.id());
          trail.intent(a, x.decision(), x.divergence());
        }
        wrote |= apply(target, batch, leftAlone);
      }
    }
    return new Written(leftAlone, wrote);
  }

  /**
   * Applies again, conditionally, the actions an earlier attempt of the run intended but never
   * recorded as done, and records their outcomes: one that was written is found in place, one that
   * was not is written if its target still holds what detection saw.
   */
  void settle(List<RepairAction> unsettled) throws InterruptedException {
    Map<String, List<RepairAction>> byTarget = new LinkedHashMap<>();
    for (RepairAction a : unsettled) {
      byTarget.computeIfAbsent(a.target(), k -> new ArrayList<>()).add(a);
    }
    for (Map.Entry<String, List<RepairAction>> t : byTarget.entrySet()) {
      Store target = byId.get(t.getKey());
      List<RepairAction> actions = t.getValue();
      if (!target.capabilities().contains(Capability.WRITE)) {
        skipAll(actions, "store " + t.getKey() + " is read-only", new HashSet<>());
        continue;
      }
      for (int from = 0; from < actions.size(); from += settings.batchSize()) {
        apply(target, actions.subList(from, Math.min(actions.size(), from + settings.batchSize())), new HashSet<>());
      }
    }
  }

  /**
   * Writes batches of actions decided elsewhere (an undo's reversals), in order, each action recorded
   * as intended for {@code decision} before its batch is written.
   */
  void writeAll(List<List<RepairAction>> batches, String decision) throws InterruptedException {
    for (List<RepairAction> batch : batches) {
      batch.forEach(a -> trail.intent(a, decision, (String) null));
      apply(byId.get(batch.get(0).target()), batch, new HashSet<>());
    }
  }

  /** Applies one batch whose intents are recorded; returns whether any result is now in place. */
  private boolean apply(Store target, List<RepairAction> batch, Set<Key> leftAlone) throws InterruptedException {
    settings.faults().at(Faults.Point.BEFORE_APPLY);
    List<ActionOutcome> outcomes;
    try {
      outcomes = executor.apply(target, batch);
    } catch (RepairExecutor.BatchFailed e) {
      counts.failed += batch.size();
      counts.problem(e.getMessage());
      log.warn("[{}] {}", runId, e.getMessage());
      for (RepairAction a : batch) {
        trail.failed(a, e.getMessage());
        leftAlone.add(a.key());
      }
      return false;
    }
    settings.faults().at(Faults.Point.AFTER_APPLY);
    boolean wrote = false;
    for (ActionOutcome o : outcomes) {
      trail.outcome(o);
      switch (o.status()) {
        case APPLIED -> {
          counts.applied++;
          wrote = true;
        }
        case ALREADY_APPLIED -> {
          counts.alreadyApplied++;
          wrote = true;
        }
        case REFUSED -> {
          counts.refused++;
          leftAlone.add(o.action().key());
        }
      }
    }
    settings.faults().at(Faults.Point.AFTER_AUDIT_OUTCOME);
    return wrote;
  }

  private void skipAll(List<RepairAction> actions, String reason, Set<Key> leftAlone) {
    for (RepairAction a : actions) {
      counts.skipped++;
      leftAlone.add(a.key());
      trail.skipped(a, reason);
    }
  }
}
