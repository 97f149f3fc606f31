package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Applies batches to stores: retries transient failures with exponential backoff and jitter, keeps
 * a circuit breaker per store (open for the rest of the run after too many consecutive failed
 * batches), and paces writes to at most {@code actionsPerSecond} per store. A store still
 * unavailable after the last retry stops the run (see {@link #apply}). A store that cannot write
 * conditionally (no {@link Capability#COMPARE_AND_SET}; runs reach one only with guarded writes) has
 * each batch's targets read again first, and only the actions whose targets still hold what was
 * expected are sent. Used by one run (or undo), from one thread.
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
    boolean guarded = !store.capabilities().contains(Capability.COMPARE_AND_SET);
    ReconcileException.StoreUnavailableException last = null;
    for (int attempt = 1; attempt <= retry.maxAttempts(); attempt++) {
      if (attempt > 1) {
        Duration wait = retry.backoffBefore(attempt);
        sleeper.sleep(Duration.ofNanos((long) (wait.toNanos() * (0.5 + random.nextDouble() / 2))));
      }
      try {
        List<ActionOutcome> out = guarded ? reReadThenApply(store, batch) : store.apply(batch);
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

  /**
   * Reads the batch's targets again, decides each action on what its target holds now ({@link
   * RepairAction#statusFor}), and sends only the writes: a write made since detection is left alone,
   * unless it lands between this read and the store's write.
   */
  private static List<ActionOutcome> reReadThenApply(Store store, List<RepairAction> batch) {
    Map<Key, Entry> now = store.get(batch.stream().map(RepairAction::key).toList());
    boolean versioned = store.capabilities().contains(Capability.VERSIONS);
    List<ActionOutcome> decided = new ArrayList<>(batch.size());
    List<RepairAction> writes = new ArrayList<>();
    for (RepairAction a : batch) {
      Entry current = now.get(a.key());
      ActionOutcome.Status status = a.statusFor(current, versioned);
      decided.add(new ActionOutcome(a, status, current));
      if (status == ActionOutcome.Status.APPLIED) {
        writes.add(a);
      }
    }
    Map<String, ActionOutcome> written = new HashMap<>();
    if (!writes.isEmpty()) {
      store.apply(writes).forEach(o -> written.put(o.action().id(), o));
    }
    List<ActionOutcome> out = new ArrayList<>(batch.size());
    for (ActionOutcome o : decided) {
      out.add(written.getOrDefault(o.action().id(), o));
    }
    return out;
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
