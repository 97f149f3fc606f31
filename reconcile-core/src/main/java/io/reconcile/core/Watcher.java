package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.WatchState.Dirty;
import io.reconcile.core.WatchState.Settling;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cycles of one watch (anti-entropy after Riak's and Cassandra's incremental repair): the key
 * space is cut once into leaves; every cycle polls the change feeds and marks the leaves of changed
 * keys dirty, saves that before committing any feed position (so a crash re-checks, never misses),
 * digests the dirty leaves — plus a few clean ones at random, or all of them in a sweep — on every
 * store, and takes the leaves that differ through the pipeline. Digests are always recomputed,
 * never patched. A difference on a key that changed within the settle window is held back and
 * re-read once the window has passed: reported (and repaired) only if it is still there, counted
 * as settled if not. Used by one thread at a time.
 */
final class Watcher implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Leaves a watch cuts the key space into, at most (Cassandra's cap on a Merkle tree's leaves). */
  static final int MAX_LEAVES = 1 << 20;

  /** Changes taken from one feed in one cycle, at most; the rest wait for the next. */
  static final int MAX_CHANGES_PER_CYCLE = 100_000;

  /** One store's feed: where it comes from, the open feed if any, and the last position polled. */
  private static final class Feed {
    final String store;
    final ChangeFeedSource source;
    @Nullable ChangeFeed open;
    @Nullable FeedPosition polled;
    @Nullable FeedPosition committed;

    Feed(String store, ChangeFeedSource source) {
      this.store = store;
      this.source = source;
    }
  }

  private final RunSettings s;
  private final WatchOptions options;
  private final List<Store> stores;
  private final WatchState state;
  private final List<Feed> feeds = new ArrayList<>();
  private final HashScheme scheme;
  private final Random random;
  private final Reservoir detect;
  private final Reservoir lag;
  private final ExecutorService pool;
  private Duration lastCycle = Duration.ZERO;
  /**
   * Clean leaves a spot check found changed, until when a feed may still tell of the change (it may
   * be on its way): a leaf still here after that counts as an unreported change.
   */
  private final Map<Integer, Long> suspects = new HashMap<>();
  private String lastSweepReason = "";

  private Watcher(RunSettings s, WatchOptions options, WatchState state) {
    this.s = s;
    this.options = options;
    this.stores = s.stores();
    this.state = state;
    this.scheme = Pipeline.commonScheme(stores);
    this.random = new Random(s.seed());
    this.detect = new Reservoir(s.seed() + 1);
    this.lag = new Reservoir(s.seed() + 2);
    this.pool = Executors.newFixedThreadPool(stores.size(), r -> {
      Thread t = new Thread(r, "reconcile-watch-" + options.name());
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the watch: loads its state (or starts one, owing a first sweep), marks it open so that a
   * crash is noticed at the next start, and attaches a feed to every store that has one.
   *
   * @throws ReconcileException.ConfigurationException if the saved state belongs to other stores or
   *     cannot be read, or a feed is attached to a store id that is not one of the stores
   */
  static Watcher open(RunSettings s, WatchOptions options) {
    List<String> ids = s.stores().stream().map(Store::id).toList();
    for (String id : options.feeds().keySet()) {
      if (!ids.contains(id)) {
        throw new ReconcileException.ConfigurationException(
            "a feed is attached to store '" + id + "', which is not one of the stores " + ids + "; attach it by a store's id");
      }
    }
    String name = "watch." + options.name();
    WatchState state = WatchState.load(s.checkpoints(), name, ids).orElseGet(() -> {
      WatchState fresh = new WatchState(name, ids);
      fresh.sweepOwed = "first start";
      return fresh;
    });
    if (state.open && state.sweepOwed == null) {
      state.sweepOwed = "the last run of this watch did not shut down cleanly";
    }
    state.open = true;
    Watcher w = new Watcher(s, options, state);
    for (Store store : s.stores()) {
      ChangeFeedSource source = options.feeds().get(store.id());
      if (source == null && store.capabilities().contains(Capability.CHANGE_FEED)) {
        source = store::changes;
      }
      if (source != null) {
        w.feeds.add(new Feed(store.id(), source));
      }
    }
    state.save(s.checkpoints());
    return w;
  }

  /** Which stores have a feed (own or attached); the others are only swept and spot-checked. */
  List<String> fed() {
    return feeds.stream().map(f -> f.store).toList();
  }

  /** Runs one cycle. */
  void cycle() throws InterruptedException {
    long t0 = System.nanoTime();
    long now = s.clock().millis();
    state.cycle++;
    if (state.running != null) {
      finishRunning(now);
    }
    poll(now);
    s.faults().at(Faults.Point.WATCH_AFTER_POLL);
    suspects.values().removeIf(deadline -> {
      boolean expired = deadline <= now;
      if (expired) {
        state.add("unreportedChanges", 1);
      }
      return expired;
    });
    if (state.sweepOwed == null && now - state.lastSweep >= options.sweepEvery().toMillis()) {
      state.sweepOwed = "the sweep interval (" + options.sweepEvery() + ") passed";
    }
    // Saved before any position is committed; a cycle whose feeds did not move has nothing to commit.
    if (feeds.stream().anyMatch(f -> f.polled != null && !f.polled.equals(f.committed))) {
      state.save(s.checkpoints());
    }
    s.faults().at(Faults.Point.WATCH_AFTER_SAVE);
    commitFeeds();
    s.faults().at(Faults.Point.WATCH_AFTER_COMMIT);
    String sweep = state.sweepOwed;
    if (sweep != null && needsLayout()) {
      cut();
    }
    TreeSet<Integer> check = new TreeSet<>();
    TreeSet<Integer> spots = new TreeSet<>();
    if (sweep != null) {
      for (int i = 0; i < state.leaves(); i++) {
        check.add(i);
      }
    } else {
      check.addAll(state.dirty.keySet());
      state.settling.forEach((k, x) -> {
        if (x.due() <= now) {
          check.add(state.leafOf(k));
        }
      });
      state.settlingLeaves.forEach((leaf, x) -> {
        if (x.due() <= now) {
          check.add(leaf);
        }
      });
      pickSpots(check, spots);
      check.addAll(spots);
    }
    List<Integer> differing = check.isEmpty() ? List.of() : digest(List.copyOf(check), spots, now);
    s.faults().at(Faults.Point.WATCH_AFTER_CHECK);
    if (!differing.isEmpty()) {
      reconcile(differing, now);
    }
    state.dirty.keySet().removeAll(check);
    if (sweep != null) {
      state.sweepOwed = null;
      state.lastSweep = now;
      state.add("sweeps", 1);
      lastSweepReason = sweep;
      state.saveLeaves(s.checkpoints());
    }
    state.save(s.checkpoints());
    lastCycle = Duration.ofNanos(System.nanoTime() - t0);
    WatchReport report = report();
    Listeners.safely(state.name, s.listener(), l -> l.watchCycleFinished(report));
  }

  /** Takes what each feed has, marks the leaves of changed keys dirty, and notes gaps. */
  private void poll(long now) throws InterruptedException {
    for (Feed f : feeds) {
      try {
        if (f.open == null) {
          f.open = f.source.open(Optional.ofNullable(state.positions.get(f.store)));
        }
        int taken = 0;
        while (taken < MAX_CHANGES_PER_CYCLE) {
          ChangeBatch batch = f.open.poll(Duration.ZERO);
          if (batch.gap().isPresent()) {
            state.add("gaps", 1);
            state.sweepOwed = "the feed of store " + f.store + " reported a gap: " + batch.gap().get();
            log.warn("[{}] {}; every leaf is checked again", state.name, state.sweepOwed);
          }
          for (Change c : batch.changes()) {
            // A commit time ahead of this clock (a skewed source) counts from first sight.
            mark(c.key(), new WatchState.Changed(Math.min(now, c.commitTime().map(Instant::toEpochMilli).orElse(now)), now));
          }
          taken += batch.changes().size();
          f.polled = batch.position();
          state.positions.put(f.store, batch.position());
          if (batch.changes().isEmpty()) {
            break;
          }
        }
      } catch (ReconcileException.StoreUnavailableException e) {
        state.add("feedFailures", 1);
        log.warn("[{}] the feed of store {} failed and is opened again from its last saved position: {}", state.name,
            f.store, e.getMessage());
        closeFeed(f);
      }
    }
  }

  private void mark(Key key, WatchState.Changed at) {
    if (state.cuts().isEmpty() && state.sweepOwed != null) {
      return; // no leaves yet: the first sweep checks everything
    }
    int leaf = state.leafOf(key);
    state.dirty.computeIfAbsent(leaf, i -> new Dirty()).add(key, at);
    suspects.remove(leaf);
  }

  private void commitFeeds() {
    for (Feed f : feeds) {
      if (f.open != null && f.polled != null && !f.polled.equals(f.committed)) {
        try {
          f.open.commit(f.polled);
          f.committed = f.polled;
        } catch (ReconcileException.StoreUnavailableException e) {
          state.add("feedFailures", 1);
          closeFeed(f);
        }
      }
    }
  }

  private boolean needsLayout() {
    if (state.cuts().isEmpty() || state.digests.isEmpty()) {
      return true;
    }
    long rows = state.rows().values().stream().mapToLong(Long::longValue).max().orElse(0);
    long perLeaf = rows / state.leaves();
    return perLeaf > 4L * options.leafRows() && state.leaves() < MAX_LEAVES;
  }

  /** Cuts the key space into leaves of about {@link WatchOptions#leafRows()} rows of the planner's. */
  private void cut() {
    Store planner = stores.stream().filter(x -> x.capabilities().contains(Capability.KEY_INDEX)).findFirst()
        .orElse(stores.get(0));
    long rows = planner.segments(KeyRange.all(), 1).get(0).estimatedCount();
    int wanted = (int) Math.max(1, Math.min(MAX_LEAVES, (rows + options.leafRows() - 1) / options.leafRows()));
    List<Segment> segments = planner.segments(KeyRange.all(), wanted);
    List<Key> cuts = new ArrayList<>();
    for (int i = 1; i < segments.size(); i++) {
      cuts.add(segments.get(i).range().lo());
    }
    state.cut(cuts);
    state.dirty.clear();
    state.settlingLeaves.clear();
  }

  private void pickSpots(Set<Integer> check, Set<Integer> spots) {
    int leaves = state.leaves();
    int wanted = Math.min(options.spotChecks(), leaves - check.size());
    for (int tries = 0; spots.size() < wanted && tries < wanted * 8; tries++) {
      int leaf = random.nextInt(leaves);
      if (!check.contains(leaf)) {
        spots.add(leaf);
      }
    }
  }

  /**
   * Digests the leaves on every store, keeps the digests, counts what the checks found, and
   * returns the leaves that differ. Settling divergences on leaves now equal have settled.
   */
  private List<Integer> digest(List<Integer> leaves, Set<Integer> spots, long now) throws InterruptedException {
    List<KeyRange> ranges = leaves.stream().map(state::leaf).toList();
    List<Future<List<Digest>>> futures = new ArrayList<>();
    for (Store store : stores) {
      futures.add(pool.submit(() -> store.digest(ranges, scheme)));
    }
    List<List<Digest>> found = new ArrayList<>();
    for (Future<List<Digest>> f : futures) {
      found.add(Detector.await(f, "digesting " + ranges.size() + " leaves"));
    }
    state.add("leavesChecked", leaves.size());
    state.add("spotChecks", spots.size());
    List<Integer> differing = new ArrayList<>();
    for (int i = 0; i < leaves.size(); i++) {
      int leaf = leaves.get(i);
      boolean equal = true;
      boolean unreported = false;
      for (int st = 0; st < stores.size(); st++) {
        Digest d = found.get(st).get(i);
        state.add("rowsChecked", d.count());
        equal &= d.equals(found.get(0).get(i));
        Digest[] kept = state.digests.get(stores.get(st).id());
        unreported |= spots.contains(leaf) && kept[leaf] != null && !kept[leaf].equals(d);
        kept[leaf] = d;
      }
      if (unreported) {
        suspects.putIfAbsent(leaf, now + Math.max(options.settle().toMillis(), 2 * options.interval().toMillis()));
      }
      if (equal) {
        settledIn(leaf, now);
      } else {
        differing.add(leaf);
      }
    }
    return differing;
  }

  /** Every divergence settling on a leaf whose stores agree has settled. */
  private void settledIn(int leaf, long now) {
    KeyRange range = state.leaf(leaf);
    Map<Key, Settling> in = within(state.settling, range);
    for (Settling x : in.values()) {
      settled(x, now);
    }
    in.clear();
    within(state.reported, range).clear();
    Settling whole = state.settlingLeaves.remove(leaf);
    if (whole != null) {
      settled(whole, now);
    }
  }

  private static <V> java.util.SortedMap<Key, V> within(TreeMap<Key, V> map, KeyRange range) {
    return range.lo() == null
        ? (range.hi() == null ? map : map.headMap(range.hi()))
        : (range.hi() == null ? map.tailMap(range.lo()) : map.subMap(range.lo(), range.hi()));
  }

  private void settled(Settling x, long now) {
    state.add("settled", x.count());
    lag.add(now - (x.changedAt() >= 0 ? x.changedAt() : x.firstSeen()));
  }

  /**
   * Takes the differing leaves through the pipeline in the reconciler's mode, holding back the
   * divergences of keys that changed within the settle window.
   */
  private void reconcile(List<Integer> leaves, long now) throws InterruptedException {
    // Adjoining leaves make one range, its digests the sums of theirs (just taken: the run need not take them again).
    List<KeyRange> ranges = new ArrayList<>();
    List<List<Digest>> digests = new ArrayList<>();
    stores.forEach(x -> digests.add(new ArrayList<>()));
    for (int leaf : leaves) {
      KeyRange r = state.leaf(leaf);
      boolean joins = !ranges.isEmpty() && ranges.get(ranges.size() - 1).adjoins(r);
      if (joins) {
        ranges.set(ranges.size() - 1, KeyRange.of(ranges.get(ranges.size() - 1).lo(), r.hi()));
      } else {
        ranges.add(r);
      }
      for (int st = 0; st < stores.size(); st++) {
        Digest d = state.digests.get(stores.get(st).id())[leaf];
        List<Digest> of = digests.get(st);
        if (joins) {
          of.set(of.size() - 1, of.get(of.size() - 1).plus(d));
        } else {
          of.add(d);
        }
      }
    }
    String runId = "watch-" + options.name() + "-" + state.cycle;
    if (s.mode() == Mode.APPLY) {
      state.running = new WatchState.Running(runId, ranges);
      state.save(s.checkpoints());
    }
    Set<Key> seen = run(runId, ranges, digests, now);
    state.running = null;
    // Leaves that settled as a whole and were due have been reported now.
    leaves.forEach(leaf -> state.settlingLeaves.computeIfPresent(leaf, (k, x) -> x.due() <= now ? null : x));
    // Settling divergences the run did not find again have settled.
    for (KeyRange range : ranges) {
      state.settling.entrySet().removeIf(e -> {
        if (range.contains(e.getKey()) && !seen.contains(e.getKey())) {
          settled(e.getValue(), now);
          return true;
        }
        return false;
      });
    }
  }

  /**
   * An APPLY cycle whose run was under way when the watch stopped: that run is resumed under its id,
   * unless the audit log says it finished (the watch stopped between the run's end and its save).
   */
  private void finishRunning(long now) throws InterruptedException {
    WatchState.Running r = state.running;
    boolean finished = r != null && s.auditLog().records(r.runId()).stream()
        .anyMatch(x -> x.type() == io.reconcile.core.audit.AuditRecord.Type.RUN_FINISHED);
    if (s.mode() == Mode.APPLY && r != null && !finished) {
      log.info("[{}] resuming run {} of an interrupted cycle", state.name, r.runId());
      run(r.runId(), r.ranges(), null, now);
    }
    state.running = null;
  }

  /**
   * Runs the pipeline over the ranges (with each store's digests of them, when just taken); returns
   * the keys of the divergences it found, held or not.
   */
  private Set<Key> run(String runId, List<KeyRange> ranges, @Nullable List<List<Digest>> digests, long now)
      throws InterruptedException {
    Map<Key, Long> since = new HashMap<>();
    Set<Key> seen = new HashSet<>();
    ReconcileListener host = s.listener();
    ReconcileListener measuring = new ReconcileListener() {
      @Override
      public void runStarted(String id, List<String> ids, int segments) {
        host.runStarted(id, ids, segments);
      }

      @Override
      public void segmentCompared(String id, KeyRange segment, int divergences, Duration took) {
        host.segmentCompared(id, segment, divergences, took);
      }

      @Override
      public void divergenceFound(String id, Divergence d) {
        state.add("divergences", 1);
        Long changed = since.get(d.key());
        if (changed != null) {
          detect.add(now - changed);
        }
        host.divergenceFound(id, d);
      }

      @Override
      public void repairPlanned(String id, io.reconcile.api.store.RepairAction action, String decision) {
        host.repairPlanned(id, action, decision);
      }

      @Override
      public void repairApplied(String id, ActionOutcome outcome) {
        Long changed = since.get(outcome.action().key());
        if (changed != null && outcome.status() == ActionOutcome.Status.APPLIED) {
          lag.add(s.clock().millis() - changed);
        }
        host.repairApplied(id, outcome);
      }

      @Override
      public void repairSkipped(String id, io.reconcile.api.store.RepairAction action, String reason) {
        host.repairSkipped(id, action, reason);
      }

      @Override
      public void runFinished(ReconcileReport report) {
        host.runFinished(report);
      }
    };
    Scope scope = new Scope(ranges, state.rows(), d -> {
      seen.add(d.key());
      return held(d, now, since);
    }, digests);
    ReconcileReport report = new Pipeline(s.withListener(measuring), runId, scope).run();
    ReconcileReport.Repairs r = report.repairs();
    state.add("applied", r.applied());
    state.add("alreadyApplied", r.alreadyApplied());
    state.add("refused", r.refused());
    state.add("skipped", r.skipped());
    state.add("escalated", r.escalated());
    state.add("failed", r.failed());
    state.add("unwritable", r.unwritable());
    return seen;
  }

  /**
   * Whether a divergence is held back in this cycle rather than reported: until the settle window
   * has passed since the watch heard of its key's last change (when it polled the feed's event, not
   * the source's commit time, which may be coarse or skewed; when no feed told, since it was first
   * seen), counted again from when the sides are seen holding something new — but, while
   * they keep changing, no longer than three windows from when it was first seen. A replica that is
   * merely behind catches up in the meantime. Records it as settling while held; for one let
   * through, remembers when a feed last told of a change of its key (the time to detect is measured
   * from there).
   */
  private boolean held(Divergence d, long now, Map<Key, Long> since) {
    long window = options.settle().toMillis();
    Key key = d.key();
    int leaf = state.leafOf(key);
    Settling whole = state.settlingLeaves.get(leaf);
    if (whole != null) {
      return whole.due() > now;
    }
    Dirty dirty = state.dirty.get(leaf);
    WatchState.Changed change = dirty == null ? null : dirty.changed(key).orElse(null);
    long changedAt = change == null ? -1 : change.committed();
    long fingerprint = fingerprint(d);
    Long reported = state.reported.get(key);
    if (reported != null && reported == fingerprint) {
      return true; // told already, and unchanged since
    }
    Settling known = state.settling.get(key);
    Settling next;
    if (known == null) {
      // Since the watch heard of the key's last change; when no feed told of one (a sweep, a spot check), since now.
      next = new Settling(now, fingerprint, changedAt, (change != null ? change.seen() : now) + window, 1);
    } else if (known.state() != fingerprint) {
      long from = change != null && changedAt > known.changedAt() ? change.seen() : now; // a change a feed told of, or one first seen now
      next = new Settling(known.firstSeen(), fingerprint, Math.max(changedAt, known.changedAt()),
          Math.min(from + window, known.firstSeen() + 3 * window), 1);
    } else {
      next = new Settling(known.firstSeen(), fingerprint, Math.max(changedAt, known.changedAt()),
          known.due(), 1);
    }
    if (next.due() <= now) {
      state.settling.remove(key);
      if (s.mode() != Mode.APPLY && state.reported.size() < WatchState.MAX_SETTLING) {
        state.reported.put(key, fingerprint);
      }
      if (next.changedAt() >= 0) {
        since.put(key, next.changedAt());
      }
      return false;
    }
    if (known != null || state.settling.size() < WatchState.MAX_SETTLING) {
      state.settling.put(key, next);
    } else {
      state.settlingLeaves.merge(leaf, new Settling(now, 0, -1, now + window, 1),
          (a, b) -> new Settling(a.firstSeen(), 0, -1, a.due(), a.count() + 1));
    }
    return true;
  }

  /** What the sides of a divergence hold, as a number: which stores hold the key, and their row hashes. */
  static long fingerprint(Divergence d) {
    long h = 17;
    for (Divergence.Side side : d.sides()) {
      h = h * 31 + side.store().hashCode();
      h = h * 31 + (side.entry() == null ? 0 : side.entry().hash().hashCode());
    }
    return h;
  }

  private void closeFeed(Feed f) {
    ChangeFeed open = f.open;
    f.open = null;
    f.committed = null;
    if (open != null) {
      try {
        open.close();
      } catch (RuntimeException e) {
        log.warn("[{}] closing the feed of store {} failed: {}", state.name, f.store, e.toString());
      }
    }
  }

  WatchReport report() {
    Map<String, Long> t = state.totals;
    return new WatchReport(options.name(), s.mode(), state.stores, s.clock().instant(), state.cycle, get(t, "sweeps"),
        lastSweepReason, state.cuts().isEmpty() && state.digests.isEmpty() ? 0 : state.leaves(), get(t, "leavesChecked"),
        get(t, "rowsChecked"), get(t, "spotChecks"), get(t, "unreportedChanges"), get(t, "gaps"), get(t, "feedFailures"),
        get(t, "divergences"), get(t, "settled"),
        new ReconcileReport.Repairs(get(t, "applied"), get(t, "alreadyApplied"), get(t, "refused"), get(t, "skipped"),
            get(t, "escalated"), get(t, "failed"), get(t, "unwritable")),
        state.dirty.size(), state.settling.size() + state.settlingLeaves.values().stream().mapToLong(Settling::count).sum(),
        detect.latency(), lag.latency(), lastCycle);
  }

  private static long get(Map<String, Long> totals, String name) {
    return totals.getOrDefault(name, 0L);
  }

  /** Stops cleanly: the state is saved as closed (no sweep at the next start) and the feeds closed. */
  @Override
  public void close() {
    try {
      state.open = false;
      state.save(s.checkpoints());
      if (!state.cuts().isEmpty() || !state.digests.isEmpty()) {
        state.saveLeaves(s.checkpoints());
      }
    } finally {
      feeds.forEach(this::closeFeed);
      pool.shutdownNow();
    }
  }

  /** Closes the feeds and threads without saving: what a crash leaves behind (for simulations). */
  void abandon() {
    feeds.forEach(this::closeFeed);
    pool.shutdownNow();
  }
}
