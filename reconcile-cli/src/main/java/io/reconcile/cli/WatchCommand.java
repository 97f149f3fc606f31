package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.Store;
import io.reconcile.core.Limits;
import io.reconcile.core.Mode;
import io.reconcile.core.Reconciler;
import io.reconcile.core.Watch;
import io.reconcile.core.WatchOptions;
import io.reconcile.core.WatchReport;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code reconcile watch}: keeps checking a table in two databases as it changes, until
 * interrupted. Each side's changes come from a feed; only the parts of the key space a feed says
 * changed are compared again (plus a few at random, and everything now and then).
 */
@Command(
    name = "watch",
    header = "Follow a table as it changes: compare (or repair) what changed.",
    mixinStandardHelpOptions = true,
    description = {
      "Compares the table once, then follows each side's changes: a Kafka topic and a MongoDB",
      "collection feed their own, a PostgreSQL table feeds through Debezium (--feed1/--feed2 debezium",
      "reads its WAL; debezium-topic:kafka://HOST:PORT/TOPIC reads Debezium's events in Kafka). Only the",
      "leaves of the key space that changed are compared again. A row that changed in the last --settle",
      "is re-read once that has passed before it is reported, so a replica merely behind is not drift.",
      "A few leaves are compared at random every cycle and everything every --sweep-every, so a feed that",
      "loses changes is caught; a gap in a feed or an unclean stop compares everything at once.",
      "stdout: one JSON object per line (divergence, repair, repair-skipped, watch-status, watch-stopped);",
      "stderr: a status line every --status-every. Ctrl-C (or SIGTERM) stops after the cycle under way,",
      "saves the state in --state, and the next watch with that state resumes where this one stopped.",
      "With --apply, each cycle's repairs run as in repair --apply, recorded in --audit under the run id",
      "watch-NAME-CYCLE, which undo takes.",
      "Exit status: 0 stopped cleanly, 2 an error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  reconcile watch jdbc:postgresql://db1/shop jdbc:postgresql://db2/shop -t orders -k id --state watch-orders \\",
      "      --feed1 debezium --feed2 debezium --user1 app --password-env1 PG1 --user2 app --password-env2 PG2",
      "  reconcile watch URI1 kafka://127.0.0.1:9092/orders -t orders -k id --state w --feed1 debezium \\",
      "      --resolver source-wins --apply --audit audit.jsonl --guarded-writes"
    })
