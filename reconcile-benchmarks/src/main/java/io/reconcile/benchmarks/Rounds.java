package io.reconcile.benchmarks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Steps measured alternating: round after round every step runs once, in order, after one untimed
 * round that warms the servers' caches and the JIT; each step's median is kept. Alternating puts
 * every step under the same neighbours on a shared machine.
 */
final class Rounds {

  /** One measured step. */
  interface Step {
    void run() throws Exception;
  }

  private final Map<String, long[]> nanos = new LinkedHashMap<>();

  private Rounds() {}

  /** Runs {@code repeats} timed rounds of the steps, in their map's order, after one untimed round. */
  static Rounds of(int repeats, Map<String, Step> steps) throws Exception {
    Rounds rounds = new Rounds();
    steps.keySet().forEach(name -> rounds.nanos.put(name, new long[repeats]));
    for (int i = -1; i < repeats; i++) {
      for (Map.Entry<String, Step> step : steps.entrySet()) {
        long t0 = System.nanoTime();
        step.getValue().run();
        if (i >= 0) {
          rounds.nanos.get(step.getKey())[i] = System.nanoTime() - t0;
        }
      }
    }
    return rounds;
  }

  /** The step's median, in milliseconds. */
  double median(String step) {
    long[] sorted = nanos.get(step).clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }
}
