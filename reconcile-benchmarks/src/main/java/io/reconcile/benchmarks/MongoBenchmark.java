package io.reconcile.benchmarks;

import static io.reconcile.benchmarks.GeneratedTables.both;

import com.mongodb.ConnectionString;
import com.mongodb.ServerAddress;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Updates;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.mongo.MongoStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestMongo;
import io.reconcile.testservers.TestServers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.types.Decimal128;
import org.jspecify.annotations.Nullable;

/**
 * MongoDB collections (issue 16): two collections of N documents ({@code _id} an int64, {@code
 * name} a string, {@code amount} a decimal128 of two places, {@code created} a date, {@code active}
 * a boolean, {@code qty} an int32), inserted in batches of 1,000, and a PostgreSQL table of the same
 * N rows ({@code id bigint} key, {@code numeric(12,2)}, {@code timestamptz} whole milliseconds,
 * generated in the database). d differences are planted in the second collection, a third each:
 * documents deleted, documents whose amount is one more, documents inserted under new keys. Two
 * pairs: MongoDB ↔ MongoDB (the collections) and PostgreSQL ↔ MongoDB (the table against the second
 * collection). Per case, alternating (one untimed round, then the medians of {@code REPEATS}
 * rounds; see {@link Rounds}):
 *
 * <ul>
 *   <li>the <b>floor</b>: each collection read once in full, sorted by {@code _id}, as raw BSON
 *       (every field: the store compares them all), each document turned into its canonical
 *       entry and hashed (canonical MD5, {@link Entry#hash()}, what the store does) and summed into
 *       a {@link Digest}; both sides at once, on two threads. On the PostgreSQL side, the table's
 *       cheapest native hash ({@code sum(hash_record_extended(t, 0))}, as {@link KafkaBenchmark}'s
 *       floor). Once per case the floor's digest is checked against the store's own digest of the
 *       collection, so the floor hashes what the store hashes;
 *   <li>the <b>naive</b> baseline: both sides fetched whole and sorted by key (documents decoded by
 *       the driver, rows over JDBC) and compared in one merge loop, by value;
 *   <li>the <b>library</b>: a report-only {@link Reconciler} run over {@link MongoStore}s (and a
 *       pooled {@link JdbcStore}) opened before the rounds, {@code parallelism(4)};
 *   <li>the library over three <b>prototype</b> read paths of the MongoDB store ({@link
 *       PrototypeStore}, each adding to the one before): segments cut from one {@code _id}-only
 *       sorted read instead of a {@code $sample}; one query per store call instead of one per range;
 *       no {@link Capability#KEY_INDEX}, so the engine plans a full pass instead of bisecting. They
 *       are the evidence for what the figures suggest changing in the store, not stores to use;
 *   <li>a sketch of another plan for stores that hash in the JVM, the <b>row-hash merge</b>: each
 *       store's row hashes of the whole key space streamed once in key order (the stores as they
 *       are, one {@code find} each, read ahead on two threads), merged, then the differing keys
 *       looked up in both ({@link #hashMerge}): what an engine plan without digests would cost;
 *   <li>the <b>command</b>: {@code java -Xmx256m -jar reconcile-cli/target/reconcile.jar diff URI1
 *       URI2 -t orders -k id --json --stats --threads 4} as a process, its peak RSS ({@code VmHWM},
 *       polled every 20 ms) and heap (its GC log: the most in use before a collection, and after a
 *       full one). With {@code --launcher} also the launcher {@code reconcile-cli/target/reconcile}
 *       (C1 only, serial GC, the class-data archive).
 * </ul>
 *
 * <p>The MongoDB server is {@link TestMongo}'s: the in-memory, wire-compatible {@code
 * mongo-java-server} running in this benchmark's JVM on a loopback port, unless {@code MONGO_URI}
 * names a real one. The library reaches it over loopback TCP through the driver like any client;
 * the command, a separate process, through the same port. So the server's own work is in this
 * JVM: its threads' CPU time ({@code mongo-server-*}, {@link ThreadMXBean}) is measured per step and
 * printed. That server answers every {@code _id} range query by scanning and sorting the whole
 * collection in memory (its {@code _id} index serves equality and {@code $in} only): a store that
 * reads a collection in many ranges pays a full scan per range there, which a real MongoDB would
 * serve from its {@code _id} index. Its {@code $sample} (which {@link MongoStore#segments} cuts
 * ranges by) sorts the whole collection by a random comparator: it costs seconds at 100,000
 * documents, picks keys from the front of the collection far more often than from the back (so
 * segments come out uneven and the engine cuts the largest again, with another {@code $sample}),
 * and now and then fails ("Comparison method violates its general contract!", error -1 to the
 * driver). A run or command that fails so is counted, run again (at most three attempts in all, see
 * {@code --attempts}),
 * and only an attempt that finished is timed; a step that never finished reads "failed".
 *
 * <p>After the timed rounds, an untimed pass runs each tool once more through a {@link
 * CountingProxy} per side and prints the bytes each server sent: what every tool moved on the wire
 * (the report's {@code bytesRead} is what the stores handed the engine, digests and rows, not what
 * the driver read). Every tool must find exactly d differences (the command the very planted keys),
 * or the row says which did not.
 *
 * <pre>{@code
 * mvn -q -o -pl reconcile-benchmarks,reconcile-cli -am package -DskipTests
 * mvn -q -o -pl reconcile-benchmarks -am package org.codehaus.mojo:exec-maven-plugin:3.6.2:exec -DskipTests \
 *     -Dexec.executable=true -Dbench.main=io.reconcile.benchmarks.MongoBenchmark -Dbench.jvm=-Xmx3g \
 *     -Dbench.args="100000 10,1000 3"
 * }</pre>
 *
 * <p>{@code -am} builds the modules it depends on from this tree: the parent POM installed in a
 * shared {@code ~/.m2} may predate reconcile-mongo, and then Maven drops the MongoDB driver from
 * what reconcile-mongo brings (the command's jar comes out without it). {@code -Dexec.executable=true}
 * makes the other modules' {@code exec} a no-op ({@code true}); the benchmark module sets its own
 * executable. With an up-to-date {@code ~/.m2}, {@code mvn -q -pl reconcile-benchmarks exec:exec
 * -Dbench.main=… -Dbench.jvm=-Xmx3g -Dbench.args=…} does the same.
 *
 * <p>Arguments: {@code [DOCS [D,… [REPEATS]]]}, by default {@code 100000 10,1000 3}; then {@code
 * --pairs=mongo-mongo,pg-mongo} (the default, both), {@code --launcher} (also time the launcher),
 * {@code --calls} (the library's store calls and their time, all rounds, see {@link CallTimes}, and
 * its stage times), {@code --cli-jvm="OPTIONS"} (more JVM options for the command, after {@code
 * -Xmx256m}), {@code --jfr=DIR} (a flight recording of each run of the command, {@code
 * settings=profile}), {@code --no-bytes} (skip the counting pass), {@code --attempts=N} (how many
 * times a run failing on the in-memory server's {@code $sample} is attempted, 3 by default), {@code
 * --prototypes=segments,one-query,full-pass} (the default) or {@code none}. The benchmark's JVM
 * holds the in-memory server's documents: give it {@code -Dbench.jvm=-Xmx3g}.
 */
