package io.reconcile.core.check;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** Splitting a range by a store's segment boundaries, and finding the first key of a range. */
final class Parts {

  private Parts() {}

  /**
   * {@code range} cut at the lower bounds of {@code store}'s segments into at most {@code max}
   * adjacent parts that cover exactly {@code range}. Boundaries outside the range or out of order
   * (segment boundaries are estimates) are dropped rather than trusted.
   */
  static List<KeyRange> of(Store store, KeyRange range, int max) {
    List<Segment> segments = store.segments(range, max);
    List<Key> cuts = new ArrayList<>();
    for (int i = 1; i < segments.size() && cuts.size() < max - 1; i++) {
      Key cut = segments.get(i).range().lo();
      Key previous = cuts.isEmpty() ? range.lo() : cuts.get(cuts.size() - 1);
      if (cut != null && range.contains(cut) && (previous == null || previous.compareTo(cut) < 0)) {
        cuts.add(cut);
      }
    }
    return range.split(cuts);
  }

  /**
   * The smallest key {@code store} holds in {@code range}: the first of an ordered scan, or the
   * minimum of a full scan of the range when the store scans unordered. Closes the scan.
   */
  static Optional<Key> firstKey(Store store, KeyRange range) {
    try (Stream<Entry> s = store.scan(range)) {
      Stream<Key> keys = s.map(Entry::key);
      return store.capabilities().contains(Capability.ORDERED_SCAN)
          ? keys.findFirst()
          : keys.min(Key::compareTo);
    }
  }
}
