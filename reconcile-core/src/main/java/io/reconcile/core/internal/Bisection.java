package io.reconcile.core.internal;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.RowHash;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Digest bisection over a fixed set of stores: a range whose digests agree in every store is done;
 * one that differs is split into up to {@code fanOut} parts of similar row counts (by the store
 * holding the most rows there), all parts are digested in one call per store, and only differing
 * parts are split again. Once a part holds at most {@code leafRows} rows in every store — or when
 * most parts of a split differ, so that splitting further would cost more than reading — its rows
 * are compared row by row ({@link #compareRows}).
 *
 * <p>With d differing rows among n, the rows read grow like d · leafRows (like d when row hashes
 * are compared first), the digests computed like d · log(n / leafRows) · fanOut. Reads only;
 * thread-safe; one instance may work on many ranges at once. Divergences are reported in key
 * order, each as soon as it is known.
 *
 * <p>Internal: the engine's detection stage and {@code DigestBisectionChecker} share it.
 */
public final class Bisection {

  /** Keys looked up per store per call when fetching the rows whose hashes differ. */
  static final int FETCHED_PER_LOOKUP = 1_000;

  private final List<Store> stores;
  private final HashScheme scheme;
  private final int fanOut;
  private final int leafRows;
  private final String checker;
  private final Clock clock;

  /**
   * @param stores the stores compared, reference first
   * @param scheme the row-hash scheme every store digests with
   * @param fanOut how many parts a differing range is split into, at least 2
   * @param leafRows at most this many rows per store are read and compared row by row, at least 1
   * @param checker the checker name the divergences carry
   * @param clock stamps the divergences
   * @throws IllegalArgumentException for a fan-out below 2 or leafRows below 1
   */
  public Bisection(List<Store> stores, HashScheme scheme, int fanOut, int leafRows, String checker, Clock clock) {
    if (fanOut < 2 || leafRows < 1) {
      throw new IllegalArgumentException(
          "fanOut must be >= 2 and leafRows >= 1, but were " + fanOut + " and " + leafRows);
    }
    this.stores = List.copyOf(stores);
    this.scheme = scheme;
    this.fanOut = fanOut;
    this.leafRows = leafRows;
    this.checker = checker;
    this.clock = clock;
  }

  /** The scheme digests are computed under. */
  public HashScheme scheme() {
    return scheme;
  }

  /** Each store's digest of each range, one call per store: {@code result.get(store).get(range)}. */
  public List<List<Digest>> digests(List<KeyRange> ranges) {
    List<List<Digest>> byStore = new ArrayList<>(stores.size());
    for (Store s : stores) {
      byStore.add(s.digest(ranges, scheme));
    }
    return byStore;
  }

  /** The digests of range {@code index} in every store, from {@link #digests}' result. */
  public static List<Digest> column(List<List<Digest>> byStore, int index) {
    List<Digest> out = new ArrayList<>(byStore.size());
    for (List<Digest> ds : byStore) {
      out.add(ds.get(index));
    }
    return out;
  }

  /** Whether every store has the same digest. */
  public static boolean agree(List<Digest> digests) {
    for (int i = 1; i < digests.size(); i++) {
      if (!digests.get(i).equals(digests.get(0))) {
        return false;
      }
    }
    return true;
  }

  /** The largest row count among the digests. */
  public static long mostRows(List<Digest> digests) {
    long most = 0;
    for (Digest d : digests) {
      most = Math.max(most, d.count());
    }
    return most;
  }

  /** Narrows down a range whose per-store digests are known, reporting what differs in it. */
  public void bisect(KeyRange range, List<Digest> digests, Consumer<Divergence> found) {
    if (agree(digests)) {
      return;
    }
    long most = 0;
    int splitter = 0;
    for (int i = 0; i < digests.size(); i++) {
      if (digests.get(i).count() > most) {
        most = digests.get(i).count();
        splitter = i;
      }
    }
    if (most <= leafRows) {
      compareRows(List.of(range), found);
      return;
    }
    // Adapt the fan-out to the range: never more parts than leaves it could hold.
    int parts = (int) Math.max(2, Math.min(fanOut, (most + leafRows - 1) / leafRows));
    List<Segment> split = stores.get(splitter).segments(range, parts);
    if (split.size() < 2) {
      compareRows(List.of(range), found);
      return;
    }
    List<KeyRange> ranges = new ArrayList<>(split.size());
    for (Segment s : split) {
      ranges.add(s.range());
    }
    List<List<Digest>> byStore = digests(ranges);
    List<Integer> differing = new ArrayList<>();
    for (int p = 0; p < ranges.size(); p++) {
      if (!agree(column(byStore, p))) {
        differing.add(p);
      }
    }
    // When most parts differ, reading the rows is cheaper than splitting further.
    if (differing.size() * 2 > ranges.size() && most <= (long) leafRows * fanOut) {
      compareRows(List.of(range), found);
      return;
    }
    for (int p : differing) {
      bisect(ranges.get(p), column(byStore, p), found);
    }
  }

  /**
   * Compares the ranges (ascending) row by row in every store and reports each key whose rows
   * differ, in key order, without a round trip per range. When every store reads key ranges by an
   * index and in key order ({@link Capability#KEY_INDEX}, {@link Capability#ORDERED_SCAN}) and
   * some store hashes where its data lives ({@link Capability#SERVER_SIDE_DIGEST}), the stores'
   * {@linkplain Store#rowHashes row hashes} are compared first and only the rows whose hashes
   * differ are fetched, one look-up per store per {@value #FETCHED_PER_LOOKUP} keys. Otherwise
   * each store's rows are read with one {@link Store#scan(List)}: merged as they stream when every
   * store scans in key order, else gathered by key (memory grows with the rows of the ranges).
   */
  public void compareRows(List<KeyRange> ranges, Consumer<Divergence> found) {
    Instant now = clock.instant();
    boolean ordered = all(Capability.ORDERED_SCAN);
    if (ordered && all(Capability.KEY_INDEX) && stores.stream().anyMatch(s -> s.capabilities().contains(Capability.SERVER_SIDE_DIGEST))) {
      fetchDiffering(differingKeys(ranges), now, found);
    } else if (ordered) {
      mergeOrdered(ranges, now, found);
    } else {
      gathered(ranges, now, found);
    }
  }

  private boolean all(Capability c) {
    return stores.stream().allMatch(s -> s.capabilities().contains(c));
  }

  /** Reports each of {@code keys} whose rows (each store's, by key; absent if missing) differ. */
  private void reportDiffering(List<Map<Key, Entry>> rows, Collection<Key> keys, Instant now, Consumer<Divergence> found) {
    for (Key k : keys) {
      List<Divergence.Side> sides = new ArrayList<>(stores.size());
      for (int i = 0; i < stores.size(); i++) {
        sides.add(new Divergence.Side(stores.get(i).id(), rows.get(i).get(k)));
      }
      RowDiff.compare(k, sides, checker, now).ifPresent(found);
    }
  }

  /**
   * The keys of the ranges whose row hashes are not the same in every store (absent from some, or
   * hashed differently), in key order: the stores' key-ordered hash streams walked side by side.
   */
  private List<Key> differingKeys(List<KeyRange> ranges) {
    List<Stream<KeyHash>> streams = new ArrayList<>(stores.size());
    try {
      List<Iterator<KeyHash>> its = new ArrayList<>(stores.size());
      for (Store s : stores) {
        Stream<KeyHash> st = s.rowHashes(ranges, scheme);
        streams.add(st);
        its.add(st.iterator());
      }
      KeyHash[] head = new KeyHash[stores.size()];
      for (int i = 0; i < head.length; i++) {
        head[i] = its.get(i).hasNext() ? its.get(i).next() : null;
      }
      List<Key> out = new ArrayList<>();
      while (true) {
        Key next = null;
        for (KeyHash h : head) {
          if (h != null && (next == null || h.key().compareTo(next) < 0)) {
            next = h.key();
          }
        }
        if (next == null) {
          return out;
        }
        RowHash first = null;
        boolean same = true;
        for (int i = 0; i < head.length; i++) {
          if (head[i] == null || !head[i].key().equals(next)) {
            same = false;
            continue;
          }
          if (first == null) {
            first = head[i].hash();
          } else if (!first.equals(head[i].hash())) {
            same = false;
          }
          head[i] = its.get(i).hasNext() ? its.get(i).next() : null;
        }
        if (!same) {
          out.add(next);
        }
      }
    } finally {
      streams.forEach(Stream::close);
    }
  }

  /** Looks the keys up in every store and reports each whose rows differ (still, when fetched). */
  private void fetchDiffering(List<Key> keys, Instant now, Consumer<Divergence> found) {
    for (int from = 0; from < keys.size(); from += FETCHED_PER_LOOKUP) {
      List<Key> batch = keys.subList(from, Math.min(keys.size(), from + FETCHED_PER_LOOKUP));
      List<Map<Key, Entry>> rows = new ArrayList<>(stores.size());
      for (Store s : stores) {
        rows.add(s.get(batch));
      }
      reportDiffering(rows, batch, now, found);
    }
  }

  /** Walks the stores' key-ordered rows side by side as they stream: one comparison per row. */
  private void mergeOrdered(List<KeyRange> ranges, Instant now, Consumer<Divergence> found) {
    List<Stream<Entry>> streams = new ArrayList<>(stores.size());
    try {
      List<Iterator<Entry>> its = new ArrayList<>(stores.size());
      for (Store s : stores) {
        Stream<Entry> st = s.scan(ranges);
        streams.add(st);
        its.add(st.iterator());
      }
      Entry[] head = new Entry[stores.size()];
      for (int i = 0; i < head.length; i++) {
        head[i] = its.get(i).hasNext() ? its.get(i).next() : null;
      }
      while (true) {
        Key next = null;
        for (Entry e : head) {
          if (e != null && (next == null || e.key().compareTo(next) < 0)) {
            next = e.key();
          }
        }
        if (next == null) {
          return;
        }
        List<Divergence.Side> sides = new ArrayList<>(stores.size());
        for (int i = 0; i < head.length; i++) {
          Entry e = null;
          if (head[i] != null && head[i].key().equals(next)) {
            e = head[i];
            head[i] = its.get(i).hasNext() ? its.get(i).next() : null;
          }
          sides.add(new Divergence.Side(stores.get(i).id(), e));
        }
        RowDiff.compare(next, sides, checker, now).ifPresent(found);
      }
    } finally {
      streams.forEach(Stream::close);
    }
  }

  /** Reads every store's rows of the ranges, in any order, and compares them by key. */
  private void gathered(List<KeyRange> ranges, Instant now, Consumer<Divergence> found) {
    List<Map<Key, Entry>> rows = new ArrayList<>(stores.size());
    TreeSet<Key> keys = new TreeSet<>();
    for (Store s : stores) {
      Map<Key, Entry> m = new TreeMap<>();
      try (Stream<Entry> scan = s.scan(ranges)) {
        scan.forEach(e -> m.put(e.key(), e));
      }
      keys.addAll(m.keySet());
      rows.add(m);
    }
    reportDiffering(rows, keys, now, found);
  }
}
