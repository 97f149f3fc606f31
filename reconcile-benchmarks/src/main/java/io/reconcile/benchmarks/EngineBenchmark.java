package io.reconcile.benchmarks;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Store;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End-to-end: a whole report-only run over two in-memory stores of {@code rows} rows with {@code d}
 * differences, against the floor of digesting both stores once (in parallel, as the run does), in
 * one process, as a ratio; for each row-hash scheme in turn. Also checks the rows read against 2 ·
 * d · leafRows.
 *
 * <p>{@code java -Xmx6g -cp reconcile-benchmarks/target/benchmarks.jar
 * io.reconcile.benchmarks.EngineBenchmark [rows] [differences] [repeats] [segments] [schemes]}
 * (segments: 0 or absent for the engine's default; schemes: {@code md5,xxh3} by default, or one of
 * them). Under {@code md5} the stores declare canonical MD5 only, as every in-memory store did
 * before canonical XXH3-128; under {@code xxh3} they are as they are and negotiate it.
 *
 * <p>Each round and scheme fills two new stores (new entries, so no row hash is cached yet) and
 * times, in order: the first run (every row hashed for the first time), the floor, and the run
 * again (hashes as the store keeps them), each after a full collection so that the garbage of
 * earlier rounds is not collected inside a timing. The schemes alternate within a round; round 0
 * is not timed (it warms the JIT); medians of {@code repeats} rounds are printed.
 */
public final class EngineBenchmark {

  private static final int LEAF_ROWS = 256;

  private EngineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int segments = args.length > 3 ? Integer.parseInt(args[3]) : 0; // 0: the engine's default
    List<String> schemes = List.of((args.length > 4 ? args[4] : "md5,xxh3").split(","));
    for (String s : schemes) {
      scheme(s); // fails early on a typo
    }
    long[][] first = new long[schemes.size()][repeats];
    long[][] floor = new long[schemes.size()][repeats];
    long[][] again = new long[schemes.size()][repeats];
    ReconcileReport last = null;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int round = -1; round < repeats; round++) {
        for (int s = 0; s < schemes.size(); s++) {
          HashScheme scheme = scheme(schemes.get(s));
          Store a = declaring(filled("a", rows, d, false), scheme);
          Store b = declaring(filled("b", rows, d, true), scheme);
          Reconciler.Builder builder = Reconciler.newBuilder().stores(a, b).resolver(Resolvers.sourceOfTruth("a"))
              .leafRows(LEAF_ROWS).parallelism(2).seed(1);
          if (segments > 0) {
            builder.segments(segments);
          }
          Reconciler reconciler = builder.build();
          System.gc(); // the last round's stores are garbage now: collect them before, not during, the timing
          long t0 = System.nanoTime();
          reconciler.run();
          long t1 = System.nanoTime();
          System.gc();
          long t2 = System.nanoTime();
          Future<Digest> da = pool.submit(() -> a.digest(List.of(KeyRange.all()), scheme).get(0));
          Future<Digest> db = pool.submit(() -> b.digest(List.of(KeyRange.all()), scheme).get(0));
          da.get();
          db.get();
          long t3 = System.nanoTime();
          System.gc();
          long t4 = System.nanoTime();
          last = reconciler.run();
          long t5 = System.nanoTime();
          if (round >= 0) {
            first[s][round] = t1 - t0;
            floor[s][round] = t3 - t2;
            again[s][round] = t5 - t4;
          }
        }
      }
    } finally {
      pool.shutdown();
    }
    System.out.printf("rows per store: %,d   differences: %d   leafRows: %d   rounds: %d%n", rows, d, LEAF_ROWS, repeats);
    System.out.println("medians in ms; floor: digest both stores once, in parallel, after the first run");
    System.out.println("scheme  first run  floor  run again  run again / floor (target <= 2)");
    for (int s = 0; s < schemes.size(); s++) {
      System.out.printf("%-6s %10.0f %6.0f %10.0f %6.2f%n", schemes.get(s), median(first[s]), median(floor[s]),
          median(again[s]), median(again[s]) / median(floor[s]));
    }
    if (schemes.size() == 2) {
      System.out.printf("%s / %s: first run %.2f, floor %.2f, run again %.2f (medians)%n", schemes.get(1), schemes.get(0),
          median(first[1]) / median(first[0]), median(floor[1]) / median(floor[0]), median(again[1]) / median(again[0]));
    }
    System.out.printf("divergences found: %d; rows read: %,d (bound 2*d*leafRows = %,d)%n",
        last.divergences(), last.rowsRead(), 2L * d * LEAF_ROWS);
  }

  private static HashScheme scheme(String name) {
    return switch (name) {
      case "md5" -> HashScheme.CANONICAL_MD5;
      case "xxh3" -> HashScheme.CANONICAL_XXH3_128;
      default -> throw new IllegalArgumentException("schemes are md5 and xxh3, not '" + name + "'");
    };
  }

  /** The store as it is under its own schemes, or declaring canonical MD5 only. */
  private static Store declaring(MemoryStore store, HashScheme scheme) {
    if (!scheme.equals(HashScheme.CANONICAL_MD5)) {
      return store;
    }
    return new ForwardingStore(store) {
      @Override
      public Set<HashScheme> hashSchemes() {
        return Set.of(HashScheme.CANONICAL_MD5);
      }
    };
  }

  /** The rows, with the d differences (missing, changed and extra rows) when {@code drifted}. */
  private static MemoryStore filled(String id, int rows, int d, boolean drifted) {
    MemoryStore store = MemoryStore.create(id);
    SplittableRandom random = new SplittableRandom(1);
    List<Entry> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      batch.add(row(i, random));
      if (batch.size() == 50_000 || i == rows - 1) {
        store.putAll(batch);
        batch.clear();
      }
    }
    for (int k = 0; drifted && k < d; k++) {
      long key = (long) rows * k / d + rows / (2L * d);
      switch (k % 3) {
        case 0 -> store.remove(Key.of(key));
        case 1 -> store.put(row(key, new SplittableRandom(key + 99)));
        default -> store.put(row(rows + k, random));
      }
    }
    return store;
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }

  private static Entry row(long id, SplittableRandom random) {
    Map<String, Value> f = new LinkedHashMap<>();
    f.put("name", Value.of("customer-" + (100_000 + random.nextInt(900_000))));
    f.put("amount", Value.of(BigDecimal.valueOf(random.nextLong(10_000_000), 2)));
    f.put("created", Value.of(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000) * 1000)));
    f.put("active", Value.of(random.nextBoolean()));
    f.put("qty", Value.of(random.nextInt(1000)));
    return Entry.of(Key.of(id), Value.MapValue.of(f));
  }
}
