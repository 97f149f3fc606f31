package io.reconcile.api.repair;

import io.reconcile.api.Entry;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What became of one {@link RepairAction} when a store applied it.
 *
 * @param action the action
 * @param status whether it wrote, found its result already in place, or was refused
 * @param found what the target held when the action was considered (null if absent); for a
 *     refused action, the unexpected state that caused the refusal
 */
public record ActionOutcome(RepairAction action, Status status, @Nullable Entry found) {

  /** The possible fates of an action. */
  public enum Status {
    /** The target held the expected state and now holds the action's result. */
    APPLIED,
    /** The target already held the action's result; nothing was written (a replay). */
    ALREADY_APPLIED,
    /** The target held something else (it changed since detection); nothing was written. */
    REFUSED
  }

  public ActionOutcome {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(status, "status");
  }
}
