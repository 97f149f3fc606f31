package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.ActionOutcome;
import io.reconcile.api.repair.RepairAction;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A store decorator that injects faults at the write boundary, for the simulation: transient
 * failures before or after the write, duplicated applies, and a concurrent writer that strikes
 * just before the first repair batch.
 */
final class FaultyStore implements Store {

  private final Store delegate;
  int failBeforeWrite;
  int failAfterWrite;
  boolean duplicateApply;
  Runnable concurrentWriter;

  FaultyStore(Store delegate) {
    this.delegate = delegate;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Set<HashScheme> hashSchemes() {
    return delegate.hashSchemes();
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    return delegate.segments(range, maxSegments);
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    return delegate.digest(ranges, scheme);
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return delegate.scan(range);
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    return delegate.get(keys);
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    if (concurrentWriter != null) {
      Runnable w = concurrentWriter;
      concurrentWriter = null;
      w.run();
    }
    if (failBeforeWrite > 0) {
      failBeforeWrite--;
      throw new ReconcileException.StoreUnavailableException("injected: connection reset before the write", true);
    }
    List<ActionOutcome> out = delegate.apply(actions);
    if (duplicateApply) {
      delegate.apply(actions);
    }
    if (failAfterWrite > 0) {
      failAfterWrite--;
      throw new ReconcileException.StoreUnavailableException("injected: connection reset after the write", true);
    }
    return out;
  }

  @Override
  public void close() {
    delegate.close();
  }
}
