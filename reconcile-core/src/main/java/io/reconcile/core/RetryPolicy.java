package io.reconcile.core;

import java.time.Duration;
import java.util.Objects;

/**
 * How repairs are retried when a store fails transiently ({@link
 * io.reconcile.api.ReconcileException.StoreUnavailableException#isTransient()}): up to {@code
 * maxAttempts} in all, waiting {@code initialBackoff} doubled each time up to {@code maxBackoff},
 * each wait scaled by a random factor in [0.5, 1) (jitter) so that retries from many runs spread out.
 * A store still unavailable at the last attempt stops the run: {@link Reconciler#run(String)} throws
 * and the run stays unfinished, to be resumed under its id once the store is back. A batch that
 * fails for good (a failure that is not transient) is recorded as failed and the run goes on; after
 * {@code breakerThreshold} such batches in a row on one store its circuit opens: the run stops
 * writing to that store and reports the remaining actions as skipped.
 *
 * @param maxAttempts attempts per batch, at least 1
 * @param initialBackoff the first wait
 * @param maxBackoff the longest wait
 * @param breakerThreshold consecutive failed batches that open a store's circuit, at least 1
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, int breakerThreshold) {

  /** 5 attempts, 50 ms doubling to 2 s, circuit opens after 3 failed batches. */
  public static final RetryPolicy DEFAULTS =
      new RetryPolicy(5, Duration.ofMillis(50), Duration.ofSeconds(2), 3);

  /** @throws IllegalArgumentException for fewer than one attempt or negative waits */
  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1 || breakerThreshold < 1) {
      throw new IllegalArgumentException(
          "maxAttempts and breakerThreshold must be >= 1, but were " + maxAttempts + " and " + breakerThreshold);
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "backoff must satisfy 0 <= initial <= max, but was " + initialBackoff + " .. " + maxBackoff);
    }
  }

  /** The wait before attempt {@code attempt} (2 for the first retry), before jitter. */
  Duration backoffBefore(int attempt) {
    long factor = 1L << Math.min(30, attempt - 2);
    Duration d = initialBackoff.multipliedBy(factor);
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }
}
