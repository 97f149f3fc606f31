package io.reconcile.core;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.checkpoint.CheckpointStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reconciles two or more stores: detects where they differ (digest bisection, plus any extra
 * {@link Checker}s), decides with a {@link Resolver} what each should hold, and — only in {@link
 * Mode#APPLY} — repairs the losers with conditional, batched, audited writes, then digests the
 * repaired ranges again to verify they converged.
 *
 * <pre>{@code
 * ReconcileReport report = Reconciler.newBuilder()
 *     .stores(primary, replica)                       // the first is the reference
 *     .resolver(Resolvers.sourceOfTruth("primary"))
 *     .mode(Mode.APPLY)
 *     .auditLog(FileAuditLog.open(Path.of("audit.jsonl")))
 *     .build()
 *     .run();
 * }</pre>
 *
 * <p>Safety: the default mode writes nothing; every write is conditional on the state seen at
 * detection (a row changed meanwhile is left alone and reported), idempotent, recorded before and
 * after in the audit log, and bounded by {@link Limits}; a run that crashes resumes from its
 * checkpoint when started again with the same run id. A reconciler is immutable and thread-safe;
 * each {@link #run()} is independent. It never closes the stores it was given.
 */
public final class Reconciler {

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final RunSettings settings;
  private final Random ids;

  private Reconciler(RunSettings settings) {
    this.settings = settings;
    this.ids = new Random(settings.seed());
  }

  /** Starts configuring a reconciler. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Runs once under a new run id. */
  public ReconcileReport run() {
    String id;
    synchronized (ids) {
      id = "run-" + Long.toHexString(settings.clock().millis()) + "-" + Integer.toHexString(ids.nextInt() & 0xFFFFFF);
    }
    return run(id);
  }

  /**
   * Runs under the given id: resumes that run from its checkpoint if it was interrupted, otherwise
   * starts it. In {@link Mode#APPLY}, when the audit log already holds records of the run (an
   * attempt crashed), the run carries on only if the chain verifies and every store's {@linkplain
   * Store#fingerprint() fingerprint} equals the one its RUN_STARTED record holds (an empty recorded
   * one: the id alone); it first applies again, conditionally, each action the crashed attempt
   * intended but never recorded as done, and records its outcome. Before the first write the whole
   * plan is decided and each action checked with its target's {@link Store#unwritable}, and {@link
   * ReconcileListener#runStarted} has been told the run id.
   *
   * @throws ReconcileException.ConfigurationException for a malformed run id, a run id that already
   *     finished, an audit log that does not verify or a store of another fingerprint when
   *     resuming, or {@link io.reconcile.core.resolve.Resolvers#lastWriterWins()} alone over a store
   *     without {@link io.reconcile.api.store.Capability#VERSIONS}
   * @throws ReconcileException.StoreUnavailableException if a store is still unavailable after the
   *     last retry of a write batch ({@link RetryPolicy}): the run stopped unfinished, and {@code
   *     run(runId)} resumes it
   * @throws ReconcileException if a store fails while detecting; nothing has been written then
   */
  public ReconcileReport run(String runId) {
    checkRunId(runId);
    try {
      return new Pipeline(settings, runId).run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReconcileException("run " + runId + " was interrupted; run it again with the same id to resume", e);
    }
  }

  /**
   * Reverses a run from its audit records: every action the run applied is undone, newest first,
   * each conditional on the run's result still being in place (a row changed since is left alone
   * and counted as refused). An update or delete whose outcome recorded the whole stored row
   * ({@link ActionOutcome#foundRow()}) is undone by {@link RepairAction#restore restoring} that
   * row exactly, every field; otherwise by the action's {@link RepairAction#inverse() inverse}. The
   * undo is itself audited, under the id {@code RUNID-undo}.
   *
   * <p>Before its first write the undo refuses, writing nothing, when the audit chain does not
   * {@linkplain AuditLog#verify() verify}; when the run's records are incomplete (not started by
   * RUN_STARTED, no RUN_FINISHED — a crashed run, to be resumed first with {@link #run(String)} —
   * or an INTENT with no OUTCOME, FAILED or SKIPPED record); and when a store's {@linkplain
   * Store#fingerprint() fingerprint} differs from the one the run's RUN_STARTED record holds for
   * its id (another database with a table of the same name). A store recorded with an empty
   * fingerprint, or a log written before fingerprints were recorded, is matched by id alone.
   *
   * @throws ReconcileException.ConfigurationException if the audit log knows no such run, fails
   *     one of the checks above, or a store the run wrote to is not among this reconciler's stores
   */
  public ReconcileReport undo(String runId) {
    checkRunId(runId);
    try {
      return new Undo(settings, runId).run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReconcileException("the undo of run " + runId + " was interrupted; the audit log says what it reversed", e);
    }
  }

  /**
   * Starts reconciling continuously: a {@link Watch} that, cycle after cycle, checks again the
   * parts of the key space the stores' change feeds report changed, and takes those that differ
   * through this reconciler's pipeline, in its mode. Its state (leaf digests, dirty leaves, feed
   * positions) is kept in this reconciler's {@link Builder#checkpoints checkpoint store}; give a
   * file one ({@code FileCheckpointStore}) so that a restarted watch resumes where this one
   * stopped. The first start, a gap in a feed, an unclean shutdown and every {@link
   * WatchOptions#sweepEvery()} check every leaf.
   *
   * @throws ReconcileException.ConfigurationException if the saved state of this watch belongs to
   *     other stores or cannot be read, or a feed is attached to an unknown store id
   */
  public Watch watch(WatchOptions options) {
    return Watch.start(settings, java.util.Objects.requireNonNull(options, "options"));
  }

  /** The cycles of a watch, driven by the caller (simulations run them on virtual time). */
  Watcher watcher(WatchOptions options) {
    return Watcher.open(settings, options);
  }

  private static void checkRunId(String runId) {
    if (!RUN_ID.matcher(runId).matches()) {
      throw new ReconcileException.ConfigurationException(
          "a run id is 1-128 letters, digits, '.', '_' or '-', but was '" + runId + "'");
    }
  }

  /**
   * Configures a {@link Reconciler}; not thread-safe. Defaults are safe: report only. Each setting
   * is given at most once ({@link #stores} and {@link #checkers} add); a setting given twice throws
   * {@link IllegalStateException} saying what it was set to.
   */
  public static final class Builder {
    private final List<Store> stores = new ArrayList<>();
    private final List<Checker> checkers = new ArrayList<>();
    private final Set<String> set = new HashSet<>();
    private Resolver resolver = d -> Optional.of(new Resolution.Escalate("no resolver was configured"));
    private Mode mode = Mode.REPORT_ONLY;
    private Limits limits = Limits.DEFAULTS;
    private int segments; // 0: sized from the reference store's rows
    private int fanOut = 16;
    private int leafRows = 256;
    private int parallelism = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private int batchSize = 500;
    private RetryPolicy retry = RetryPolicy.DEFAULTS;
    private double actionsPerSecond;
    private @Nullable AuditLog auditLog;
    private @Nullable CheckpointStore checkpoints;
    private ReconcileListener listener = new ReconcileListener() {};
    private Clock clock = Clock.systemUTC();
    private long seed = System.nanoTime();
    private Sleeper sleeper = Sleeper.REAL;
    private Faults faults = Faults.NONE;
    private boolean guardedWrites;

    private Builder() {}

    /** Throws if {@code what} was set before; its current value is {@code current}. */
    private void once(String what, Object current) {
      if (!set.add(what)) {
        throw new IllegalStateException(what + " was already set to " + current);
      }
    }

    /** Adds stores to compare; the first added is the reference. Store ids must be unique. */
    public Builder stores(Store... more) {
      for (Store s : more) {
        store(s);
      }
      return this;
    }

    /** Adds one store; the first added is the reference. */
    public Builder store(Store store) {
      Objects.requireNonNull(store, "store");
      for (Store s : stores) {
        if (s.id().equals(store.id())) {
          throw new ReconcileException.ConfigurationException(
              "two stores are both called '" + store.id() + "'; give each a distinct id (StoreOptions.id)");
        }
      }
      stores.add(store);
      return this;
    }

    /** How divergences are decided. Without one, every divergence is escalated. */
    public Builder resolver(Resolver resolver) {
      once("resolver", this.resolver);
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Adds checkers run on every segment besides digest bisection (counts, samples, field rules). */
    public Builder checkers(Checker... more) {
      checkers.addAll(List.of(more));
      return this;
    }

    /** What the run may do; {@link Mode#REPORT_ONLY} by default. */
    public Builder mode(Mode mode) {
      once("mode", this.mode);
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /** The blast-radius guards; {@link Limits#DEFAULTS} by default. */
    public Builder limits(Limits limits) {
      once("limits", this.limits);
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * How many top-level segments to plan (from the key distribution of the reference, or of a
     * store that reads ranges by an index). By default sized from its rows: when some store pays a
     * full pass per call (no {@link io.reconcile.api.store.Capability#KEY_INDEX}), leaves of about
     * {@link #leafRows(int) leafRows} rows (at most {@value Pipeline#MAX_LEAVES}), all digested in
     * one pass; when every store computes digests server-side ({@link
     * io.reconcile.api.store.Capability#SERVER_SIDE_DIGEST}), where each call is a round trip,
     * segments of about {@value Pipeline#FINE_SEGMENT_ROWS} rows (or leafRows, if fewer), between
     * {@value Pipeline#MIN_AUTO_SEGMENTS} and {@value Pipeline#MAX_AUTO_SEGMENTS}: every segment is
     * digested in the first pass (in a few queries), and the segments that differ are small enough
     * to be read at once, in batched reads — no round trip per level of bisection; otherwise
     * segments of about 16,384 rows, at least {@value Pipeline#MIN_AUTO_SEGMENTS}.
     */
    public Builder segments(int segments) {
      once("segments", this.segments);
      this.segments = positive(segments, "segments");
      return this;
    }

    /** How many parts a differing range is split into; 16 by default, at least 2. */
    public Builder fanOut(int fanOut) {
      once("fanOut", this.fanOut);
      if (fanOut < 2) {
        throw new IllegalArgumentException("fanOut must be >= 2, but was " + fanOut);
      }
      this.fanOut = fanOut;
      return this;
    }

    /** Ranges of at most this many rows are compared row by row; 256 by default. */
    public Builder leafRows(int leafRows) {
      once("leafRows", this.leafRows);
      this.leafRows = positive(leafRows, "leafRows");
      return this;
    }

    /** How many units of segments are detected at once; default min(4, cores). */
    public Builder parallelism(int parallelism) {
      once("parallelism", this.parallelism);
      this.parallelism = positive(parallelism, "parallelism");
      return this;
    }

    /** Actions per write batch (one transaction where the store has atomic batches); 500 by default. */
    public Builder batchSize(int batchSize) {
      once("batchSize", this.batchSize);
      this.batchSize = positive(batchSize, "batchSize");
      return this;
    }

    /** Retries of transient write failures; {@link RetryPolicy#DEFAULTS} by default. */
    public Builder retry(RetryPolicy retry) {
      once("retry", this.retry);
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** At most this many repair actions per second per store; 0 (the default) for no limit. */
    public Builder rateLimit(double actionsPerSecond) {
      once("rateLimit", this.actionsPerSecond);
      if (actionsPerSecond < 0) {
        throw new IllegalArgumentException("rateLimit must be >= 0, but was " + actionsPerSecond);
      }
      this.actionsPerSecond = actionsPerSecond;
      return this;
    }

    /** Where repairs are recorded; required for {@link Mode#APPLY}. */
    public Builder auditLog(AuditLog auditLog) {
      once("auditLog", this.auditLog);
      this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
      return this;
    }

    /** Where progress is kept so an interrupted run can resume; in memory by default. */
    public Builder checkpoints(CheckpointStore checkpoints) {
      once("checkpoints", this.checkpoints);
      this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
      return this;
    }

    /** Hears what runs do; nothing by default. */
    public Builder listener(ReconcileListener listener) {
      once("listener", this.listener);
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock divergences and audit records are stamped with; the system's UTC clock by default. */
    public Builder clock(Clock clock) {
      once("clock", this.clock);
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Seeds run ids and retry jitter, so a run can be replayed exactly. */
    public Builder seed(long seed) {
      once("seed", this.seed);
      this.seed = seed;
      return this;
    }

    /**
     * Lets {@link Mode#APPLY} write to stores that cannot write conditionally (no {@link
     * io.reconcile.api.store.Capability#COMPARE_AND_SET}, e.g. a topic): before each batch to such a
     * store the engine reads its targets again and leaves alone every action whose target no longer
     * holds what detection saw; a write that lands between that read and the batch is not seen, and
     * the verification after the repair reports the range as not converged. Without this, APPLY
     * over such a store is refused before anything is read.
     */
    public Builder guardedWrites() {
      once("guardedWrites", this.guardedWrites);
      this.guardedWrites = true;
      return this;
    }

    Builder sleeper(Sleeper sleeper) {
      this.sleeper = sleeper;
      return this;
    }

    Builder faults(Faults faults) {
      this.faults = faults;
      return this;
    }

    private static int positive(int n, String what) {
      if (n < 1) {
        throw new IllegalArgumentException(what + " must be >= 1, but was " + n);
      }
      return n;
    }

    /**
     * @throws ReconcileException.ConfigurationException with fewer than two stores, or APPLY
     *     without an audit log
     */
    public Reconciler build() {
      if (stores.size() < 2) {
        throw new ReconcileException.ConfigurationException(
            "a reconciliation needs at least two stores, but " + stores.size() + " were given; add them with stores(...)");
      }
      if (mode == Mode.APPLY && auditLog == null) {
        throw new ReconcileException.ConfigurationException(
            "APPLY writes to stores and every write is audited; give an audit log, e.g. auditLog(FileAuditLog.open(Path.of(\"audit.jsonl\")))");
      }
      return new Reconciler(new RunSettings(stores, resolver, checkers, mode, limits, segments, fanOut, leafRows,
          parallelism, batchSize, retry, actionsPerSecond, auditLog != null ? auditLog : AuditLog.inMemory(),
          checkpoints != null ? checkpoints : CheckpointStore.inMemory(), listener, clock, seed, sleeper, faults,
          guardedWrites));
    }
  }
}
