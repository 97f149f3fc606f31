package io.reconcile.core;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.resolve.Resolvers;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One attempt of one run: detect, decide, execute, verify, with a checkpoint after each segment. */
final class Run {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final int MAX_FINDINGS = 1_000;
  private static final int MAX_PLAN_LINES = 10_000;

  private final Reconciler r;
  private final String runId;
  private final List<MeteredStore> stores;
  private final Map<String, MeteredStore> byId = new LinkedHashMap<>();
  private final CheckContext context;
  private final DigestBisectionChecker bisection;
  private final RepairExecutor executor;
  private final Map<String, Duration> stageTimes = new LinkedHashMap<>();
  private Tally tally = new Tally();
  private List<KeyRange> segments = List.of();
  private final Set<Integer> done = new TreeSet<>();
  private long maxRows;
  /** Rows per store, from the first full set of segment digests (or one digest when resumed). */
  private final Map<String, Long> storeRows = new java.util.concurrent.ConcurrentHashMap<>();
  /** Repairs planned in the segments carried out (checkpointed). */
  private long repairsPlanned;
  /** Repairs planned so far while the remaining segments are decided. */
  private long planning;

  Run(Reconciler r, String runId) {
    this.r = r;
    this.runId = runId;
    List<MeteredStore> metered = new ArrayList<>();
    for (Store s : r.stores) {
      MeteredStore m = new MeteredStore(s);
      metered.add(m);
      byId.put(s.id(), m);
    }
    this.stores = List.copyOf(metered);
    List<Store> view = List.copyOf(metered);
    Clock clock = r.clock;
    this.context =
        new CheckContext() {
          @Override
          public List<Store> stores() {
            return view;
          }

          @Override
          public Clock clock() {
            return clock;
          }
        };
    this.bisection = new DigestBisectionChecker(r.fanOut, r.leafRows, commonScheme(r.stores));
    this.executor = new RepairExecutor(r.retry, r.actionsPerSecond, r.clock, r.sleeper, new Random(r.seed ^ runId.hashCode()));
  }

  /** Runs of adjacent small differing segments read with one scan per store. */
  static final int LEAVES_PER_SCAN = 64;

  /** Rows of small differing segments read with one scan per store, at most (by their digests). */
  static final int ROWS_PER_SCAN = 16_384;

  static final int MIN_AUTO_SEGMENTS = 64;
  static final int FINE_SEGMENT_ROWS = 96;
  static final int MAX_AUTO_SEGMENTS = 1 << 14;

  /** Refuses, before reading anything, stores whose declared schemas could never hold equal entries. */
  private void checkSchemas() {
    Store reference = stores.get(0);
    Optional<Schema> mine = reference.schema();
    if (mine.isEmpty()) {
      return;
    }
    for (Store other : stores.subList(1, stores.size())) {
      Optional<String> why =
          other.schema().flatMap(theirs -> mine.get().mismatch(reference.id(), theirs, other.id()));
      if (why.isPresent()) {
        throw new ReconcileException.ConfigurationException(why.get());
      }
    }
  }

  /**
   * 64 segments; or, when every store digests server-side (so each call is a round trip that costs
   * more than hashing a few hundred rows), segments of about {@value #FINE_SEGMENT_ROWS} rows (or
   * leafRows, if smaller) each, from the reference store's count of its rows: one digest pass,
   * then one batched read of the few rows of each differing segment instead of a round trip per
   * level of bisection.
   */
  private int autoSegments() {
    if (!stores.stream().allMatch(s -> s.capabilities().contains(Capability.SERVER_SIDE_DIGEST))) {
      return MIN_AUTO_SEGMENTS;
    }
    long rows = stores.get(0).segments(KeyRange.all(), 1).get(0).estimatedCount();
    int perSegment = Math.min(r.leafRows, FINE_SEGMENT_ROWS);
    long wanted = (rows + perSegment - 1) / perSegment;
    return (int) Math.max(MIN_AUTO_SEGMENTS, Math.min(MAX_AUTO_SEGMENTS, wanted));
  }

