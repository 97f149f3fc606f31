package io.reconcile.api.store;

import io.reconcile.api.KeyRange;
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
}