final class WatchCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private JobOptions options;

  @Option(names = "--state", required = true, paramLabel = "DIR",
      description = "the directory the watch keeps its state in (leaf digests, dirty leaves, feed positions);"
          + " one watch at a time")
  private Path state = Path.of("");

  @Option(names = "--name", paramLabel = "NAME", defaultValue = "default",
      description = "the watch's name in --state (default: ${DEFAULT-VALUE}); Debezium's slot is named after it")
  private String name = "default";

  @Option(names = "--feed1", paramLabel = "FEED", defaultValue = "own", description = "where the first side's changes come from: " + FeedSpec.HELP)
  private String feed1 = "own";

  @Option(names = "--feed2", paramLabel = "FEED", defaultValue = "own", description = "where the second side's changes come from (as --feed1)")
  private String feed2 = "own";

  @Option(names = "--settle", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
      description = "how long a changed row may differ before it is reported: replication lag (default: ${DEFAULT-VALUE})")
  private Duration settle = Duration.ofSeconds(5);

  @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "500ms", converter = Durations.class,
      description = "the pause between cycles (default: ${DEFAULT-VALUE})")
  private Duration interval = Duration.ofMillis(500);

  @Option(names = "--sweep-every", paramLabel = "DURATION", defaultValue = "24h", converter = Durations.class,
      description = "compare everything this often (default: ${DEFAULT-VALUE})")
  private Duration sweepEvery = Duration.ofHours(24);

  @Option(names = "--spot-checks", paramLabel = "N", defaultValue = "2",
      description = "unchanged leaves compared at random per cycle (default: ${DEFAULT-VALUE})")
  private int spotChecks = 2;

  @Option(names = "--leaf-rows", paramLabel = "N", defaultValue = "128",
      description = "rows per leaf when a new watch cuts the key space (default: ${DEFAULT-VALUE})")
  private int leafRows = 128;

  @Option(names = "--status-every", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
      description = "how often the status is printed (default: ${DEFAULT-VALUE})")
  private Duration statusEvery = Duration.ofSeconds(5);

  @Option(names = "--cycles", paramLabel = "N",
      description = "stop after N cycles (for scripts; by default, run until interrupted)")
  private @Nullable Long cycles;

  @Option(names = "--resolver", paramLabel = "RESOLVER", description = "who wins, with --apply: " + ResolverSpec.HELP)
  private @Nullable String resolver;

  @Option(names = "--apply", description = "repair as divergences are found (needs --resolver and --audit)")
  private boolean apply;

  @Option(names = "--audit", paramLabel = "FILE",
      description = "the audit log every write is recorded in: a file, or kafka://HOST:PORT/TOPIC")
  private @Nullable String audit;

  @Option(names = "--max-changes", paramLabel = "N", defaultValue = "100000",
      description = "repair at most N rows per cycle (default: ${DEFAULT-VALUE})")
  private long maxChanges;

  @Option(names = "--max-ratio", paramLabel = "FRACTION", defaultValue = "0.2",
      description = "repair nothing in a cycle that finds more than this share of the table's rows differing (default: ${DEFAULT-VALUE})")
  private double maxRatio;

  @Option(names = "--guarded-writes",
      description = "let --apply write to a target that cannot write conditionally (a Kafka topic), each batch guarded by a re-read")
  private boolean guardedWrites;

  @Override
  public Integer call() throws Exception {
    WatchOptions.Builder watch;
    try {
      watch = WatchOptions.newBuilder().name(name).settle(settle).interval(interval).sweepEvery(sweepEvery)
          .spotChecks(spotChecks).leafRows(leafRows);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage() + " (--name, --settle, --interval, --sweep-every, --spot-checks, --leaf-rows)");
    }
    if (cycles != null && cycles < 1) {
      throw new ConfigurationException("--cycles must be at least 1, but was " + cycles);
    }
    FeedSpec first = FeedSpec.parse(feed1, "--feed1");
    FeedSpec second = FeedSpec.parse(feed2, "--feed2");
    if (apply && (resolver == null || audit == null)) {
      throw new ConfigurationException("--apply repairs as the watch goes, so it needs a resolver and an audit log; give"
          + " --resolver (" + ResolverSpec.HELP + ") and --audit FILE");
    }
    if (!apply && (resolver != null || audit != null)) {
      throw new ConfigurationException("--resolver and --audit are for --apply; without it the watch only reports");
    }
    Limits limits;
    try {
      limits = new Limits(maxChanges, maxChanges, maxRatio);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage() + " (--max-changes, --max-ratio)");
    }
    Job job = options.job(System.getenv());
    if (job.tables().size() != 1) {
      throw new ConfigurationException("watch follows one table; give it with -t");
    }
    Job.Table table = job.tables().get(0);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (Files.exists(state) && !Files.isDirectory(state)) {
      throw new ConfigurationException("--state names the directory a watch keeps its state in, but " + state
          + " is a file; give a directory (it is created if missing)");
    }
    Files.createDirectories(state);
    try (FileChannel lockFile = FileChannel.open(state.resolve("watch.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockFile.tryLock()) {
      if (lock == null) {
        throw new ConfigurationException("another watch is using the state directory " + state
            + "; stop it first, or give this one its own --state");
      }
      ResolverSpec resolverSpec = resolver == null ? null : ResolverSpec.parse(resolver);
      try (AuditLog log = apply ? AuditLocation.parse(audit, Path.of("")).open() : AuditLog.inMemory();
          Job.Both both = job.open(table, !apply)) {
        Store one = resolverSpec == null ? both.first() : resolverSpec.prepare(both.first());
        Store two = resolverSpec == null ? both.second() : resolverSpec.prepare(both.second());
        attach(watch, first, job.first(), table, one, "--feed1");
        attach(watch, second, job.second(), table, two, "--feed2");
        WatchEvents events = new WatchEvents(table, out, err, statusEvery, Clock.systemUTC());
        Reconciler.Builder b = Reconciler.newBuilder().stores(one, two).limits(limits)
            .checkpoints(FileCheckpointStore.open(state)).listener(events).retry(RepairCommand.RETRY)
            .parallelism(job.threads());
        if (apply) {
          b.mode(Mode.APPLY).resolver(resolverSpec.resolver(job, table)).auditLog(log);
          if (guardedWrites) {
            b.guardedWrites();
          }
        }
        return follow(b.build(), watch.build(), events, err, List.of(one, two));
      }
    } catch (IOException e) {
      throw new ConfigurationException("cannot use the state directory " + state + ": " + e.getMessage(), e);
    }
  }

  private static void attach(WatchOptions.Builder watch, FeedSpec spec, Job.Side side, Job.Table table, Store store, String option) {
    ChangeFeedSource source = spec.source(side, table, store, watch.build().name(), option);
    if (source != null) {
      watch.feed(store.id(), source);
    } else if (spec.kind().equals("none")) {
      watch.feed(store.id(), after -> new NoFeed());
    }
  }

  /** Runs the watch until interrupted (or for --cycles), then stops it cleanly. */
  private int follow(Reconciler reconciler, WatchOptions options, WatchEvents events, PrintWriter err, List<Store> stores)
      throws InterruptedException {
    Watch watch = reconciler.watch(options);
    List<String> unfed = new ArrayList<>();
    for (Store s : stores) {
      if (!watch.fedStores().contains(s.id())) {
        unfed.add(s.id());
      }
    }
    if (!unfed.isEmpty()) {
      err.println("watch: no change feed for " + String.join(", ", unfed) + " (give --feed1/--feed2, or the store has none):"
          + " its changes are found by spot checks and sweeps only");
      err.flush();
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      watch.close();
      events.stopped(watch.status());
      stopped.countDown();
    }, "reconcile-watch-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    long done = 0;
    while (cycles == null || done < cycles) {
      Optional<WatchReport> after = watch.awaitCycles(1, Duration.ofMinutes(10));
      if (watch.failure().isPresent()) {
        Throwable f = watch.failure().get();
        Runtime.getRuntime().removeShutdownHook(hook);
        throw f instanceof RuntimeException r ? r : new IllegalStateException(f);
      }
      if (after.isPresent()) {
        done++;
      } else if (watch.isStopped()) {
        break; // stopped by the shutdown hook
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      hook.run();
    } catch (IllegalStateException shuttingDown) {
      stopped.await(); // the hook is already stopping the watch
    }
    return 0;
  }

  /** A feed that never reports a change ({@code --feedN none}): the side is found out by spot checks and sweeps. */
  private static final class NoFeed implements io.reconcile.api.store.ChangeFeed {
    @Override
    public io.reconcile.api.store.ChangeBatch poll(Duration timeout) {
      return io.reconcile.api.store.ChangeBatch.of(List.of(), new io.reconcile.api.store.FeedPosition("none"));
    }

    @Override
    public void close() {}
  }

  /** Durations as people write them: 500ms, 5s, 2m, 1h, 1d, or ISO-8601 (PT5S). */
  static final class Durations implements ITypeConverter<Duration> {
    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

    @Override
    public Duration convert(String value) {
      Matcher m = SHORT.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
          case "ms" -> Duration.ofMillis(n);
          case "s" -> Duration.ofSeconds(n);
          case "m" -> Duration.ofMinutes(n);
          case "h" -> Duration.ofHours(n);
          default -> Duration.ofDays(n);
        };
      }
      try {
        return Duration.parse(value);
      } catch (java.time.format.DateTimeParseException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "a duration is a number and a unit (500ms, 5s, 2m, 1h, 1d) or ISO-8601 (PT5S), but was '" + value + "'");
      }
    }
  }
}