  /**
   * The hash scheme every store declares: a shared native one, the first by name when several are
   * shared, else canonical MD5. Same-product schemes are named after their product ({@code
   * postgresql-…}, {@code mariadb…}) and the JDBC stores' cross-product one after its encoding
   * ({@code typed-columns-…}), which sorts after them: two stores of one product keep their own.
   */
  static HashScheme commonScheme(List<Store> stores) {
    Set<HashScheme> common = new HashSet<>(stores.get(0).hashSchemes());
    for (Store s : stores) {
      common.retainAll(s.hashSchemes());
    }
    return common.stream()
        .filter(h -> !h.equals(HashScheme.CANONICAL_MD5))
        .min(Comparator.comparing(HashScheme::name))
        .orElse(HashScheme.CANONICAL_MD5);
  }

  ReconcileReport execute() throws InterruptedException {
    checkSchemas();
    checkVersionsForLastWriterWins();
    Instant started = r.clock.instant();
    boolean resumed = restore();
    // Records of an earlier attempt of this run: it crashed, and this attempt carries it on.
    List<AuditRecord> earlier = r.mode == Mode.APPLY ? r.auditLog.records(runId) : List.of();
    if (!earlier.isEmpty()) {
      checkEarlierAttempt(earlier, resumed);
    }
    if (!resumed) {
      int wanted = r.segments > 0 ? r.segments : autoSegments();
      segments = stores.get(0).segments(KeyRange.all(), wanted).stream().map(Segment::range).toList();
      tally.segments = segments.size();
    }
    List<String> ids = stores.stream().map(Store::id).toList();
    log.info("[{}] {} run over {} with {} segments{}", runId, r.mode, ids, segments.size(), resumed ? " (resumed)" : "");
    safely(l -> l.runStarted(runId, ids, segments.size()));
    if (r.mode == Mode.APPLY && earlier.isEmpty()) {
      r.auditLog.append(new AuditRecord(runId, AuditRecord.Type.RUN_STARTED, r.clock.instant(), null, null, null, null, null,
          "stores " + ids, null, Replay.fingerprints(stores)));
    }
    if (!earlier.isEmpty()) {
      settle(earlier);
    }

    long t0 = System.nanoTime();
    Map<Integer, List<Divergence>> found = detect();
    stageTimes.put("detect", Duration.ofNanos(System.nanoTime() - t0));
    r.faults.at(Faults.Point.AFTER_DETECT);

    if (!resumed) {
      long repairable = found.values().stream().flatMap(List::stream).filter(this::repairable).count();
      if (maxRows > 0 && (double) repairable / maxRows > r.limits.maxDivergenceRatio() && repairable > 0) {
        tally.escalation =
            String.format(
                "%d of %d rows diverge (%.1f%%), above the limit of %.1f%%; nothing was repaired — check the configuration, then raise Limits.maxDivergenceRatio if this is real drift",
                repairable, maxRows, 100.0 * repairable / maxRows, 100 * r.limits.maxDivergenceRatio());
        log.warn("[{}] {}", runId, tally.escalation);
      }
    }

    // The whole plan is decided, and every action checked against its target, before the first write.
    long a = System.nanoTime();
    planning = repairsPlanned;
    Map<Integer, Planned> plan = new LinkedHashMap<>();
    for (int i = 0; i < segments.size(); i++) {
      if (done.contains(i)) {
        continue;
      }
      List<Divergence> divergences = found.getOrDefault(i, List.of());
      Tally counts = new Tally();
      if (!divergences.isEmpty()) {
        counts.segmentsDiffering++;
      }
      plan.put(i, new Planned(decide(divergences, counts), counts));
    }
    Duration decide = Duration.ofNanos(System.nanoTime() - a);
    Duration execute = Duration.ZERO;
    Duration verify = Duration.ZERO;
    for (Map.Entry<Integer, Planned> segment : plan.entrySet()) {
      int i = segment.getKey();
      List<Decided> decided = segment.getValue().decided();
      tally.addDecisions(segment.getValue().counts(), MAX_FINDINGS);
      repairsPlanned += decided.stream().mapToLong(x -> x.actions().size()).sum();
      List<Divergence> divergences = decided.stream().map(Decided::divergence).toList();
      long b = System.nanoTime();
      Set<Key> leftAlone = new HashSet<>();
      boolean repaired = executeSegment(decided, leftAlone);
      long c = System.nanoTime();
      if (repaired) {
        r.faults.at(Faults.Point.DURING_VERIFY);
        verify(segments.get(i), leftAlone);
      }
      long d = System.nanoTime();
      execute = execute.plusNanos(c - b);
      verify = verify.plusNanos(d - c);
      done.add(i);
      // Only writes need a checkpoint: an equal segment is re-checked cheaply after a crash.
      if (r.mode == Mode.APPLY && !divergences.isEmpty()) {
        checkpoint();
        r.faults.at(Faults.Point.AFTER_CHECKPOINT);
      }
    }
    stageTimes.put("decide", decide);
    stageTimes.put("execute", execute);
    stageTimes.put("verify", verify);

    if (r.mode == Mode.APPLY) {
      r.auditLog.append(new AuditRecord(runId, AuditRecord.Type.RUN_FINISHED, r.clock.instant(), null, null, null, null, null,
          "applied " + tally.applied + ", already applied " + tally.alreadyApplied + ", refused " + tally.refused
              + ", skipped " + tally.skipped + ", unwritable " + tally.unwritable + ", failed " + tally.failed
              + ", escalated " + tally.escalated));
    }
    r.checkpoints.delete(runId);
    ReconcileReport report = report(started);
    log.info("[{}] finished: {} divergences, {} applied, {} refused, {} escalated, converged={}",
        runId, report.divergences(), report.applied(), report.refused(), report.escalated(), report.converged());
    safely(l -> l.runFinished(report));
    return report;
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
    Replay.checkChain(r.auditLog, runId, "resume");
    Replay.checkFingerprints(earlier, runId, stores, "resume");
  }

