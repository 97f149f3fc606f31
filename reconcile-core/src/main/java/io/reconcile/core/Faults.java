package io.reconcile.core;

/**
 * Points in a run where a simulation may inject a crash (by throwing). Production runs use {@link
 * #NONE}.
 */
@FunctionalInterface
interface Faults {
  Faults NONE = point -> {};

  /** Called at each named point; throwing aborts the run there, as a crash would. */
  void at(Point point);

  /** The points, in the order a repair passes them. */
  enum Point {
    AFTER_DETECT,
    BEFORE_AUDIT_INTENT,
    BEFORE_APPLY,
    AFTER_APPLY,
    AFTER_AUDIT_OUTCOME,
    DURING_VERIFY,
    AFTER_CHECKPOINT,
    /** A watch cycle polled its feeds and marked leaves dirty, and has not saved its state yet. */
    WATCH_AFTER_POLL,
    /** A watch cycle saved its state and has not committed the feeds' positions yet. */
    WATCH_AFTER_SAVE,
    /** A watch cycle committed the feeds' positions. */
    WATCH_AFTER_COMMIT,
    /** A watch cycle digested its leaves and has not acted on what differs yet. */
    WATCH_AFTER_CHECK
  }
}
