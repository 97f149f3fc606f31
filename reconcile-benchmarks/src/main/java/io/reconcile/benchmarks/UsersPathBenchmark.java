package io.reconcile.benchmarks;

import static io.reconcile.benchmarks.GeneratedTables.TABLE;
import static io.reconcile.benchmarks.GeneratedTables.analyze;
import static io.reconcile.benchmarks.GeneratedTables.both;
import static io.reconcile.benchmarks.GeneratedTables.floors;
import static io.reconcile.benchmarks.GeneratedTables.generate;
import static io.reconcile.benchmarks.GeneratedTables.naiveMerge;
import static io.reconcile.benchmarks.GeneratedTables.plant;
import static io.reconcile.benchmarks.GeneratedTables.pool;
import static io.reconcile.benchmarks.GeneratedTables.unplant;

import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.benchmarks.GeneratedTables.Planted;
import io.reconcile.benchmarks.GeneratedTables.Product;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The users' path (issue 12): the {@code reconcile} command, run as users run it — the launcher
 * {@code reconcile-cli/target/reconcile} over the shaded jar, as a process, with {@code
 * RECONCILE_OPTS=-Xmx256m}, {@code diff URL1 URL2 -t orders -k id --json}, the MariaDB password
 * from an environment variable ({@code --password-env}) — against, in the same run and
 * alternating, per repeat:
 *
 * <ul>
 *   <li>the native-hash floor and the MD5 floor (one full scan hashing every row, both tables in
 *       parallel; see {@link GeneratedTables#floors});
 *   <li>the naive full-fetch ordered merge (both tables streamed in key order, compared by value in
 *       Java; also between PostgreSQL and MariaDB);
 *   <li>the library: a report-only {@link Reconciler} run over two {@link JdbcStore}s on pooled
 *       connections, configured as the command configures its run (the same options and {@code
 *       --threads});
 *   <li>the library over the command's own stores ({@link Stores#open}, a new connection per
 *       operation), in this process: what separates the command from the library in-process from
 *       what the process adds (start-up, a cold JIT, printing).
 * </ul>
 *
 * <p>Tables are generated once per pair and size ({@link GeneratedTables}); each case plants its d
 * differences in the second table and takes them out again afterwards. Every tool must find
 * exactly the planted differences, the command the very planted keys; a row that does not says
 * so. It prints one table row per case: medians, the ratios issue 12 sets targets for, the rows
 * fetched against 2·d + one segment, and the command's peak RSS ({@code VmHWM}, polled) and heap
 * (from its GC log: the most in use before a collection); then, on a line of its own, when the
 * command printed its first line, whether it printed the keys in key order and the most heap left
 * in use after a full collection (0 when there was none).
 *
 * <pre>{@code
 * mvn -q install -DskipTests
 * mvn -q -pl reconcile-benchmarks exec:exec -Dbench.main=io.reconcile.benchmarks.UsersPathBenchmark -Dbench.args="cases 3"
 * }</pre>
 *
 * <p>Arguments: {@code cases [REPEATS]} for every case of issue 12 (1M rows with d = 10, 1,000 and
 * 100,000, and 10M rows with d = 10, for pg-pg, maria-maria and pg-maria), or {@code PAIR ROWS D
 * [REPEATS]} for one; then any of {@code --quick} (no 10M cases), {@code --pairs=pg-pg,…} (only
 * these pairs), {@code --calls} (print the library's store calls and their time per case, see
 * {@link CallTimes}), {@code --cli-jvm="OPTIONS"} (more JVM options for the command, e.g. a flight
 * recording), {@code --jar} (also time {@code java -Xmx256m -jar reconcile.jar}, without the
 * launcher's JVM options and class-data archive), {@code --other=PATH} (also time another build's
 * command — a launcher, or a jar run with {@code java -Xmx256m -jar} — and tell whether it
 * finished and found the planted keys), {@code --peers} (also time {@code pt-table-sync --print},
 * Debian's percona-toolkit, on MariaDB↔MariaDB; reladiff comes from PyPI, which this machine cannot
 * reach). The launcher is {@code
 * reconcile-cli/target/reconcile}, found from the working directory or its parent.
 */
public final class UsersPathBenchmark {

  /** Segments compared at once, given to the command as {@code --threads} and to the library. */
  private static final int THREADS = 4;

  /** The environment variable the command reads the second database's password from. */
  private static final String PASSWORD_VARIABLE = "RECONCILE_BENCH_PASSWORD";

  static final Pattern KEY = Pattern.compile("\"key\":\\{\"id\":\"(-?\\d+)\"\\}");
  static final Pattern ROWS_READ = Pattern.compile("\"rowsRead\":(\\d+)");
  static final Pattern RUN_MILLIS = Pattern.compile("\"millis\":(\\d+)");
  static final Pattern GC_BEFORE = Pattern.compile("(\\d+)M->\\d+M\\(");
  static final Pattern FULL_GC_AFTER = Pattern.compile("Pause Full[^\\n]*? \\d+M->(\\d+)M\\(");
  static final Pattern HEAP_USED_AT_EXIT = Pattern.compile("used (\\d+)K");
  static final Pattern VM_HWM = Pattern.compile("VmHWM:\\s*(\\d+) kB");

  private static final String HEADER =
      "| pair, rows, d | native floor | MD5 floor | naive merge | library | CLI | CLI / library | CLI / naive"
          + " | library / native | CLI / native | rows fetched: library, CLI (bound 2·d + segment) | CLI peak RSS, heap |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|";

  private UsersPathBenchmark() {}

  /** What to measure and how. */
  private record Settings(int repeats, boolean calls, boolean jar, boolean peers, List<String> cliJvm, Path launcher,
      @Nullable Path other) {}

  /**
   * The command's run, as seen from outside: {@code keys} sorted, {@code inKeyOrder} whether it
   * printed them so, {@code firstLineMillis} when its first line appeared, {@code liveHeapMib} the
   * most heap left in use after a full collection (0: there was none).
   */
  private record CliRun(long divergences, long[] keys, boolean inKeyOrder, long firstLineMillis, long rowsRead,
      long runMillis, long peakRssMib, long peakHeapMib, long liveHeapMib, @Nullable String failure) {}

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    boolean quick = false;
    boolean calls = false;
    boolean jar = false;
    boolean peers = false;
    Path other = null;
    List<String> cliJvm = List.of();
    List<String> pairs = List.of("pg-pg", "maria-maria", "pg-maria");
    for (String a : args) {
      if (a.equals("--quick")) {
        quick = true;
      } else if (a.equals("--calls")) {
        calls = true;
      } else if (a.equals("--jar")) {
        jar = true;
      } else if (a.equals("--peers")) {
        peers = true;
      } else if (a.startsWith("--other=")) {
        other = Path.of(a.substring("--other=".length())).toAbsolutePath();
      } else if (a.startsWith("--cli-jvm=")) {
        cliJvm = List.of(a.substring("--cli-jvm=".length()).trim().split("\\s+"));
      } else if (a.startsWith("--pairs=")) {
        pairs = List.of(a.substring("--pairs=".length()).split(","));
      } else {
        positional.add(a);
      }
    }
    // pair -> rows -> the d of each case
    Map<String, Map<Long, int[]>> cases = new LinkedHashMap<>();
    int repeats;
    if (!positional.isEmpty() && positional.get(0).equals("cases")) {
      repeats = positional.size() > 1 ? Integer.parseInt(positional.get(1)) : 3;
      for (String pair : pairs) {
        Map<Long, int[]> sizes = new LinkedHashMap<>();
        sizes.put(1_000_000L, new int[] {10, 1_000, 100_000});
        if (!quick) {
          sizes.put(10_000_000L, new int[] {10});
        }
        cases.put(pair, sizes);
      }
    } else if (positional.size() >= 3) {
      repeats = positional.size() > 3 ? Integer.parseInt(positional.get(3)) : 3;
      cases.put(positional.get(0), Map.of(Long.parseLong(positional.get(1)), new int[] {Integer.parseInt(positional.get(2))}));
    } else {
      throw new IllegalArgumentException(
          "expected 'cases [REPEATS]' or 'PAIR ROWS D [REPEATS]', but was " + String.join(" ", args));
    }
    if (peers && !onPath("pt-table-sync")) {
      throw new IllegalStateException(
          "--peers times pt-table-sync, which is not on the PATH: install Debian's percona-toolkit"
              + " (apt-get install percona-toolkit), or leave out --peers");
    }
    Settings settings = new Settings(repeats, calls, jar, peers, cliJvm, launcher(), other);
    System.out.printf(Locale.ROOT, "the users' path: %s; %d repeats, medians; the command: %s; this JVM's max heap %d MiB%n",
        cases.keySet(), repeats, settings.launcher(), Runtime.getRuntime().maxMemory() >> 20);
    System.out.println(HEADER);
    List<String> rows = new ArrayList<>();
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      for (Map.Entry<String, Map<Long, int[]>> pair : cases.entrySet()) {
        Product[] products = Product.pair(pair.getKey());
        TestDatabase a = products[0].newDatabase();
        TestDatabase b = products[1].newDatabase();
        try (HikariDataSource poolA = pool(a, THREADS);
            HikariDataSource poolB = pool(b, THREADS)) {
          for (Map.Entry<Long, int[]> size : pair.getValue().entrySet()) {
            long n = size.getKey();
            long g0 = System.nanoTime();
            both(two, () -> { generate(products[0], a, n); analyze(products[0], a); return null; },
                () -> { generate(products[1], b, n); return null; });
            System.out.printf(Locale.ROOT, "  (%s: %,d rows generated in %.0f s)%n",
                pair.getKey(), n, (System.nanoTime() - g0) / 1e9);
            for (int d : size.getValue()) {
              Planted planted = plant(products[1], b, n, d);
              analyze(products[1], b);
              String row = measure(pair.getKey(), products, new TestDatabase[] {a, b},
                  new DataSource[] {poolA, poolB}, n, planted, settings, two);
              rows.add(row);
              unplant(products[1], b, n, planted);
            }
          }
        }
      }
    } finally {
      two.shutdown();
    }
    System.out.println();
    System.out.println(HEADER);
    rows.forEach(System.out::println);
    System.exit(0); // the embedded servers stop in shutdown hooks
  }

  /** Measures one case, prints its row and details, returns the row. */
  private static String measure(String pair, Product[] products, TestDatabase[] dbs, DataSource[] pools,
      long rows, Planted planted, Settings s, ExecutorService two) throws Exception {
    int d = planted.count();
    long[] naiveFound = new long[1];
    ReconcileReport[] report = new ReconcileReport[2]; // the library's, the library's over the CLI's stores
    CliRun[] cliRun = new CliRun[1];
    Store left = JdbcStore.newBuilder(pools[0]).id(TABLE + "@first").table(TABLE).keyColumns("id").readOnly(true).build();
    Store right = JdbcStore.newBuilder(pools[1]).id(TABLE + "@second").table(TABLE).keyColumns("id").readOnly(true).build();
    if (s.calls()) {
      left = new CallTimes(left);
      right = new CallTimes(right);
    }
    Reconciler library = Reconciler.newBuilder().stores(left, right).parallelism(THREADS).build();
    Map<String, Rounds.Step> steps = new LinkedHashMap<>();
    steps.put("native", () -> floors(two, products[0], dbs[0], products[1], dbs[1], true));
    steps.put("md5", () -> floors(two, products[0], dbs[0], products[1], dbs[1], false));
    steps.put("naive", () -> naiveFound[0] = naiveMerge(products[0], dbs[0], products[1], dbs[1]));
    steps.put("library", () -> report[0] = library.run());
    steps.put("library over the CLI's stores", () -> {
      try (Store a = cliStore(dbs[0], "first"); Store b = cliStore(dbs[1], "second")) {
        report[1] = Reconciler.newBuilder().stores(a, b).parallelism(THREADS).build().run();
      }
    });
    CliRun[] otherRun = new CliRun[1];
    steps.put("cli", () -> cliRun[0] = succeeded(cli(s, dbs, s.launcher())));
    if (s.jar()) {
      steps.put("cli -jar", () -> succeeded(cli(s, dbs, jar(s))));
    }
    if (s.other() != null) {
      steps.put("cli other", () -> otherRun[0] = cli(s, dbs, s.other()));
    }
    long[] ptFound = {-1};
    boolean pt = s.peers() && pair.equals("maria-maria");
    if (pt) {
      steps.put("pt-table-sync", () -> ptFound[0] = ptTableSync(dbs[0], dbs[1]));
    }
    steps.put("cli start", () -> cliStart(s));
    Rounds rounds = Rounds.of(s.repeats(), steps);
    List<String> problems = new ArrayList<>();
    if (naiveFound[0] != d) {
      problems.add("naive merge found " + naiveFound[0]);
    }
    if (report[0].divergences() != d) {
      problems.add("library found " + report[0].divergences());
    }
    if (report[1].divergences() != d) {
      problems.add("library over the CLI's stores found " + report[1].divergences());
    }
    CliRun c = cliRun[0];
    if (c.divergences() != d || !Arrays.equals(c.keys(), planted.keys())) {
      problems.add("CLI found " + c.divergences() + (c.divergences() == d ? ", not the planted keys" : ""));
    }
    double fn = rounds.median("native");
    double fm = rounds.median("md5");
    double nv = rounds.median("naive");
    double lb = rounds.median("library");
    double cl = rounds.median("cli");
    ReconcileReport r = report[0];
    long segmentRows = (rows + r.segments() - 1) / Math.max(1, r.segments());
    String row = String.format(Locale.ROOT,
        "| %s, %s, %,d | %,.0f ms | %,.0f ms | %,.0f ms | %,.0f ms | %,.0f ms | **%.2f** | **%.2f** | %.2f | **%.2f** | %,d, %,d (%,d) | %,d MiB, %,d MiB |%s",
        pair, rows >= 1_000_000 ? rows / 1_000_000 + "M" : String.format(Locale.ROOT, "%,d", rows), d,
        fn, fm, nv, lb, cl, cl / lb, cl / nv, lb / fn, cl / fn,
        r.rowsRead(), c.rowsRead(), 2L * d + segmentRows, c.peakRssMib(), c.peakHeapMib(),
        problems.isEmpty() ? "" : " ✗ " + String.join("; ", problems));
    System.out.println(row);
    System.out.printf(Locale.ROOT,
        "    library over the CLI's stores (Stores.open, in process): %,.0f ms; CLI start alone (--version): %,.0f ms;"
            + " the CLI's run by its --stats (last round): %,d ms, its first line after %,d ms, %s, %s;"
            + " CLI / MD5 floor %.2f, library / MD5 floor %.2f; %,d segments (%,d differing)%s%n",
        rounds.median("library over the CLI's stores"), rounds.median("cli start"),
        c.runMillis(), c.firstLineMillis(), c.inKeyOrder() ? "in key order" : "✗ not in key order", afterFullCollections(c),
        cl / fm, lb / fm, r.segments(), r.segmentsDiffering(),
        s.jar() ? String.format(Locale.ROOT, "; java -jar reconcile.jar: %,.0f ms (%.2f of the library)",
            rounds.median("cli -jar"), rounds.median("cli -jar") / lb) : "");
    if (pt) {
      System.out.printf(Locale.ROOT, "    pt-table-sync --print (Percona Toolkit, Chunk algorithm): %,.0f ms, found %,d%s; the command is %.1f× faster%n",
          rounds.median("pt-table-sync"), ptFound[0], ptFound[0] == d ? "" : " ✗ not " + d, rounds.median("pt-table-sync") / cl);
    }
    if (s.other() != null) {
      CliRun o = otherRun[0];
      System.out.printf(Locale.ROOT, "    other build (%s): %s%n", s.other(), o.failure() != null ? "FAILED " + o.failure()
          : String.format(Locale.ROOT, "%,.0f ms (%.2f of this build's command), first line after %,d ms, peak RSS %,d MiB,"
                  + " heap %,d MiB, %s, found %,d%s, %s",
              rounds.median("cli other"), rounds.median("cli other") / cl, o.firstLineMillis(), o.peakRssMib(),
              o.peakHeapMib(), afterFullCollections(o), o.divergences(),
              o.divergences() == d && Arrays.equals(o.keys(), planted.keys()) ? "" : " ✗ not the planted keys",
              o.inKeyOrder() ? "in key order" : "not in key order"));
    }
    if (s.calls()) {
      System.out.println("    library's store calls, all runs: " + left + " " + right);
      System.out.println("    library's last run: " + r.stageTimes());
    }
    return row;
  }

  /** A store as the command opens it: by URL, a new connection per operation. */
  private static Store cliStore(TestDatabase db, String side) {
    StoreOptions.Builder o = StoreOptions.newBuilder().id(TABLE + "@" + side).dataset(TABLE).keyFields("id").readOnly(true)
        .property("user", db.user());
    if (!db.password().isEmpty()) {
      o.property("password", db.password());
    }
    return Stores.open(db.jdbcUrl(), o.build());
  }

  /**
   * Runs {@code pt-table-sync --print} (Debian's percona-toolkit) from the first database's table to
   * the second's, writing nothing; returns how many statements it printed, one per difference.
   */
  private static long ptTableSync(TestDatabase first, TestDatabase second) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("pt-table-sync", "--print", dsn(first), dsn(second))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    long statements;
    try (Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
        java.nio.charset.StandardCharsets.UTF_8)).lines()) {
      statements = lines.filter(l -> l.startsWith("INSERT ") || l.startsWith("UPDATE ") || l.startsWith("DELETE ")
          || l.startsWith("REPLACE ")).count();
    }
    int exit = p.waitFor();
    if (exit != 0 && exit != 2) { // 2: differences found
      throw new IllegalStateException("pt-table-sync exited with " + exit + "; is Debian's percona-toolkit installed?");
    }
    return statements;
  }

  /** A Percona Toolkit DSN of a MariaDB test database's {@value GeneratedTables#TABLE} table. */
  private static String dsn(TestDatabase db) {
    Matcher m = Pattern.compile("jdbc:mariadb://([^:/]+):(\\d+)/([^?]+)").matcher(db.jdbcUrl());
    if (!m.find()) {
      throw new IllegalStateException("not a MariaDB URL: " + db.jdbcUrl());
    }
    return "h=" + m.group(1) + ",P=" + m.group(2) + ",D=" + m.group(3) + ",t=" + TABLE + ",u=" + db.user() + ",p=" + db.password();
  }

  /** The run, or an exception saying why the command failed. */
  private static CliRun succeeded(CliRun run) {
    if (run.failure() != null) {
      throw new IllegalStateException(run.failure());
    }
    return run;
  }

  /**
   * Runs {@code reconcile diff … --json --stats} as a process — {@code program} is a launcher, or a
   * jar run as {@code java -jar} — and reads what it printed.
   */
  private static CliRun cli(Settings s, TestDatabase[] dbs, Path program) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("reconcile-bench-");
    Path out = dir.resolve("out.jsonl");
    Path err = dir.resolve("err.txt");
    Path gc = dir.resolve("gc.log");
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Xlog:gc,gc+heap+exit:file=" + gc));
    jvm.addAll(s.cliJvm());
    List<String> command = new ArrayList<>();
    if (program.toString().endsWith(".jar")) {
      command.add(java());
      command.addAll(jvm);
      command.addAll(List.of("-jar", program.toString()));
    } else {
      command.add(program.toString());
    }
    command.addAll(List.of("diff", dbs[0].jdbcUrl(), dbs[1].jdbcUrl(),
        "-t", TABLE, "-k", "id", "--json", "--stats", "--threads", String.valueOf(THREADS)));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    launcherEnvironment(pb, jvm);
    for (int n = 1; n <= 2; n++) {
      TestDatabase db = dbs[n - 1];
      command.addAll(List.of("--user" + n, db.user()));
      if (!db.password().isEmpty()) {
        command.addAll(List.of("--password-env" + n, PASSWORD_VARIABLE + n));
        pb.environment().put(PASSWORD_VARIABLE + n, db.password());
      }
    }
    long start = System.nanoTime();
    Process p = pb.start();
    long peakRssKib = 0;
    long firstLineMillis = -1;
    Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
    while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
      peakRssKib = Math.max(peakRssKib, first(VM_HWM, read(status)));
      if (firstLineMillis < 0 && Files.size(out) > 0) {
        firstLineMillis = (System.nanoTime() - start) / 1_000_000;
      }
    }
    int exit = p.exitValue();
    if (exit != 0 && exit != 1) {
      String why = program + " diff exited with " + exit + ": " + read(err).lines().findFirst().orElse("");
      for (Path f : List.of(out, err, gc, dir)) {
        Files.deleteIfExists(f);
      }
      return new CliRun(0, new long[0], false, firstLineMillis, -1, -1, peakRssKib >> 10, 0, 0, why);
    }
    long divergences = 0;
    long rowsRead = -1;
    long runMillis = -1;
    List<Long> keys = new ArrayList<>();
    try (Stream<String> lines = Files.lines(out)) {
      for (String line : (Iterable<String>) lines::iterator) {
        Matcher k = KEY.matcher(line);
        if (k.find()) {
          divergences++;
          keys.add(Long.parseLong(k.group(1)));
        } else if (ROWS_READ.matcher(line).find()) {
          rowsRead = first(ROWS_READ, line);
          runMillis = first(RUN_MILLIS, line);
        }
      }
    }
    String gcLog = read(gc);
    long heapKib = Math.max(max(GC_BEFORE, gcLog) << 10, max(HEAP_USED_AT_EXIT, gcLog));
    for (Path f : List.of(out, err, gc, dir)) {
      Files.deleteIfExists(f);
    }
    long[] printed = keys.stream().mapToLong(Long::longValue).toArray();
    long[] sorted = printed.clone();
    Arrays.sort(sorted);
    return new CliRun(divergences, sorted, Arrays.equals(printed, sorted), firstLineMillis, rowsRead, runMillis,
        peakRssKib >> 10, heapKib >> 10, max(FULL_GC_AFTER, gcLog), null);
  }

  private static String afterFullCollections(CliRun run) {
    return run.liveHeapMib() == 0 ? "no full collection"
        : String.format(Locale.ROOT, "heap after a full collection ≤ %,d MiB", run.liveHeapMib());
  }

  /** The command's fixed cost: the JVM and the command starting, printing its version. */
  private static void cliStart(Settings s) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(s.launcher().toString(), "--version")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
    launcherEnvironment(pb, List.of("-Xmx256m"));
    Process p = pb.start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("reconcile --version exited with " + p.exitValue());
    }
  }

  private static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static String java() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** The launcher runs this JVM's java with these JVM options, as a user sets them. */
  static void launcherEnvironment(ProcessBuilder pb, List<String> jvmOptions) {
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("RECONCILE_OPTS", String.join(" ", jvmOptions));
  }

  private static Path jar(Settings s) {
    return s.launcher().resolveSibling("reconcile.jar");
  }

  static Path launcher() {
    for (Path dir : new Path[] {Path.of(""), Path.of("..")}) {
      Path launcher = dir.resolve("reconcile-cli/target/reconcile").toAbsolutePath().normalize();
      if (Files.isExecutable(launcher)) {
        return launcher;
      }
    }
    throw new IllegalStateException("reconcile-cli/target/reconcile is not there: build it first with"
        + " 'mvn -q install -DskipTests' in the project's directory");
  }

  /** The file's text, or "" once it is gone (a process's status after it exited). */
  static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }

  static long first(Pattern p, String text) {
    Matcher m = p.matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  static long max(Pattern p, String text) {
    Matcher m = p.matcher(text);
    long max = 0;
    while (m.find()) {
      max = Math.max(max, Long.parseLong(m.group(1)));
    }
    return max;
  }
}
