package io.reconcile.core.audit;

import io.reconcile.api.Entry;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One line of the audit trail. A repair is recorded twice: an {@link Type#INTENT} before the store
 * is written (the action, with its expected before-image and its after-image, the decision and the
 * divergence that led to it) and an {@link Type#OUTCOME} after (what the store reported, with the
 * whole row it changed). Together they hold enough to undo the repair. An action that was never
 * written says so in a {@link Type#FAILED} or {@link Type#SKIPPED} record. Records never hold
 * credentials: stores appear by their ids and their {@linkplain
 * io.reconcile.api.store.Store#fingerprint() fingerprints}, which hold no secrets.
 *
 * @param runId the run this record belongs to
 * @param type what happened
 * @param time when it was recorded
 * @param action the repair action (INTENT, OUTCOME, FAILED, SKIPPED), else null
 * @param decision the resolution's kind and reason (INTENT), else null
 * @param divergence the divergence's kind, checker and detail (INTENT), else null
 * @param status what the store reported (OUTCOME), else null
 * @param found what the target held when the action was considered (OUTCOME), else null
 * @param note free text without row values: the stores of the run (RUN_STARTED), why an action
 *     was not written (FAILED, SKIPPED), the counts of the run (RUN_FINISHED)
 * @param foundRow the whole row, every field as stored, that an applied action changed, as the
 *     store reported it in {@link ActionOutcome#foundRow()} (OUTCOME), else null
 * @param fingerprints each store's {@linkplain io.reconcile.api.store.Store#fingerprint()
 *     fingerprint} by store id (RUN_STARTED, UNDO_STARTED), else empty; an empty fingerprint means
 *     the store could not tell where its data lives. Never null; unmodifiable, in the order given
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
    @Nullable String note,
    @Nullable Map<String, Value> foundRow,
    Map<String, Map<String, String>> fingerprints) {

  /** The kinds of record. */
  public enum Type {
    /** A run started (not written again when it resumes); carries the stores' fingerprints. */
    RUN_STARTED,
    /** An action is about to be written. */
    INTENT,
    /** What the store reported for an intended action. */
    OUTCOME,
    /** An intended action's batch failed; nothing of it was written. The note says why. */
    FAILED,
    /**
     * A planned action was not attempted: a limit, a read-only target, an open circuit, or a value
     * the target cannot hold (then the note starts with {@code "unwritable: "}). The note says why.
     */
    SKIPPED,
    /**
     * The run finished; the note counts what happened to its actions: {@code "applied A, already
     * applied B, refused C, skipped D, unwritable E, failed F, escalated G"}.
     */
    RUN_FINISHED,
    UNDO_STARTED,
    UNDO_FINISHED
  }

  public AuditRecord {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(fingerprints, "fingerprints");
    if (foundRow != null) {
      foundRow = Collections.unmodifiableMap(new LinkedHashMap<>(foundRow));
    }
    Map<String, Map<String, String>> copy = new LinkedHashMap<>();
    fingerprints.forEach((store, parts) -> copy.put(store, Collections.unmodifiableMap(new LinkedHashMap<>(parts))));
    fingerprints = Collections.unmodifiableMap(copy);
  }

  /** A record without a found row and without fingerprints (every record but OUTCOME and RUN_STARTED). */
  public AuditRecord(
      String runId,
      Type type,
      Instant time,
      @Nullable RepairAction action,
      @Nullable String decision,
      @Nullable String divergence,
      ActionOutcome.@Nullable Status status,
      @Nullable Entry found,
      @Nullable String note) {
    this(runId, type, time, action, decision, divergence, status, found, note, null, Map.of());
  }
}
