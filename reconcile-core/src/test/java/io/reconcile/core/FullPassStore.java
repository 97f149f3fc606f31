package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A store shaped like a compacted topic read without an index: every read call is one pass over all
 * of its data whatever it asks for (counted in {@link #passes}), scans come in no particular order,
 * and nothing is hashed where the data lives. Writes go to the wrapped store.
 */
final class FullPassStore extends ForwardingStore {

  final AtomicInteger passes = new AtomicInteger();
  private final Random shuffle;

  FullPassStore(Store delegate, long seed) {
    super(delegate);
    this.shuffle = new Random(seed);
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.copyOf(delegate().capabilities());
    c.removeAll(EnumSet.of(Capability.KEY_INDEX, Capability.ORDERED_SCAN, Capability.SERVER_SIDE_DIGEST));
    return c;
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    passes.incrementAndGet();
    return delegate().segments(range, maxSegments);
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    passes.incrementAndGet();
    return delegate().digest(ranges, scheme);
  }

  @Override
  public Digest digest(KeyRange range) {
    passes.incrementAndGet();
    return delegate().digest(range);
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return scan(List.of(range));
  }

  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    passes.incrementAndGet();
    List<Entry> all = new ArrayList<>();
    try (Stream<Entry> s = delegate().scan(ranges)) {
      s.forEach(all::add);
    }
    synchronized (shuffle) {
      Collections.shuffle(all, shuffle);
    }
    return all.stream();
  }

  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    passes.incrementAndGet();
    return delegate().rowHashes(ranges, scheme);
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    passes.incrementAndGet();
    return delegate().get(keys);
  }
}
