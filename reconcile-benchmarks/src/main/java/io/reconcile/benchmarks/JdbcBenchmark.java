package io.reconcile.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;

/**
 * End-to-end over real databases: two tables of {@code rows} rows generated inside embedded
 * PostgreSQL and/or MariaDB servers, {@code d} differences (a third each deletes, updates and
 * inserts) spread over the key space, then, in one process and alternating, per repeat:
 *
 * <ul>
 *   <li>the MD5 floor: one full scan of both tables in parallel, MD5 of every row;
 *   <li>the native floor: the same with the cheapest native hash of at least 64 bits
 *       ({@code hash_record_extended} on PostgreSQL, CRC32 and CRC32C side by side on MariaDB);
 *   <li>a report-only reconcile run (detection) over two {@link JdbcStore}s;
 *   <li>a naive merge (same-product pairs): both tables streamed in key order over JDBC and compared
 *       row by row in the library.
 * </ul>
 *
 * <p>It prints medians, the ratios the JDBC issue sets targets for, the rows the run fetched
 * against 2 · d · leafRows, and the bytes moved (the run's estimate from its stores, the naive
 * merge's count of the text of every value it fetched). Run it with a small heap to see that
 * memory stays flat:
 *
 * <pre>{@code
 * mvn -q install -DskipTests
 * mvn -q -pl reconcile-benchmarks exec:exec -Dbench.args="pg-pg 1000000 1000 3"
 * }</pre>
 *
 * <p>Arguments: {@code pg-pg | maria-maria | pg-maria}, rows, differences, repeats, and the run's
 * parallelism (default 8: detection waits on round trips more than on the CPU).
 */
public final class JdbcBenchmark {

  private static final int LEAF_ROWS = 256;

  private JdbcBenchmark() {}

  private enum Product {
    PG,
    MARIA
  }

