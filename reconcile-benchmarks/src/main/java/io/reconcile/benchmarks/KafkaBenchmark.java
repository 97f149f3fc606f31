package io.reconcile.benchmarks;

import static io.reconcile.benchmarks.GeneratedTables.both;
import static io.reconcile.benchmarks.GeneratedTables.floor;
import static io.reconcile.benchmarks.GeneratedTables.list;
import static io.reconcile.benchmarks.GeneratedTables.pool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.api.store.Store;
import io.reconcile.benchmarks.GeneratedTables.Product;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.kafka.KafkaStore;
import io.reconcile.kafka.KeyFormat;
import io.reconcile.kafka.ValueFormat;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestKafka;
import io.reconcile.testservers.TestServers;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A compacted Kafka topic against the table it was published from (issue 15): a PostgreSQL table
 * of N rows and a topic of three partitions holding the same N keys, each written twice (an older
 * value, then the current one), plus N/20 keys the table never had, each written and then deleted
 * (a value, then a tombstone) — 2.1·N records in a shuffled order across keys — with d
 * differences planted in the table (a third of the keys missing from the topic, a third whose topic
 * value is stale, a third the topic has and the table not). Per repeat, alternating (one untimed
 * round first, then the medians of {@code REPEATS} rounds; see {@link Rounds}):
 *
 * <ul>
 *   <li>the <b>floor</b>: one plain consume of the whole topic ({@code KafkaConsumer<byte[],
 *       byte[]>}, all partitions assigned, read from the beginning until the positions reach the
 *       end offsets, nothing deserialised) beside PostgreSQL's native hash of the table ({@code
 *       sum(hash_record_extended(t, 0))}, see {@link GeneratedTables#floor}), in parallel; the
 *       floor is the slower of the two, i.e. the step's wall time;
 *   <li>the <b>naive</b> baseline: the topic consumed into a {@code HashMap} of the newest value per
 *       key (a tombstone removes it), then the table selected in key order and compared with it in
 *       memory, by value (the JSON parsed as each row meets it);
 *   <li>the <b>library</b>, first run: a {@link KafkaStore} on a new index directory (its build
 *       reads the whole topic into the index) and a report-only {@link Reconciler} run against a
 *       pooled {@link JdbcStore}, timed together;
 *   <li>the <b>command</b>, first run: {@code reconcile diff JDBC_URL
 *       kafka://HOST:PORT/TOPIC?format=json&key=id&index=NEW_DIR -t orders -k id --user1 USER --json
 *       --stats}, the launcher as a process with {@code RECONCILE_OPTS=-Xmx256m …}: its peak RSS
 *       ({@code VmHWM}, polled every 20 ms) and heap (its GC log);
 *   <li>1,000 records appended to the topic (the current values of 1,000 keys published again,
 *       untimed), then the <b>second runs</b> of the library and of the command on their first
 *       runs' index directories, which read only those records: the library's {@link
 *       KafkaStore#lastRefresh()}, the command's by how far the offsets its index stores moved (read
 *       from the index directory after each run, RocksDB opened read-only).
 * </ul>
 *
 * <p>Every tool must find exactly d differences (the command the planted keys), or the row says
 * which did not. The command logs {@code io.reconcile.kafka} at INFO, so that a second run that
 * rebuilt its index instead of catching up is caught. Prints one markdown row per case, and lines
 * with the parts: each side of the floor alone, the library's store build and run, the index on
 * disk.
 *
 * <pre>{@code
 * mvn -q -o package -DskipTests -pl reconcile-cli
 * mvn -q -pl reconcile-benchmarks exec:exec -Dbench.main=io.reconcile.benchmarks.KafkaBenchmark \
 *     -Dbench.jvm=-Xmx3g -Dbench.args="1000000 10,1000 3"
 * }</pre>
 *
 * <p>Arguments: {@code [ROWS [D,… [REPEATS]]]}, by default {@code 1000000 10,1000 3}; then {@code
 * --calls} (the library's store calls and their time in the last round, see {@link CallTimes}, and
 * its stage times), {@code --cli-jvm="OPTIONS"} (more JVM options for the command), {@code --jfr=DIR}
 * (a flight recording of every run of the command into DIR, {@code settings=profile}), {@code
 * --other=LAUNCHER} (also run another build's command, first and second runs, alternating with
 * this build's: a comparison within one run). The
 * benchmark's JVM hosts the broker and the naive baseline's map of a million values: give it {@code
 * -Dbench.jvm=-Xmx3g}.
 */
public final class KafkaBenchmark {

  private static final String TABLE = "orders";
  private static final int PARTITIONS = 3;
  /** Segments compared at once: the command's default {@code --threads}, given to the library too. */
  private static final int THREADS = 4;
  /** Records appended before the second runs. */
  private static final int APPENDED = 1_000;
  /** Keys the table never had, each written then deleted in the topic: one per this many rows. */
  private static final int TOMBSTONED_EVERY = 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String HEADER =
      "| rows, d | floor: consume ∥ native hash | naive | library, first run | library / floor | CLI, first run | CLI / floor"
          + " | library, second run | CLI, second run | records read by second runs: library, CLI | index on disk | CLI peak RSS, heap |\n"
          + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|";

  private KafkaBenchmark() {}

  /** What to measure and how. */
  private record Settings(int repeats, boolean calls, List<String> cliJvm, @Nullable Path jfr, Path launcher,
      @Nullable Path other) {}

  /** The topic, the table and the clients of one size. */
  private record Data(long rows, String topic, TestDatabase db, HikariDataSource pool,
      KafkaProducer<byte[], byte[]> producer, String bootstrap) {}

  /** The keys planted in the table: missing from the topic, stale in it, extra in it. */
  private record Planted(long[] missing, long[] stale, long[] extra) {
    long[] keys() {
      return LongStream.concat(LongStream.concat(Arrays.stream(missing), Arrays.stream(stale)), Arrays.stream(extra))
          .sorted().toArray();
    }

    int count() {
      return missing.length + stale.length + extra.length;
    }
  }

  /** The command's run, from outside. */
  private record CliRun(int exit, long divergences, long[] keys, long rowsRead, long runMillis, long peakRssMib,
      long peakHeapMib, long liveHeapMib, boolean rebuilt, String err) {}

  public static void main(String[] args) throws Exception {
    List<String> positional = new ArrayList<>();
    List<String> cliJvm = List.of();
    Path jfr = null;
    boolean calls = false;
    Path other = null;
    for (String a : args) {
      if (a.equals("--calls")) {
        calls = true;
      } else if (a.startsWith("--cli-jvm=")) {
        cliJvm = List.of(a.substring("--cli-jvm=".length()).trim().split("\\s+"));
      } else if (a.startsWith("--other=")) {
        other = Path.of(a.substring("--other=".length())).toAbsolutePath();
      } else if (a.startsWith("--jfr=")) {
        jfr = Files.createDirectories(Path.of(a.substring("--jfr=".length())).toAbsolutePath());
      } else {
        positional.add(a);
      }
    }
    long rows = positional.size() > 0 ? Long.parseLong(positional.get(0)) : 1_000_000;
    int[] ds = positional.size() > 1 ? Arrays.stream(positional.get(1).split(",")).mapToInt(Integer::parseInt).toArray()
        : new int[] {10, 1_000};
    int repeats = positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 3;
    if (rows < 3L * TOMBSTONED_EVERY || Arrays.stream(ds).anyMatch(d -> d < 3 || d > rows / 10)) {
      throw new IllegalArgumentException("expected ROWS ≥ 60 and each D between 3 and ROWS/10, but was " + String.join(" ", args));
    }
    Settings s = new Settings(repeats, calls, cliJvm, jfr, UsersPathBenchmark.launcher(), other);
    System.out.printf(Locale.ROOT, "a topic against its table: %,d rows, d = %s; %d repeats, medians; the command: %s;"
        + " this JVM's max heap %d MiB; %d cores%n", rows, Arrays.toString(ds), repeats, s.launcher(),
        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors());
    ExecutorService two = Executors.newFixedThreadPool(2);
    List<String> out = new ArrayList<>();
    try {
      String bootstrap = TestKafka.bootstrapServers();
      TestDatabase db = TestServers.postgres();
      String topic = "orders-" + rows;
      // Compacted, but the cleaner leaves it alone while measured: records younger than a day are not
      // compacted (and the store does not warn that a full read outlasts the compaction lag).
      TestKafka.createTopic(topic, PARTITIONS, Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
          TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "86400000",
          TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000"));
      try (HikariDataSource pool = pool(db, THREADS);
          KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
        Data data = new Data(rows, topic, db, pool, producer, bootstrap);
        long g0 = System.nanoTime();
        long[] produced = new long[1];
        both(two, () -> { generateTable(db, rows); return null; }, () -> produced[0] = generateTopic(data));
        System.out.printf(Locale.ROOT, "  (%,d rows and %,d records generated in %.0f s)%n", rows, produced[0],
            (System.nanoTime() - g0) / 1e9);
        System.out.println(HEADER);
        for (int d : ds) {
          Planted planted = plant(db, rows, d);
          db.exec("VACUUM ANALYZE " + TABLE);
          out.add(measure(data, planted, s, two));
          unplant(db, rows, planted);
        }
      }
    } finally {
      two.shutdown();
    }
    System.out.println();
    System.out.println(HEADER);
    out.forEach(System.out::println);
    System.exit(0); // the embedded servers stop in shutdown hooks
  }

  /** Measures one case, prints its row and details, returns the row. */
  private static String measure(Data data, Planted planted, Settings s, ExecutorService two) throws Exception {
    int d = planted.count();
    Path scratch = Files.createTempDirectory("reconcile-kafka-bench-");
    String cliTopicUri = "kafka://" + data.bootstrap() + "/" + data.topic() + "?format=json&key=id&index=";
    long[] floorParts = new long[2]; // consume, native: this round's
    List<Long> consumeMillis = new ArrayList<>();
    List<Long> nativeMillis = new ArrayList<>();
    List<Long> buildMillis = new ArrayList<>();
    List<Long> runMillis = new ArrayList<>();
    List<Long> againBuildMillis = new ArrayList<>();
    List<Long> indexBytes = new ArrayList<>();
    List<Long> libraryRecordsAgain = new ArrayList<>();
    List<Long> cliRecordsAgain = new ArrayList<>();
    List<CliRun> cliFirst = new ArrayList<>();
    List<CliRun> cliAgain = new ArrayList<>();
    long[] topicRecords = new long[1];
    long[] naiveFound = new long[1];
    ReconcileReport[] report = new ReconcileReport[2];
    long[] firstRecords = new long[1];
    int[] round = {0};
    Path[] dirs = new Path[3]; // this round's index directories: the library's, the command's, the other command's
    Map<String, Rounds.Step> steps = new LinkedHashMap<>();
    steps.put("floor", () -> {
      both(two, () -> {
        long t0 = System.nanoTime();
        topicRecords[0] = consume(data, null);
        floorParts[0] = (System.nanoTime() - t0) / 1_000_000;
        return null;
      }, () -> {
        long t0 = System.nanoTime();
        floor(Product.PG, data.db(), true);
        floorParts[1] = (System.nanoTime() - t0) / 1_000_000;
        return null;
      });
      consumeMillis.add(floorParts[0]);
      nativeMillis.add(floorParts[1]);
    });
    steps.put("naive", () -> naiveFound[0] = naive(data));
    steps.put("library", () -> {
      round[0]++;
      dirs[0] = scratch.resolve("library-" + round[0]);
      dirs[1] = scratch.resolve("cli-" + round[0]);
      dirs[2] = scratch.resolve("other-" + round[0]);
      try (KafkaStore topic = kafkaStore(data, dirs[0]); Store table = jdbcStore(data)) {
        report[0] = Reconciler.newBuilder().stores(timed(s, table, 0), timed(s, topic, 1)).parallelism(THREADS).build().run();
        KafkaStore.Refresh r = topic.lastRefresh();
        buildMillis.add(r.took().toMillis());
        runMillis.add(report[0].stageTimes().values().stream().mapToLong(Duration::toMillis).sum());
        firstRecords[0] = r.records();
      }
      indexBytes.add(bytes(dirs[0]));
    });
    steps.put("cli", () -> cliFirst.add(cli(s, s.launcher(), data, cliTopicUri + dirs[1], "first-" + round[0])));
    List<CliRun> otherFirst = new ArrayList<>();
    List<CliRun> otherAgain = new ArrayList<>();
    List<Long> otherRecordsAgain = new ArrayList<>();
    if (s.other() != null) {
      steps.put("other", () -> otherFirst.add(cli(s, s.other(), data, cliTopicUri + dirs[2], "other-first-" + round[0])));
    }
    steps.put("append", () -> append(data, round[0]));
    steps.put("library again", () -> {
      try (KafkaStore topic = kafkaStore(data, dirs[0]); Store table = jdbcStore(data)) {
        report[1] = Reconciler.newBuilder().stores(timed(s, table, 2), timed(s, topic, 3)).parallelism(THREADS).build().run();
        KafkaStore.Refresh r = topic.lastRefresh();
        libraryRecordsAgain.add(r.rebuilt() ? -r.records() : r.records());
        againBuildMillis.add(r.took().toMillis());
      }
    });
    steps.put("cli again", () -> {
      long before = indexedOffsets(dirs[1]);
      CliRun c = cli(s, s.launcher(), data, cliTopicUri + dirs[1], "again-" + round[0]);
      cliAgain.add(c);
      cliRecordsAgain.add(c.rebuilt() ? -1 : indexedOffsets(dirs[1]) - before);
    });
    if (s.other() != null) {
      steps.put("other again", () -> {
        long before = indexedOffsets(dirs[2]);
        CliRun c = cli(s, s.other(), data, cliTopicUri + dirs[2], "other-again-" + round[0]);
        otherAgain.add(c);
        otherRecordsAgain.add(c.rebuilt() ? -1 : indexedOffsets(dirs[2]) - before);
      });
    }
    steps.put("cleanup", () -> {
      deleteTree(dirs[0]);
      deleteTree(dirs[1]);
      deleteTree(dirs[2]);
    });
    Rounds rounds = Rounds.of(s.repeats(), steps);
    deleteTree(scratch);

    List<String> problems = new ArrayList<>();
    if (naiveFound[0] != d) {
      problems.add("naive found " + naiveFound[0]);
    }
    for (int i = 0; i < 2; i++) {
      if (report[i].divergences() != d) {
        problems.add((i == 0 ? "library" : "library's second run") + " found " + report[i].divergences());
      }
    }
    for (List<CliRun> runs : List.of(cliFirst, cliAgain, otherFirst, otherAgain)) {
      for (CliRun c : runs) {
        if (c.exit() != 1 || c.divergences() != d || !Arrays.equals(c.keys(), planted.keys())) {
          problems.add((runs == otherFirst || runs == otherAgain ? "other CLI " : "CLI ")
              + (runs == cliFirst || runs == otherFirst ? "first" : "second") + " run: exit " + c.exit() + ", found "
              + c.divergences() + (c.divergences() == d ? " (not the planted keys)" : "")
              + (c.exit() > 1 ? ": " + c.err().lines().findFirst().orElse("") : ""));
          break;
        }
      }
    }
    if (cliFirst.stream().anyMatch(c -> !c.rebuilt())) {
      problems.add("a CLI first run did not log that it built its index from the start");
    }
    if (libraryRecordsAgain.stream().anyMatch(r -> r != APPENDED) || cliRecordsAgain.stream().anyMatch(r -> r != APPENDED)
        || otherRecordsAgain.stream().anyMatch(r -> r != APPENDED)) {
      problems.add("second runs read " + libraryRecordsAgain + " (library), " + cliRecordsAgain + " (CLI), not " + APPENDED);
    }
    double fl = rounds.median("floor");
    double nv = rounds.median("naive");
    double lb = rounds.median("library");
    double cl = rounds.median("cli");
    double lb2 = rounds.median("library again");
    double cl2 = rounds.median("cli again");
    CliRun c = cliFirst.get(cliFirst.size() - 1);
    long peakRss = Math.max(cliFirst.stream().mapToLong(CliRun::peakRssMib).max().orElse(0),
        cliAgain.stream().mapToLong(CliRun::peakRssMib).max().orElse(0));
    long peakHeap = Math.max(cliFirst.stream().mapToLong(CliRun::peakHeapMib).max().orElse(0),
        cliAgain.stream().mapToLong(CliRun::peakHeapMib).max().orElse(0));
    long liveHeap = Math.max(cliFirst.stream().mapToLong(CliRun::liveHeapMib).max().orElse(0),
        cliAgain.stream().mapToLong(CliRun::liveHeapMib).max().orElse(0));
    String row = String.format(Locale.ROOT,
        "| %s, %,d | %,.0f ms | %,.0f ms | %,.0f ms | **%.2f** | %,.0f ms | **%.2f** | %,.0f ms | **%,.0f ms** | %s, %s | %,.0f MiB | %,d MiB, %,d MiB |%s",
        data.rows() >= 1_000_000 ? data.rows() / 1_000_000 + "M" : String.format(Locale.ROOT, "%,d", data.rows()), d,
        fl, nv, lb, lb / fl, cl, cl / fl, lb2, cl2, distinct(libraryRecordsAgain), distinct(cliRecordsAgain),
        median(indexBytes) / 1048576.0, peakRss, peakHeap, problems.isEmpty() ? "" : " ✗ " + String.join("; ", problems));
    System.out.println(row);
    CliRun c2 = cliAgain.get(cliAgain.size() - 1);
    System.out.printf(Locale.ROOT,
        "    topic: %,d records (last round); floor's sides alone: consume %,.0f ms, native hash %,.0f ms; naive / floor %.2f;"
            + " library first run: the store's build (topic → index, %,d records) %,.0f ms, the run %,.0f ms, library / naive %.2f;"
            + " CLI first run by its --stats %,d ms, second %,d ms; library second run: the store's catch-up %,.0f ms;"
            + " CLI rows read %,d, library %,d; CLI heap %s%n",
        topicRecords[0], median(consumeMillis), median(nativeMillis), nv / fl, firstRecords[0], median(buildMillis),
        median(runMillis), lb / nv, c.runMillis(), c2.runMillis(), median(againBuildMillis), c.rowsRead(),
        report[0].rowsRead(), liveHeap == 0 ? "never fully collected" : "after a full collection ≤ " + liveHeap + " MiB");
    if (s.other() != null) {
      double o1 = rounds.median("other");
      double o2 = rounds.median("other again");
      System.out.printf(Locale.ROOT, "    other build (%s): first run %,.0f ms (%.2f of this build's command, %.2f of the floor),"
              + " second run %,.0f ms (%.2f), records read by second runs %s, peak RSS %,d MiB, heap %,d MiB%n",
          s.other(), o1, o1 / cl, o1 / fl, o2, o2 / cl2, distinct(otherRecordsAgain),
          Stream.concat(otherFirst.stream(), otherAgain.stream()).mapToLong(CliRun::peakRssMib).max().orElse(0),
          Stream.concat(otherFirst.stream(), otherAgain.stream()).mapToLong(CliRun::peakHeapMib).max().orElse(0));
    }
    if (s.calls()) {
      System.out.println("    store calls, last round: first run: table " + CALLS[0] + ", topic " + CALLS[1]
          + "; second run: table " + CALLS[2] + ", topic " + CALLS[3]);
      System.out.println("    library's stages, last first run: " + report[0].stageTimes() + "; last second run: "
          + report[1].stageTimes());
    }
    return row;
  }

  /** With --calls, the stores of the last runs, counting their calls: first run's table, topic, second run's. */
  private static final CallTimes[] CALLS = new CallTimes[4];

  private static Store timed(Settings s, Store store, int slot) {
    if (!s.calls()) {
      return store;
    }
    CALLS[slot] = new CallTimes(store);
    return CALLS[slot];
  }

  private static String distinct(List<Long> values) {
    return values.stream().distinct().map(v -> String.format(Locale.ROOT, "%,d", v)).reduce((a, b) -> a + "/" + b).orElse("—");
  }

  /** The median of a figure taken once per round, the untimed first round's left out. */
  private static double median(List<Long> values) {
    long[] sorted = values.stream().skip(1).mapToLong(Long::longValue).sorted().toArray();
    return sorted.length == 0 ? 0 : sorted[sorted.length / 2];
  }

  // ---- data -------------------------------------------------------------------------------------

  /** (Re)creates the table: keys 1 to {@code rows}, the values {@link #current} gives. */
  private static void generateTable(TestDatabase db, long rows) {
    db.exec("DROP TABLE IF EXISTS " + TABLE,
        "CREATE TABLE " + TABLE + " (id bigint NOT NULL, name text, amount numeric(12,2), active boolean, qty int)");
    for (long from = 1; from <= rows; from += 1_000_000) {
      db.exec(insertGenerated("generate_series(" + from + "::bigint, " + Math.min(rows, from + 999_999) + ") g"));
    }
    db.exec("ALTER TABLE " + TABLE + " ADD PRIMARY KEY (id)", "VACUUM ANALYZE " + TABLE);
  }

  /** The generated rows of the keys {@code g} of {@code source}; the same values as {@link #current}. */
  private static String insertGenerated(String source) {
    return "INSERT INTO " + TABLE + " SELECT g, 'customer-' || (g * 7919 % 900000 + 100000),"
        + " (g * 104729 % 10000000) / 100.0, g % 3 = 0, g % 1000 FROM " + source;
  }

  /** The JSON value of a table row as generated: what the topic holds as the current value. */
  private static byte[] current(long k) {
    return value(k, "customer-" + (k * 7919 % 900_000 + 100_000), k * 104_729 % 10_000_000);
  }

  /** An older value of a key: another name and amount. */
  private static byte[] older(long k) {
    return value(k, "previous-" + (k * 31 % 900_000), k * 104_729 % 10_000_000 + 700);
  }

  private static byte[] value(long k, String name, long cents) {
    return ("{\"id\":" + k + ",\"name\":\"" + name + "\",\"amount\":" + cents / 100 + "." + (cents % 100 < 10 ? "0" : "")
        + cents % 100 + ",\"active\":" + (k % 3 == 0) + ",\"qty\":" + k % 1000 + "}").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] key(long k) {
    return ("{\"id\":" + k + "}").getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Writes the topic: the keys 1 to {@code rows} and {@code rows / 20} more the table does not have,
   * in a shuffled order; each key's first record (an older value, or for the extra keys a value)
   * goes out half a topic before its second (the current value, or a tombstone). Returns the records
   * written.
   */
  private static long generateTopic(Data data) {
    long rows = data.rows();
    int keys = (int) (rows + rows / TOMBSTONED_EVERY);
    long[] order = LongStream.rangeClosed(1, keys).toArray();
    Random random = new Random(15);
    for (int i = order.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      long t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    int lag = keys / 2;
    long written = 0;
    for (int i = 0; i < keys + lag; i++) {
      if (i < keys) {
        long k = order[i];
        send(data, k, k <= rows ? older(k) : current(k));
        written++;
      }
      if (i >= lag) {
        long k = order[i - lag];
        send(data, k, k <= rows ? current(k) : null);
        written++;
      }
    }
    data.producer().flush();
    return written;
  }

  private static void send(Data data, long k, byte @Nullable [] value) {
    data.producer().send(new ProducerRecord<>(data.topic(), key(k), value), (m, e) -> {
      if (e != null) {
        throw new IllegalStateException("a record was not written: " + e, e);
      }
    });
  }

  /** Publishes the current values of 1,000 keys again, other keys each round. */
  private static void append(Data data, int round) {
    for (int j = 0; j < APPENDED; j++) {
      long k = (((long) round * APPENDED + j) * 7_919) % data.rows() + 1;
      send(data, k, current(k));
    }
    data.producer().flush();
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "1");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
    config.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 << 10);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    // One request in flight per connection: without idempotence a retried batch could otherwise
    // overtake the next, and a key's older value land after its current one.
    config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
    return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Plants d differences in the table, spread over the key space, a third each: keys missing from
   * the topic (rows inserted under keys the topic deleted), keys whose topic value is stale (amounts
   * changed in the table), keys the topic has and the table not (rows deleted).
   */
  private static Planted plant(TestDatabase db, long rows, int d) {
    long extraKeys = rows / TOMBSTONED_EVERY;
    long[][] byKind = new long[3][];
    for (int kind = 0; kind < 3; kind++) {
      int first = kind;
      long[] ks = LongStream.range(0, d).filter(k -> k % 3 == first).toArray();
      byKind[kind] = Arrays.stream(ks).map(k -> first == 0
          ? rows + 1 + extraKeys * k / d
          : rows * k / d + rows / (2L * d) + 1).toArray();
    }
    Planted p = new Planted(byKind[0], byKind[1], byKind[2]);
    db.exec(insertGenerated("unnest('{" + list(p.missing()) + "}'::bigint[]) g"),
        "UPDATE " + TABLE + " SET amount = amount + 1 WHERE id IN (" + list(p.stale()) + ")",
        "DELETE FROM " + TABLE + " WHERE id IN (" + list(p.extra()) + ")");
    return p;
  }

  /** Takes the planted differences out again. */
  private static void unplant(TestDatabase db, long rows, Planted p) {
    db.exec("DELETE FROM " + TABLE + " WHERE id > " + rows + " OR id IN (" + list(p.stale()) + ")",
        insertGenerated("unnest('{" + list(LongStream.concat(Arrays.stream(p.stale()), Arrays.stream(p.extra())).toArray())
            + "}'::bigint[]) g"));
  }

  // ---- floor and naive --------------------------------------------------------------------------

  /**
   * Reads the whole topic with a plain consumer, from the beginning to the end offsets as of the
   * start, handing each record to {@code each} (null: nothing is done with them); returns the
   * records read. Fetch sizes as the store's own reader sets them; a fetch waits at most 10 ms for
   * records (see below).
   */
  private static long consume(Data data, java.util.function.@Nullable Consumer<ConsumerRecord<byte[], byte[]>> each) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, data.bootstrap());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    // Closing waits for the fetch the consumer has in flight, which the broker holds up to
    // fetch.max.wait.ms (500 ms by default) once the partitions have no more records: not reading.
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
    long records = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo p : consumer.partitionsFor(data.topic())) {
        parts.add(new TopicPartition(data.topic(), p.partition()));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
            records++;
            if (each != null) {
              each.accept(r);
            }
          }
        }
      }
    }
    return records;
  }

  /**
   * The naive comparison: the topic into a map of the newest value per key, then the table in key
   * order against it, by value; returns the keys that differ.
   */
  private static long naive(Data data) throws SQLException, IOException {
    Map<Long, byte[]> newest = new HashMap<>();
    consume(data, r -> {
      long k;
      try {
        k = JSON.readTree(r.key()).get("id").longValue();
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      if (r.value() == null) {
        newest.remove(k);
      } else {
        newest.put(k, r.value());
      }
    });
    long diffs = 0;
    try (Connection c = data.db().dataSource().getConnection()) {
      c.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      try (PreparedStatement st = c.prepareStatement("SELECT id, name, amount, active, qty FROM " + TABLE + " ORDER BY id")) {
        st.setFetchSize(10_000);
        try (ResultSet rs = st.executeQuery()) {
          while (rs.next()) {
            byte[] v = newest.remove(rs.getLong(1));
            if (v == null) {
              diffs++;
              continue;
            }
            JsonNode n = JSON.readTree(v);
            BigDecimal amount = rs.getBigDecimal(3);
            boolean same = n.path("name").asText().equals(rs.getString(2))
                && n.path("amount").decimalValue().compareTo(amount) == 0
                && n.path("active").booleanValue() == rs.getBoolean(4)
                && n.path("qty").intValue() == rs.getInt(5);
            if (!same) {
              diffs++;
            }
          }
        }
      } finally {
        c.rollback();
      }
    }
    return diffs + newest.size();
  }

  // ---- the library and the command ---------------------------------------------------------------

  private static KafkaStore kafkaStore(Data data, Path index) {
    return KafkaStore.newBuilder(data.bootstrap(), data.topic()).id(TABLE + "@second")
        .keyFormat(KeyFormat.json("id")).valueFormat(ValueFormat.json())
        .indexDirectory(index).readOnly(true).build();
  }

  private static Store jdbcStore(Data data) {
    return JdbcStore.newBuilder(data.pool()).id(TABLE + "@first").table(TABLE).keyColumns("id").readOnly(true).build();
  }

  /** Runs {@code reconcile diff TABLE TOPIC … --json --stats} as a process and reads what it printed. */
  private static CliRun cli(Settings s, Path launcher, Data data, String topicUri, String name)
      throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("reconcile-kafka-cli-");
    Path out = dir.resolve("out.jsonl");
    Path err = dir.resolve("err.txt");
    Path gc = dir.resolve("gc.log");
    List<String> jvm = new ArrayList<>(List.of("-Xmx256m", "-Xlog:gc,gc+heap+exit:file=" + gc,
        "-Dorg.slf4j.simpleLogger.log.io.reconcile.kafka=info"));
    if (s.jfr() != null) {
      jvm.add("-XX:StartFlightRecording=filename=" + s.jfr().resolve("cli-" + name + ".jfr") + ",settings=profile");
    }
    jvm.addAll(s.cliJvm());
    List<String> command = new ArrayList<>(List.of(launcher.toString(), "diff", data.db().jdbcUrl(), topicUri,
        "-t", TABLE, "-k", "id", "--json", "--stats", "--user1", data.db().user()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    UsersPathBenchmark.launcherEnvironment(pb, jvm);
    if (!data.db().password().isEmpty()) {
      command.addAll(List.of("--password-env1", "RECONCILE_BENCH_PASSWORD"));
      pb.environment().put("RECONCILE_BENCH_PASSWORD", data.db().password());
    }
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
        Matcher k = UsersPathBenchmark.KEY.matcher(line);
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
    deleteTree(dir);
    return new CliRun(p.exitValue(), divergences, keys.stream().mapToLong(Long::longValue).sorted().toArray(), rowsRead,
        runMillis, peakRssKib >> 10, heapKib >> 10, UsersPathBenchmark.max(UsersPathBenchmark.FULL_GC_AFTER, gcLog),
        errText.contains("is built from the start"), errText);
  }

  /**
   * The sum over partitions of the offsets the index in {@code dir} has read up to, from its
   * metadata (RocksDB opened read-only; the store keeps {@code position/PARTITION} → offset in its
   * {@code meta} column family). Not an API: a benchmark's look at how far a run of the command read.
   */
  private static long indexedOffsets(Path dir) throws RocksDBException {
    RocksDB.loadLibrary();
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try (DBOptions options = new DBOptions();
        RocksDB db = RocksDB.openReadOnly(options, dir.toString(), List.of(
            new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
            new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8))), handles)) {
      long sum = 0;
      byte[] prefix = "position/".getBytes(StandardCharsets.UTF_8);
      try (RocksIterator it = db.newIterator(handles.get(1))) {
        for (it.seek(prefix); it.isValid() && new String(it.key(), StandardCharsets.UTF_8).startsWith("position/"); it.next()) {
          sum += java.nio.ByteBuffer.wrap(it.value()).getLong();
        }
      } finally {
        handles.forEach(ColumnFamilyHandle::close);
      }
      return sum;
    }
  }

  private static long bytes(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }

  private static void deleteTree(@Nullable Path dir) throws IOException {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(f);
      }
    }
  }
}
