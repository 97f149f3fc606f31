package io.reconcile.benchmarks;

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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * Counts a store's calls, the time spent in them and the rows they covered, by kind, to show where
 * a run's time goes: a digest covers the rows it counts (the store read each of them, in the
 * database where digests are pushed down), a scan or a look-up the rows it returned.
 */
final class CallTimes extends ForwardingStore {

  /** Per kind of call: calls, nanoseconds, rows. */
  private final Map<String, LongAdder[]> calls = new ConcurrentHashMap<>();

  CallTimes(Store delegate) {
    super(delegate);
  }

  private <T> T timed(String kind, Supplier<T> call) {
    return timed(kind, call, result -> 0);
  }

  private <T> T timed(String kind, Supplier<T> call, ToLongFunction<T> rows) {
    long t0 = System.nanoTime();
    T result = null;
    try {
      result = call.get();
      return result;
    } finally {
      LongAdder[] c = calls.computeIfAbsent(kind, k -> new LongAdder[] {new LongAdder(), new LongAdder(), new LongAdder()});
      c[0].increment();
      c[1].add(System.nanoTime() - t0);
      if (result != null) {
        c[2].add(rows.applyAsLong(result));
      }
    }
  }

  /** Rows the calls of every kind covered so far. */
  long rows() {
    return calls.values().stream().mapToLong(c -> c[2].sum()).sum();
  }

  /** Rows the calls of one kind ({@code digest}, {@code scan}, ...) covered so far. */
  long rows(String kind) {
    LongAdder[] c = calls.get(kind);
    return c == null ? 0 : c[2].sum();
  }

  /** Nanoseconds spent in calls of one kind so far. */
  long nanos(String kind) {
    LongAdder[] c = calls.get(kind);
    return c == null ? 0 : c[1].sum();
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    return timed("segments", () -> super.segments(range, maxSegments));
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    return timed("digest", () -> super.digest(ranges, scheme), ds -> ds.stream().mapToLong(Digest::count).sum());
  }

  @Override
  public Digest digest(KeyRange range) {
    return timed("digest", () -> super.digest(range), Digest::count);
  }

  /** Times the whole scan: the rows are read before the stream is returned. */
  @Override
  public Stream<Entry> scan(KeyRange range) {
    return timed("scan", () -> {
      try (Stream<Entry> rows = super.scan(range)) {
        return rows.toList();
      }
    }, List::size).stream();
  }

  /** Times the whole scan: the rows are read before the stream is returned. */
  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    return timed("scan(ranges)", () -> {
      try (Stream<Entry> rows = delegate().scan(ranges)) {
        return rows.toList();
      }
    }, List::size).stream();
  }

  /** Times the whole read: the hashes are read before the stream is returned. */
  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    return timed("rowHashes", () -> {
      try (Stream<KeyHash> hashes = delegate().rowHashes(ranges, scheme)) {
        return hashes.toList();
      }
    }, List::size).stream();
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    return timed("get", () -> super.get(keys), Map::size);
  }

  /** E.g. {@code left: digest 216 calls 1,043 ms 2,000,000 rows; scan 272 calls 1,864 ms 69,632 rows;}. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder(id()).append(':');
    new TreeMap<>(calls).forEach((kind, c) -> out.append(String.format(
        " %s %,d calls %,d ms %,d rows;", kind, c[0].sum(), c[1].sum() / 1_000_000, c[2].sum())));
    return out.toString();
  }
}
