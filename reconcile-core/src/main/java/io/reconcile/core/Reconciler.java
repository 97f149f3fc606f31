package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.checkpoint.CheckpointStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  final List<Store> stores;
  final Resolver resolver;
  final List<Checker> checkers;
  final Mode mode;
  final Limits limits;
  final int segments;
  final int fanOut;
  final int leafRows;
  final int parallelism;
  final int batchSize;
  final RetryPolicy retry;
  final double actionsPerSecond;
  final AuditLog auditLog;
  final CheckpointStore checkpoints;
  final ReconcileListener listener;
  final Clock clock;
  final long seed;
  final Sleeper sleeper;
  final Faults faults;
  private final Random ids;

  private Reconciler(Builder b) {
    this.stores = List.copyOf(b.stores);
    this.resolver = b.resolver;
    this.checkers = List.copyOf(b.checkers);
    this.mode = b.mode;
    this.limits = b.limits;
    this.segments = b.segments;
    this.fanOut = b.fanOut;
    this.leafRows = b.leafRows;
    this.parallelism = b.parallelism;
    this.batchSize = b.batchSize;
    this.retry = b.retry;
    this.actionsPerSecond = b.actionsPerSecond;
    this.auditLog = b.auditLog != null ? b.auditLog : AuditLog.inMemory();
    this.checkpoints = b.checkpoints != null ? b.checkpoints : CheckpointStore.inMemory();
    this.listener = b.listener;
    this.clock = b.clock;
    this.seed = b.seed;
    this.sleeper = b.sleeper;
    this.faults = b.faults;
    this.ids = new Random(b.seed);
  }

  /** Starts configuring a reconciler. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** Runs once under a new run id. */
  public ReconcileReport run() {
    String id;
    synchronized (ids) {
      id = "run-" + Long.toHexString(clock.millis()) + "-" + Integer.toHexString(ids.nextInt() & 0xFFFFFF);
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
      return new Run(this, runId).execute();
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
    Instant started = clock.instant();
    Replay.checkChain(auditLog, runId, "undo");
    List<AuditRecord> records = auditLog.records(runId);
    if (records.isEmpty()) {
      throw new ReconcileException.ConfigurationException(
          "the audit log holds no records of run " + runId + "; check the run id and the audit file");
    }
    Replay.checkComplete(records, runId);
    Replay.checkFingerprints(records, runId, stores, "undo");
    Map<String, RepairAction> intended = new LinkedHashMap<>();
    Set<String> written = new HashSet<>();
    Set<String> notWritten = new HashSet<>();
    Map<String, Map<String, Value>> foundRows = new HashMap<>();
    for (AuditRecord rec : records) {
      if (rec.action() == null) {
        continue;
      }
      String id = rec.action().id();
      switch (rec.type()) {
        case INTENT -> intended.putIfAbsent(id, rec.action());
        // ALREADY_APPLIED within the run means an earlier attempt of this run wrote it (a lost
        // reply, a resumed crash): detection had seen it missing. A FAILED batch wrote nothing,
        // but its inverse is kept: conditional, it finds the original in place and changes nothing.
        case OUTCOME -> {
          if (rec.status() == ActionOutcome.Status.REFUSED) {
            notWritten.add(id);
          } else {
            written.add(id);
            if (rec.foundRow() != null) {
              foundRows.put(id, rec.foundRow());
            }
          }
        }
        case SKIPPED -> notWritten.add(id);
        default -> {}
      }
    }
    List<RepairAction> inverses = new ArrayList<>();
    for (RepairAction a : intended.values()) {
      // An attempt that wrote it outweighs one that was refused or skipped it (a resumed run).
      if (written.contains(a.id()) || !notWritten.contains(a.id())) {
        inverses.add(0, undoing(a, foundRows.get(a.id())));
      }
    }
    Map<String, Store> byId = new LinkedHashMap<>();
    stores.forEach(s -> byId.put(s.id(), s));
    for (RepairAction inverse : inverses) {
      if (!byId.containsKey(inverse.target())) {
        throw new ReconcileException.ConfigurationException(
            "run " + runId + " wrote to store '" + inverse.target() + "', which this reconciler does not have; add it with stores(...)");
      }
    }
    String undoId = runId + "-undo";
    auditLog.append(new AuditRecord(undoId, AuditRecord.Type.UNDO_STARTED, clock.instant(), null, null, null, null, null,
        "undoing " + runId, null, Replay.fingerprints(stores)));
    long done = 0;
    long refused = 0;
    long already = 0;
    for (RepairAction inverse : inverses) {
      Store target = byId.get(inverse.target());
      auditLog.append(new AuditRecord(undoId, AuditRecord.Type.INTENT, clock.instant(), inverse, "undo " + runId, null, null, null, null));
      for (ActionOutcome o : target.apply(List.of(inverse))) {
        auditLog.append(new AuditRecord(undoId, AuditRecord.Type.OUTCOME, clock.instant(), o.action(), null, null, o.status(), o.found(),
            null, o.foundRow(), Map.of()));
        switch (o.status()) {
          case APPLIED -> done++;
          case ALREADY_APPLIED -> already++;
          case REFUSED -> refused++;
        }
      }
    }
    auditLog.append(new AuditRecord(undoId, AuditRecord.Type.UNDO_FINISHED, clock.instant(), null, null, null, null, null,
        "undone " + done + ", already undone " + already + ", refused " + refused));
    log.info("[{}] undo of {}: {} reversed, {} already reversed, {} refused", undoId, runId, done, already, refused);
    return new ReconcileReport(undoId, Mode.APPLY, stores.stream().map(Store::id).toList(), started, clock.instant(),
        Map.of(), Map.of(), 0, 0, Map.of(), Map.of("undo", (long) inverses.size()), done, already, refused, 0, 0, 0, 0, 0, 0,
        List.of(), null, List.of(), List.of(), inverses.stream().map(RepairAction::toString).toList());
  }

  /**
   * What undoes {@code applied}: for an update or a delete whose whole stored row is known, a
   * restore of that row, conditional on the action's result being in place; otherwise its inverse.
   */
  private static RepairAction undoing(RepairAction applied, @Nullable Map<String, Value> foundRow) {
    Entry before = applied.expected().entry();
    if (before == null || foundRow == null) {
      return applied.inverse();
    }
    Entry result = applied.result();
    return RepairAction.restore(applied.target(), before, foundRow, result == null ? Expected.absent() : Expected.present(result));
  }

  private static void checkRunId(String runId) {
    if (!RUN_ID.matcher(runId).matches()) {
      throw new ReconcileException.ConfigurationException(
          "a run id is 1-128 letters, digits, '.', '_' or '-', but was '" + runId + "'");
    }
  }

  /** Configures a {@link Reconciler}; not thread-safe. Defaults are safe: report only. */
  public static final class Builder {
    private final List<Store> stores = new ArrayList<>();
    private Resolver resolver = d -> Optional.of(new Resolution.Escalate("no resolver was configured"));
    private final List<Checker> checkers = new ArrayList<>();
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

    private Builder() {}

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
      this.resolver = Objects.requireNonNull(resolver, "resolver");
      return this;
    }

    /** Checkers run on every segment besides digest bisection (counts, samples, field rules). */
    public Builder checkers(Checker... more) {
      checkers.addAll(List.of(more));
      return this;
    }

    /** What the run may do; {@link Mode#REPORT_ONLY} by default. */
    public Builder mode(Mode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    public Builder limits(Limits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * How many top-level segments to plan (from the reference's key distribution). By default
     * {@value Run#MIN_AUTO_SEGMENTS}; when every store computes digests server-side ({@link
     * io.reconcile.api.store.Capability#SERVER_SIDE_DIGEST}), where each call is a round trip, one
     * per {@value Run#FINE_SEGMENT_ROWS} of the reference's rows (or per {@link #leafRows(int)
     * leafRows}, if fewer), between {@value Run#MIN_AUTO_SEGMENTS} and {@value
     * Run#MAX_AUTO_SEGMENTS}: every segment is digested in the first pass (in a few queries), and
     * the segments that differ are small enough to be read at once, in batched scans — no round
     * trip per level of bisection, and few rows read even when differences are many. (Beyond
     * {@value Run#MAX_AUTO_SEGMENTS} segments, grouping rows into more of them costs the database
     * more than bisecting the few that differ.)
     */
    public Builder segments(int segments) {
      this.segments = positive(segments, "segments");
      return this;
    }

    /** How many parts a differing range is split into; 16 by default, at least 2. */
    public Builder fanOut(int fanOut) {
      if (fanOut < 2) {
        throw new IllegalArgumentException("fanOut must be >= 2, but was " + fanOut);
      }
      this.fanOut = fanOut;
      return this;
    }

    /** Ranges of at most this many rows are compared row by row; 256 by default. */
    public Builder leafRows(int leafRows) {
      this.leafRows = positive(leafRows, "leafRows");
      return this;
    }

    /** How many segments are compared at once; default min(4, cores). */
    public Builder parallelism(int parallelism) {
      this.parallelism = positive(parallelism, "parallelism");
      return this;
    }

    /** Actions per write batch (one transaction); 500 by default. */
    public Builder batchSize(int batchSize) {
      this.batchSize = positive(batchSize, "batchSize");
      return this;
    }

    public Builder retry(RetryPolicy retry) {
      this.retry = Objects.requireNonNull(retry, "retry");
      return this;
    }

    /** At most this many repair actions per second per store; 0 (the default) for no limit. */
    public Builder rateLimit(double actionsPerSecond) {
      if (actionsPerSecond < 0) {
        throw new IllegalArgumentException("rateLimit must be >= 0, but was " + actionsPerSecond);
      }
      this.actionsPerSecond = actionsPerSecond;
      return this;
    }

    /** Where repairs are recorded; required for {@link Mode#APPLY}. */
    public Builder auditLog(AuditLog auditLog) {
      this.auditLog = Objects.requireNonNull(auditLog, "auditLog");
      return this;
    }

    /** Where progress is kept so an interrupted run can resume; in memory by default. */
    public Builder checkpoints(CheckpointStore checkpoints) {
      this.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
      return this;
    }

    public Builder listener(ReconcileListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock divergences and audit records are stamped with. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Seeds run ids and retry jitter, so a run can be replayed exactly. */
    public Builder seed(long seed) {
      this.seed = seed;
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
      return new Reconciler(this);
    }
  }
}
