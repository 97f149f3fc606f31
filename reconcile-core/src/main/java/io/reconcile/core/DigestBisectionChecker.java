package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.RowHash;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.check.RowDiff;
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
 * Finds differing rows by comparing digests and narrowing down only where they differ: a range
 * whose digests agree in every store is done; one that differs is split into up to {@code fanOut}
 * parts of similar row counts (by the store holding the most rows there), all parts are digested in
 * one call per store, and only differing parts are split again. Once a part holds at most {@code
 * leafRows} rows in every store — or when most parts of a split differ, so that splitting further
 * would cost more than reading — its rows are compared row by row: by their row hashes first when
 * a store computes them where the data lives, then by the rows whose hashes differ.
 *
 * <p>With d differing rows among n, the rows read grow like d · leafRows, not n (like d when row
 * hashes are compared first), and the digests computed like d · log(n / leafRows) · fanOut. Reads only; thread-safe; one instance may check
 * many ranges at once.
 */
public final class DigestBisectionChecker implements Checker {

  /** The name divergences carry. */
  public static final String NAME = "digest-bisection";

  private final int fanOut;
  private final int leafRows;
  private final HashScheme scheme;

  /**
   * @param fanOut how many parts a differing range is split into, at least 2
   * @param leafRows at most this many rows per store are read and compared row by row, at least 1
   * @param scheme the row-hash scheme every store digests with (see {@link Store#hashSchemes()})
   * @throws IllegalArgumentException for a fan-out below 2 or leafRows below 1
   */
  public DigestBisectionChecker(int fanOut, int leafRows, HashScheme scheme) {
    if (fanOut < 2 || leafRows < 1) {
      throw new IllegalArgumentException(
          "fanOut must be >= 2 and leafRows >= 1, but were " + fanOut + " and " + leafRows);
    }
    this.fanOut = fanOut;
    this.leafRows = leafRows;
    this.scheme = scheme;
  }

  /** Fan-out 16, 256 leaf rows, canonical MD5. */
  public DigestBisectionChecker() {
    this(16, 256, HashScheme.CANONICAL_MD5);
  }