public final class MongoBenchmark {

  private static final String COLLECTION = GeneratedTables.TABLE;
  /** Segments compared at once: the command's default {@code --threads}, given to the library too. */
  private static final int THREADS = 4;
  private static final int INSERT_BATCH = 1_000;
  private static final long EPOCH_2024 = Instant.parse("2024-01-01T00:00:00Z").toEpochMilli();
  private static final BsonDocument BY_ID = new BsonDocument("_id", new BsonInt32(1));
  private static final Pattern KEY = Pattern.compile("\"key\":\\{\"id\":\"?(-?\\d+)\"?\\}");
  /** How a store reports the in-memory server's failing {@code $sample}: error -1, no code name. */
  private static final String SAMPLE_FAILURE = "MongoDB failed (error -1 )";
  private static final String PASSWORD_VARIABLE = "RECONCILE_BENCH_PASSWORD";

  private static final String LIBRARY = "library";
  /** How many times a run that fails on the in-memory server's {@code $sample} is attempted ({@code --attempts}). */
  private static int attempts = 3;
  private static final String HASH_MERGE = "row-hash merge";
  private static final String HEADER = "| pair, docs, d | floor | naive (/ floor) | library (/ floor) | CLI (/ floor)"
      + " | prototype: segments from _id | prototype: one query per call | prototype: full pass | sketch: row-hash merge"
      + " | bytes from the servers | CLI heap: peak, after full GC; RSS |\n"
      + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|";

  private MongoBenchmark() {}

  /** What to measure and how. */
  private record Settings(int repeats, boolean calls, boolean launcher, boolean bytes, List<Variant> prototypes,
      List<String> cliJvm,
      @Nullable Path jfr, Path launcherPath) {
    Path jar() {
      return launcherPath.resolveSibling("reconcile.jar");
    }
  }

  /** The keys planted in the second collection: deleted from it, changed in it, inserted into it. */
  private record Planted(long[] deleted, long[] changed, long[] inserted) {
    long[] keys() {
      return LongStream.concat(LongStream.concat(Arrays.stream(deleted), Arrays.stream(changed)), Arrays.stream(inserted))
          .sorted().toArray();
    }

    int count() {
      return deleted.length + changed.length + inserted.length;
    }
  }

  /** The command's run, from outside. */
  private record CliRun(int exit, long divergences, long[] keys, long rowsRead, long runMillis, long peakRssMib,
      long peakHeapMib, long liveHeapMib, String err) {

    /** Whether the command failed on the in-memory server's {@code $sample} (see {@link Timed}). */
    boolean sampleBug() {
      return exit == 2 && err.contains(SAMPLE_FAILURE);
    }
  }

  /** One pass of one side: its digest (or the native hash's text), the documents or rows, the bytes read as BSON. */
  private record Pass(String digest, long rows, long bsonBytes, long millis) {}

  public static void main(String[] args) {
    int exit = 0;
    try {
      run(args);
    } catch (Exception e) {
      e.printStackTrace();
      exit = 1;
    }
    System.exit(exit); // the servers stop in shutdown hooks; the in-memory one's threads would keep the JVM up
  }

