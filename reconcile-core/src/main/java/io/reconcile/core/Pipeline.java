package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.Decider.Decided;
import io.reconcile.core.Detector.Detected;
import io.reconcile.core.Detector.Item;
import io.reconcile.core.Detector.Unit;
import io.reconcile.core.Verifier.Repaired;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.check.DigestBisectionChecker;
import io.reconcile.core.internal.Bisection;
import io.reconcile.core.resolve.Resolvers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of one run: the conductor of the pipeline. The {@link Plan} gives key ranges; the
 * {@link Detector} digests them and finds the divergences of consecutive units of them, several
 * units at a time but at most a few ahead of the one being acted on (so memory holds a bounded
 * number of units' divergences, however many the run finds); units are then taken in key order
 * through the {@link Decider}, the {@link Writer} and the {@link Verifier}, and the plan's progress
 * is checkpointed after each unit that wrote. Guards that must hold before the first write (the
 * schemas, the divergence ratio, conditional writes) are settled before the first unit.
 */
final class Pipeline {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Units detected ahead of the one acted on, per thread of detection. */
  static final int AHEAD_PER_THREAD = 2;

  /**
   * Rows of differing segments detected ahead of the unit acted on, at most (a unit larger than
   * this alone): each of them may become a divergence held until its unit is acted on.
   */
  static final long ROWS_AHEAD = 3L * Detector.ROWS_PER_SCAN;

  static final int MIN_AUTO_SEGMENTS = 64;
  static final int FINE_SEGMENT_ROWS = 96;
  static final int MAX_AUTO_SEGMENTS = 1 << 14;

  /** Leaves of a run over a store that pays a full pass per call, at most. */
  static final int MAX_LEAVES = 1 << 16;

  /**
   * Repaired ranges verified together, at most, when a store pays a full pass per call (each
   * verification is a pass; the ranges wait, with the keys left alone in them, until then).
   */
  static final int DEFERRED_VERIFICATIONS = 4_096;

  /** Divergences found while counting for the ratio guard that are kept for the run, at most. */
  static final int KEPT_FROM_COUNT = 20_000;

  private final RunSettings s;
  private final String runId;
  private final List<MeteredStore> stores;
  private final Map<String, MeteredStore> byId = new LinkedHashMap<>();
  private final boolean fullPass;
  private final Bisection bisection;
  private final Detector detector;
  private final Map<String, Duration> stageTimes = new LinkedHashMap<>();
  private final Map<String, Long> storeRows = new ConcurrentHashMap<>();
  private final @Nullable Scope scope;
  private Counts counts = new Counts();

  /** A run over the whole key space. */
  Pipeline(RunSettings settings, String runId) {
    this(settings, runId, null);
  }

  /** A run over the scope's ranges, or over the whole key space when it is null. */
  Pipeline(RunSettings settings, String runId, @Nullable Scope scope) {
    this.s = settings;
    this.runId = runId;
    this.scope = scope;
    if (scope != null) {
      storeRows.putAll(scope.datasetRows());
    }
    List<MeteredStore> metered = new ArrayList<>();
    for (Store store : settings.stores()) {
      MeteredStore m = new MeteredStore(store);
      metered.add(m);
      byId.put(store.id(), m);
    }
    this.stores = List.copyOf(metered);
    this.fullPass = stores.stream().anyMatch(x -> !x.capabilities().contains(Capability.KEY_INDEX));
    List<Store> view = List.copyOf(metered);
    Clock clock = settings.clock();
    CheckContext context = new CheckContext() {
      @Override
      public List<Store> stores() {
        return view;
      }

      @Override
      public Clock clock() {
        return clock;
      }
    };
    this.bisection = new Bisection(view, commonScheme(settings.stores()), settings.fanOut(), settings.leafRows(),
        DigestBisectionChecker.NAME, clock);
    this.detector = new Detector(runId, settings, context, bisection, fullPass);
    if (scope != null && scope.ranges().isEmpty()) {
      throw new IllegalArgumentException("a scoped run needs at least one range");
    }
  }

  /**
   * The hash scheme every store declares: a shared native one, the first by name when several are
   * shared, else canonical MD5. Same-product schemes are named after their product ({@code
   * postgresql-…}, {@code mariadb…}) and the JDBC stores' cross-product one after its encoding
   * ({@code typed-columns-…}), which sorts after them: two stores of one product keep their own.
   */
  static HashScheme commonScheme(List<Store> stores) {
    Set<HashScheme> common = new HashSet<>(stores.get(0).hashSchemes());
    for (Store x : stores) {
      common.retainAll(x.hashSchemes());
    }
    return common.stream()
        .filter(h -> !h.equals(HashScheme.CANONICAL_MD5))
        .min(Comparator.comparing(HashScheme::name))
        .orElse(HashScheme.CANONICAL_MD5);
  }

  ReconcileReport run() throws InterruptedException {
    checkSchemas();
    checkVersionsForLastWriterWins();
    checkConditionalWrites();
    Instant started = s.clock().instant();
    Optional<Checkpoint> saved = Checkpoint.load(s.checkpoints(), runId);
    // Records of an earlier attempt of this run: it crashed, and this attempt carries it on.
    List<AuditRecord> earlier = earlierRecords();
    if (!earlier.isEmpty()) {
      checkEarlierAttempt(earlier, saved.isPresent());
    }
    Plan plan;
    if (saved.isPresent()) {
      plan = saved.get().plan();
      counts = saved.get().counts();
    } else {
      plan = Plan.of(scope != null ? scope.ranges() : planSegments());
      counts.segments = plan.size();
    }
    List<String> ids = stores.stream().map(Store::id).toList();
    int planned = plan.size();
    log.info("[{}] {} run over {} with {} segments{}", runId, s.mode(), ids, planned, saved.isPresent() ? " (resumed)" : "");
    Listeners.safely(runId, s.listener(), l -> l.runStarted(runId, ids, planned));
    if (s.mode() == Mode.APPLY && earlier.isEmpty()) {
      s.auditLog().append(new AuditRecord(runId, AuditRecord.Type.RUN_STARTED, s.clock().instant(), null, null, null, null,
          null, "stores " + ids, null, Replay.fingerprints(stores)));
    }
    Trail trail = new Trail(runId, s.mode(), s.auditLog(), s.listener(), s.clock());
    RepairExecutor executor = new RepairExecutor(s.retry(), s.actionsPerSecond(), s.clock(), s.sleeper(), new Random(s.seed() ^ runId.hashCode()));
    Writer writer = new Writer(runId, s, byId, counts, trail, executor);
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(s.parallelism(), stores.size()));
    try {
      if (!earlier.isEmpty()) {
        writer.settle(Replay.unsettled(earlier));
      }
      long t0 = System.nanoTime();
      List<Integer> pending = plan.pending();
      List<KeyRange> ranges = pending.stream().map(plan::segment).toList();
      List<List<Digest>> known = scope != null && saved.isEmpty() ? scope.digests() : null;
      List<List<Digest>> top = known != null ? known : detector.digest(ranges, pool);
      Detector.Refined refined = detector.refine(ranges, top, pool);
      if (refined.split()) {
        plan = plan.split(pending, refined.parts());
        counts.segments = plan.size();
        pending = plan.pending();
        ranges = refined.ranges();
        top = refined.digests();
      }
      long maxRows = 0;
      for (int i = 0; i < stores.size(); i++) {
        long rows = top.get(i).stream().mapToLong(Digest::count).sum();
        maxRows = Math.max(maxRows, rows);
        if (pending.size() == plan.size() && scope == null) {
          storeRows.put(stores.get(i).id(), rows);
        }
      }
      if (scope != null) {
        maxRows = scope.datasetRows().values().stream().mapToLong(Long::longValue).max().orElse(maxRows);
      }
      List<Unit> units = Detector.units(pending, ranges, top, s.leafRows(), fullPass);
      Map<Unit, Detected> detected = saved.isEmpty() ? guardRatio(units, maxRows, pool) : Map.of();
      stageTimes.put("detect", Duration.ofNanos(System.nanoTime() - t0));
      s.faults().at(Faults.Point.AFTER_DETECT);
      stream(plan, units, detected, new Decider(runId, s, byId, detector, counts, trail, storeRows,
          scope != null ? scope.held() : d -> false), writer, pool);
    } finally {
      pool.shutdownNow();
    }
    if (s.mode() == Mode.APPLY) {
      s.auditLog().append(new AuditRecord(runId, AuditRecord.Type.RUN_FINISHED, s.clock().instant(), null, null, null, null, null,
          "applied " + counts.applied + ", already applied " + counts.alreadyApplied + ", refused " + counts.refused
              + ", skipped " + counts.skipped + ", unwritable " + counts.unwritable + ", failed " + counts.failed
              + ", escalated " + counts.escalated));
    }
    s.checkpoints().delete(runId);
    ReconcileReport report = report(started);
    log.info("[{}] finished: {} divergences, {} applied, {} refused, {} escalated, converged={}",
        runId, report.divergences(), report.repairs().applied(), report.repairs().refused(), report.repairs().escalated(),
        report.converged());
    Listeners.safely(runId, s.listener(), l -> l.runFinished(report));
    return report;
  }

  /**
   * Takes the units through the stages in key order: detected a few ahead, on the pool; decided,
   * written and verified here, one after the other. When a store pays a full pass per call,
   * verifying waits for the end (or for {@value #DEFERRED_VERIFICATIONS} repaired ranges): one
   * digest call per store for all of them.
   */
  private void stream(Plan plan, List<Unit> units, Map<Unit, Detected> detected, Decider decider, Writer writer,
      ExecutorService pool) throws InterruptedException {
    Verifier verifier = new Verifier(stores, bisection, counts);
    Deque<Future<Detected>> ahead = new ArrayDeque<>();
    int window = Math.max(1, s.parallelism()) * AHEAD_PER_THREAD;
    int next = 0;
    long rowsAhead = 0;
    List<Unit> unverified = new ArrayList<>();
    List<Repaired> repaired = new ArrayList<>();
    boolean divergent = false;
    long detect = 0;
    long decide = 0;
    long execute = 0;
    long verify = 0;
    for (int u = 0; u < units.size(); u++) {
      // Ahead: a few units per thread, and their differing rows bounded, so that memory holds a
      // bounded number of divergences however dense they are.
      while (next < units.size() && ahead.size() < window
          && (ahead.isEmpty() || rowsAhead + units.get(next).differingRows() <= ROWS_AHEAD)) {
        Unit x = units.get(next++);
        rowsAhead += x.differingRows();
        Detected known = detected.get(x);
        ahead.add(known != null ? CompletableFuture.completedFuture(known) : pool.submit(() -> detector.detect(x)));
      }
      long a = System.nanoTime();
      Detected found = Detector.await(ahead.poll(), "detecting " + units.get(u).items().size() + " segments");
      rowsAhead -= units.get(u).differingRows();
      detector.told(found);
      long b = System.nanoTime();
      List<Decided> decided = new ArrayList<>();
      List<KeyRange> withActions = new ArrayList<>();
      for (int i = 0; i < found.divergences().size(); i++) {
        List<Decided> here = decider.decide(found.divergences().get(i));
        decided.addAll(here);
        if (here.stream().anyMatch(x -> !x.actions().isEmpty())) {
          withActions.add(found.unit().items().get(i).range());
        }
      }
      long c = System.nanoTime();
      Writer.Written written = writer.write(decided);
      long d = System.nanoTime();
      if (written.wrote()) {
        for (KeyRange range : withActions) {
          Set<Key> leftAlone = new HashSet<>();
          written.leftAlone().stream().filter(range::contains).forEach(leftAlone::add);
          repaired.add(new Repaired(range, leftAlone));
        }
      }
      unverified.add(found.unit());
      divergent |= !decided.isEmpty();
      if (!fullPass || u == units.size() - 1 || repaired.size() >= DEFERRED_VERIFICATIONS) {
        if (!repaired.isEmpty()) {
          s.faults().at(Faults.Point.DURING_VERIFY);
          verifier.verify(repaired);
          repaired.clear();
        }
        unverified.forEach(done -> done.indexes().forEach(plan::markDone));
        unverified.clear();
        // Only runs that write need a checkpoint: a segment without writes is re-checked cheaply after a crash.
        if (s.mode() == Mode.APPLY && divergent) {
          new Checkpoint(plan, counts).save(s.checkpoints(), runId);
          s.faults().at(Faults.Point.AFTER_CHECKPOINT);
        }
        divergent = false;
      }
      long e = System.nanoTime();
      detect += b - a;
      decide += c - b;
      execute += d - c;
      verify += e - d;
    }
    stageTimes.merge("detect", Duration.ofNanos(detect), Duration::plus);
    stageTimes.put("decide", Duration.ofNanos(decide));
    stageTimes.put("execute", Duration.ofNanos(execute));
    stageTimes.put("verify", Duration.ofNanos(verify));
  }

  /**
   * The divergence-ratio guard, settled before the first write: in {@link Mode#DRY_RUN} and {@link
   * Mode#APPLY}, when the segments that differ could hold more repairable divergences than {@link
   * Limits#maxDivergenceRatio()} allows (by their digests' row counts, or always when a repairable
   * extra checker runs), the divergences are counted first, stopping once past the limit; past it
   * the whole run escalates. What the count found is kept for the run when it is at most {@value
   * #KEPT_FROM_COUNT} divergences, so that a small run reads its differing rows once.
   *
   * @return the units detected while counting, to be used as they are
   */
  private Map<Unit, Detected> guardRatio(List<Unit> units, long maxRows, ExecutorService pool) throws InterruptedException {
    if (s.mode() == Mode.REPORT_ONLY || maxRows == 0) {
      return Map.of();
    }
    double allowed = s.limits().maxDivergenceRatio() * maxRows;
    boolean unbounded = s.checkers().stream().anyMatch(Checker::repairable);
    long possible = 0;
    List<Unit> differing = new ArrayList<>();
    for (Unit u : units) {
      boolean any = false;
      for (Item i : u.items()) {
        if (i.state() != Detector.State.EQUAL) {
          // A segment holds at most the keys of all stores: equal counts can still be disjoint keys.
          possible += i.digests().stream().mapToLong(Digest::count).sum();
          any = true;
        }
      }
      if (any || unbounded) {
        differing.add(u);
      }
    }
    if (!unbounded && possible <= allowed) {
      return Map.of();
    }
    long enough = (long) Math.floor(allowed);
    Detector.Count count = detector.countRepairable(differing, enough, KEPT_FROM_COUNT, pool);
    if (count.repairable() > allowed) {
      boolean stopped = count.repairable() > enough + 1;
      counts.escalation = String.format(
          "%s%d of %d rows diverge (%s%.1f%%), above the limit of %.1f%%; nothing was repaired — check the configuration,"
              + " then raise Limits.maxDivergenceRatio if this is real drift",
          stopped ? "more than " : "", stopped ? enough : count.repairable(), maxRows, stopped ? "over " : "",
          100.0 * (stopped ? enough : count.repairable()) / maxRows, 100 * s.limits().maxDivergenceRatio());
      log.warn("[{}] {}", runId, counts.escalation);
    }
    Map<Unit, Detected> out = new IdentityHashMap<>();
    count.detected().forEach(d -> out.put(d.unit(), d));
    return out;
  }

  /** The segments of a new run, from the store that reads ranges by an index if one must be chosen. */
  private List<KeyRange> planSegments() {
    Store planner = stores.get(0);
    if (fullPass) {
      planner = stores.stream().filter(x -> x.capabilities().contains(Capability.KEY_INDEX)).findFirst().orElse(stores.get(0));
    }
    int wanted = s.segments() > 0 ? s.segments() : autoSegments(planner);
    return planner.segments(KeyRange.all(), wanted).stream().map(Segment::range).toList();
  }

  /**
   * How many segments to plan from the planner's rows: when a store pays a full pass per call,
   * leaves of about {@code leafRows} rows (at most {@value #MAX_LEAVES}), all digested in one pass;
   * when every store digests server-side (a call is a round trip that costs more than hashing a few
   * hundred rows), segments of about {@value #FINE_SEGMENT_ROWS} rows (or leafRows, if smaller),
   * then one batched read of the few rows of each differing segment; otherwise segments of about
   * {@value Detector#ROWS_PER_SCAN} rows. Never fewer than {@value #MIN_AUTO_SEGMENTS}.
   */
  private int autoSegments(Store planner) {
    long rows = planner.segments(KeyRange.all(), 1).get(0).estimatedCount();
    int perSegment;
    int most = MAX_AUTO_SEGMENTS;
    if (fullPass) {
      perSegment = s.leafRows();
      most = MAX_LEAVES;
    } else if (stores.stream().allMatch(x -> x.capabilities().contains(Capability.SERVER_SIDE_DIGEST))) {
      perSegment = Math.min(s.leafRows(), FINE_SEGMENT_ROWS);
    } else {
      perSegment = Detector.ROWS_PER_SCAN;
    }
    long wanted = (rows + perSegment - 1) / perSegment;
    return (int) Math.max(MIN_AUTO_SEGMENTS, Math.min(most, wanted));
  }

  /** Refuses, before reading anything, stores whose declared schemas could never hold equal entries. */
  private void checkSchemas() {
    Store reference = stores.get(0);
    Optional<Schema> mine = reference.schema();
    if (mine.isEmpty()) {
      return;
    }
    for (Store other : stores.subList(1, stores.size())) {
      Optional<String> why = other.schema().flatMap(theirs -> mine.get().mismatch(reference.id(), theirs, other.id()));
      if (why.isPresent()) {
        throw new ReconcileException.ConfigurationException(why.get());
      }
    }
  }

  /**
   * Refuses last writer wins, used alone, over a store that keeps no versions: it could never
   * decide, and every divergence would be escalated.
   */
  private void checkVersionsForLastWriterWins() {
    if (s.resolver() != Resolvers.lastWriterWins()) {
      return;
    }
    for (Store x : stores) {
      if (!x.capabilities().contains(Capability.VERSIONS)) {
        throw new ReconcileException.ConfigurationException(
            "the resolver lastWriterWins() needs each row's write time, but store '" + x.id()
                + "' keeps no versions; give it a version field (StoreOptions.versionField) or choose another resolver");
      }
    }
  }

  /**
   * Refuses {@link Mode#APPLY} over a writable store that cannot write conditionally, unless the
   * caller accepted writes guarded by a re-read ({@link Reconciler.Builder#guardedWrites()}).
   */
  private void checkConditionalWrites() {
    if (s.mode() != Mode.APPLY || s.guardedWrites()) {
      return;
    }
    for (Store x : stores) {
      if (x.capabilities().contains(Capability.WRITE) && !x.capabilities().contains(Capability.COMPARE_AND_SET)) {
        throw new ReconcileException.ConfigurationException(
            "store '" + x.id() + "' cannot write conditionally (it does not declare COMPARE_AND_SET), so a repair could"
                + " overwrite a row written after detection; accept writes guarded by a re-read and verified after with"
                + " Reconciler.Builder.guardedWrites(), or open the store read-only");
      }
    }
  }

  /** In {@link Mode#APPLY}, the records an earlier attempt of this run left in the audit log. */
  private List<AuditRecord> earlierRecords() {
    if (s.mode() != Mode.APPLY) {
      return List.of();
    }
    try {
      return s.auditLog().records(runId);
    } catch (ReconcileException e) {
      // A record that cannot be read is refused as an audit log that does not verify, if it is one.
      Replay.checkChain(s.auditLog(), runId, "resume");
      throw e;
    }
  }

  /**
   * Before carrying on a run that an earlier attempt began: the audit chain must verify (its
   * intents are about to be replayed), the run must not have finished already, and every store must
   * be the one the run wrote to.
   */
  private void checkEarlierAttempt(List<AuditRecord> earlier, boolean resumed) {
    if (!resumed && earlier.stream().anyMatch(x -> x.type() == AuditRecord.Type.RUN_FINISHED)) {
      throw new ReconcileException.ConfigurationException(
          "run " + runId + " already finished (the audit log holds its RUN_FINISHED record); start a new run under another id");
    }
    Replay.checkChain(s.auditLog(), runId, "resume");
    Replay.checkFingerprints(earlier, runId, stores, "resume");
  }

  private ReconcileReport report(Instant started) {
    Map<String, ReconcileReport.StoreStats> stats = new LinkedHashMap<>();
    for (MeteredStore m : stores) {
      stats.put(m.id(), new ReconcileReport.StoreStats(m.rows.sum(), m.digests.sum(), m.bytes.sum()));
    }
    return ReconcileReport.of(runId, s.mode(), stores.stream().map(Store::id).toList(), started, s.clock().instant(),
        stageTimes, stats, counts);
  }
}
