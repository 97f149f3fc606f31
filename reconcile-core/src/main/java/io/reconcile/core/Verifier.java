package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Store;
import io.reconcile.core.internal.Bisection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The verify stage: once the stores say their writes are visible, digests repaired ranges again —
 * all ranges of a call in one digest call per store — and, where stores still differ, narrows the
 * difference down and accepts it only on keys deliberately left alone (escalated, skipped, refused,
 * failed, unwritable). Used by the run's conductor thread.
 */
final class Verifier {

  /** How long a store may take to make its writes visible before a range is reported unverified. */
  static final Duration VISIBILITY_TIMEOUT = Duration.ofSeconds(30);

  /**
   * A repaired range and the keys in it left different on purpose.
   *
   * @param range the range
   * @param leftAlone keys in it the run did not make agree
   */
  record Repaired(KeyRange range, Set<Key> leftAlone) {}

  private final List<? extends Store> stores;
  private final Bisection bisection;
  private final Counts counts;

  Verifier(List<? extends Store> stores, Bisection bisection, Counts counts) {
    this.stores = stores;
    this.bisection = bisection;
    this.counts = counts;
  }

  /** Verifies repaired ranges (ascending), counting each as converged or not. */
  void verify(List<Repaired> repaired) throws InterruptedException {
    if (repaired.isEmpty()) {
      return;
    }
    for (Store s : stores) {
      if (!s.capabilities().contains(Capability.READ_YOUR_WRITES) && !s.awaitVisible(VISIBILITY_TIMEOUT)) {
        for (Repaired r : repaired) {
          counts.rangesVerified++;
          counts.unconverged(r.range() + ": not verified, store " + s.id() + " did not confirm within "
              + VISIBILITY_TIMEOUT.toSeconds() + " s that its writes are visible as acknowledged (see its warnings)");
        }
        return;
      }
    }
    List<KeyRange> ranges = repaired.stream().map(Repaired::range).toList();
    List<List<Digest>> digests = bisection.digests(ranges);
    for (int i = 0; i < repaired.size(); i++) {
      counts.rangesVerified++;
      Repaired r = repaired.get(i);
      List<Divergence> remaining = new ArrayList<>();
      bisection.bisect(r.range(), Bisection.column(digests, i), remaining::add);
      List<String> unexpected = remaining.stream().map(Divergence::key).filter(k -> !r.leftAlone().contains(k)).map(Key::toString).toList();
      if (unexpected.isEmpty()) {
        counts.rangesConverged++;
      } else {
        counts.unconverged(r.range() + ": still differs at " + unexpected.subList(0, Math.min(5, unexpected.size()))
            + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : ""));
      }
    }
  }
}
