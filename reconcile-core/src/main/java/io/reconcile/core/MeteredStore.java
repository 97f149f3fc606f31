package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Counts what a store served to this run: rows, digests and an estimate of bytes (a digest is 24
 * bytes; a row its canonical encoding). Checkers see only this wrapper, so whatever they read is
 * counted.
 */
final class MeteredStore extends ForwardingStore {

  private static final int DIGEST_BYTES = 24;

  final LongAdder rows = new LongAdder();
  final LongAdder digests = new LongAdder();
  final LongAdder bytes = new LongAdder();

  MeteredStore(Store delegate) {
    super(delegate);
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    List<Segment> s = delegate().segments(range, maxSegments);
    bytes.add((long) s.size() * DIGEST_BYTES);
    return s;
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    List<Digest> d = delegate().digest(ranges, scheme);
    digests.add(d.size());
    bytes.add((long) d.size() * DIGEST_BYTES);
    return d;
  }

  @Override
  public Digest digest(KeyRange range) {
    Digest d = delegate().digest(range);
    digests.increment();
    bytes.add(DIGEST_BYTES);
    return d;
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return delegate().scan(range).peek(this::count);
  }

  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    return delegate().scan(ranges).peek(this::count);
  }

  /** A hash is metered as the bytes it moves, not as a row read. */
  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    return delegate().rowHashes(ranges, scheme).peek(h -> bytes.add(DIGEST_BYTES));
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    Map<Key, Entry> found = delegate().get(keys);
    found.values().forEach(this::count);
    return found;
  }

  private void count(Entry e) {
    rows.increment();
    bytes.add(e.encodedLength());
  }

  /** The metered store itself, for writes, which are not metered. */
  Store unwrapped() {
    return delegate();
  }

  /** The run never closes the caller's stores. */
  @Override
  public void close() {}
}
