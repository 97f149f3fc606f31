package io.reconcile.core.check;

import io.reconcile.api.Entry;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Wraps a store, counting scans opened and closed and writes attempted; optionally hides the
 * {@link Capability#ORDERED_SCAN} capability and scans in reverse key order.
 */
final class TrackingStore extends ForwardingStore {

  final AtomicInteger scansOpened = new AtomicInteger();
  final AtomicInteger scansClosed = new AtomicInteger();
  final AtomicInteger writes = new AtomicInteger();
  private final boolean unordered;

  TrackingStore(Store delegate, boolean unordered) {
    super(delegate);
    this.unordered = unordered;
  }

  static TrackingStore of(Store delegate) {
    return new TrackingStore(delegate, false);
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.copyOf(delegate().capabilities());
    if (unordered) {
      c.remove(Capability.ORDERED_SCAN);
    }
    return c;
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    scansOpened.incrementAndGet();
    if (!unordered) {
      return delegate().scan(range).onClose(scansClosed::incrementAndGet);
    }
    List<Entry> all;
    try (Stream<Entry> s = delegate().scan(range)) {
      all = new ArrayList<>(s.toList());
    }
    Collections.reverse(all);
    return all.stream().onClose(scansClosed::incrementAndGet);
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    writes.incrementAndGet();
    return delegate().apply(actions);
  }
}
