package io.reconcile.core;

import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import java.time.Clock;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where what becomes of each repair action is told: the audit log (in {@link Mode#APPLY}, before and
 * after every write, and for every action not written) and the listener (in {@link Mode#DRY_RUN}
 * and {@link Mode#APPLY}). Reasons hold no row values. Used by one thread of a run at a time.
 */
final class Trail {

  private final String runId;
  private final Mode mode;
  private final AuditLog audit;
  private final ReconcileListener listener;
  private final Clock clock;

  Trail(String runId, Mode mode, AuditLog audit, ReconcileListener listener, Clock clock) {
    this.runId = runId;
    this.mode = mode;
    this.audit = audit;
    this.listener = listener;
    this.clock = clock;
  }

  /** An action was planned to carry out a decision (nothing written yet). */
  void planned(RepairAction action, String decision) {
    if (mode != Mode.REPORT_ONLY) {
      Listeners.safely(runId, listener, l -> l.repairPlanned(runId, action, decision));
    }
  }

  /** A planned action is not attempted, and why. */
  void skipped(RepairAction action, String reason) {
    if (mode == Mode.APPLY) {
      audit.append(new AuditRecord(runId, AuditRecord.Type.SKIPPED, clock.instant(), action, null, null, null, null, reason));
    }
    if (mode != Mode.REPORT_ONLY) {
      Listeners.safely(runId, listener, l -> l.repairSkipped(runId, action, reason));
    }
  }

  /** An action is about to be written, with the decision and the divergence that led to it. */
  void intent(RepairAction action, String decision, Divergence d) {
    intent(action, decision, d.kind() + " by " + d.checker() + ": " + d.detail());
  }

  /** An action is about to be written, with the decision and, when one led to it, the divergence. */
  void intent(RepairAction action, String decision, @Nullable String divergence) {
    audit.append(new AuditRecord(runId, AuditRecord.Type.INTENT, clock.instant(), action, decision, divergence, null, null, null));
  }

  /** What a store reported for an intended action. */
  void outcome(ActionOutcome o) {
    audit.append(new AuditRecord(runId, AuditRecord.Type.OUTCOME, clock.instant(), o.action(), null, null,
        o.status(), o.found(), null, o.foundRow(), Map.of()));
    switch (o.status()) {
      case APPLIED, ALREADY_APPLIED -> Listeners.safely(runId, listener, l -> l.repairApplied(runId, o));
      case REFUSED -> Listeners.safely(runId, listener, l -> l.repairSkipped(runId, o.action(), "the target changed since detection"));
    }
  }

  /** An action's batch failed; the reason holds no values. */
  void failed(RepairAction action, String reason) {
    audit.append(new AuditRecord(runId, AuditRecord.Type.FAILED, clock.instant(), action, null, null, null, null, reason));
  }
}
