package io.reconcile.benchmarks;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
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
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * End-to-end: a whole report-only run over two in-memory stores of {@code rows} rows with {@code d}
 * differences, against the floor of digesting both stores once (in parallel, as the run does), in
 * one process, as a ratio. Also checks the rows read against 2 · d · leafRows.
 *
 * <p>{@code java -Xmx4g -cp reconcile-benchmarks/target/benchmarks.jar
 * io.reconcile.benchmarks.EngineBenchmark [rows] [differences] [repeats] [segments]} (segments: 0
 * or absent for the engine's default)
 */
public final class EngineBenchmark {

  private EngineBenchmark() {}

  public static void main(String[] args) throws Exception {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int d = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int segments = args.length > 3 ? Integer.parseInt(args[3]) : 0; // 0: the engine's default
    int leafRows = 256;
    MemoryStore a = MemoryStore.create("a");
    MemoryStore b = MemoryStore.create("b");
    SplittableRandom random = new SplittableRandom(1);
    List<Entry> batch = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      batch.add(row(i, random));
      if (batch.size() == 50_000 || i == rows - 1) {
        a.putAll(batch);
        b.putAll(batch);
        batch.clear();
      }
    }
    for (int k = 0; k < d; k++) {
      long key = (long) rows * k / d + rows / (2L * d);
      switch (k % 3) {
        case 0 -> b.remove(Key.of(key));
        case 1 -> b.put(row(key, new SplittableRandom(key + 99)));
        default -> b.put(row(rows + k, random));
      }
    }
    Reconciler.Builder builder =
        Reconciler.newBuilder().stores(a, b).resolver(Resolvers.sourceOfTruth("a")).leafRows(leafRows).parallelism(2).seed(1);
    if (segments > 0) {
      builder.segments(segments);
    }
    Reconciler reconciler = builder.build();

    long[] floor = new long[repeats];
    long[] run = new long[repeats];
    ReconcileReport last = null;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = -1; i < repeats; i++) { // i = -1 warms up (and fills each entry's cached hash)
        long t0 = System.nanoTime();
        Future<Digest> da = pool.submit(() -> a.digest(KeyRange.all()));
        Future<Digest> db = pool.submit(() -> b.digest(KeyRange.all()));
        da.get();
        db.get();
        long t1 = System.nanoTime();
        last = reconciler.run();
        long t2 = System.nanoTime();
        if (i >= 0) {
          floor[i] = t1 - t0;
          run[i] = t2 - t1;
        }
      }
    } finally {
      pool.shutdown();
    }
    Arrays.sort(floor);
    Arrays.sort(run);
    double f = floor[repeats / 2] / 1e6;
    double r = run[repeats / 2] / 1e6;
    System.out.printf("rows per store: %,d   differences: %d   leafRows: %d%n", rows, d, leafRows);
    System.out.printf("floor (digest both stores once, in parallel): median %.0f ms%n", f);
    System.out.printf("full run (detect + decide, report only):      median %.0f ms%n", r);
    System.out.printf("ratio run / floor: %.2f (target <= 2)%n", r / f);
    System.out.printf("divergences found: %d; rows read: %,d (bound 2*d*leafRows = %,d)%n",
        last.divergences(), last.rowsRead(), 2L * d * leafRows);
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
