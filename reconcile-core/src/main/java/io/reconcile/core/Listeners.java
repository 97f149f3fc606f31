package io.reconcile.core;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Tells a listener of a run; a listener's failure is logged and otherwise ignored. */
final class Listeners {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private Listeners() {}

  static void safely(String runId, ReconcileListener listener, Consumer<ReconcileListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      log.warn("[{}] a listener failed: {}", runId, e.toString());
    }
  }
}
