package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What one run of the pipeline covers when it is not the whole key space: the ranges a watcher
 * found dirty and differing, with what the watcher knows of the whole dataset.
 *
 * @param ranges the ranges to reconcile, ascending and not overlapping
 * @param datasetRows rows of each store over the whole key space (by store id), from the watcher's
 *     last digests: the divergence-ratio guard and the empty-source guard count against these, not
 *     against the few ranges of the run
 * @param held divergences held back — not reported, decided or repaired in this run, because they
 *     are too recent (the watcher's settle window) — to be re-checked later; told every divergence
 *     the run finds, in key order
 * @param digests each store's digest of each range (stores in the run's order), just taken under
 *     the run's hash scheme, so that the run need not digest them again; null to digest them
 */
record Scope(List<KeyRange> ranges, Map<String, Long> datasetRows, Predicate<Divergence> held,
    @Nullable List<List<Digest>> digests) {

  Scope {
    KeyRange.requireAscending(ranges);
    ranges = List.copyOf(ranges);
    datasetRows = Map.copyOf(datasetRows);
    if (digests != null) {
      digests = digests.stream().map(List::copyOf).toList();
      int n = ranges.size();
      if (digests.stream().anyMatch(d -> d.size() != n)) {
        throw new IllegalArgumentException("a scope's digests are one per range and store");
      }
    }
  }
}
