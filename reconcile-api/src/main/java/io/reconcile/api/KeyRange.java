package io.reconcile.api;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A half-open key range {@code [lo, hi)}: keys at or after {@code lo} and before {@code hi}. A
 * null bound is open: {@code lo == null} starts before every key, {@code hi == null} ends after
 * every key. Ranges are the unit of work of every stage; because {@link Key} order is the same in
 * every store, a range names the same keys everywhere.
 *
 * @param lo the inclusive lower bound, or null for no lower bound
 * @param hi the exclusive upper bound, or null for no upper bound
 */
public record KeyRange(@Nullable Key lo, @Nullable Key hi) {

  private static final KeyRange ALL = new KeyRange(null, null);

  /**
   * @throws IllegalArgumentException if both bounds are set and {@code lo} is not before {@code hi}
   */
  public KeyRange {
    if (lo != null && hi != null && lo.compareTo(hi) >= 0) {
      throw new IllegalArgumentException(
          "a key range [lo, hi) needs lo < hi, but lo was " + lo + " and hi was " + hi);
    }
  }

  /** The range of every key. */
  public static KeyRange all() {
    return ALL;
  }

  /** {@code [lo, hi)}; either bound may be null for an open end. */
  public static KeyRange of(@Nullable Key lo, @Nullable Key hi) {
    return lo == null && hi == null ? ALL : new KeyRange(lo, hi);
  }

  /** {@code [lo, +∞)}. */
  public static KeyRange atLeast(Key lo) {
    return new KeyRange(lo, null);
  }

  /** {@code [-∞, hi)}. */
  public static KeyRange below(Key hi) {
    return new KeyRange(null, hi);
  }

  /** Whether {@code key} lies in this range. */
  public boolean contains(Key key) {
    return (lo == null || lo.compareTo(key) <= 0) && (hi == null || key.compareTo(hi) < 0);
  }

  /** Whether every key of {@code other} lies in this range. */
  public boolean encloses(KeyRange other) {
    boolean loOk = lo == null || (other.lo != null && lo.compareTo(other.lo) <= 0);
    boolean hiOk = hi == null || (other.hi != null && other.hi.compareTo(hi) <= 0);
    return loOk && hiOk;
  }

  /** Whether {@code next} starts where this range ends, so that the two read as one range. */
  public boolean adjoins(KeyRange next) {
    return hi != null && hi.equals(next.lo);
  }

  /** Whether some key could lie in both ranges. */
  public boolean overlaps(KeyRange other) {
    boolean startsBeforeOtherEnds = hi == null || other.lo == null || other.lo.compareTo(hi) < 0;
    boolean otherStartsBeforeThisEnds = other.hi == null || lo == null || lo.compareTo(other.hi) < 0;
    return startsBeforeOtherEnds && otherStartsBeforeThisEnds;
  }

  /**
   * Cuts this range at the given keys into {@code cuts.size() + 1} adjacent ranges that together
   * cover exactly this range.
   *
   * @param cuts strictly ascending keys, each strictly inside this range (not equal to {@code lo})
   * @throws IllegalArgumentException if the cuts are not ascending or not inside this range
   */
  public List<KeyRange> split(List<Key> cuts) {
    List<KeyRange> out = new ArrayList<>(cuts.size() + 1);
    Key from = lo;
    for (Key cut : cuts) {
      if (!contains(cut) || (from != null && from.compareTo(cut) >= 0)) {
        throw new IllegalArgumentException(
            "cut points must be strictly ascending and inside "
                + this
                + ", but found "
                + cut
                + " after "
                + (from == null ? "the start" : from));
      }
      out.add(new KeyRange(from, cut));
      from = cut;
    }
    out.add(new KeyRange(from, hi));
    return out;
  }

  /**
   * Checks that ranges are in ascending key order and do not overlap, as {@link
   * io.reconcile.api.store.Store#digest(List, HashScheme)} requires of its argument.
   *
   * @throws IllegalArgumentException naming the first pair out of order
   */
  public static void requireAscending(List<KeyRange> ranges) {
    for (int i = 1; i < ranges.size(); i++) {
      Key prevHi = ranges.get(i - 1).hi();
      Key lo = ranges.get(i).lo();
      if (prevHi == null || lo == null || prevHi.compareTo(lo) > 0) {
        throw new IllegalArgumentException(
            "ranges must be ascending and not overlap, but "
                + ranges.get(i - 1)
                + " is followed by "
                + ranges.get(i));
      }
    }
  }

  /** {@code [lo, hi)} with {@code -∞} / {@code +∞} for open ends. */
  @Override
  public String toString() {
    return "[" + (lo == null ? "-∞" : lo) + ", " + (hi == null ? "+∞" : hi) + ")";
  }
}
