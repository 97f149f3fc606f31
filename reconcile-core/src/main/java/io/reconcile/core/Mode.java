package io.reconcile.core;

/** What a run may do once it has decided. Nothing writes unless the caller asks for {@link #APPLY}. */
public enum Mode {
  /** Detect and decide, report; write nothing. The default. */
  REPORT_ONLY,
  /** Also render the exact repair plan (every action with its precondition); write nothing. */
  DRY_RUN,
  /** Carry out the plan: conditional, batched, audited writes, then verify. */
  APPLY
}
