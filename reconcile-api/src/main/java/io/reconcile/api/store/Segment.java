package io.reconcile.api.store;

import io.reconcile.api.KeyRange;
import io.reconcile.api.Key;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A key range with the number of entries a store expects in it, from statistics, sampling or an
 * exact count.
 *
 * @param range the key range
 * @param estimatedCount the expected number of entries, never negative; an estimate unless the
 *     store says otherwise
 */
public record Segment(KeyRange range, long estimatedCount) {
  public Segment {
    Objects.requireNonNull(range, "range");
    if (estimatedCount < 0) {
      throw new IllegalArgumentException(
          "a segment's estimated count must be >= 0, but was " + estimatedCount);
    }
  }

  /**
   * Cuts {@code range} into at most {@code maxSegments} adjacent segments of about equal, exact
   * counts, for a store that can list the keys of a range in order (a sorted index): what {@link
   * Store#segments} returns, covering the range, the first starting at its lower bound and the last
   * ending at its upper bound. Reads the keys once; keeps only the segments. The counts are those of
   * the keys read, so a {@code count} taken a moment earlier (keys inserted or deleted since) only
   * makes the shares a little uneven.
   *
   * @param range the range cut
   * @param count how many keys {@code keys} yields, or about
   * @param maxSegments the most segments, at least 1 (fewer when there are fewer keys)
   * @param keys the keys of the range, in ascending order, each once
   * @throws IllegalArgumentException if {@code maxSegments} is less than 1
   */
  public static List<Segment> ofKeys(KeyRange range, long count, int maxSegments, Iterator<Key> keys) {
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1, but was " + maxSegments);
    }
    int parts = (int) Math.max(1, Math.min(maxSegments, count));
    if (parts == 1) {
      return List.of(new Segment(range, count));
    }
    List<Segment> out = new ArrayList<>(parts);
    Key from = range.lo();
    long inSegment = 0;
    long seen = 0;
    while (keys.hasNext()) {
      Key k = keys.next();
      // Cut before the key that starts segment number out.size() + 1 of equal shares.
      long boundary = (out.size() + 1) * count / parts;
      if (seen >= boundary && out.size() < parts - 1 && (from == null || from.compareTo(k) < 0)) {
        out.add(new Segment(KeyRange.of(from, k), inSegment));
        from = k;
        inSegment = 0;
      }
      inSegment++;
      seen++;
    }
    out.add(new Segment(KeyRange.of(from, range.hi()), inSegment));
    return List.copyOf(out);
  }
}