  HashScheme scheme() {
    return scheme;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void check(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    List<Store> stores = context.stores();
    List<Digest> digests = new ArrayList<>(stores.size());
    for (Store s : stores) {
      digests.add(s.digest(List.of(range), scheme).get(0));
    }
    bisect(context, range, digests, found);
  }

  /** Narrows down a range whose per-store digests are known. */
  void bisect(CheckContext context, KeyRange range, List<Digest> digests, Consumer<Divergence> found) {
    if (allEqual(digests)) {
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
      compareRows(context, range, found);
      return;
    }
    List<Store> stores = context.stores();
    // Adapt the fan-out to the segment: never more parts than leaves it could hold.
    int parts = (int) Math.max(2, Math.min(fanOut, (most + leafRows - 1) / leafRows));
    List<Segment> split = stores.get(splitter).segments(range, parts);
    if (split.size() < 2) {
      compareRows(context, range, found);
      return;
    }
    List<KeyRange> ranges = new ArrayList<>(split.size());
    for (Segment s : split) {
      ranges.add(s.range());
    }
    List<List<Digest>> byStore = new ArrayList<>(stores.size());
    for (Store s : stores) {
      byStore.add(s.digest(ranges, scheme));
    }
    List<Integer> differing = new ArrayList<>();
    for (int p = 0; p < ranges.size(); p++) {
      for (int s = 1; s < stores.size(); s++) {
        if (!byStore.get(s).get(p).equals(byStore.get(0).get(p))) {
          differing.add(p);
          break;
        }
      }
    }
    // When most parts differ, reading the rows is cheaper than splitting further.
    if (differing.size() * 2 > ranges.size() && most <= (long) leafRows * fanOut) {
      compareRows(context, range, found);
      return;
    }
    for (int p : differing) {
      List<Digest> partDigests = new ArrayList<>(stores.size());
      for (List<Digest> ds : byStore) {
        partDigests.add(ds.get(p));
      }
      bisect(context, ranges.get(p), partDigests, found);
    }
  }

  private static boolean allEqual(List<Digest> digests) {
    for (int i = 1; i < digests.size(); i++) {
      if (!digests.get(i).equals(digests.get(0))) {
        return false;
      }
    }
    return true;
  }

  /** Reads the range from every store and reports each key whose rows differ. */
  private void compareRows(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    compareRows(context, List.of(range), found);
  }

  /**
   * Compares the ranges (ascending) row by row in every store and reports each key whose rows
   * differ, in key order, without a round trip per range. When some store hashes where its data
   * lives ({@link Capability#SERVER_SIDE_DIGEST}) and every store scans in key order, the stores'
   * {@linkplain Store#rowHashes row hashes} are compared first and only the rows whose hashes
   * differ are fetched, with one look-up per store per {@value #FETCHED_PER_LOOKUP} keys; otherwise
   * the rows are read with one {@link Store#scan(List)} each.
   */
  void compareRows(CheckContext context, List<KeyRange> ranges, Consumer<Divergence> found) {
    List<Store> stores = context.stores();
    var now = context.clock().instant();
    boolean ordered = stores.stream().allMatch(s -> s.capabilities().contains(Capability.ORDERED_SCAN));
    if (ordered && stores.stream().anyMatch(s -> s.capabilities().contains(Capability.SERVER_SIDE_DIGEST))) {
      fetchDiffering(stores, differingKeys(stores, ranges), now, found);
      return;
    }
    if (ordered) {
      mergeOrdered(stores, ranges, now, found);
      return;
    }
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
    reportDiffering(stores, rows, keys, now, found);
  }

  /** Reports each of {@code keys} whose rows (each store's, by key; absent if missing) differ. */
  private static void reportDiffering(
      List<Store> stores, List<Map<Key, Entry>> rows, Collection<Key> keys, Instant now, Consumer<Divergence> found) {
    for (Key k : keys) {
      List<Divergence.Side> sides = new ArrayList<>(stores.size());
      for (int i = 0; i < stores.size(); i++) {
        sides.add(new Divergence.Side(stores.get(i).id(), rows.get(i).get(k)));
      }
      RowDiff.compare(k, sides, NAME, now).ifPresent(found);
    }
  }

  /** Keys looked up per store per call when fetching the rows whose hashes differ. */
  static final int FETCHED_PER_LOOKUP = 1_000;

  /**
   * The keys of the ranges whose row hashes are not the same in every store (absent from some, or
   * hashed differently), in key order: the stores' key-ordered hash streams walked side by side.
   */
  private List<Key> differingKeys(List<Store> stores, List<KeyRange> ranges) {
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
  private static void fetchDiffering(List<Store> stores, List<Key> keys, Instant now, Consumer<Divergence> found) {
    for (int from = 0; from < keys.size(); from += FETCHED_PER_LOOKUP) {
      List<Key> batch = keys.subList(from, Math.min(keys.size(), from + FETCHED_PER_LOOKUP));
      List<Map<Key, Entry>> rows = new ArrayList<>(stores.size());
      for (Store s : stores) {
        rows.add(s.get(batch));
      }
      reportDiffering(stores, rows, batch, now, found);
    }
  }

  /** Walks the stores' key-ordered rows side by side: one comparison per row, no sorting. */
  private static void mergeOrdered(
      List<Store> stores, List<KeyRange> ranges, Instant now, Consumer<Divergence> found) {
    List<List<Entry>> rows = new ArrayList<>(stores.size());
    for (Store s : stores) {
      try (Stream<Entry> scan = s.scan(ranges)) {
        rows.add(scan.toList());
      }
    }
    int[] at = new int[stores.size()];
    while (true) {
      Key next = null;
      for (int i = 0; i < stores.size(); i++) {
        if (at[i] < rows.get(i).size()) {
          Key k = rows.get(i).get(at[i]).key();
          if (next == null || k.compareTo(next) < 0) {
            next = k;
          }
        }
      }
      if (next == null) {
        return;
      }
      List<Divergence.Side> sides = new ArrayList<>(stores.size());
      for (int i = 0; i < stores.size(); i++) {
        Entry e = null;
        if (at[i] < rows.get(i).size() && rows.get(i).get(at[i]).key().equals(next)) {
          e = rows.get(i).get(at[i]++);
        }
        sides.add(new Divergence.Side(stores.get(i).id(), e));
      }
      RowDiff.compare(next, sides, NAME, now).ifPresent(found);
    }
  }

  /** Whether a range with these per-store digests is compared row by row at once. */
  boolean isLeaf(List<Digest> digests) {
    return digests.stream().mapToLong(Digest::count).max().orElse(0) <= leafRows;
  }
}