  /**
   * Settles the actions an earlier attempt recorded as intended but never as done (it crashed in
   * between): each is applied again — it is conditional and idempotent, so one that was written is
   * found in place, one that was not is written if its target still holds what detection saw — and
   * its outcome is recorded, so that the run's trail says what happened to every action.
   */
  private void settle(List<AuditRecord> earlier) throws InterruptedException {
    Map<String, List<RepairAction>> byTarget = new LinkedHashMap<>();
    for (RepairAction a : Replay.unsettled(earlier)) {
      byTarget.computeIfAbsent(a.target(), k -> new ArrayList<>()).add(a);
    }
    for (Map.Entry<String, List<RepairAction>> t : byTarget.entrySet()) {
      MeteredStore target = byId.get(t.getKey());
      if (target == null) {
        throw new ReconcileException.ConfigurationException(
            "run " + runId + " wrote to store '" + t.getKey() + "', which this reconciler does not have; add it with stores(...) to resume the run");
      }
      List<RepairAction> actions = t.getValue();
      if (!target.capabilities().contains(Capability.WRITE)) {
        skipAll(actions, "store " + t.getKey() + " is read-only", new HashSet<>());
        continue;
      }
      for (int from = 0; from < actions.size(); from += r.batchSize) {
        List<RepairAction> batch = actions.subList(from, Math.min(actions.size(), from + r.batchSize));
        List<ActionOutcome> outcomes;
        try {
          outcomes = executor.apply(target.unwrapped(), batch);
        } catch (RepairExecutor.BatchFailed e) {
          failed(batch, e);
          continue;
        }
        recordOutcomes(outcomes, new HashSet<>());
      }
    }
  }

  private boolean repairable(Divergence d) {
    return d.checker().equals(DigestBisectionChecker.NAME)
        || r.checkers.stream().anyMatch(c -> c.name().equals(d.checker()) && c.repairable());
  }

  // ---------------------------------------------------------------- detect

