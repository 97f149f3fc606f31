package io.reconcile.core.audit;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.ActionOutcome;
import io.reconcile.api.repair.RepairAction;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of the audit trail. A repair is recorded twice: an {@link Type#INTENT} before the store
 * is written (the action, with its expected before-image and its after-image, the decision and the
 * divergence that led to it) and an {@link Type#OUTCOME} after (what the store reported). Together
 * they hold enough to undo the repair. Records never hold credentials: stores appear by their ids.
 *
 * @param runId the run this record belongs to
 * @param type what happened
 * @param time when it was recorded
 * @param action the repair action (INTENT, OUTCOME), else null
 * @param decision the resolution's kind and reason (INTENT), else null
 * @param divergence the divergence's kind, checker and detail (INTENT), else null
 * @param status what the store reported (OUTCOME), else null
 * @param found what the target held when the action was considered (OUTCOME), else null
 * @param note free text for run-level records (e.g. the stores of the run, or why it ended)
 */
public record AuditRecord(
    String runId,
    Type type,
    Instant time,
    @Nullable RepairAction action,
    @Nullable String decision,
    @Nullable String divergence,
    ActionOutcome.@Nullable Status status,
    @Nullable Entry found,
    @Nullable String note) {

  /** The kinds of record. */
  public enum Type {
    RUN_STARTED,
    INTENT,
    OUTCOME,
    RUN_FINISHED,
    UNDO_STARTED,
    UNDO_FINISHED
  }

  public AuditRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
  }
}