  private static void run(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    List<String> cliJvm = List.of();
    List<String> pairs = List.of("mongo-mongo", "pg-mongo");
    Path jfr = null;
    boolean calls = false;
    boolean launcher = false;
    boolean bytes = true;
    List<Variant> prototypes = List.of(Variant.values());
    for (String a : args) {
      if (a.equals("--calls")) {
        calls = true;
      } else if (a.equals("--launcher")) {
        launcher = true;
      } else if (a.equals("--no-bytes")) {
        bytes = false;
      } else if (a.startsWith("--prototypes=")) {
        String names = a.substring("--prototypes=".length());
        prototypes = names.equals("none") ? List.of() : Arrays.stream(names.split(",")).map(Variant::named).toList();
      } else if (a.startsWith("--attempts=")) {
        attempts = Integer.parseInt(a.substring("--attempts=".length()));
      } else if (a.startsWith("--pairs=")) {
        pairs = List.of(a.substring("--pairs=".length()).split(","));
      } else if (a.startsWith("--cli-jvm=")) {
        cliJvm = List.of(a.substring("--cli-jvm=".length()).trim().split("\\s+"));
      } else if (a.startsWith("--jfr=")) {
        jfr = Files.createDirectories(Path.of(a.substring("--jfr=".length())).toAbsolutePath());
      } else {
        positional.add(a);
      }
    }
    long docs = positional.size() > 0 ? Long.parseLong(positional.get(0)) : 100_000;
    int[] ds = positional.size() > 1 ? Arrays.stream(positional.get(1).split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10, 1_000};
    int repeats = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 3;
    if (docs < 30 || Arrays.stream(ds).anyMatch(d -> d < 3 || d > docs / 10)
        || !List.of("mongo-mongo", "pg-mongo").containsAll(pairs)) {
      throw new IllegalArgumentException("expected DOCS ≥ 30, each D between 3 and DOCS/10 and pairs among mongo-mongo,"
          + " pg-mongo, but was " + String.join(" ", args));
    }
    Settings s = new Settings(repeats, calls, launcher, bytes, prototypes, cliJvm, jfr, UsersPathBenchmark.launcher());
    String server = TestMongo.uri();
    System.out.printf(Locale.ROOT, "MongoDB collections: %,d documents, d = %s, %s; %d repeats, medians; MongoDB: %s;"
            + " the command: %s; this JVM's max heap %d MiB; %d cores%n", docs, Arrays.toString(ds), pairs, repeats,
        TestMongo.isReal() ? "a real server (MONGO_URI)" : "mongo-java-server in this JVM at " + server, s.jar(),
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
    ExecutorService two = Executors.newFixedThreadPool(2);
    List<String> rows = new ArrayList<>();
    try (MongoClient client = MongoClients.create(server)) {
      MongoSide first = new MongoSide(server, client, TestMongo.newDatabase("bench_first"), false);
      MongoSide second = new MongoSide(server, client, TestMongo.newDatabase("bench_second"), false);
      long g0 = System.nanoTime();
      both(two, () -> { generate(first, docs); return null; }, () -> { generate(second, docs); return null; });
      System.out.printf(Locale.ROOT, "  (two collections of %,d documents inserted in %.1f s)%n", docs,
          (System.nanoTime() - g0) / 1e9);
      PgSide table = null;
      if (pairs.contains("pg-mongo")) {
        TestDatabase pg = TestServers.postgres();
        generate(pg, docs);
        table = new PgSide(pg.jdbcUrl(), pg.user(), pg.password(), GeneratedTables.pool(pg, THREADS));
      }
      for (int d : ds) {
        Planted planted = plant(second, docs, d);
        if (pairs.contains("mongo-mongo")) {
          rows.add(measure("mongo-mongo", first, second, docs, planted, s, two));
        }
        if (table != null) {
          rows.add(measure("pg-mongo", table, second, docs, planted, s, two));
        }
        unplant(second, docs, planted);
      }
      if (table != null) {
        table.close();
      }
    } finally {
      two.shutdown();
    }
    System.out.println();
    System.out.println(HEADER);
    rows.forEach(System.out::println);
  }

  /** Measures one case, prints its row and details, returns the row. */
  private static String measure(String pair, Side first, Side second, long docs, Planted planted, Settings s,
      ExecutorService two) throws Exception {
    int d = planted.count();
    // The runs of the library: over the stores as they are, then over each prototype read path.
    List<String> libraries = new ArrayList<>(List.of(LIBRARY));
    s.prototypes().forEach(v -> libraries.add(v.label));
    List<String> tools = new ArrayList<>(List.of("floor", "naive"));
    tools.addAll(libraries);
    tools.add(HASH_MERGE);
    tools.add("CLI");
    if (s.launcher()) {
      tools.add("launcher");
    }
    Map<String, Timed> timed = new LinkedHashMap<>();
    tools.forEach(t -> timed.put(t, new Timed()));
    Map<String, Store[]> stores = new LinkedHashMap<>();
    Map<String, Reconciler> runs = new LinkedHashMap<>();
    Map<String, ReconcileReport> reports = new HashMap<>(); // each library's last run that finished
    for (int i = 0; i < libraries.size(); i++) {
      Variant v = i == 0 ? null : s.prototypes().get(i - 1);
      Store left = first.store(COLLECTION + "@first", v);
      Store right = second.store(COLLECTION + "@second", v);
      if (s.calls()) {
        left = new CallTimes(left);
        right = new CallTimes(right);
      }
      stores.put(libraries.get(i), new Store[] {left, right});
      runs.put(libraries.get(i), Reconciler.newBuilder().stores(left, right).parallelism(THREADS).build());
    }
    List<Long> firstMillis = new ArrayList<>();
    List<Long> secondMillis = new ArrayList<>();
    Pass[] floor = new Pass[2];
    long[] naiveFound = new long[1];
    Map<String, CliRun> cliRuns = new HashMap<>(); // the command's and the launcher's last runs that finished
    Map<String, Rounds.Step> steps = new LinkedHashMap<>();
    steps.put("floor", () -> timed.get("floor").run(() -> {
      both(two, () -> floor[0] = first.floor(), () -> floor[1] = second.floor());
      firstMillis.add(floor[0].millis());
      secondMillis.add(floor[1].millis());
      return true;
    }, x -> false));
    steps.put("naive", () -> naiveFound[0] = timed.get("naive").run(() -> naive(first, second), x -> false));
    for (String library : libraries) {
      steps.put(library, () -> {
        ReconcileReport r = timed.get(library).run(runs.get(library)::run, x -> false);
        if (r != null) {
          reports.put(library, r);
        }
      });
    }
    long[] mergeFound = new long[1];
    steps.put(HASH_MERGE, () -> mergeFound[0] = timed.get(HASH_MERGE).run(() -> {
      Store[] asTheyAre = stores.get(LIBRARY);
      return hashMerge(asTheyAre[0], asTheyAre[1], two);
    }, x -> false));
    for (String command : tools.subList(3 + libraries.size(), tools.size())) {
      steps.put(command, () -> {
        CliRun c = timed.get(command).run(() -> cli(s, command.equals("launcher"), first, second, pair), CliRun::sampleBug);
        if (c != null) {
          cliRuns.put(command, c);
        }
      });
    }
    Rounds.of(s.repeats(), steps);

    List<String> problems = new ArrayList<>();
    if (naiveFound[0] != d) {
      problems.add("naive found " + naiveFound[0]);
    }
    if (mergeFound[0] != d) {
      problems.add(HASH_MERGE + " found " + mergeFound[0]);
    }
    for (String tool : tools) {
      ReconcileReport r = reports.get(tool);
      if (r != null && r.divergences() != d) {
        problems.add(tool + " found " + r.divergences());
      }
      CliRun c = cliRuns.get(tool);
      if (c != null && (c.exit() != 1 || c.divergences() != d || !Arrays.equals(c.keys(), planted.keys()))) {
        problems.add(tool + ": exit " + c.exit() + ", found " + c.divergences()
            + (c.divergences() == d ? " (not the planted keys)" : "")
            + (c.exit() > 1 ? ": " + c.err().lines().findFirst().orElse("") : ""));
      }
      Timed t = timed.get(tool);
      if (t.gaveUp > 0) {
        problems.add(String.format(Locale.ROOT, "%s failed on $sample %d times in a row in %d of %d rounds", tool,
            attempts, t.gaveUp, t.calls));
      }
    }
    // The floor must hash what the stores hash: its digest of each collection is theirs.
    for (int i = 0; i < 2; i++) {
      if ((i == 0 ? first : second) instanceof MongoSide) {
        for (Map.Entry<String, Store[]> st : stores.entrySet()) {
          Digest theirs = st.getValue()[i].digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5).get(0);
          if (!theirs.toString().equals(floor[i].digest())) {
            problems.add("the floor's digest of side " + (i + 1) + " is not the " + st.getKey() + "'s store's: "
                + floor[i].digest() + " vs " + theirs);
          }
        }
      }
    }
    Map<String, long[]> wire = s.bytes() ? countBytes(first, second, s, libraries, pair, two) : Map.of();

    double fl = timed.get("floor").millis();
    CliRun c = cliRuns.getOrDefault("CLI", new CliRun(-1, 0, new long[0], -1, -1, 0, 0, 0, ""));
    StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %s, %s, %,d | %,.0f ms | %s |", pair,
        docs >= 1_000_000 && docs % 1_000_000 == 0 ? docs / 1_000_000 + "M" : String.format(Locale.ROOT, "%,d", docs),
        d, fl, ratio(timed.get("naive").millis(), fl, false)));
    for (String tool : List.of(LIBRARY, "CLI")) {
      row.append(' ').append(ratio(timed.get(tool).millis(), fl, true)).append(" |");
    }
    for (Variant v : Variant.values()) {
      row.append(' ').append(s.prototypes().contains(v) ? ratio(timed.get(v.label).millis(), fl, true) : "—").append(" |");
    }
    row.append(' ').append(ratio(timed.get(HASH_MERGE).millis(), fl, true)).append(" |");
    row.append(String.format(Locale.ROOT, " %s | %,d MiB, %s; %,d MiB |%s",
        wire.isEmpty() ? "—" : Stream.of("floor", LIBRARY, "CLI").map(t -> t + " " + mib(total(wire.get(t))))
            .reduce((a, b) -> a + ", " + b).orElse(""),
        c.peakHeapMib(), c.liveHeapMib() == 0 ? "no full GC" : c.liveHeapMib() + " MiB", c.peakRssMib(),
        problems.isEmpty() ? "" : " ✗ " + String.join("; ", problems)));
    System.out.println(row);
    System.out.printf(Locale.ROOT,
        "    floor's sides alone: %,d ms, %,d ms (%,d and %,d documents or rows; BSON read: %s, %s); the CLI's run by its"
            + " --stats %,d ms, rows read %,d%n",
        median(firstMillis), median(secondMillis), floor[0].rows(), floor[1].rows(), mib(floor[0].bsonBytes()),
        mib(floor[1].bsonBytes()), c.runMillis(), c.rowsRead());
    if (!TestMongo.isReal()) {
      System.out.println("    in-memory server's CPU, median of the rounds: " + String.join(", ", tools.stream()
          .map(t -> t + " " + ms(timed.get(t).serverCpu())).toList()));
    }
    if (!wire.isEmpty()) {
      System.out.println("    bytes from the servers, first + second: " + String.join(", ", wire.entrySet().stream()
          .map(e -> e.getKey() + " " + mib(e.getValue()[0]) + " + " + mib(e.getValue()[1])).toList()));
    }
    for (String library : libraries) {
      ReconcileReport r = reports.get(library);
      if (r != null) {
        System.out.printf(Locale.ROOT, "    %s: %,d segments (%,d differing), stores served %s; stages %s%n",
            library, r.segments(), r.segmentsDiffering(), stats(r), stages(r));
      }
    }
    if (timed.values().stream().mapToInt(t -> t.sampleFailures).sum() > 0) {
      System.out.println("    runs that failed on the in-memory server's $sample (error -1) and were run again: "
          + String.join(", ", tools.stream().filter(t -> timed.get(t).sampleFailures > 0)
              .map(t -> t + " " + timed.get(t).sampleFailures).toList()));
    }
    if (s.calls()) {
      stores.forEach((library, pairOfStores) -> System.out.println("    " + library + ", store calls, all rounds: "
          + pairOfStores[0] + " " + pairOfStores[1]));
    }
    for (Store[] pairOfStores : stores.values()) {
      pairOfStores[0].close();
      pairOfStores[1].close();
    }
    return row.toString();
  }

  /** {@code 1,234 ms (3.21)}, the ratio in bold if asked; {@code failed} for a step that never finished. */
  private static String ratio(double millis, double floor, boolean bold) {
    if (Double.isNaN(millis)) {
      return "failed";
    }
    String r = String.format(Locale.ROOT, "%.2f", millis / floor);
    return String.format(Locale.ROOT, "%,.0f ms (%s)", millis, bold ? "**" + r + "**" : r);
  }

  private static String ms(double millis) {
    return Double.isNaN(millis) || millis < 0 ? "—" : String.format(Locale.ROOT, "%,.0f ms", millis);
  }

  private static long total(long[] perSide) {
    return perSide[0] < 0 || perSide[1] < 0 ? -1 : perSide[0] + perSide[1];
  }

  private static String stages(ReconcileReport r) {
    List<String> out = new ArrayList<>();
    r.stageTimes().forEach((stage, t) -> out.add(stage + " " + t.toMillis() + " ms"));
    return String.join(", ", out);
  }

  /**
   * One step's figures per round: wall time and the in-memory server's CPU time of the attempt that
   * finished. The in-memory server's {@code $sample} fails now and then (error -1, "Comparison method
   * violates its general contract!": it sorts by a random comparator), which fails a run at its
   * start; such a run is counted and run again, at most {@code --attempts} times in all (3 by default).
   */
  private static final class Timed {
    private final List<Long> millis = new ArrayList<>();
    private final List<Long> serverCpu = new ArrayList<>();
    private int calls;
    private int sampleFailures;
    private int gaveUp;

    /** The call's result, or null when it failed on {@code $sample} {@code attempts} times in a row. */
    <T> @Nullable T run(java.util.concurrent.Callable<T> call, java.util.function.Predicate<T> failedOnSample)
        throws Exception {
      boolean untimed = ++calls == 1; // the first call is Rounds' untimed round
      for (int attempt = 1; attempt <= attempts; attempt++) {
        long cpu0 = serverCpuNanos();
        long t0 = System.nanoTime();
        T result;
        try {
          result = call.call();
        } catch (ReconcileException.StoreUnavailableException e) {
          if (e.getMessage().contains(SAMPLE_FAILURE)) {
            sampleFailures++;
            continue;
          }
          throw e;
        }
        if (failedOnSample.test(result)) {
          sampleFailures++;
          continue;
        }
        if (!untimed) {
          millis.add((System.nanoTime() - t0) / 1_000_000);
          serverCpu.add((serverCpuNanos() - cpu0) / 1_000_000);
        }
        return result;
      }
      gaveUp++;
      return null;
    }

    /** The median wall time of the timed rounds that finished (NaN if none did). */
    double millis() {
      return millis.isEmpty() ? Double.NaN : sortedMedian(millis);
    }

    /** The median CPU time of the in-memory server in the timed rounds that finished. */
    long serverCpu() {
      return serverCpu.isEmpty() ? -1 : sortedMedian(serverCpu);
    }

    private static long sortedMedian(List<Long> values) {
      long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
      return sorted[sorted.length / 2];
    }
  }

  /** What each store served the engine: rows, digests, and the report's estimate of bytes. */
  private static String stats(ReconcileReport r) {
    List<String> out = new ArrayList<>();
    r.storeStats().forEach((id, st) -> out.add(String.format(Locale.ROOT, "%s %,d rows, %,d digests, %s",
        id, st.rowsRead(), st.digestsComputed(), mib(st.bytesRead()))));
    return String.join("; ", out);
  }

  /** The CPU time of the in-memory MongoDB server's threads so far (its netty event loops). */
  private static long serverCpuNanos() {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("mongo-server")) {
        sum += Math.max(0, mx.getThreadCpuTime(t.getId()));
      }
    }
    return sum;
  }

  /** The median of a figure taken once per round, the untimed first round left out. */
  private static long median(List<Long> values) {
    long[] sorted = values.stream().skip(1).mapToLong(Long::longValue).sorted().toArray();
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }

  private static String mib(long bytes) {
    return bytes < 0 ? "—" : String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  // ---- bytes on the wire ---------------------------------------------------------------------------

  /**
   * Each tool once more, untimed, its sides reached through a {@link CountingProxy} each: the bytes
   * each server sent, per tool and side ({@code -1}: the tool failed on {@code $sample} every time).
   */
  private static Map<String, long[]> countBytes(Side first, Side second, Settings s, List<String> libraries, String pair,
      ExecutorService two) throws Exception {
    Map<String, long[]> out = new LinkedHashMap<>();
    try (CountingProxy pa = first.proxy();
        CountingProxy pb = second.proxy();
        Side a = first.via(pa);
        Side b = second.via(pb)) {
      Map<String, java.util.concurrent.Callable<Boolean>> tools = new LinkedHashMap<>();
      tools.put("floor", () -> {
        both(two, a::floor, b::floor);
        return true;
      });
      tools.put("naive", () -> {
        naive(a, b);
        return true;
      });
      for (int i = 0; i < libraries.size(); i++) {
        Variant v = i == 0 ? null : s.prototypes().get(i - 1);
        tools.put(libraries.get(i), () -> {
          try (Store left = a.store(COLLECTION + "@first", v);
              Store right = b.store(COLLECTION + "@second", v)) {
            Reconciler.newBuilder().stores(left, right).parallelism(THREADS).build().run();
            return true;
          } catch (ReconcileException.StoreUnavailableException e) {
            if (e.getMessage().contains(SAMPLE_FAILURE)) {
              return false;
            }
            throw e;
          }
        });
      }
      tools.put(HASH_MERGE, () -> {
        try (Store left = a.store(COLLECTION + "@first", null);
            Store right = b.store(COLLECTION + "@second", null)) {
          hashMerge(left, right, two);
          return true;
        }
      });
      tools.put("CLI", () -> {
        CliRun c = cli(s, false, a, b, pair + "-bytes");
        if (c.exit() != 1 && !c.sampleBug()) {
          throw new IllegalStateException("the command through the proxies exited with " + c.exit() + ": " + c.err());
        }
        return !c.sampleBug();
      });
      for (Map.Entry<String, java.util.concurrent.Callable<Boolean>> tool : tools.entrySet()) {
        long[] bytes = {-1, -1};
        for (int attempt = 1; attempt <= attempts; attempt++) {
          long a0 = pa.fromServer();
          long b0 = pb.fromServer();
          boolean done = tool.getValue().call();
          Thread.sleep(100); // the relays' last buffers
          if (done) {
            bytes = new long[] {pa.fromServer() - a0, pb.fromServer() - b0};
            break;
          }
        }
        out.put(tool.getKey(), bytes);
      }
    }
    return out;
  }

  // ---- the sides -----------------------------------------------------------------------------------

  /** One side of a pair: a collection or a table, and how each tool reaches it. */
  private sealed interface Side extends AutoCloseable permits MongoSide, PgSide {

    /**
     * The library's store, read-only; with a variant, a MongoDB collection's store is read through
     * that {@link PrototypeStore prototype} read path (a table's is the same store either way).
     */
    Store store(String id, @Nullable Variant prototype);

    /** One full pass, hashed (the floor's side). */
    Pass floor() throws Exception;

    /** Every row, whole, in key order, values canonical (the naive baseline's side). */
    Rows rows() throws SQLException;

    /** The command's URI of this side. */
    String cliUri();

    /** Adds the command's options for this side, number {@code n}, and their environment. */
    void cliOptions(int n, List<String> command, ProcessBuilder pb);

    /** A relay to this side's server that counts bytes. */
    CountingProxy proxy() throws IOException;

    /** This side reached through {@code proxy}; closing it closes its own clients only. */
    Side via(CountingProxy proxy);

    @Override
    void close();
  }

  /** A side's rows in key order: the key, and the five values in canonical Java form. */
  private interface Rows extends AutoCloseable {
    boolean next() throws SQLException;

    long key();

    Object[] values();

    @Override
    void close() throws SQLException;
  }

  /** The collection {@value #COLLECTION} of {@code database}; {@code owned}: the client is this side's to close. */
  private record MongoSide(String server, MongoClient client, String database, boolean owned) implements Side {

    MongoCollection<BsonDocument> collection() {
      return client.getDatabase(database).getCollection(COLLECTION, BsonDocument.class);
    }

    @Override
    public Store store(String id, @Nullable Variant prototype) {
      Store store = MongoStore.newBuilder(client, database, COLLECTION).id(id).readOnly(true).build();
      return prototype == null ? store
          : new PrototypeStore(store, client.getDatabase(database).getCollection(COLLECTION, RawBsonDocument.class), prototype);
    }

    @Override
    public Pass floor() {
      long t0 = System.nanoTime();
      Digest digest = Digest.EMPTY;
      long docs = 0;
      long bytes = 0;
      MongoCollection<RawBsonDocument> c = client.getDatabase(database).getCollection(COLLECTION, RawBsonDocument.class);
      try (MongoCursor<RawBsonDocument> cursor = c.find().sort(BY_ID).batchSize(INSERT_BATCH).cursor()) {
        while (cursor.hasNext()) {
          RawBsonDocument doc = cursor.next();
          bytes += doc.getByteBuffer().remaining();
          digest = digest.plus(entry(doc).hash());
          docs++;
        }
      }
      return new Pass(digest.toString(), docs, bytes, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public Rows rows() {
      MongoCursor<BsonDocument> cursor = collection().find().sort(BY_ID).batchSize(INSERT_BATCH).cursor();
      return new Rows() {
        private long key = Long.MIN_VALUE;
        private final Object[] values = new Object[5];

        @Override
        public boolean next() {
          if (!cursor.hasNext()) {
            return false;
          }
          BsonDocument doc = cursor.next();
          long k = doc.get("_id").asNumber().longValue();
          if (k <= key) {
            throw new IllegalStateException("_id out of order: " + k + " after " + key);
          }
          key = k;
          values[0] = doc.getString("name").getValue();
          values[1] = doc.getDecimal128("amount").getValue().bigDecimalValue().stripTrailingZeros();
          values[2] = Instant.ofEpochMilli(doc.getDateTime("created").getValue());
          values[3] = doc.getBoolean("active").getValue();
          values[4] = doc.getInt32("qty").getValue();
          return true;
        }

        @Override
        public long key() {
          return key;
        }

        @Override
        public Object[] values() {
          return values;
        }

        @Override
        public void close() {
          cursor.close();
        }
      };
    }

    @Override
    public String cliUri() {
      int q = server.indexOf('?');
      String base = q < 0 ? server : server.substring(0, q);
      return (base.endsWith("/") ? base : base + "/") + database + (q < 0 ? "" : server.substring(q));
    }

    @Override
    public void cliOptions(int n, List<String> command, ProcessBuilder pb) {
      // credentials, if any, are in the URI
    }

    @Override
    public CountingProxy proxy() throws IOException {
      ServerAddress a = new ServerAddress(new ConnectionString(server).getHosts().get(0));
      return new CountingProxy(a.getHost(), a.getPort());
    }

    @Override
    public Side via(CountingProxy proxy) {
      String uri = "mongodb://127.0.0.1:" + proxy.port() + "/?directConnection=true";
      return new MongoSide(uri, MongoClients.create(uri), database, true);
    }

    @Override
    public void close() {
      if (owned) {
        client.close();
      }
    }
  }

  /** The table {@value #COLLECTION} of a PostgreSQL database, through a pool. */
  private record PgSide(String jdbcUrl, String user, String password, HikariDataSource pool) implements Side {

    @Override
    public Store store(String id, @Nullable Variant prototype) {
      return JdbcStore.newBuilder(pool).id(id).table(COLLECTION).keyColumns("id").readOnly(true).build();
    }

    @Override
    public Pass floor() {
      long t0 = System.nanoTime();
      String result = TestDatabase.query(pool, "SELECT count(*), sum(hash_record_extended(t, 0)) FROM " + COLLECTION + " t");
      long rows = Long.parseLong(result.trim().split("\\|")[0]);
      return new Pass(result.trim(), rows, -1, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public Rows rows() throws SQLException {
      Connection c = pool.getConnection();
      c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      PreparedStatement st = c.prepareStatement("SELECT id, name, amount, created, active, qty FROM " + COLLECTION
          + " ORDER BY id");
      st.setFetchSize(10_000);
      ResultSet rs = st.executeQuery();
      return new Rows() {
        private long key = Long.MIN_VALUE;
        private final Object[] values = new Object[5];

        @Override
        public boolean next() throws SQLException {
          if (!rs.next()) {
            return false;
          }
          key = rs.getLong(1);
          values[0] = rs.getString(2);
          values[1] = rs.getBigDecimal(3).stripTrailingZeros();
          values[2] = rs.getObject(4, OffsetDateTime.class).toInstant();
          values[3] = rs.getBoolean(5);
          values[4] = rs.getInt(6);
          return true;
        }

        @Override
        public long key() {
          return key;
        }

        @Override
        public Object[] values() {
          return values;
        }

        @Override
        public void close() throws SQLException {
          try (c; st; rs) {
            c.rollback();
          }
        }
      };
    }

    @Override
    public String cliUri() {
      return jdbcUrl;
    }

    @Override
    public void cliOptions(int n, List<String> command, ProcessBuilder pb) {
      command.addAll(List.of("--user" + n, user));
      if (!password.isEmpty()) {
        command.addAll(List.of("--password-env" + n, PASSWORD_VARIABLE + n));
        pb.environment().put(PASSWORD_VARIABLE + n, password);
      }
    }

    @Override
    public CountingProxy proxy() throws IOException {
      Matcher m = Pattern.compile("//([^/:]+):(\\d+)/").matcher(jdbcUrl);
      if (!m.find()) {
        throw new IllegalStateException("no host and port in " + jdbcUrl);
      }
      return new CountingProxy(m.group(1), Integer.parseInt(m.group(2)));
    }

    @Override
    public Side via(CountingProxy proxy) {
      String url = jdbcUrl.replaceFirst("//[^/:]+:\\d+/", "//127.0.0.1:" + proxy.port() + "/");
      HikariConfig c = new HikariConfig();
      c.setJdbcUrl(url);
      c.setUsername(user);
      c.setPassword(password);
      c.setMaximumPoolSize(THREADS);
      return new PgSide(url, user, password, new HikariDataSource(c));
    }

    @Override
    public void close() {
      pool.close();
    }
  }

  // ---- what the store could do instead -----------------------------------------------------------------

  /** The prototype read paths {@link PrototypeStore} offers, each adding to the one before. */
  enum Variant {
    /** The store's reads, but segments cut at the keys of one {@code _id}-only sorted read instead of a {@code $sample}. */
    SEGMENTS("segments from _id"),
    /** And one query per call: {@code digest}, {@code scan} and {@code rowHashes} read all their ranges with one {@code find}. */
    ONE_QUERY("one query per call"),
    /** And no {@link Capability#KEY_INDEX}: the engine plans a run in few full passes, as for a topic. */
    FULL_PASS("full pass");

    final String label;

    Variant(String label) {
      this.label = label;
    }

    static Variant named(String name) {
      return switch (name) {
        case "segments" -> SEGMENTS;
        case "one-query" -> ONE_QUERY;
        case "full-pass" -> FULL_PASS;
        default -> throw new IllegalArgumentException("--prototypes takes none or segments,one-query,full-pass, not " + name);
      };
    }
  }

  /**
   * Prototypes of other read paths for {@link MongoStore}, over it and written for this benchmark's
   * collections only ({@code _id} an int64): the evidence for what issue 16's figures suggest, not
   * stores to use. {@link Variant#SEGMENTS}: {@link #segments} cuts a range at the keys of one {@code
   * _id}-only read sorted by {@code _id} ({@link Segment#ofKeys}: exact shares), instead of the keys
   * of a {@code $sample}. {@link Variant#ONE_QUERY}: also, {@link #digest}, {@link #scan(List)} and
   * {@link #rowHashes} read all their ranges with one {@code find} (one {@code _id} range, or the
   * {@code $or} of them, adjacent ranges joined, sorted by {@code _id}), and assign each document to
   * its range as it streams; the entries are built as the floor builds them (the same digests as the
   * store's, checked per case). {@link Variant#FULL_PASS}: also, no {@link Capability#KEY_INDEX},
   * so the engine plans the run in few calls (every leaf digested in one pass, the differing leaves
   * read in one more) instead of bisecting. Look-ups ({@link #get}) are the store's ({@code $in}).
   */
  private static final class PrototypeStore extends ForwardingStore {

    private static final BsonDocument ID_ONLY = new BsonDocument("_id", new BsonInt32(1));
    private final MongoCollection<RawBsonDocument> collection;
    private final Variant variant;

    PrototypeStore(Store delegate, MongoCollection<RawBsonDocument> collection, Variant variant) {
      super(delegate);
      this.collection = collection;
      this.variant = variant;
    }

    @Override
    public java.util.Set<Capability> capabilities() {
      if (variant != Variant.FULL_PASS) {
        return super.capabilities();
      }
      java.util.EnumSet<Capability> caps = java.util.EnumSet.copyOf(super.capabilities());
      caps.remove(Capability.KEY_INDEX);
      return caps;
    }

    @Override
    public List<Segment> segments(KeyRange range, int maxSegments) {
      long count = super.segments(range, 1).get(0).estimatedCount();
      if (maxSegments == 1 || count <= 1) {
        return List.of(new Segment(range, count));
      }
      try (MongoCursor<RawBsonDocument> ids = collection.find(filter(List.of(range))).projection(ID_ONLY).sort(BY_ID)
          .batchSize(10_000).cursor()) {
        java.util.Iterator<Key> keys = new java.util.Iterator<>() {
          @Override
          public boolean hasNext() {
            return ids.hasNext();
          }

          @Override
          public Key next() {
            return Key.of(ids.next().get("_id").asNumber().longValue());
          }
        };
        return Segment.ofKeys(range, count, maxSegments, keys);
      }
    }

    @Override
    public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
      KeyRange.requireAscending(ranges);
      if (variant == Variant.SEGMENTS || !scheme.equals(HashScheme.CANONICAL_MD5) || ranges.isEmpty()) {
        return super.digest(ranges, scheme);
      }
      Digest[] out = new Digest[ranges.size()];
      Arrays.fill(out, Digest.EMPTY);
      try (Stream<Entry> entries = scan(ranges)) {
        int i = 0;
        for (java.util.Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
          Entry e = it.next();
          while (!ranges.get(i).contains(e.key())) {
            i++;
          }
          out[i] = out[i].plus(e.hash());
        }
      }
      return List.of(out);
    }

    @Override
    public Stream<Entry> scan(List<KeyRange> ranges) {
      KeyRange.requireAscending(ranges);
      if (variant == Variant.SEGMENTS) {
        return super.scan(ranges);
      }
      if (ranges.isEmpty()) {
        return Stream.empty();
      }
      MongoCursor<RawBsonDocument> cursor = collection.find(filter(ranges)).sort(BY_ID).batchSize(INSERT_BATCH).cursor();
      java.util.Iterator<Entry> entries = new java.util.Iterator<>() {
        @Override
        public boolean hasNext() {
          return cursor.hasNext();
        }

        @Override
        public Entry next() {
          return entry(cursor.next());
        }
      };
      return java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(entries,
          java.util.Spliterator.ORDERED | java.util.Spliterator.NONNULL), false).onClose(cursor::close);
    }

    @Override
    public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
      if (variant == Variant.SEGMENTS || !scheme.equals(HashScheme.CANONICAL_MD5)) {
        return super.rowHashes(ranges, scheme);
      }
      return scan(ranges).map(e -> new KeyHash(e.key(), e.hash()));
    }

    /**
     * The {@code _id} condition of ascending ranges of int64 keys, adjacent ones joined: none for
     * the whole key space, one range's bounds, or their {@code $or}.
     */
    private static BsonDocument filter(List<KeyRange> ranges) {
      List<KeyRange> joined = new ArrayList<>();
      for (KeyRange r : ranges) {
        KeyRange last = joined.isEmpty() ? null : joined.get(joined.size() - 1);
        if (last != null && last.hi() != null && last.hi().equals(r.lo())) {
          joined.set(joined.size() - 1, KeyRange.of(last.lo(), r.hi()));
        } else {
          joined.add(r);
        }
      }
      BsonArray any = new BsonArray();
      for (KeyRange r : joined) {
        BsonDocument bounds = new BsonDocument();
        if (r.lo() != null) {
          bounds.append("$gte", new BsonInt64((Long) r.lo().part(0)));
        }
        if (r.hi() != null) {
          bounds.append("$lt", new BsonInt64((Long) r.hi().part(0)));
        }
        if (bounds.isEmpty()) {
          return new BsonDocument();
        }
        any.add(new BsonDocument("_id", bounds));
      }
      return any.size() == 1 ? any.get(0).asDocument() : new BsonDocument("$or", any);
    }
  }

  // ---- the baselines -----------------------------------------------------------------------------------

  /** The canonical entry of a generated document, as the store builds it: every field but _id. */
  private static Entry entry(BsonDocument doc) {
    Key key = null;
    Map<String, Value> fields = new LinkedHashMap<>();
    for (Map.Entry<String, BsonValue> f : doc.entrySet()) {
      if (f.getKey().equals("_id")) {
        key = Key.of(f.getValue().asNumber().longValue());
      } else {
        fields.put(f.getKey(), value(f.getValue()));
      }
    }
    if (key == null) {
      throw new IllegalStateException("a document without _id");
    }
    return Entry.of(key, Value.MapValue.of(fields));
  }

  private static Value value(BsonValue v) {
    return switch (v.getBsonType()) {
      case INT32 -> Value.of(v.asInt32().getValue());
      case INT64 -> Value.of(v.asInt64().getValue());
      case DECIMAL128 -> Value.of(v.asDecimal128().getValue().bigDecimalValue());
      case STRING -> Value.of(v.asString().getValue());
      case DATE_TIME -> Value.of(Instant.ofEpochMilli(v.asDateTime().getValue()));
      case BOOLEAN -> Value.of(v.asBoolean().getValue());
      case NULL -> Value.ofNull();
      default -> throw new IllegalStateException("the generated documents hold no " + v.getBsonType());
    };
  }

  /** Both sides fetched whole in key order and compared in one merge loop, by value; returns the keys that differ. */
  private static long naive(Side first, Side second) throws SQLException {
    try (Rows a = first.rows();
        Rows b = second.rows()) {
      long diffs = 0;
      boolean hasA = a.next();
      boolean hasB = b.next();
      while (hasA || hasB) {
        long ka = hasA ? a.key() : Long.MAX_VALUE;
        long kb = hasB ? b.key() : Long.MAX_VALUE;
        if (ka != kb || !Arrays.equals(a.values(), b.values())) {
          diffs++;
        }
        if (ka <= kb) {
          hasA = a.next();
        }
        if (kb <= ka) {
          hasB = b.next();
        }
      }
      return diffs;
    }
  }

  /**
   * A sketch of another plan for stores that hash in the JVM: no digests, no bisection; each store's
   * {@link Store#rowHashes row hashes} of the whole key space streamed once, in key order (the
   * stores as they are: one {@code find} each), each on its own thread a few thousand rows ahead,
   * merged by key; then the rows of the keys whose hashes differ looked up in both ({@link
   * Store#get}, 1,000 keys a call) and compared. Returns the keys whose rows differ.
   */
  private static long hashMerge(Store first, Store second, ExecutorService two) throws Exception {
    List<Key> differing = new ArrayList<>();
    try (Ahead a = new Ahead(first, two);
        Ahead b = new Ahead(second, two)) {
      KeyHash ha = a.next();
      KeyHash hb = b.next();
      while (ha != null || hb != null) {
        int c = ha == null ? 1 : hb == null ? -1 : ha.key().compareTo(hb.key());
        if (c != 0 || !ha.hash().equals(hb.hash())) {
          differing.add(c <= 0 ? ha.key() : hb.key());
        }
        if (c <= 0) {
          ha = a.next();
        }
        if (c >= 0) {
          hb = b.next();
        }
      }
    }
    long found = 0;
    for (int from = 0; from < differing.size(); from += 1_000) {
      List<Key> batch = differing.subList(from, Math.min(differing.size(), from + 1_000));
      Map<Key, Entry> ea = first.get(batch);
      Map<Key, Entry> eb = second.get(batch);
      for (Key k : batch) {
        Entry x = ea.get(k);
        Entry y = eb.get(k);
        if (x == null || y == null || !x.sameData(y)) {
          found++;
        }
      }
    }
    return found;
  }

  /** A store's row hashes of the whole key space, read on a thread of their own, a few thousand ahead. */
  private static final class Ahead implements AutoCloseable {
    private static final KeyHash END = new KeyHash(Key.of(0), new io.reconcile.api.RowHash(0, 0));
    private final java.util.concurrent.BlockingQueue<KeyHash> queue = new java.util.concurrent.ArrayBlockingQueue<>(4_096);
    private final java.util.concurrent.Future<?> reader;
    private volatile boolean closed;

    Ahead(Store store, ExecutorService pool) {
      reader = pool.submit(() -> {
        try (Stream<KeyHash> hashes = store.rowHashes(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5)) {
          for (java.util.Iterator<KeyHash> it = hashes.iterator(); it.hasNext() && !closed; ) {
            queue.put(it.next());
          }
        } finally {
          if (!closed) {
            queue.put(END);
          }
        }
        return null;
      });
    }

    @Nullable KeyHash next() throws Exception {
      KeyHash h;
      while ((h = queue.poll(100, TimeUnit.MILLISECONDS)) == null) {
        if (reader.isDone()) {
          reader.get(); // the reader's failure, if any
        }
      }
      return h == END ? null : h;
    }

    @Override
    public void close() throws Exception {
      closed = true;
      queue.clear();
      try {
        reader.get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        // its failure was seen by next(), or the merge stopped early
      }
    }
  }

  // ---- the command ---------------------------------------------------------------------------------

  /** Runs {@code reconcile diff URI1 URI2 -t orders -k id --json --stats} as a process and reads what it printed. */
  private static CliRun cli(Settings s, boolean launcher, Side first, Side second, String name)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("reconcile-mongo-cli-");
    Path out = dir.resolve("out.jsonl");
    Path err = dir.resolve("err.txt");
    Path gc = dir.resolve("gc.log");
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Xlog:gc,gc+heap+exit:file=" + gc));
    if (s.jfr() != null) {
      jvm.add("-XX:StartFlightRecording=filename=" + s.jfr().resolve("cli-" + name + "-" + System.nanoTime() + ".jfr")
          + ",settings=profile");
    }
    jvm.addAll(s.cliJvm());
    List<String> command = new ArrayList<>();
    if (launcher) {
      command.add(s.launcherPath().toString());
    } else {
      command.add(UsersPathBenchmark.java());
      command.addAll(jvm);
      command.addAll(List.of("-jar", s.jar().toString()));
    }
    command.addAll(List.of("diff", first.cliUri(), second.cliUri(), "-t", COLLECTION, "-k", "id", "--json", "--stats",
        "--threads", String.valueOf(THREADS)));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    UsersPathBenchmark.launcherEnvironment(pb, jvm);
    first.cliOptions(1, command, pb);
    second.cliOptions(2, command, pb);
    Process p = pb.start();
    long peakRssKib = 0;
    Path status = Path.of("/proc", String.valueOf(p.pid()), "status");
    while (!p.waitFor(20, TimeUnit.MILLISECONDS)) {
      peakRssKib = Math.max(peakRssKib, UsersPathBenchmark.first(UsersPathBenchmark.VM_HWM, UsersPathBenchmark.read(status)));
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
        } else if (UsersPathBenchmark.ROWS_READ.matcher(line).find()) {
          rowsRead = UsersPathBenchmark.first(UsersPathBenchmark.ROWS_READ, line);
          runMillis = UsersPathBenchmark.first(UsersPathBenchmark.RUN_MILLIS, line);
        }
      }
    }
    String errText = UsersPathBenchmark.read(err);
    String gcLog = UsersPathBenchmark.read(gc);
    long heapKib = Math.max(UsersPathBenchmark.max(UsersPathBenchmark.GC_BEFORE, gcLog) << 10,
        UsersPathBenchmark.max(UsersPathBenchmark.HEAP_USED_AT_EXIT, gcLog));
    for (Path f : List.of(out, err, gc, dir)) {
      Files.deleteIfExists(f);
    }
    return new CliRun(p.exitValue(), divergences, keys.stream().mapToLong(Long::longValue).sorted().toArray(), rowsRead,
        runMillis, peakRssKib >> 10, heapKib >> 10, UsersPathBenchmark.max(UsersPathBenchmark.FULL_GC_AFTER, gcLog),
        errText);
  }

  // ---- data ------------------------------------------------------------------------------------------

  /** The generated document of key {@code k}; the table's row of the same key holds the same values. */
  private static BsonDocument document(long k) {
    return new BsonDocument("_id", new BsonInt64(k))
        .append("name", new BsonString("customer-" + (k * 7_919 % 900_000 + 100_000)))
        .append("amount", new BsonDecimal128(new Decimal128(BigDecimal.valueOf(k * 104_729 % 10_000_000, 2))))
        .append("created", new BsonDateTime(EPOCH_2024 + k * 1_001))
        .append("active", BsonBoolean.valueOf(k % 3 == 0))
        .append("qty", new BsonInt32((int) (k % 1_000)));
  }

  /** (Re)creates the collection: documents of keys 1 to {@code docs}, inserted in batches, in key order. */
  private static void generate(MongoSide side, long docs) {
    MongoCollection<BsonDocument> c = side.collection();
    c.drop();
    side.client().getDatabase(side.database()).createCollection(COLLECTION);
    List<BsonDocument> batch = new ArrayList<>(INSERT_BATCH);
    for (long k = 1; k <= docs; k++) {
      batch.add(document(k));
      if (batch.size() == INSERT_BATCH || k == docs) {
        c.insertMany(batch, new InsertManyOptions().ordered(false));
        batch.clear();
      }
    }
  }

  /** (Re)creates the table: the rows of the documents {@link #document} gives, timestamps in whole milliseconds. */
  private static void generate(TestDatabase db, long rows) {
    db.exec("DROP TABLE IF EXISTS " + COLLECTION,
        "CREATE TABLE " + COLLECTION + " (id bigint NOT NULL, name text, amount numeric(12,2), created timestamptz,"
            + " active boolean, qty int)",
        "INSERT INTO " + COLLECTION + " SELECT g, 'customer-' || (g * 7919 % 900000 + 100000),"
            + " (g * 104729 % 10000000) / 100.0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1.001 second',"
            + " g % 3 = 0, g % 1000 FROM generate_series(1::bigint, " + rows + ") g",
        "ALTER TABLE " + COLLECTION + " ADD PRIMARY KEY (id)",
        "VACUUM ANALYZE " + COLLECTION);
  }

  /**
   * Plants d differences in the collection, spread over the key space, a third each: documents
   * deleted, documents whose amount is one more, documents under new keys after the last.
   */
  private static Planted plant(MongoSide side, long docs, int d) {
    long[][] byKind = new long[3][];
    for (int kind = 0; kind < 3; kind++) {
      int first = kind;
      byKind[kind] = LongStream.range(0, d).filter(k -> k % 3 == first)
          .map(k -> first == 2 ? docs + k + 1 : docs * k / d + docs / (2L * d) + 1).toArray();
    }
    Planted p = new Planted(byKind[0], byKind[1], byKind[2]);
    MongoCollection<BsonDocument> c = side.collection();
    c.deleteMany(Filters.in("_id", Arrays.stream(p.deleted()).boxed().toList()));
    for (long k : p.changed()) {
      BigDecimal amount = BigDecimal.valueOf(k * 104_729 % 10_000_000, 2).add(BigDecimal.ONE);
      c.updateOne(Filters.eq("_id", k), Updates.set("amount", new Decimal128(amount)));
    }
    c.insertMany(Arrays.stream(p.inserted()).mapToObj(MongoBenchmark::document).toList());
    return p;
  }

  /** Takes the planted differences out again: the collection holds the generated documents only. */
  private static void unplant(MongoSide side, long docs, Planted p) {
    MongoCollection<BsonDocument> c = side.collection();
    c.deleteMany(Filters.in("_id", LongStream.concat(Arrays.stream(p.inserted()), Arrays.stream(p.changed())).boxed()
        .toList()));
    c.insertMany(LongStream.concat(Arrays.stream(p.deleted()), Arrays.stream(p.changed()))
        .mapToObj(MongoBenchmark::document).toList());
    if (c.countDocuments() != docs) {
      throw new IllegalStateException("unplanting left " + c.countDocuments() + " documents, not " + docs);
    }
  }
}
