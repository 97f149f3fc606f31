package io.reconcile.api.store;

import io.reconcile.api.Entry;
import io.reconcile.api.Value;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What became of one {@link RepairAction} when a store applied it.
 *
 * @param action the action
 * @param status whether it wrote, found its result already in place, or was refused
 * @param found what the target held when the action was considered (null if absent); for a
 *     refused action, the unexpected state that caused the refusal
 * @param foundRow the whole record the target held before an applied action changed it, every
 *     field as stored (before normalisation, compared or not), so that an undo can restore it
 *     exactly; null when the target held nothing, when nothing was written, or when the store keeps
 *     no more than the entry (then {@code found} is the before-image)
 */
public record ActionOutcome(
    RepairAction action, Status status, @Nullable Entry found, @Nullable Map<String, Value> foundRow) {

  /** The possible fates of an action, as {@link RepairAction#statusFor} decides them. */
  public enum Status {
    /** The target held the expected state and now holds the action's result. */
    APPLIED,
    /**
     * The target already held the action's result — its data, and its version where the store
     * keeps versions — so nothing was written (a replay).
     */
    ALREADY_APPLIED,
    /** The target held something else (it changed since detection); nothing was written. */
    REFUSED
  }

  public ActionOutcome {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(status, "status");
    if (foundRow != null) {
      foundRow = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(foundRow));
    }
  }

  /** An outcome whose store keeps no more of a record than its entry ({@code foundRow} null). */
  public ActionOutcome(RepairAction action, Status status, @Nullable Entry found) {
    this(action, status, found, null);
  }
}
