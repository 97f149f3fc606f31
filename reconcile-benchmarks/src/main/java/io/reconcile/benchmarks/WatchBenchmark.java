package io.reconcile.benchmarks;

import static io.reconcile.benchmarks.GeneratedTables.TABLE;
import static io.reconcile.benchmarks.GeneratedTables.analyze;
import static io.reconcile.benchmarks.GeneratedTables.both;
import static io.reconcile.benchmarks.GeneratedTables.generate;
import static io.reconcile.benchmarks.GeneratedTables.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Store;
import io.reconcile.benchmarks.GeneratedTables.Product;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.Watch;
import io.reconcile.core.WatchOptions;
import io.reconcile.core.WatchReport;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import io.reconcile.debezium.PostgresChangeFeed;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import io.reconcile.testservers.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Continuous reconciliation (issue 17): PostgreSQL ↔ PostgreSQL, both tables on one {@link
 * TestServers#logicalPostgres()} server, each table's changes read from the WAL by its own {@link
 * PostgresChangeFeed} (embedded Debezium). With a watch running, 1,000 changes are made over about
 * five seconds: 900 replicated (the same {@code UPDATE} on the first database, then on the second
 * 200–800 ms later, less than the settle window) and 100 on one side only (divergences, half on
 * each side). Measured, in this order, in one process:
 *
 * <ol>
 *   <li>the library's watch ({@link Reconciler#watch}, a {@link FileCheckpointStore}, both feeds
 *       attached), from the first change until every divergence is reported and nothing settles:
 *       rows read, time, divergences reported and settled, time to detect;
 *   <li>a full report-only {@link Reconciler#run()} of the same pair after the changes — what a
 *       cron job does, the baseline the watch's re-check is quoted against;
 *   <li>{@code reconcile watch} as a process (the launcher {@code reconcile-cli/target/reconcile},
 *       {@code --feed1 debezium --feed2 debezium}), the same scenario on other keys, read from its
 *       JSONL events and stopped with SIGTERM.
 * </ol>
 *
 * <p><b>Rows read</b> are counted twice. The library's count ({@link CallTimes} around both stores):
 * every row a digest covered (computed in the database, which reads each of them) plus every row
 * scanned, hashed or looked up. The server's count: {@code seq_tup_read + idx_tup_fetch} of both
 * tables in {@code pg_stat_user_tables}, less the one row each benchmark {@code UPDATE} fetches —
 * what PostgreSQL really read, whatever the library thinks it asked for (read after the backends
 * flushed their statistics, {@value #STATS_FLUSH_MS} ms after the last query; it includes the idle
 * cycles up to the watch's stop). <b>Re-check time</b> is the sum of the durations of the watch's
 * cycles from the first change to the cycle that reported the last divergence with nothing left
 * settling: the work the watch did for the changes, against the full run's wall time. The wall time
 * from the last change to the last divergence reported is printed too; it holds the settle window
 * by design. <b>Time to detect</b> is measured here from each one-sided {@code UPDATE}'s commit to
 * its divergence event reaching the host (the listener, or a line read from the command's stdout),
 * and also quoted as the watch reports it (from the commit time the feed carries). Before the
 * changes, each scenario proves both feeds live with one one-sided change per side, undone within
 * the settle window (so it settles: no divergence, no time-to-detect sample).
 *
 * <pre>{@code
 * mvn -q install -DskipTests
 * mvn -q -pl reconcile-benchmarks exec:exec -Dbench.main=io.reconcile.benchmarks.WatchBenchmark \
 *     -Dbench.jvm=-Xmx2g -Dbench.args="10000000"
 * }</pre>
 *
 * <p>Arguments: the rows per table (default 10,000,000), then any of {@code --leaf-rows=N} (the
 * watch's leaves, default {@value #DEFAULT_LEAF_ROWS}), {@code --repeats=N} (timed full runs after
 * one untimed, default 3), {@code --no-cli}, {@code --trace} (one line per cycle of each measured
 * phase: its time, rows, digest and pipeline time), {@code --async-commit} (the writers commit as
 * the test server is configured, asynchronously, instead of as PostgreSQL does by default), {@code
 * --poll-interval-ms=N} (Debezium's {@code poll.interval.ms} for the library's feeds; the command
 * has no option for it; by default the feed's own, 50 ms).
 */
public final class WatchBenchmark {

  /**
   * Rows per leaf: 1,000 changes check about 2,000 leaves on both stores (a replicated change's leaf
   * after each side's write, a held divergence's again when due) and the pipeline reads each
   * differing leaf about as much again, so 16-row leaves keep the re-check under 1% of a full run of
   * 10M rows, where 64 would not.
   */
  static final int DEFAULT_LEAF_ROWS = 16;
  static final Duration SETTLE = Duration.ofSeconds(2);
  static final Duration INTERVAL = Duration.ofMillis(200);
  static final int CHANGES = 1_000;
  static final int DIVERGENT = 100;
  static final long SPREAD_MS = 5_000;
  /** How long PostgreSQL's backends may keep table statistics before flushing them (PGSTAT_IDLE_INTERVAL 10 s), and a margin. */
  static final long STATS_FLUSH_MS = 11_000;
  private static final int THREADS = 4;
  private static final Duration PHASE = Duration.ofMinutes(20);
  private static final String PASSWORD_VARIABLE = "RECONCILE_BENCH_PASSWORD";
  private static final String UPDATE = "UPDATE " + TABLE + " SET amount = amount + 1 WHERE id = ?";
  private static final ObjectMapper JSON = new ObjectMapper();

  private WatchBenchmark() {}

  public static void main(String[] args) throws Exception {
    long rows = 10_000_000;
    int leafRows = DEFAULT_LEAF_ROWS;
    int repeats = 3;
    boolean cli = true;
    boolean trace = false;
    boolean asyncCommit = false;
    int pollMillis = 0;
    for (String a : args) {
      if (a.startsWith("--leaf-rows=")) {
        leafRows = Integer.parseInt(a.substring("--leaf-rows=".length()));
      } else if (a.startsWith("--repeats=")) {
        repeats = Integer.parseInt(a.substring("--repeats=".length()));
      } else if (a.equals("--no-cli")) {
        cli = false;
      } else if (a.equals("--trace")) {
        trace = true;
      } else if (a.equals("--async-commit")) {
        asyncCommit = true;
      } else if (a.startsWith("--poll-interval-ms=")) {
        pollMillis = Integer.parseInt(a.substring("--poll-interval-ms=".length()));
      } else if (a.matches("\\d+")) {
        rows = Long.parseLong(a);
      } else {
        throw new IllegalArgumentException("expected [ROWS] [--leaf-rows=N] [--repeats=N] [--no-cli] [--trace]"
            + " [--async-commit] [--poll-interval-ms=N], but got '" + a + "'");
      }
    }
    Settings settings = new Settings(leafRows, asyncCommit, pollMillis, trace);
    Path launcher = cli ? UsersPathBenchmark.launcher() : null;
    TestServer server = TestServers.logicalPostgres();
    ExecutorService two = Executors.newFixedThreadPool(2);
    try {
      TestDatabase a = server.newDatabase();
      TestDatabase b = server.newDatabase();
      long n = rows;
      long g0 = System.nanoTime();
      both(two, () -> { generate(Product.PG, a, n); analyze(Product.PG, a); return null; },
          () -> { generate(Product.PG, b, n); analyze(Product.PG, b); return null; });
      System.out.printf(Locale.ROOT, "continuous reconciliation: PostgreSQL ↔ PostgreSQL on one server (wal_level=logical),"
              + " %,d rows per table (generated in %.0f s); %s; %,d changes over %d s, %d of them on one side only;"
              + " this JVM's max heap %d MiB%n",
          rows, (System.nanoTime() - g0) / 1e9, settings, CHANGES, SPREAD_MS / 1000, DIVERGENT,
          Runtime.getRuntime().maxMemory() >> 20);

      Random random = new Random(17);
      long[] keys = distinctKeys(random, rows, 2 * (CHANGES + 2));
      Script library = Script.of(Arrays.copyOfRange(keys, 0, CHANGES + 2), random);
      Script command = Script.of(Arrays.copyOfRange(keys, CHANGES + 2, keys.length), random);

      try (HikariDataSource poolA = pool(a, THREADS);
          HikariDataSource poolB = pool(b, THREADS)) {
        JdbcStore jdbcA = JdbcStore.newBuilder(poolA).id(TABLE + "@first").table(TABLE).keyColumns("id").readOnly(true).build();
        JdbcStore jdbcB = JdbcStore.newBuilder(poolB).id(TABLE + "@second").table(TABLE).keyColumns("id").readOnly(true).build();
        Figures lib;
        try (LibraryWatch w = new LibraryWatch(a, b, jdbcA, jdbcB, settings)) {
          lib = scenario("library watch", w, a, b, library, settings);
        }
        dropSlots(a);
        dropSlots(b);

        FullRun full = fullRun(new CallTimes(jdbcA), new CallTimes(jdbcB), a, b, repeats);
        if (full.divergences() != DIVERGENT) {
          System.out.println("✗ the full run found " + full.divergences() + " divergences, not " + DIVERGENT);
        }
        library.undo(a, b);

        Figures cmd = null;
        if (launcher != null) {
          try (CliWatch w = new CliWatch(launcher, a, b, leafRows)) {
            cmd = scenario("reconcile watch", w, a, b, command, settings);
          }
          dropSlots(a);
          dropSlots(b);
        }
        print(rows, settings, full, lib, cmd);
      }
    } finally {
      two.shutdown();
      server.close();
    }
    System.exit(0); // Debezium's and the pools' threads
  }

  /**
   * How the scenarios run: the watch's leaves; whether the benchmark's writers commit
   * asynchronously, as the test server is configured (durability off), instead of as PostgreSQL
   * does by default ({@code synchronous_commit = on}: the WAL is flushed, so logical decoding sees
   * the change, at commit); Debezium's {@code poll.interval.ms} for the library's feeds (0: the
   * feed's default, 50 ms); whether every cycle is printed.
   */
  record Settings(int leafRows, boolean asyncCommit, int pollMillis, boolean trace) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "leaf rows %d, settle %d ms, interval %d ms, writers' commits %s,"
              + " Debezium poll.interval.ms %s for the library's feeds", leafRows, SETTLE.toMillis(), INTERVAL.toMillis(),
          asyncCommit ? "asynchronous (the test server's setting)" : "synchronous (PostgreSQL's default)",
          pollMillis == 0 ? "50 (the feed's default)" : Integer.toString(pollMillis));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The changes

  /** One {@code UPDATE} of the script: on the first (0) or second (1) database, {@code at} ms after the start. */
  record Step(long key, int side, long at) {}

  /**
   * The changes of one scenario: {@link #CHANGES} keys, every tenth on one side only (alternately
   * the first and the second), the others on the first and then on the second 200–800 ms later;
   * evenly spread over {@link #SPREAD_MS}. Two more keys warm the feeds up, one per side.
   */
  record Script(List<Step> steps, Map<Long, Integer> divergent, long[] warmUp) {

    static Script of(long[] keys, Random random) {
      List<Step> steps = new ArrayList<>();
      Map<Long, Integer> divergent = new LinkedHashMap<>();
      for (int i = 0; i < CHANGES; i++) {
        long at = i * SPREAD_MS / CHANGES;
        if (i % (CHANGES / DIVERGENT) == 3) {
          int side = divergent.size() % 2;
          divergent.put(keys[i], side);
          steps.add(new Step(keys[i], side, at));
        } else {
          steps.add(new Step(keys[i], 0, at));
          steps.add(new Step(keys[i], 1, at + 200 + random.nextInt(601)));
        }
      }
      return new Script(List.copyOf(steps), Map.copyOf(divergent), new long[] {keys[CHANGES], keys[CHANGES + 1]});
    }

    /** The statements on one side, in time order. */
    List<Step> on(int side) {
      return steps.stream().filter(s -> s.side() == side).sorted(java.util.Comparator.comparingLong(Step::at)).toList();
    }

    /** The keys changed on one side. */
    Set<Long> keysOn(int side) {
      Set<Long> k = new HashSet<>();
      steps.stream().filter(s -> s.side() == side).forEach(s -> k.add(s.key()));
      return k;
    }

    /** Makes the tables agree again: each one-sided change applied on the other side too. */
    void undo(TestDatabase a, TestDatabase b) {
      divergent.forEach((key, side) -> (side == 0 ? b : a).exec(UPDATE.replace("?", Long.toString(key))));
    }
  }

  /** What applying a script did: each one-sided change's commit time, the last commit, the statements run. */
  record Applied(Map<Long, Long> committed, long first, long last, int statements) {}

  /** Runs the script's statements on time, one thread per database, each statement its own transaction. */
  static Applied apply(Script script, TestDatabase a, TestDatabase b, boolean asyncCommit) throws Exception {
    Map<Long, Long> committed = new ConcurrentHashMap<>();
    long[] bounds = {Long.MAX_VALUE, 0};
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
    ExecutorService sides = Executors.newFixedThreadPool(2);
    try {
      both(sides, () -> run(script, 0, a, asyncCommit, start, committed, bounds),
          () -> run(script, 1, b, asyncCommit, start, committed, bounds));
    } finally {
      sides.shutdown();
    }
    return new Applied(Map.copyOf(committed), bounds[0], bounds[1], script.steps().size());
  }

  private static Void run(Script script, int side, TestDatabase db, boolean asyncCommit, long start,
      Map<Long, Long> committed, long[] bounds) throws Exception {
    try (Connection c = db.dataSource().getConnection();
        PreparedStatement update = c.prepareStatement(UPDATE)) {
      c.setAutoCommit(true);
      if (!asyncCommit) {
        try (var set = c.createStatement()) {
          set.execute("SET synchronous_commit = on");
        }
      }
      for (Step s : script.on(side)) {
        long due = start + TimeUnit.MILLISECONDS.toNanos(s.at());
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
          LockSupport.parkNanos(wait); // pacing the changes, not waiting for a result
        }
        update.setLong(1, s.key());
        if (update.executeUpdate() != 1) {
          throw new IllegalStateException("no row " + s.key() + " to update");
        }
        long now = System.currentTimeMillis();
        if (script.divergent().containsKey(s.key())) {
          committed.put(s.key(), now);
        }
        synchronized (bounds) {
          bounds[0] = Math.min(bounds[0], now);
          bounds[1] = Math.max(bounds[1], now);
        }
      }
    }
    return null;
  }

  static long[] distinctKeys(Random random, long rows, int count) {
    Set<Long> keys = new LinkedHashSet<>();
    while (keys.size() < count) {
      keys.add(1 + (long) (random.nextDouble() * rows));
    }
    return keys.stream().mapToLong(Long::longValue).toArray();
  }

  // ---------------------------------------------------------------------------------------------
  // A watch, seen from outside

  /**
   * A watch's status after one cycle, as the benchmark keeps it: the {@link WatchReport}'s figures,
   * when it was seen ({@code at}, ms), and for the library's watch what the stores served so far
   * ({@code storeRows}, {@code digestNanos}: {@link CallTimes} of both stores) and what the cycles'
   * pipeline runs read and took; -1 where the command does not tell.
   */
  record Cycle(long at, long cycle, long lastCycleMillis, long sweeps, long rowsChecked, long leavesChecked,
      long spotChecks, long divergences, long settled, long settling, long[] detect, long storeRows, long digestNanos,
      long pipelineRows, long pipelineNanos, long pipelineRuns) {}

  /** A running watch: its cycles and the divergences it reported, as they come. */
  abstract static class Watched implements AutoCloseable {
    final BlockingQueue<Cycle> queue = new LinkedBlockingQueue<>();
    final List<Cycle> cycles = new ArrayList<>();
    /** Key → when its divergence reached the host (ms), in the order reported. */
    final Map<Long, Long> reported = new ConcurrentHashMap<>();

    /** Why the watch stopped by itself, or null while it runs. */
    abstract @Nullable String failure();

    /** Stops the watch as its user would; returns when it has stopped. */
    abstract void stop() throws Exception;

    /** Whether every change of the script has reached the watch through its feeds (true when it cannot tell). */
    boolean delivered(Script script, long since) {
      return true;
    }

    /** Debezium's delivery: from each change's commit to the watch polling it, ms; empty when it cannot tell. */
    long[] deliveryMillis(long since) {
      return new long[0];
    }

    /** The first cycle from now on that satisfies {@code done}. */
    Cycle await(String what, Predicate<Cycle> done, Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        Cycle c = queue.poll(Math.max(1, Math.min(1000, (deadline - System.nanoTime()) / 1_000_000)), TimeUnit.MILLISECONDS);
        if (c != null) {
          cycles.add(c);
          if (done.test(c)) {
            return c;
          }
        } else if (failure() != null) {
          throw new IllegalStateException("the watch stopped while waiting for " + what + ": " + failure());
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no " + what + " within " + timeout + "; last cycle: "
              + (cycles.isEmpty() ? "none" : cycles.get(cycles.size() - 1)));
        }
      }
    }

    /** The last cycle seen, after taking every cycle that has finished. */
    Cycle latest() {
      queue.drainTo(cycles);
      return cycles.get(cycles.size() - 1);
    }
  }

  /** Measures Debezium's delivery: each change polled, when and how long after its commit. */
  static final class TimedFeed implements ChangeFeedSource {
    private final ChangeFeedSource source;
    /** (key, polled at ms, ms since its commit) of every change polled. */
    final ConcurrentLinkedQueue<long[]> polled = new ConcurrentLinkedQueue<>();

    TimedFeed(ChangeFeedSource source) {
      this.source = source;
    }

    @Override
    public ChangeFeed open(Optional<FeedPosition> after) {
      ChangeFeed feed = source.open(after);
      return new ChangeFeed() {
        @Override
        public ChangeBatch poll(Duration timeout) throws InterruptedException {
          ChangeBatch batch = feed.poll(timeout);
          long now = System.currentTimeMillis();
          for (Change c : batch.changes()) {
            polled.add(new long[] {((Number) c.key().part(0)).longValue(), now,
                c.commitTime().map(t -> now - t.toEpochMilli()).orElse(-1L)});
          }
          return batch;
        }

        @Override
        public void commit(FeedPosition position) {
          feed.commit(position);
        }

        @Override
        public void close() {
          feed.close();
        }
      };
    }

    Set<Long> keysSince(long since) {
      Set<Long> keys = new HashSet<>();
      polled.stream().filter(p -> p[1] >= since).forEach(p -> keys.add(p[0]));
      return keys;
    }
  }

  /** The library's watch in this JVM, both tables fed by Debezium, its state in a file checkpoint store. */
  static final class LibraryWatch extends Watched {
    private final Watch watch;
    private final TimedFeed[] feeds;
    private final Path state;

    LibraryWatch(TestDatabase a, TestDatabase b, JdbcStore jdbcA, JdbcStore jdbcB, Settings settings) throws IOException {
      this.state = Files.createTempDirectory("reconcile-watch-bench-");
      this.feeds = new TimedFeed[] {new TimedFeed(feedOf(a, jdbcA, "bench_lib_first", settings.pollMillis())),
          new TimedFeed(feedOf(b, jdbcB, "bench_lib_second", settings.pollMillis()))};
      CallTimes left = new CallTimes(jdbcA);
      CallTimes right = new CallTimes(jdbcB);
      long[] pipeline = new long[3]; // rows, nanos, runs
      ReconcileListener recorder = new ReconcileListener() {
        @Override
        public void divergenceFound(String runId, Divergence d) {
          reported.putIfAbsent(((Number) d.key().part(0)).longValue(), System.currentTimeMillis());
        }

        @Override
        public void runFinished(ReconcileReport report) {
          synchronized (pipeline) {
            pipeline[0] += report.rowsRead();
            pipeline[1] += Duration.between(report.startedAt(), report.finishedAt()).toNanos();
            pipeline[2]++;
          }
        }

        @Override
        public void watchCycleFinished(WatchReport s) {
          WatchReport.Latency l = s.timeToDetect();
          synchronized (pipeline) {
            queue.add(new Cycle(System.currentTimeMillis(), s.cycles(), s.lastCycle().toMillis(), s.sweeps(), s.rowsChecked(),
                s.leavesChecked(), s.spotChecks(), s.divergences(), s.settled(), s.settling(),
                new long[] {l.samples(), l.p50().toMillis(), l.p99().toMillis(), l.max().toMillis()},
                left.rows() + right.rows(), left.nanos("digest") + right.nanos("digest"), pipeline[0], pipeline[1], pipeline[2]));
          }
        }
      };
      Reconciler reconciler = Reconciler.newBuilder().stores(left, right).parallelism(THREADS)
          .checkpoints(FileCheckpointStore.open(state)).listener(recorder).build();
      watch = reconciler.watch(WatchOptions.newBuilder().name("bench").leafRows(settings.leafRows()).settle(SETTLE).interval(INTERVAL)
          .feed(left.id(), feeds[0]).feed(right.id(), feeds[1]).build());
    }

    private static PostgresChangeFeed feedOf(TestDatabase db, Store store, String watcherId, int pollMillis) {
      Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)").matcher(db.jdbcUrl());
      if (!m.matches()) {
        throw new IllegalStateException("not a PostgreSQL URL: " + db.jdbcUrl());
      }
      PostgresChangeFeed.Builder b = PostgresChangeFeed.newBuilder().host(m.group(1)).port(Integer.parseInt(m.group(2)))
          .database(m.group(3)).user(db.user()).password(db.password()).table("public." + TABLE).watcherId(watcherId)
          .store(store);
      if (pollMillis > 0) {
        b.connectorProperty("poll.interval.ms", Integer.toString(pollMillis));
      }
      return b.build();
    }

    @Override
    @Nullable String failure() {
      return watch.failure().map(Throwable::toString).orElse(watch.isStopped() ? "stopped" : null);
    }

    @Override
    boolean delivered(Script script, long since) {
      return feeds[0].keysSince(since).containsAll(script.keysOn(0)) && feeds[1].keysSince(since).containsAll(script.keysOn(1));
    }

    @Override
    long[] deliveryMillis(long since) {
      return Arrays.stream(feeds).flatMap(f -> f.polled.stream()).filter(p -> p[1] >= since && p[2] >= 0)
          .mapToLong(p -> p[2]).toArray();
    }

    @Override
    void stop() {
      watch.close();
    }

    @Override
    public void close() throws IOException {
      watch.close();
      try (var files = Files.walk(state)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** {@code reconcile watch} as a process, read from its JSONL events (a status line after every cycle). */
  static final class CliWatch extends Watched {
    private final Process process;
    private final Thread reader;
    private final Path dir;

    CliWatch(Path launcher, TestDatabase a, TestDatabase b, int leafRows) throws IOException {
      dir = Files.createTempDirectory("reconcile-watch-cli-");
      List<String> command = new ArrayList<>(List.of(launcher.toString(), "watch", a.jdbcUrl(), b.jdbcUrl(),
          "-t", TABLE, "-k", "id", "--user1", a.user(), "--password-env1", PASSWORD_VARIABLE,
          "--user2", b.user(), "--password-env2", PASSWORD_VARIABLE, "--state", dir.resolve("state").toString(),
          "--name", "bench_cli", "--feed1", "debezium", "--feed2", "debezium", "--leaf-rows", String.valueOf(leafRows),
          "--settle", SETTLE.toMillis() + "ms", "--interval", INTERVAL.toMillis() + "ms",
          // a status line after every cycle (cycles are at least --interval apart): the per-cycle figures
          "--status-every", "100ms", "--threads", String.valueOf(THREADS), "-q"));
      ProcessBuilder pb = new ProcessBuilder(command).redirectError(dir.resolve("stderr.txt").toFile());
      UsersPathBenchmark.launcherEnvironment(pb, List.of("-Xmx1g"));
      pb.environment().put(PASSWORD_VARIABLE, a.password());
      process = pb.start();
      reader = new Thread(this::read, "watch-cli-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          long now = System.currentTimeMillis();
          if (line.contains("\"event\":\"divergence\"")) {
            Matcher k = UsersPathBenchmark.KEY.matcher(line);
            if (k.find()) {
              reported.putIfAbsent(Long.parseLong(k.group(1)), now);
            }
          } else if (line.contains("\"event\":\"watch-status\"")) {
            JsonNode s = JSON.readTree(line);
            JsonNode l = s.get("timeToDetectMillis");
            queue.add(new Cycle(now, s.get("cycles").asLong(), s.get("lastCycleMillis").asLong(), s.get("sweeps").asLong(),
                s.get("rowsChecked").asLong(), s.get("leavesChecked").asLong(), s.get("spotChecks").asLong(),
                s.get("divergences").asLong(), s.get("settled").asLong(), s.get("settling").asLong(),
                new long[] {l.get("samples").asLong(), l.get("p50").asLong(), l.get("p99").asLong(), l.get("max").asLong()},
                -1, -1, -1, -1, -1));
          }
        }
      } catch (IOException e) {
        System.err.println("reading the command's output: " + e);
      }
    }

    @Override
    @Nullable String failure() {
      return process.isAlive() ? null : "the command exited with " + process.exitValue() + ": "
          + UsersPathBenchmark.read(dir.resolve("stderr.txt")).lines().filter(l -> !l.startsWith("watch ")).findFirst().orElse("");
    }

    @Override
    void stop() throws InterruptedException {
      process.toHandle().destroy(); // SIGTERM; Process.destroy() would close the pipe the last lines come through
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("reconcile watch did not stop within 2 minutes of SIGTERM");
      }
      reader.join(TimeUnit.MINUTES.toMillis(1));
      if (process.exitValue() != 0 && process.exitValue() != 143) {
        throw new IllegalStateException("reconcile watch exited with " + process.exitValue());
      }
    }

    @Override
    public void close() throws IOException {
      process.destroyForcibly();
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The scenario

  /** What one watch did with one script. */
  record Figures(String name, long sweepMillis, long sweepRows, int cycles, long busyMillis, long libraryRows,
      long leafRows, long pipelineRows, long pipelineMillis, long pipelineRuns, long digestMillis, long spotChecks,
      long serverRows, long reportedCount, int falseReports, int missed, long settled, long lastChangeToLastReport,
      long lastChangeToDone, long[] detect, long[] watchDetect, long[] delivery, List<Cycle> trace) {}

  static Figures scenario(String name, Watched w, TestDatabase a, TestDatabase b, Script script, Settings settings)
      throws Exception {
    System.out.println(name + ": first sweep…");
    Cycle sweep = w.await("the first sweep", c -> c.sweeps() >= 1, Duration.ofHours(2));
    System.out.printf(Locale.ROOT, "  first sweep: cycle %d, %,d ms, %,d rows digested%n", sweep.cycle(),
        sweep.lastCycleMillis(), sweep.rowsChecked());
    for (int side = 0; side < 2; side++) {
      // A change on one side, seen (held for the settle window), then made on the other side too: it settles.
      Cycle before = w.latest();
      long key = script.warmUp()[side];
      (side == 0 ? a : b).exec(UPDATE.replace("?", Long.toString(key)));
      w.await("the warm-up change on side " + (side + 1) + " seen", c -> c.settling() >= 1, Duration.ofMinutes(2));
      (side == 0 ? b : a).exec(UPDATE.replace("?", Long.toString(key)));
      w.await("the warm-up change settled", c -> c.settling() == 0 && c.settled() > before.settled(), Duration.ofMinutes(1));
    }
    if (!w.reported.isEmpty()) {
      System.out.println("  ✗ a warm-up change was reported: " + w.reported.keySet());
      w.reported.clear();
    }
    Thread.sleep(STATS_FLUSH_MS); // the backends flush their table statistics
    long server0 = serverReads(a) + serverReads(b);
    Cycle base = w.latest();
    System.out.printf(Locale.ROOT, "  feeds live; %,d changes…%n", CHANGES);
    Applied applied = apply(script, a, b, settings.asyncCommit());
    Cycle done = w.await("every divergence reported and nothing settling",
        c -> w.reported.keySet().containsAll(script.divergent().keySet()) && c.settling() == 0
            && w.delivered(script, applied.first() - 1000),
        PHASE);
    long doneAt = done.at();
    // Two seconds more: a replicated change reported late would show here.
    Cycle tail = w.await("two more seconds of cycles", c -> c.at() >= doneAt + 2000, Duration.ofMinutes(1));
    w.stop();
    Thread.sleep(STATS_FLUSH_MS);
    long serverRows = serverReads(a) + serverReads(b) - server0 - applied.statements();

    List<Cycle> phase = w.cycles.stream().filter(c -> c.cycle() > base.cycle() && c.cycle() <= done.cycle()).toList();
    long busy = phase.stream().mapToLong(Cycle::lastCycleMillis).sum();
    Set<Long> expected = script.divergent().keySet();
    int falseReports = (int) w.reported.keySet().stream().filter(k -> !expected.contains(k)).count();
    int missed = (int) expected.stream().filter(k -> !w.reported.containsKey(k)).count();
    long[] detect = expected.stream().filter(w.reported::containsKey)
        .mapToLong(k -> w.reported.get(k) - applied.committed().get(k)).sorted().toArray();
    long lastReport = w.reported.values().stream().mapToLong(Long::longValue).max().orElse(0);
    boolean library = done.storeRows() >= 0;
    Figures f = new Figures(name, sweep.lastCycleMillis(), sweep.rowsChecked(), phase.size(), busy,
        library ? done.storeRows() - base.storeRows() : -1, done.rowsChecked() - base.rowsChecked(),
        library ? (done.storeRows() - base.storeRows()) - (done.rowsChecked() - base.rowsChecked()) : -1,
        library ? (done.pipelineNanos() - base.pipelineNanos()) / 1_000_000 : -1, library ? done.pipelineRuns() - base.pipelineRuns() : -1,
        library ? (done.digestNanos() - base.digestNanos()) / 1_000_000 : -1, done.spotChecks() - base.spotChecks(),
        serverRows, tail.divergences() - base.divergences(), falseReports, missed, done.settled() - base.settled(),
        lastReport - applied.last(), done.at() - applied.last(), detect, done.detect(), w.deliveryMillis(applied.first()),
        phase);
    System.out.printf(Locale.ROOT, "  %s: %d cycles, busy %,d ms; rows: library %,d (leaf digests %,d, pipeline %,d), server %,d;"
            + " reported %d (false %d, missed %d), settled %d; detect p50/p99/max %s (watch's own %s)%n",
        name, f.cycles(), f.busyMillis(), f.libraryRows(), f.leafRows(), f.pipelineRows(), f.serverRows(),
        f.reportedCount(), f.falseReports(), f.missed(), f.settled(), latency(f.detect()), watchLatency(f.watchDetect()));
    if (settings.trace()) {
      Cycle prev = base;
      System.out.println("    cycle | ms | rows checked (leaf digests) | library rows (all calls) | digest calls ms (both stores)"
          + " | pipeline ms | runs | settling | divergences");
      for (Cycle c : phase) {
        System.out.printf(Locale.ROOT, "    %d | %,d | %,d | %s | %s | %s | %s | %d | %d%n", c.cycle(), c.lastCycleMillis(),
            c.rowsChecked() - prev.rowsChecked(), delta(c.storeRows(), prev.storeRows(), 1),
            delta(c.digestNanos(), prev.digestNanos(), 1_000_000), delta(c.pipelineNanos(), prev.pipelineNanos(), 1_000_000),
            delta(c.pipelineRuns(), prev.pipelineRuns(), 1), c.settling(), c.divergences() - base.divergences());
        prev = c;
      }
    }
    return f;
  }

  private static String delta(long now, long before, long unit) {
    return now < 0 ? "-" : String.format(Locale.ROOT, "%,d", (now - before) / unit);
  }

  /** Rows PostgreSQL read from the table so far: sequential scans' and index scans' tuples. */
  static long serverReads(TestDatabase db) {
    return Long.parseLong(db.query("SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)"
        + " FROM pg_stat_user_tables WHERE relname = '" + TABLE + "'").strip());
  }

  /** Drops this database's replication slots once nobody reads them (a slot nobody reads keeps WAL). */
  static void dropSlots(TestDatabase db) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String mine = "FROM pg_replication_slots WHERE database = current_database()";
    while (!db.query("SELECT count(*) " + mine).strip().equals("0")) {
      db.query("SELECT count(pg_drop_replication_slot(slot_name)) " + mine + " AND NOT active");
      if (System.nanoTime() > deadline) {
        System.out.println("  (replication slots still active: " + db.query("SELECT string_agg(slot_name, ',') " + mine) + ")");
        return;
      }
      Thread.sleep(200); // the feed's WAL sender is going away
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The baseline

  record FullRun(double millis, long libraryRows, long serverRows, long rowsFetched, long divergences, String stages) {}

  static FullRun fullRun(CallTimes left, CallTimes right, TestDatabase a, TestDatabase b, int repeats) throws Exception {
    System.out.println("full report-only run…");
    Reconciler reconciler = Reconciler.newBuilder().stores(left, right).parallelism(THREADS).build();
    ReconcileReport[] report = new ReconcileReport[1];
    long rows0 = left.rows() + right.rows();
    Thread.sleep(STATS_FLUSH_MS);
    long server0 = serverReads(a) + serverReads(b);
    Map<String, Rounds.Step> steps = new LinkedHashMap<>();
    steps.put("full run", () -> report[0] = reconciler.run());
    Rounds rounds = Rounds.of(repeats, steps);
    int runs = repeats + 1;
    Thread.sleep(STATS_FLUSH_MS);
    long server = (serverReads(a) + serverReads(b) - server0) / runs;
    ReconcileReport r = report[0];
    FullRun f = new FullRun(rounds.median("full run"), (left.rows() + right.rows() - rows0) / runs, server, r.rowsRead(),
        r.divergences(), r.stageTimes() + "; " + left + " " + right);
    System.out.printf(Locale.ROOT, "  full run: %,.0f ms (median of %d), rows: library %,d (fetched %,d), server %,d; %d divergences%n",
        f.millis(), repeats, f.libraryRows(), f.rowsFetched(), f.serverRows(), f.divergences());
    return f;
  }

  // ---------------------------------------------------------------------------------------------
  // The figures

  static void print(long rows, Settings settings, FullRun full, Figures lib, @Nullable Figures cmd) {
    List<Figures> watches = cmd == null ? List.of(lib) : List.of(lib, cmd);
    System.out.println();
    System.out.printf(Locale.ROOT, "%,d rows per table; %s%nfull run %,.0f ms, %,d rows (library's count), %,d rows"
            + " (server's count), %d divergences%n",
        rows, settings, full.millis(), full.libraryRows(), full.serverRows(), full.divergences());
    StringBuilder head = new StringBuilder("| figure | target |");
    StringBuilder rule = new StringBuilder("|---|---|");
    for (Figures f : watches) {
      head.append(' ').append(f.name()).append(" |");
      rule.append("---:|");
    }
    System.out.println(head);
    System.out.println(rule);
    row(watches, "rows the re-check read, library's count", "", f -> num(f.libraryRows()));
    row(watches, "… of which leaf digests / pipeline runs", "", f -> num(f.leafRows()) + " / " + num(f.pipelineRows()));
    row(watches, "rows the re-check read, server's count", "", f -> num(f.serverRows()));
    row(watches, "re-check rows / full run rows (library's count)", "< 1%", f -> pct(f.libraryRows(), full.libraryRows()));
    row(watches, "re-check rows / full run rows (server's count)", "< 1%", f -> pct(f.serverRows(), full.serverRows()));
    row(watches, "re-check time: Σ cycle times, first change → last report", "< 1 s",
        f -> String.format(Locale.ROOT, "%,d ms in %d cycles", f.busyMillis(), f.cycles()));
    row(watches, "store digest calls, summed over both stores (leaf checks and pipelines) / pipeline runs, ms", "",
        f -> num(f.digestMillis()) + " / " + num(f.pipelineMillis())
        + (f.pipelineRuns() >= 0 ? " (" + f.pipelineRuns() + " runs)" : ""));
    row(watches, "re-check time / full run time", "", f -> String.format(Locale.ROOT, "%.2f%%", 100.0 * f.busyMillis() / full.millis()));
    row(watches, "last change → last divergence reported (settle window included)", "",
        f -> String.format(Locale.ROOT, "%,d ms", f.lastChangeToLastReport()));
    row(watches, "divergences reported (of 100) / false / missed", "100 / 0 / 0",
        f -> f.reportedCount() + " / " + f.falseReports() + " / " + f.missed());
    row(watches, "settled by themselves (replication lag seen)", "", f -> num(f.settled()));
    row(watches, "time to detect p50 / p99 / max, commit → event at the host", "p99 ≤ " + (SETTLE.toMillis() + 1000) + " ms",
        f -> latency(f.detect()));
    row(watches, "time to detect p50 / p99 / max, the watch's own (samples)", "", f -> watchLatency(f.watchDetect()));
    row(watches, "Debezium: commit → polled by the watch, p50 / p99 / max", "", f -> latency(f.delivery()));
    row(watches, "spot checks during the phase (leaves)", "", f -> num(f.spotChecks()));
    row(watches, "first sweep", "", f -> String.format(Locale.ROOT, "%,d ms, %,d rows", f.sweepMillis(), f.sweepRows()));
    System.out.println("full run's stages and store calls (last run): " + full.stages());
  }

  private interface Column {
    String of(Figures f);
  }

  private static void row(List<Figures> watches, String figure, String target, Column column) {
    StringBuilder out = new StringBuilder("| ").append(figure).append(" | ").append(target).append(" |");
    for (Figures f : watches) {
      out.append(' ').append(column.of(f)).append(" |");
    }
    System.out.println(out);
  }

  private static String num(long n) {
    return n < 0 ? "–" : String.format(Locale.ROOT, "%,d", n);
  }

  private static String pct(long part, long whole) {
    return part < 0 ? "–" : String.format(Locale.ROOT, "%.3f%%", 100.0 * part / whole);
  }

  /** p50 / p99 / max of sorted samples, ms. */
  static String latency(long[] sorted) {
    if (sorted.length == 0) {
      return "–";
    }
    long[] s = sorted.clone();
    Arrays.sort(s);
    return String.format(Locale.ROOT, "%,d / %,d / %,d ms", percentile(s, 0.50), percentile(s, 0.99), s[s.length - 1]);
  }

  private static String watchLatency(long[] l) {
    return String.format(Locale.ROOT, "%,d / %,d / %,d ms (%d)", l[1], l[2], l[3], l[0]);
  }

  static long percentile(long[] sorted, double q) {
    return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
  }
}
