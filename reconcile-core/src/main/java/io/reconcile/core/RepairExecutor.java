package io.reconcile.core;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Applies batches to stores: retries transient failures with exponential backoff and jitter, keeps
 * a circuit breaker per store (open for the rest of the run after too many consecutive failed
 * batches), and paces writes to at most {@code actionsPerSecond} per store. A store still
 * unavailable after the last retry stops the run (see {@link #apply}). Used by one run, from one
 * thread.
 */
final class RepairExecutor {

  /** A batch that could not be applied; nothing of it was written. */
  static final class BatchFailed extends Exception {
    BatchFailed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final RetryPolicy retry;
  private final double actionsPerSecond;
  private final Clock clock;
  private final Sleeper sleeper;
  private final Random random;
  private final Map<String, Integer> consecutiveFailures = new HashMap<>();
  private final Map<String, Long> nextFreeNanos = new HashMap<>();

  RepairExecutor(RetryPolicy retry, double actionsPerSecond, Clock clock, Sleeper sleeper, Random random) {
    this.retry = retry;
    this.actionsPerSecond = actionsPerSecond;
    this.clock = clock;
    this.sleeper = sleeper;
    this.random = random;
  }

  /** Whether the store's circuit is open: no more writes to it in this run. */
  boolean isOpen(String store) {
    return consecutiveFailures.getOrDefault(store, 0) >= retry.breakerThreshold();
  }

  /**
   * Applies a batch, retrying transient failures.
   *
   * @throws BatchFailed if the store refused the batch for good (a failure that is not transient)
   * @throws ReconcileException.StoreUnavailableException if the store was still unavailable at the
   *     last attempt: the run stops unfinished, so that it is resumed once the store is back rather
   *     than finished with the rest of its repairs skipped. The batch may have been written (a lost
   *     commit acknowledgement); its intents stay open and the resumed run settles them.
   */
  List<ActionOutcome> apply(Store store, List<RepairAction> batch) throws BatchFailed, InterruptedException {
    pace(store.id(), batch.size());
    ReconcileException.StoreUnavailableException last = null;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      if (attempt > 1) {
        Duration wait = retry.backoffBefore(attempt);
        sleeper.sleep(Duration.ofNanos((long) (wait.toNanos() * (0.5 + random.nextDouble() / 2))));
      }
      try {
        List<ActionOutcome> out = store.apply(batch);
        consecutiveFailures.put(store.id(), 0);
        return out;
      } catch (ReconcileException.StoreUnavailableException e) {
        last = e;
        if (!e.isTransient()) {
          break;
        }
      }
    }
    if (last.isTransient()) {
      throw new ReconcileException.StoreUnavailableException(
          "store '" + store.id() + "' was still unavailable after " + retry.maxAttempts() + " attempts at a batch of "
              + batch.size() + " actions: " + last.getMessage(), true, last);
    }
    consecutiveFailures.merge(store.id(), 1, Integer::sum);
    throw new BatchFailed(
        "store '" + store.id() + "' failed a batch of " + batch.size() + " actions: " + last.getMessage(), last);
  }

  /** A token bucket per store, on the run's clock. */
  private void pace(String store, int actions) throws InterruptedException {
    if (actionsPerSecond <= 0) {
      return;
    }
    long now = clock.instant().getEpochSecond() * 1_000_000_000L + clock.instant().getNano();
    long free = nextFreeNanos.getOrDefault(store, now);
    if (free > now) {
      sleeper.sleep(Duration.ofNanos(free - now));
    }
    long cost = (long) (actions * 1_000_000_000L / actionsPerSecond);
    nextFreeNanos.put(store, Math.max(free, now) + cost);
  }
}
