package io.reconcile.benchmarks;

import static io.reconcile.benchmarks.GeneratedTables.TABLE;
import static io.reconcile.benchmarks.GeneratedTables.analyze;
import static io.reconcile.benchmarks.GeneratedTables.floors;
import static io.reconcile.benchmarks.GeneratedTables.generate;
import static io.reconcile.benchmarks.GeneratedTables.naiveMerge;
import static io.reconcile.benchmarks.GeneratedTables.plant;
import static io.reconcile.benchmarks.GeneratedTables.pool;
import static io.reconcile.benchmarks.GeneratedTables.textBytes;

import io.reconcile.benchmarks.GeneratedTables.Product;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * End-to-end over real databases, the library alone: two tables of {@code rows} rows generated inside embedded
 * PostgreSQL and/or MariaDB servers ({@link GeneratedTables}), {@code d} differences (a third each deletes, updates and
 * inserts) spread over the key space, then, in one process and alternating, per repeat:
 *
 * <ul>
 *   <li>the MD5 floor: one full scan of both tables in parallel, MD5 of every row;
 *   <li>the native floor: the same with the cheapest native hash of at least 64 bits
 *       ({@code hash_record_extended} on PostgreSQL, CRC32 and CRC32C side by side on MariaDB);
 *   <li>a report-only reconcile run (detection) over two {@link JdbcStore}s;
 *   <li>a naive merge: both tables streamed in key order over JDBC and compared row by row, by
 *       value.
 * </ul>
 *
 * <p>It prints medians, the ratios the JDBC issue sets targets for, the rows the run fetched
 * against 2 · d · leafRows, and the bytes moved (the run's estimate from its stores, for the naive
 * merge the text of every value of both tables, as the databases count it). Run it with a small heap to see that
 * memory stays flat:
 *
 * <pre>{@code
 * mvn -q install -DskipTests
 * mvn -q -pl reconcile-benchmarks exec:exec -Dbench.args="pg-pg 1000000 1000 3"
 * }</pre>
 *
 * <p>{@link UsersPathBenchmark} runs the {@code reconcile} command against the same baselines.
 *
 * <p>Arguments: {@code pg-pg | maria-maria | pg-maria}, rows, differences, repeats, and the run's
 * parallelism (default 8: detection waits on round trips more than on the CPU).
 */
public final class JdbcBenchmark {

  private static final int LEAF_ROWS = 256;

  private JdbcBenchmark() {}

  public static void main(String[] args) throws Exception {
    String pair = args.length > 0 ? args[0] : "pg-pg";
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
    int d = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int parallelism = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    Product[] products = Product.pair(pair);

    long g0 = System.nanoTime();
    TestDatabase a = products[0].newDatabase();
    TestDatabase b = products[1].newDatabase();
    generate(products[0], a, rows);
    generate(products[1], b, rows);
    plant(products[1], b, rows, d);
    analyze(products[0], a);
    analyze(products[1], b);
    System.out.printf(Locale.ROOT, "%s: %,d rows per table, d = %,d (generated in %.0f s); parallelism %d; max heap %d MiB%n",
        pair, rows, d, (System.nanoTime() - g0) / 1e9, parallelism, Runtime.getRuntime().maxMemory() >> 20);

    CallTimes left = new CallTimes(JdbcStore.newBuilder(pool(a, parallelism)).id("left").table(TABLE).fetchSize(10_000).build());
    CallTimes right = new CallTimes(JdbcStore.newBuilder(pool(b, parallelism)).id("right").table(TABLE).fetchSize(10_000).build());
    System.out.println("hash schemes: " + left.hashSchemes() + " / " + right.hashSchemes());
    Reconciler reconciler =
        Reconciler.newBuilder()
            .stores(left, right)
            .resolver(Resolvers.sourceOfTruth("left"))
            .mode(Mode.REPORT_ONLY)
            .leafRows(LEAF_ROWS)
            .parallelism(parallelism)
            .seed(1)
            .build();

    ReconcileReport[] report = new ReconcileReport[1];
    long[] naiveDiffs = new long[1];
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Map<String, Rounds.Step> steps = new LinkedHashMap<>();
    steps.put("md5", () -> floors(pool, products[0], a, products[1], b, false));
    steps.put("native", () -> floors(pool, products[0], a, products[1], b, true));
    steps.put("run", () -> report[0] = reconciler.run());
    steps.put("naive", () -> naiveDiffs[0] = naiveMerge(products[0], a, products[1], b));
    Rounds rounds;
    try {
      rounds = Rounds.of(repeats, steps);
    } finally {
      pool.shutdown();
    }
    double fMd5 = rounds.median("md5");
    double fNat = rounds.median("native");
    double r = rounds.median("run");
    long runBytes =
        report[0].storeStats().values().stream().mapToLong(ReconcileReport.StoreStats::bytesRead).sum();
    System.out.printf(Locale.ROOT, "MD5 floor (both tables, in parallel):     %,8.0f ms%n", fMd5);
    System.out.printf(Locale.ROOT, "native floor (both tables, in parallel):  %,8.0f ms%n", fNat);
    System.out.printf(Locale.ROOT, "reconcile (report-only run):              %,8.0f ms  = %.2f x MD5 floor, %.2f x native floor%n",
        r, r / fMd5, r / fNat);
    double n = rounds.median("naive");
    System.out.printf(Locale.ROOT, "naive full-fetch ordered merge:           %,8.0f ms  (run is %.1f x faster); found %,d%n",
        n, n / r, naiveDiffs[0]);
    System.out.printf(Locale.ROOT, "divergences found: %,d; rows fetched: %,d (bound 2*d*leafRows = %,d)%n",
        report[0].divergences(), report[0].rowsRead(), 2L * d * LEAF_ROWS);
    long naiveBytes = textBytes(products[0], a) + textBytes(products[1], b);
    System.out.printf(Locale.ROOT, "bytes moved: run ~%,d, naive merge ~%,d (%.3f%%)%n",
        runBytes, naiveBytes, 100.0 * runBytes / naiveBytes);
    System.out.println("last run's stages: " + report[0].stageTimes() + "; per store: " + report[0].storeStats());
    System.out.println("store calls, all runs: " + left + "; " + right);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "heap used at the end: %d MiB of %d MiB max%n",
        (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
    System.exit(0); // the embedded servers stop in shutdown hooks
  }
}
