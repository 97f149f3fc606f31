package io.reconcile.core;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import java.util.List;
import java.util.function.Consumer;

/**
 * A store decorator that injects faults at the write boundary, for the simulation: transient
 * failures before or after the write, duplicated applies, and a concurrent writer that strikes
 * just before the first repair batch, at a key of that batch.
 */
final class FaultyStore extends ForwardingStore {

  int failBeforeWrite;
  int failAfterWrite;
  boolean duplicateApply;
  Consumer<List<RepairAction>> concurrentWriter;

  FaultyStore(Store delegate) {
    super(delegate);
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    if (concurrentWriter != null) {
      Consumer<List<RepairAction>> w = concurrentWriter;
      concurrentWriter = null;
      w.accept(actions);
    }
    if (failBeforeWrite > 0) {
      failBeforeWrite--;
      throw new ReconcileException.StoreUnavailableException("injected: connection reset before the write", true);
    }
    List<ActionOutcome> out = delegate().apply(actions);
    if (duplicateApply) {
      delegate().apply(actions);
    }
    if (failAfterWrite > 0) {
      failAfterWrite--;
      throw new ReconcileException.StoreUnavailableException("injected: connection reset after the write", true);
    }
    return out;
  }
}