  /** Compares every pending segment; returns the divergences per segment index, sorted by key. */
  private Map<Integer, List<Divergence>> detect() throws InterruptedException {
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < segments.size(); i++) {
      if (!done.contains(i)) {
        pending.add(i);
      }
    }
    Map<Integer, List<Divergence>> out = new LinkedHashMap<>();
    if (pending.isEmpty()) {
      return out;
    }
    List<KeyRange> ranges = pending.stream().map(segments::get).toList();
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(r.parallelism, Math.max(pending.size(), stores.size())));
    try {
      // One digest call per store for all segments; the stores work at the same time.
      List<Future<List<Digest>>> perStore = new ArrayList<>();
      for (MeteredStore s : stores) {
        perStore.add(pool.submit(() -> s.digest(ranges, bisection.scheme())));
      }
      List<List<Digest>> top = new ArrayList<>();
      for (Future<List<Digest>> f : perStore) {
        List<Digest> ds = await(f, "digesting the segments");
        top.add(ds);
        long count = ds.stream().mapToLong(Digest::count).sum();
        maxRows = Math.max(maxRows, count);
        if (pending.size() == segments.size()) {
          storeRows.put(stores.get(top.size() - 1).id(), count);
        }
      }
      // Differing segments small enough to compare row by row are read in batches, one scan per
      // store for a whole batch; the others are bisected one by one.
      Map<Integer, Future<List<Divergence>>> futures = new LinkedHashMap<>();
      List<Integer> leaves = new ArrayList<>();
      for (int p = 0; p < pending.size(); p++) {
        KeyRange range = ranges.get(p);
        List<Digest> digests = new ArrayList<>();
        for (List<Digest> ds : top) {
          digests.add(ds.get(p));
        }
        if (!digests.stream().allMatch(digests.get(0)::equals) && bisection.isLeaf(digests)) {
          leaves.add(p);
        } else {
          futures.put(p, pool.submit(() -> checkSegment(range, digests)));
        }
      }
      Map<List<Integer>, Future<Map<Integer, List<Divergence>>>> batches = new LinkedHashMap<>();
      for (List<Integer> batch : leafBatches(leaves, ranges, top)) {
        batches.put(batch, pool.submit(() -> checkLeaves(batch.stream().map(ranges::get).toList())));
      }
      for (Map.Entry<Integer, Future<List<Divergence>>> f : futures.entrySet()) {
        out.put(pending.get(f.getKey()), await(f.getValue(), "comparing " + ranges.get(f.getKey())));
      }
      for (Map.Entry<List<Integer>, Future<Map<Integer, List<Divergence>>>> b : batches.entrySet()) {
        Map<Integer, List<Divergence>> byLeaf = await(b.getValue(), "reading " + b.getKey().size() + " differing segments");
        for (int i = 0; i < b.getKey().size(); i++) {
          out.put(pending.get(b.getKey().get(i)), byLeaf.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  /**
   * The differing leaves (ascending segment indexes) in batches read with one scan per store: at
   * most {@value #LEAVES_PER_SCAN} runs of adjacent leaves (a store reads a run by one range
   * condition) and at most {@value #ROWS_PER_SCAN} rows (by the largest count a store's digest
   * gave each leaf), so that sparse differences cost few range conditions per query and dense ones
   * few queries.
   */
  static List<List<Integer>> leafBatches(List<Integer> leaves, List<KeyRange> ranges, List<List<Digest>> digests) {
    List<List<Integer>> out = new ArrayList<>();
    List<Integer> batch = new ArrayList<>();
    long rows = 0;
    int runs = 0;
    KeyRange previous = null;
    for (int p : leaves) {
      KeyRange range = ranges.get(p);
      long count = 0;
      for (List<Digest> ds : digests) {
        count = Math.max(count, ds.get(p).count());
      }
      boolean adjacent = previous != null && previous.adjoins(range);
      if (!batch.isEmpty() && (rows + count > ROWS_PER_SCAN || (!adjacent && runs == LEAVES_PER_SCAN))) {
        out.add(batch);
        batch = new ArrayList<>();
        rows = 0;
        runs = 0;
        adjacent = false;
      }
      if (!adjacent) {
        runs++;
      }
      batch.add(p);
      rows += count;
      previous = range;
    }
    if (!batch.isEmpty()) {
      out.add(batch);
    }
    return out;
  }

  private static <T> T await(Future<T> f, String what) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new ReconcileException(what + " failed: " + cause, cause);
    }
  }

  /** Compares small differing segments row by row with one scan per store; per segment index. */
  private Map<Integer, List<Divergence>> checkLeaves(List<KeyRange> leaves) {
    long start = System.nanoTime();
    List<List<Divergence>> found = new ArrayList<>();
    leaves.forEach(l -> found.add(new ArrayList<>()));
    int[] leaf = {0};
    // Divergences come in key order, and the leaves are ascending: walk them side by side.
    bisection.compareRows(context, leaves, d -> {
      while (!leaves.get(leaf[0]).contains(d.key())) {
        leaf[0]++;
      }
      found.get(leaf[0]).add(d);
    });
    Duration each = Duration.ofNanos((System.nanoTime() - start) / leaves.size());
    Map<Integer, List<Divergence>> out = new HashMap<>();
    for (int i = 0; i < leaves.size(); i++) {
      out.put(i, finishSegment(leaves.get(i), found.get(i), each));
    }
    return out;
  }

  private List<Divergence> checkSegment(KeyRange range, List<Digest> digests) {
    long start = System.nanoTime();
    List<Divergence> found = new ArrayList<>();
    bisection.bisect(context, range, digests, found::add);
    return finishSegment(range, found, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Runs the other checkers on the segment, orders what was found and tells the listeners. */
  private List<Divergence> finishSegment(KeyRange range, List<Divergence> found, Duration took) {
    long start = System.nanoTime();
    for (Checker c : r.checkers) {
      c.check(context, range, found::add);
    }
    found.sort(Comparator.comparing(Divergence::key).thenComparing(Divergence::checker));
    for (Divergence d : found) {
      safely(l -> l.divergenceFound(runId, d));
    }
    Duration total = took.plusNanos(System.nanoTime() - start);
    safely(l -> l.segmentCompared(runId, range, found.size(), total));
    return found;
  }

  // ---------------------------------------------------------------- decide

  /**
   * A divergence with its decision and the actions that carry it out; {@code refusedSome} when an
   * action of the decision was refused up front (a value its target cannot hold), so the key stays
   * different.
   */
  private record Decided(Divergence divergence, String decision, List<RepairAction> actions, boolean refusedSome) {}

  /** One segment's decisions, and their counts. */
  private record Planned(List<Decided> decided, Tally counts) {}

  /**
   * Decides one segment's divergences, counting the decisions into {@code counts} (added to the
   * run's tally when the segment is carried out, so that a checkpoint never counts a segment that
   * a resumed run decides again).
   */
  private List<Decided> decide(List<Divergence> divergences, Tally counts) {
    List<Decided> out = new ArrayList<>();
    long inSegment = 0;
    for (Divergence d : divergences) {
      counts.add(counts.divergencesByKind, d.kind().name(), 1);
      String decision;
      List<RepairAction> actions = List.of();
      boolean refusedSome = false;
      if (!repairable(d)) {
        decision = "report: checker " + d.checker() + " only observes";
        counts.add(counts.decisions, "report", 1);
        counts.reported++;
      } else if (tally.escalation != null) {
        decision = "escalate: the run escalated (divergence ratio above the limit)";
        counts.add(counts.decisions, "escalate", 1);
        counts.escalated++;
      } else {
        Resolution res = r.resolver.resolve(d).orElseGet(() -> new Resolution.Escalate(abstained(d)));
        res = guardEmptySource(d, res);
        List<RepairAction> planned = new ArrayList<>(Planner.plan(d, res));
        // Actions a target could never hold are refused here, per row, before anything is written.
        List<String> unwritable = new ArrayList<>();
        for (RepairAction action : r.mode == Mode.REPORT_ONLY ? List.<RepairAction>of() : List.copyOf(planned)) {
          Optional<String> why = byId.get(action.target()).unwritable(action);
          if (why.isPresent()) {
            planned.remove(action);
            counts.unwritable++;
            unwritable.add("not written to " + action.target() + ": " + why.get());
            skipped(action, "unwritable: " + why.get());
          }
        }
        if (!planned.isEmpty()
            && (planning + planned.size() > r.limits.maxRepairsPerRun()
                || inSegment + planned.size() > r.limits.maxRepairsPerSegment())) {
          res = new Resolution.Skip("repair limit reached (" + r.limits + ")");
          counts.skipped += planned.size();
          for (RepairAction action : planned) {
            skipped(action, "repair limit reached (" + r.limits + ")");
          }
          planned = List.of();
        }
        counts.add(counts.decisions, Planner.kind(res), 1);
        decision = Planner.describe(res) + (unwritable.isEmpty() ? "" : "; " + String.join("; ", unwritable));
        refusedSome = !unwritable.isEmpty();
        if (res instanceof Resolution.Escalate) {
          counts.escalated++;
        }
        planning += planned.size();
        inSegment += planned.size();
        actions = planned;
      }
      if (counts.findings.size() < MAX_FINDINGS) {
        counts.findings.add(new ReconcileReport.Finding(d.key().toString(), d.kind().name(), d.checker(), d.detail(), decision));
      }
      out.add(new Decided(d, decision, actions, refusedSome));
    }
    return out;
  }

  /** Why no resolver decided: for last writer wins alone, the side that carries no timestamp. */
  private String abstained(Divergence d) {
    if (r.resolver == Resolvers.lastWriterWins()) {
      for (Divergence.Side side : d.sides()) {
        if (side.entry() != null && side.entry().version().timestamp() == null) {
          return "lastWriterWins() cannot order this write: store " + side.store()
              + " holds it without a version timestamp; give the stores a version field or choose another resolver";
        }
      }
    }
    return "no resolver decided";
  }

  /**
   * Refuses last writer wins, used alone, over a store that keeps no versions: it could never
   * decide, and every divergence would be escalated.
   */
  private void checkVersionsForLastWriterWins() {
    if (r.resolver != Resolvers.lastWriterWins()) {
      return;
    }
    for (Store s : stores) {
      if (!s.capabilities().contains(Capability.VERSIONS)) {
        throw new ReconcileException.ConfigurationException(
            "the resolver lastWriterWins() needs each row's write time, but store '" + s.id()
                + "' keeps no versions; give it a version field (StoreOptions.versionField) or choose another resolver");
      }
    }
  }

  /**
   * Tells the listener (DRY_RUN, APPLY) and records (APPLY) that a planned action is not attempted,
   * and why; the reason holds no values.
   */
  private void skipped(RepairAction action, String reason) {
    if (r.mode == Mode.APPLY) {
      r.auditLog.append(new AuditRecord(runId, AuditRecord.Type.SKIPPED, r.clock.instant(), action, null, null, null, null, reason));
    }
    if (r.mode != Mode.REPORT_ONLY) {
      safely(l -> l.repairSkipped(runId, action, reason));
    }
  }

  /** Never delete from a store because the winning side is an empty (or emptied) store. */
  private Resolution guardEmptySource(Divergence d, Resolution res) {
    if (res instanceof Resolution.TakeSide t && d.entryIn(t.store()).isEmpty()) {
      MeteredStore winner = byId.get(t.store());
      if (winner != null && storeRows.computeIfAbsent(winner.id(), id -> winner.digest(KeyRange.all()).count()) == 0) {
        return new Resolution.Escalate(
            "store " + t.store() + " is empty; refusing to delete from the others because of it");
      }
    }
    return res;
  }

  // ---------------------------------------------------------------- execute

  /** Carries out one segment's decisions as the mode allows; returns whether anything was written. */
  private boolean executeSegment(List<Decided> decided, Set<Key> leftAlone) throws InterruptedException {
    Map<String, List<RepairAction>> byTarget = new LinkedHashMap<>();
    Map<String, Decided> byAction = new LinkedHashMap<>();
    for (Decided x : decided) {
      if (x.actions().isEmpty() || x.refusedSome()) {
        leftAlone.add(x.divergence().key());
      }
      for (RepairAction a : x.actions()) {
        if (r.mode != Mode.REPORT_ONLY) {
          if (tally.plan.size() < MAX_PLAN_LINES) {
            tally.plan.add(a.toString());
          }
          safely(l -> l.repairPlanned(runId, a, x.decision()));
        }
        byTarget.computeIfAbsent(a.target(), k -> new ArrayList<>()).add(a);
        byAction.put(a.id(), x);
      }
    }
    if (r.mode != Mode.APPLY || byTarget.isEmpty()) {
      return false;
    }
    boolean wrote = false;
    for (Map.Entry<String, List<RepairAction>> t : byTarget.entrySet()) {
      MeteredStore target = byId.get(t.getKey());
      List<RepairAction> actions = t.getValue();
      if (!target.capabilities().contains(Capability.WRITE)) {
        skipAll(actions, "store " + t.getKey() + " is read-only", leftAlone);
        continue;
      }
      for (int from = 0; from < actions.size(); from += r.batchSize) {
        List<RepairAction> batch = actions.subList(from, Math.min(actions.size(), from + r.batchSize));
        if (executor.isOpen(target.id())) {
          skipAll(batch, "circuit open for store " + target.id() + " after repeated failures", leftAlone);
          continue;
        }
        r.faults.at(Faults.Point.BEFORE_AUDIT_INTENT);
        for (RepairAction a : batch) {
          Decided x = byAction.get(a.id());
          Divergence d = x.divergence();
          r.auditLog.append(new AuditRecord(runId, AuditRecord.Type.INTENT, r.clock.instant(), a, x.decision(),
              d.kind() + " by " + d.checker() + ": " + d.detail(), null, null, null));
        }
        r.faults.at(Faults.Point.BEFORE_APPLY);
        List<ActionOutcome> outcomes;
        try {
          outcomes = executor.apply(target.unwrapped(), batch);
        } catch (RepairExecutor.BatchFailed e) {
          failed(batch, e);
          for (RepairAction a : batch) {
            leftAlone.add(a.key());
          }
          continue;
        }
        r.faults.at(Faults.Point.AFTER_APPLY);
        wrote |= recordOutcomes(outcomes, leftAlone);
        r.faults.at(Faults.Point.AFTER_AUDIT_OUTCOME);
      }
    }
    return wrote;
  }

  /** Audits and counts what a store reported; returns whether any result is now in place. */
  private boolean recordOutcomes(List<ActionOutcome> outcomes, Set<Key> leftAlone) {
    boolean wrote = false;
    for (ActionOutcome o : outcomes) {
      r.auditLog.append(new AuditRecord(runId, AuditRecord.Type.OUTCOME, r.clock.instant(), o.action(), null, null,
          o.status(), o.found(), null, o.foundRow(), Map.of()));
      switch (o.status()) {
        case APPLIED -> {
          tally.applied++;
          wrote = true;
          safely(l -> l.repairApplied(runId, o));
        }
        case ALREADY_APPLIED -> {
          tally.alreadyApplied++;
          wrote = true;
          safely(l -> l.repairApplied(runId, o));
        }
        case REFUSED -> {
          tally.refused++;
          leftAlone.add(o.action().key());
          safely(l -> l.repairSkipped(runId, o.action(), "the target changed since detection"));
        }
      }
    }
    return wrote;
  }

  /** Audits and counts a batch that failed; nothing of it was written. */
  private void failed(List<RepairAction> batch, RepairExecutor.BatchFailed e) {
    tally.failed += batch.size();
    tally.problems.add(e.getMessage());
    log.warn("[{}] {}", runId, e.getMessage());
    for (RepairAction a : batch) {
      r.auditLog.append(new AuditRecord(runId, AuditRecord.Type.FAILED, r.clock.instant(), a, null, null, null, null, e.getMessage()));
    }
  }

  private void skipAll(List<RepairAction> actions, String reason, Set<Key> leftAlone) {
    for (RepairAction a : actions) {
      tally.skipped++;
      leftAlone.add(a.key());
      skipped(a, reason);
    }
  }

  // ---------------------------------------------------------------- verify

  /**
   * Digests the repaired segment again; where stores still differ, narrows the difference down and
   * accepts it only on keys deliberately left alone (escalated, skipped, refused, failed).
   */
  private void verify(KeyRange segment, Set<Key> leftAlone) {
    tally.rangesVerified++;
    List<Digest> digests = new ArrayList<>();
    for (MeteredStore s : stores) {
      digests.add(s.digest(List.of(segment), bisection.scheme()).get(0));
    }
    List<Divergence> remaining = new ArrayList<>();
    bisection.bisect(context, segment, digests, remaining::add);
    List<String> unexpected = remaining.stream().map(Divergence::key).filter(k -> !leftAlone.contains(k)).map(Key::toString).toList();
    if (unexpected.isEmpty()) {
      tally.rangesConverged++;
    } else {
      tally.unconverged.add(segment + ": still differs at " + unexpected.subList(0, Math.min(5, unexpected.size()))
          + (unexpected.size() > 5 ? " and " + (unexpected.size() - 5) + " more" : ""));
    }
  }

  // ---------------------------------------------------------------- checkpoints

  private void checkpoint() {
    ObjectNode o = JSON.createObjectNode();
    ArrayNode segs = o.putArray("segments");
    for (KeyRange k : segments) {
      ArrayNode pair = segs.addArray();
      pair.add(k.lo() == null ? null : HexFormat.of().formatHex(k.lo().encode()));
      pair.add(k.hi() == null ? null : HexFormat.of().formatHex(k.hi().encode()));
    }
    ArrayNode d = o.putArray("done");
    done.forEach(d::add);
    o.put("maxRows", maxRows);
    o.put("repairsPlanned", repairsPlanned);
    o.set("tally", JSON.valueToTree(tally));
    r.checkpoints.save(runId, o.toString());
  }

  private boolean restore() {
    Optional<String> saved = r.checkpoints.load(runId);
    if (saved.isEmpty()) {
      return false;
    }
    try {
      JsonNode o = JSON.readTree(saved.get());
      List<KeyRange> segs = new ArrayList<>();
      for (JsonNode pair : o.get("segments")) {
        segs.add(KeyRange.of(key(pair.get(0)), key(pair.get(1))));
      }
      segments = List.copyOf(segs);
      o.get("done").forEach(n -> done.add(n.asInt()));
      maxRows = o.get("maxRows").asLong();
      repairsPlanned = o.get("repairsPlanned").asLong();
      tally = JSON.treeToValue(o.get("tally"), Tally.class);
      return true;
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      throw new ReconcileException.ConfigurationException(
          "the checkpoint of run " + runId + " cannot be read (" + e.getMessage() + "); delete it to start the run afresh", e);
    }
  }

  private static @Nullable Key key(JsonNode n) {
    return n == null || n.isNull() ? null : Key.decode(HexFormat.of().parseHex(n.asText()));
  }

  // ---------------------------------------------------------------- report

  private ReconcileReport report(Instant started) {
    Map<String, ReconcileReport.StoreStats> stats = new LinkedHashMap<>();
    for (MeteredStore s : stores) {
      stats.put(s.id(), new ReconcileReport.StoreStats(s.rows.sum(), s.digests.sum(), s.bytes.sum()));
    }
    return new ReconcileReport(runId, r.mode, stores.stream().map(Store::id).toList(), started, r.clock.instant(),
        stageTimes, stats, tally.segments, tally.segmentsDiffering, tally.divergencesByKind, tally.decisions,
        tally.applied, tally.alreadyApplied, tally.refused, tally.skipped, tally.escalated, tally.failed,
        tally.unwritable, tally.rangesVerified, tally.rangesConverged, tally.unconverged, tally.escalation, tally.problems,
        tally.findings, tally.plan);
  }

  private void safely(java.util.function.Consumer<ReconcileListener> event) {
    try {
      event.accept(r.listener);
    } catch (RuntimeException e) {
      log.warn("[{}] a listener failed: {}", runId, e.toString());
    }
  }
}
