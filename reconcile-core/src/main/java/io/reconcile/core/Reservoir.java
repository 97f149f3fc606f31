package io.reconcile.core;

import java.time.Duration;
import java.util.Arrays;
import java.util.Random;

/**
 * Latency samples in milliseconds: every sample up to {@value #SIZE}, then a uniform sample of
 * them (Vitter's algorithm R, seeded), so quantiles are exact for small counts and unbiased for
 * large ones while memory stays fixed. Not thread-safe.
 */
final class Reservoir {

  static final int SIZE = 10_000;

  private final long[] samples = new long[SIZE];
  private final Random random;
  private long seen;
  private long max;

  Reservoir(long seed) {
    this.random = new Random(seed);
  }

  void add(long millis) {
    long v = Math.max(0, millis);
    max = Math.max(max, v);
    if (seen < SIZE) {
      samples[(int) seen] = v;
    } else {
      long j = (long) (random.nextDouble() * (seen + 1));
      if (j < SIZE) {
        samples[(int) j] = v;
      }
    }
    seen++;
  }

  WatchReport.Latency latency() {
    int n = (int) Math.min(seen, SIZE);
    if (n == 0) {
      return WatchReport.Latency.NONE;
    }
    long[] sorted = Arrays.copyOf(samples, n);
    Arrays.sort(sorted);
    return new WatchReport.Latency(seen, Duration.ofMillis(quantile(sorted, 0.5)), Duration.ofMillis(quantile(sorted, 0.99)),
        Duration.ofMillis(max));
  }

  /** The nearest-rank quantile. */
  private static long quantile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