  public static void main(String[] args) throws Exception {
    String pair = args.length > 0 ? args[0] : "pg-pg";
    long rows = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
    int d = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 3;
    int parallelism = args.length > 4 ? Integer.parseInt(args[4]) : 8;
    Product[] products =
        switch (pair) {
          case "pg-pg" -> new Product[] {Product.PG, Product.PG};
          case "maria-maria" -> new Product[] {Product.MARIA, Product.MARIA};
          case "pg-maria" -> new Product[] {Product.PG, Product.MARIA};
          default -> throw new IllegalArgumentException(
              "the first argument is pg-pg, maria-maria or pg-maria, but was '" + pair + "'");
        };

    long g0 = System.nanoTime();
    TestDatabase a = generate(products[0], rows);
    TestDatabase b = generate(products[1], rows);
    plantDifferences(products[1], b, rows, d);
    analyze(products[0], a);
    analyze(products[1], b);
    System.out.printf(Locale.ROOT, "%s: %,d rows per table, d = %,d (generated in %.0f s); parallelism %d; max heap %d MiB%n",
        pair, rows, d, (System.nanoTime() - g0) / 1e9, parallelism, Runtime.getRuntime().maxMemory() >> 20);

    CallTimes left = new CallTimes(JdbcStore.builder(pool(a, parallelism)).id("left").table("t").fetchSize(10_000).build());
    CallTimes right = new CallTimes(JdbcStore.builder(pool(b, parallelism)).id("right").table("t").fetchSize(10_000).build());
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
    boolean samePair = products[0] == products[1];

    long[] md5 = new long[repeats];
    long[] nat = new long[repeats];
    long[] run = new long[repeats];
    long[] naive = new long[repeats];
    ReconcileReport report = null;
    long naiveBytes = 0;
    long naiveDiffs = 0;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int i = -1; i < repeats; i++) { // i = -1 warms caches and the JIT
        long t0 = System.nanoTime();
        both(pool, () -> floor(products[0], a, false), () -> floor(products[1], b, false));
        long t1 = System.nanoTime();
        both(pool, () -> floor(products[0], a, true), () -> floor(products[1], b, true));
        long t2 = System.nanoTime();
        report = reconciler.run();
        long t3 = System.nanoTime();
        long[] merged = samePair ? naiveMerge(products[0], a, b) : new long[] {0, 0};
        long t4 = System.nanoTime();
        if (i >= 0) {
          md5[i] = t1 - t0;
          nat[i] = t2 - t1;
          run[i] = t3 - t2;
          naive[i] = t4 - t3;
          naiveDiffs = merged[0];
          naiveBytes = merged[1];
        }
      }
    } finally {
      pool.shutdown();
    }
    Objects.requireNonNull(report);
    double fMd5 = median(md5);
    double fNat = median(nat);
    double r = median(run);
    long runBytes =
        report.storeStats().values().stream().mapToLong(ReconcileReport.StoreStats::bytesRead).sum();
    System.out.printf(Locale.ROOT, "MD5 floor (both tables, in parallel):     %,8.0f ms%n", fMd5);
    System.out.printf(Locale.ROOT, "native floor (both tables, in parallel):  %,8.0f ms%n", fNat);
    System.out.printf(Locale.ROOT, "reconcile (report-only run):              %,8.0f ms  = %.2f x MD5 floor, %.2f x native floor%n",
        r, r / fMd5, r / fNat);
    if (samePair) {
      double n = median(naive);
      System.out.printf(Locale.ROOT, "naive full-fetch ordered merge:           %,8.0f ms  (run is %.1f x faster); found %,d%n",
          n, n / r, naiveDiffs);
    }
    System.out.printf(Locale.ROOT, "divergences found: %,d; rows fetched: %,d (bound 2*d*leafRows = %,d)%n",
        report.divergences(), report.rowsRead(), 2L * d * LEAF_ROWS);
    System.out.printf(Locale.ROOT, "bytes moved: run ~%,d%s%n", runBytes,
        samePair ? String.format(Locale.ROOT, ", naive merge %,d (%.3f%%)", naiveBytes, 100.0 * runBytes / naiveBytes) : "");
    System.out.println("last run's stages: " + report.stageTimes() + "; per store: " + report.storeStats());
    System.out.println("store calls, all runs: " + left + "; " + right);
    Runtime rt = Runtime.getRuntime();
    System.out.printf(Locale.ROOT, "heap used at the end: %d MiB of %d MiB max%n",
        (rt.totalMemory() - rt.freeMemory()) >> 20, rt.maxMemory() >> 20);
    System.exit(0); // the embedded servers stop in shutdown hooks
  }

  /** Connections as an application would hold them: pooled. */
  private static DataSource pool(TestDatabase db, int size) {
    HikariConfig c = new HikariConfig();
    c.setDataSource(db.dataSource());
    c.setMaximumPoolSize(size);
    return new HikariDataSource(c);
  }

  private static TestDatabase generate(Product p, long rows) {
    if (p == Product.PG) {
      return TestServers.postgres()
          .exec(
              "CREATE TABLE t (id bigint PRIMARY KEY, name text, amount numeric(12,2),"
                  + " created timestamptz, active boolean, qty int)",
              "INSERT INTO t SELECT g, 'customer-' || (g * 7919 % 900000 + 100000),"
                  + " (g * 104729 % 10000000) / 100.0,"
                  + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1.000001 second',"
                  + " g % 3 = 0, g % 1000 FROM generate_series(1::bigint, " + rows + ") g");
    }
    return TestServers.mariaDb()
        .exec(
            "CREATE TABLE t (id bigint PRIMARY KEY, name varchar(40), amount decimal(12,2),"
                + " created datetime(6), active boolean, qty int)",
            "INSERT INTO t SELECT seq, CONCAT('customer-', seq * 7919 % 900000 + 100000),"
                + " (seq * 104729 % 10000000) / 100.0,"
                + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq * 1000001 MICROSECOND,"
                + " seq % 3 = 0, seq % 1000 FROM seq_1_to_" + rows);
  }

  /** A third of the differences each: deleted, updated and inserted rows, spread over the keys. */
  private static void plantDifferences(Product p, TestDatabase db, long rows, int d) {
    StringBuilder deleted = new StringBuilder("0");
    StringBuilder updated = new StringBuilder("0");
    StringBuilder inserted = new StringBuilder();
    for (int k = 0; k < d; k++) {
      long key = rows * k / d + rows / (2L * d) + 1;
      switch (k % 3) {
        case 0 -> deleted.append(',').append(key);
        case 1 -> updated.append(',').append(key);
        default -> inserted.append(inserted.length() == 0 ? "" : ",")
            .append('(').append(rows + k + 1).append(", 'new', 1.00, ")
            .append(p == Product.PG ? "now()" : "NOW(6)").append(", true, 1)");
      }
    }
    db.exec("DELETE FROM t WHERE id IN (" + deleted + ")",
        "UPDATE t SET amount = amount + 1 WHERE id IN (" + updated + ")");
    if (inserted.length() > 0) {
      db.exec("INSERT INTO t VALUES " + inserted);
    }
  }

  private static void analyze(Product p, TestDatabase db) {
    db.exec(p == Product.PG ? "VACUUM ANALYZE t" : "ANALYZE TABLE t");
  }

  /** One full scan hashing every row: MD5, or the cheapest native hash of at least 64 bits. */
  private static String floor(Product p, TestDatabase db, boolean nativeHash) {
    String sql;
    if (p == Product.PG) {
      sql = nativeHash
          ? "SELECT count(*), sum(hash_record_extended(t, 0)) FROM t"
          : "SELECT count(*), sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::int8) FROM t";
    } else {
      String row = "CONCAT_WS('|', id, name, amount, created, active, qty)";
      sql = nativeHash
          ? "SELECT COUNT(*), SUM((CRC32(" + row + ") << 32) | CRC32C(" + row + ")) FROM t"
          : "SELECT COUNT(*), SUM(CAST(CONV(SUBSTR(MD5(" + row + "), 1, 16), 16, 10) AS DECIMAL(20,0))) FROM t";
    }
    return db.query(sql);
  }

  /**
   * The naive merge: both tables streamed in key order, every value fetched as text and compared.
   * Returns the rows that differ and the characters fetched.
   */
  private static long[] naiveMerge(Product p, TestDatabase a, TestDatabase b) throws SQLException {
    String sql = "SELECT id, name, amount, created, active, qty FROM t ORDER BY id";
    try (Connection ca = a.dataSource().getConnection();
        Connection cb = b.dataSource().getConnection()) {
      ca.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      cb.setAutoCommit(false);
      try (PreparedStatement pa = ca.prepareStatement(sql);
          PreparedStatement pb = cb.prepareStatement(sql)) {
        pa.setFetchSize(10_000);
        pb.setFetchSize(10_000);
        try (ResultSet ra = pa.executeQuery();
            ResultSet rb = pb.executeQuery()) {
          long diffs = 0;
          long bytes = 0;
          boolean hasA = ra.next();
          boolean hasB = rb.next();
          String[] va = new String[6];
          String[] vb = new String[6];
          while (hasA || hasB) {
            long ka = hasA ? ra.getLong(1) : Long.MAX_VALUE;
            long kb = hasB ? rb.getLong(1) : Long.MAX_VALUE;
            if (hasA && ka <= kb) {
              bytes += read(ra, va);
            }
            if (hasB && kb <= ka) {
              bytes += read(rb, vb);
            }
            if (ka != kb || !Arrays.equals(va, vb)) {
              diffs++;
            }
            if (ka <= kb) {
              hasA = ra.next();
            }
            if (kb <= ka) {
              hasB = rb.next();
            }
          }
          return new long[] {diffs, bytes};
        }
      } finally {
        ca.rollback();
        cb.rollback();
      }
    }
  }

  private static long read(ResultSet rs, String[] into) throws SQLException {
    long n = 0;
    for (int i = 0; i < into.length; i++) {
      into[i] = rs.getString(i + 1);
      n += into[i] == null ? 1 : into[i].length();
    }
    return n;
  }

  private static void both(ExecutorService pool, Callable<String> x, Callable<String> y)
      throws Exception {
    Future<String> fx = pool.submit(x);
    Future<String> fy = pool.submit(y);
    fx.get();
    fy.get();
  }

  private static double median(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2] / 1e6;
  }
}
