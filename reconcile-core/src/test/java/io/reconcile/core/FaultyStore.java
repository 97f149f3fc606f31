package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A store decorator that injects faults at the write boundary, for the simulation: transient
 * failures before or after the write, duplicated applies, and a concurrent writer that strikes
 * just before the first repair batch (or, with {@code strikeAtReread}, as the engine reads the first
 * batch's targets again before writing to a store without compare-and-set — a read on the thread
 * that set it, which runs the run's writes, while detection reads on the run's pool), at the first
 * key of that batch.
 */
final class FaultyStore extends ForwardingStore {

  int failBeforeWrite;
  int failAfterWrite;
  boolean duplicateApply;
  Consumer<Key> concurrentWriter;
  private Thread writer;

  FaultyStore(Store delegate) {
    super(delegate);
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    if (writer == null) {
      strike(actions.get(0).key());
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

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    if (writer == Thread.currentThread() && !keys.isEmpty()) {
      strike(keys.iterator().next());
    }
    return delegate().get(keys);
  }

  /** Strikes at the re-read of the first batch (read on this thread) instead of at its write. */
  void strikeAtReread() {
    writer = Thread.currentThread();
  }

  private void strike(Key key) {
    if (concurrentWriter != null) {
      Consumer<Key> w = concurrentWriter;
      concurrentWriter = null;
      w.accept(key);
    }
  }
}
