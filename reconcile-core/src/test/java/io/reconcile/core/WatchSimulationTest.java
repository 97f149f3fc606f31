package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.checkpoint.CheckpointStore;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Seeded simulation of continuous reconciliation: a primary and a replica in memory, writes
 * replicated with lags shorter and longer than the settle window, drift written to one side only,
 * writers racing the watch's repairs, and change feeds that duplicate, reorder, delay, disconnect,
 * lose their history and (in some seeds) silently drop events; the watch crashes between marking
 * dirty and saving, between saving and committing, after checking, and inside its repairs, and is
 * started again from its saved state. Virtual time throughout; a seed replays exactly.
 *
 * <p>After every run, once writes stop and the windows pass: nothing missed (every key that still
 * differs was reported, or in APPLY the stores agree), and nothing reported or repaired on a key
 * whose every write reached the replica within the settle window.
 */
class WatchSimulationTest {

  private static final int SEEDS = Integer.getInteger("reconcile.simulation.seeds", 1000);
  private static final Instant EPOCH = Instant.parse("2026-06-01T00:00:00Z");

  private static final Map<String, Integer> EXERCISED = new TreeMap<>();

  private static synchronized void exercised(String what) {
    EXERCISED.merge(what, 1, Integer::sum);
  }

  /** Thrown by injected crashes. */
  static final class SimulatedCrash extends RuntimeException {
    SimulatedCrash(String where) {
      super("simulated crash at " + where);
    }
  }

  @Test
  void manySeeds() {
    List<String> failures = new ArrayList<>();
    EXERCISED.clear();
    for (long seed = 1; seed <= SEEDS; seed++) {
      try {
        simulate(seed);
      } catch (AssertionError | RuntimeException | InterruptedException e) {
        failures.add("seed " + seed + ": " + e);
        if (failures.size() >= 5) {
          break;
        }
      }
    }
    assertThat(failures).as("failing seeds (rerun one with simulate(seed))").isEmpty();
    for (String kind : List.of("apply", "report-only", "crash", "gap", "duplicate", "reordered", "delayed", "disconnect",
        "dropped-events", "concurrent-write", "settled", "drift-reported", "long-lag-reported")) {
      assertThat(EXERCISED.getOrDefault(kind, 0)).as("seeds that exercised %s: %s", kind, EXERCISED).isGreaterThan(SEEDS / 50);
    }
  }

  /** Regression seeds: a seed that ever fails above is added here and stays. */
  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void regressionSeeds(long seed) throws InterruptedException {
    simulate(seed);
  }

  /** One store's history of changed keys, as its feed serves it; some of it may be lost. */
  static final class History {
    final String id;
    final List<Key> keys = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    /** Changes numbered below this are lost (1-based numbering). */
    int lostBefore = 1;
    /** The last position committed: a source like a replication slot may discard what lies before it. */
    int committed;
    /** Feeds opened before a committed position: the watcher committed what it had not saved. */
    int openedBeforeCommitted;

    History(String id) {
      this.id = id;
    }

    synchronized void add(Key key, long at) {
      keys.add(key);
      times.add(at);
    }

    synchronized int size() {
      return keys.size();
    }
  }

  /** How a simulated feed misbehaves. */
  record FeedFaults(boolean duplicates, boolean reorder, long maxDelayMillis, double disconnects, double drops) {}

  /**
   * A feed over a {@link History}: at least once, with the seed's faults. Its position is the
   * number of changes delivered without a hole; changes past a hole come again after a reopen.
   */
  static final class SimFeed implements ChangeFeed {
    private final History history;
    private final FeedFaults faults;
    private final Random rnd;
    private final ManualClock clock;
    private final Map<Integer, Long> delays;
    private int contiguous;
    private final BitSet delivered = new BitSet();
    private String gap;

    SimFeed(History history, FeedFaults faults, Random rnd, ManualClock clock, Map<Integer, Long> delays,
        Optional<FeedPosition> after) {
      this.history = history;
      this.faults = faults;
      this.rnd = rnd;
      this.clock = clock;
      this.delays = delays;
      synchronized (history) {
        contiguous = history.size();
        if (after.isPresent()) {
          String[] p = after.get().token().split(";");
          if (p.length != 3 || !p[0].equals("sim") || !p[1].equals(history.id)) {
            gap = "not a position of this feed";
          } else if (Integer.parseInt(p[2]) + 1 < history.lostBefore) {
            gap = "history lost";
          } else if (Integer.parseInt(p[2]) < history.committed) {
            history.openedBeforeCommitted++;
            gap = "the position is older than the committed one";
          } else {
            contiguous = Integer.parseInt(p[2]);
          }
        }
      }
    }

    @Override
    public ChangeBatch poll(Duration timeout) {
      if (rnd.nextDouble() < faults.disconnects()) {
        exercised("disconnect");
        throw new ReconcileException.StoreUnavailableException("simulated disconnect", true);
      }
      List<Change> out = new ArrayList<>();
      synchronized (history) {
        if (contiguous + 1 < history.lostBefore) {
          gap = "history lost while behind";
          contiguous = history.size();
          delivered.clear();
        }
        long now = clock.millis();
        boolean blocked = false;
        for (int seq = contiguous + 1; seq <= history.size(); seq++) {
          if (delivered.get(seq)) {
            continue;
          }
          long at = history.times.get(seq - 1);
          long delay = delays.computeIfAbsent(seq, s -> faults.maxDelayMillis() == 0 ? 0 : (long) (rnd.nextDouble() * faults.maxDelayMillis()));
          if (at + delay > now) {
            blocked = true;
            if (!faults.reorder()) {
              break;
            }
            continue;
          }
          if (blocked) {
            exercised("reordered");
          }
          if (delay > 0) {
            exercised("delayed");
          }
          delivered.set(seq);
          if (rnd.nextDouble() < faults.drops()) {
            exercised("dropped-events");
            continue;
          }
          out.add(new Change(history.keys.get(seq - 1), Instant.ofEpochMilli(at)));
        }
        while (delivered.get(contiguous + 1)) {
          contiguous++;
        }
        if (faults.duplicates() && contiguous > 0 && rnd.nextInt(3) == 0) {
          int again = Math.max(history.lostBefore, contiguous - rnd.nextInt(5));
          if (again >= 1 && again <= contiguous) {
            exercised("duplicate");
            out.add(new Change(history.keys.get(again - 1), Instant.ofEpochMilli(history.times.get(again - 1))));
          }
        }
      }
      if (faults.reorder()) {
        Collections.shuffle(out, rnd);
      }
      FeedPosition position = new FeedPosition("sim;" + history.id + ";" + contiguous);
      String reason = gap;
      gap = null;
      if (reason != null) {
        exercised("gap");
        return ChangeBatch.gap(reason, out, position);
      }
      return ChangeBatch.of(out, position);
    }

    @Override
    public void commit(FeedPosition position) {
      synchronized (history) {
        history.committed = Math.max(history.committed, Integer.parseInt(position.token().split(";")[2]));
      }
    }

    @Override
    public void close() {}
  }

  /** A store whose applied repairs enter its history, as a real store's writes enter its log. */
  static final class Logged extends ForwardingStore {
    private final History history;
    private final ManualClock clock;

    Logged(Store delegate, History history, ManualClock clock) {
      super(delegate);
      this.history = history;
      this.clock = clock;
    }

    @Override
    public List<ActionOutcome> apply(List<RepairAction> actions) {
      List<ActionOutcome> out = delegate().apply(actions);
      for (ActionOutcome o : out) {
        if (o.status() == ActionOutcome.Status.APPLIED) {
          history.add(o.action().key(), clock.millis());
        }
      }
      return out;
    }
  }

  /** The model of the data: writes replicated later, and the keys that must never be reported. */
  static final class World {
    final ManualClock clock = new ManualClock(EPOCH);
    final MemoryStore primary = MemoryStore.create("primary");
    final MemoryStore replica = MemoryStore.create("replica");
    final History primaryLog = new History("primary");
    final History replicaLog = new History("replica");
    final PriorityQueue<long[]> replication = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
    final Map<Long, Entry> pending = new HashMap<>();
    long nextReplication;
    /** Keys whose writes all reached the replica within the window, spaced apart: never a divergence. */
    final Set<Key> quiet = new HashSet<>();
    /** Keys written otherwise (drift, long lag, bursts). */
    final Set<Key> noisy = new HashSet<>();
    final Set<Key> longLag = new HashSet<>();
    final Set<Key> drifted = new HashSet<>();
    final Map<Key, Long> lastWrite = new HashMap<>();

    void write(MemoryStore store, History log, Key key, Entry e) {
      if (e == null) {
        store.remove(key);
      } else {
        store.put(e);
      }
      log.add(key, clock.millis());
    }

    void replicate(Key key, Entry e, long lag) {
      write(primary, primaryLog, key, e);
      long id = nextReplication++;
      pending.put(id, e == null ? Entry.of(key, Map.of("deleted", true)) : e);
      replication.add(new long[] {clock.millis() + lag, id});
    }

    void deliverReplication() {
      while (!replication.isEmpty() && replication.peek()[0] <= clock.millis()) {
        Entry e = pending.remove(replication.poll()[1]);
        boolean deleted = e.fields().fields().containsKey("deleted");
        write(replica, replicaLog, e.key(), deleted ? null : e);
      }
    }
  }

  static void simulate(long seed) throws InterruptedException {
    Random rnd = new Random(seed);
    World w = new World();
    int keys = 40 + rnd.nextInt(260);
    for (int k = 0; k < keys; k++) {
      Entry e = Entry.of(Key.of(k), Map.of("v", "base" + k));
      w.primary.put(e);
      w.replica.put(e);
    }
    long settle = 2_000 + rnd.nextInt(6_000);
    boolean apply = rnd.nextBoolean();
    exercised(apply ? "apply" : "report-only");
    FeedFaults faults = new FeedFaults(rnd.nextBoolean(), rnd.nextBoolean(), rnd.nextBoolean() ? rnd.nextInt(3_000) : 0,
        rnd.nextInt(3) == 0 ? 0.05 : 0, rnd.nextInt(8) == 0 ? 0.2 : 0);
    // Only a feed that drops events needs the safety nets to find everything; elsewhere they are
    // off, so that the feeds alone must find every change.
    boolean nets = faults.drops() > 0;
    long sweepEvery = nets ? 60_000 + rnd.nextInt(60_000) : 3_600_000;
    double crashRate = rnd.nextInt(3) == 0 ? 0 : 0.02 + rnd.nextDouble() * 0.05;

    Store primary = new Logged(w.primary, w.primaryLog, w.clock);
    Store replica = new Logged(w.replica, w.replicaLog, w.clock);
    Random feedRandom = new Random(seed ^ 0x5DEECE66DL);
    Map<Integer, Long> primaryDelays = new HashMap<>();
    Map<Integer, Long> replicaDelays = new HashMap<>();
    ChangeFeedSource primaryFeed = after -> new SimFeed(w.primaryLog, faults, feedRandom, w.clock, primaryDelays, after);
    ChangeFeedSource replicaFeed = after -> new SimFeed(w.replicaLog, faults, feedRandom, w.clock, replicaDelays, after);
    WatchOptions options = WatchOptions.newBuilder().settle(Duration.ofMillis(settle)).leafRows(8).spotChecks(nets ? 1 : 0)
        .sweepEvery(Duration.ofMillis(sweepEvery)).feed("primary", primaryFeed).feed("replica", replicaFeed).build();

    Set<Key> reported = new HashSet<>();
    Set<Key> repaired = new HashSet<>();
    ReconcileListener listener = new ReconcileListener() {
      @Override
      public void divergenceFound(String runId, Divergence d) {
        reported.add(d.key());
      }

      @Override
      public void repairApplied(String runId, ActionOutcome outcome) {
        if (outcome.status() == ActionOutcome.Status.APPLIED) {
          repaired.add(outcome.action().key());
        }
      }
    };
    Random crashes = new Random(seed * 31 + 7);
    boolean[] crashing = {true};
    Faults crashFaults = point -> {
      if (crashing[0] && crashes.nextDouble() < crashRate) {
        exercised("crash");
        throw new SimulatedCrash(point.name());
      }
      if (crashing[0] && point == Faults.Point.WATCH_AFTER_CHECK && crashes.nextInt(6) == 0) {
        // A writer races the watch between its check and its repairs.
        Key k = Key.of(crashes.nextInt(keys));
        w.write(w.replica, w.replicaLog, k, Entry.of(k, Map.of("v", "racing" + crashes.nextInt())));
        w.noisy.add(k);
        w.drifted.add(k);
        exercised("concurrent-write");
      }
    };
    CheckpointStore checkpoints = CheckpointStore.inMemory();
    AuditLog audit = AuditLog.inMemory();
    Reconciler.Builder b = Reconciler.newBuilder().stores(primary, replica).clock(w.clock).seed(seed).checkpoints(checkpoints)
        .listener(listener).sleeper(d -> {}).faults(crashFaults).limits(Limits.NONE);
    if (apply) {
      b.mode(Mode.APPLY).resolver(Resolvers.sourceOfTruth("primary")).auditLog(audit);
    }
    Reconciler reconciler = b.build();
    Watcher[] watcher = {open(reconciler, options)};

    int steps = 30 + rnd.nextInt(50);
    for (int step = 0; step < steps; step++) {
      w.clock.advance(Duration.ofMillis(200 + rnd.nextInt(1_300)));
      w.deliverReplication();
      int writes = rnd.nextInt(4);
      for (int i = 0; i < writes; i++) {
        Key k = Key.of(rnd.nextInt(keys + 20));
        int what = rnd.nextInt(10);
        Entry next = rnd.nextInt(12) == 0 ? null : Entry.of(k, Map.of("v", "s" + seed + "-" + step + "-" + i));
        long now = w.clock.millis();
        boolean spaced = now - w.lastWrite.getOrDefault(k, Long.MIN_VALUE / 2) > 3 * settle + 3_000;
        w.lastWrite.put(k, now);
        if (what < 6) {
          long lag = rnd.nextInt(4) == 0 ? settle + 1_000 + rnd.nextInt(4_000) : rnd.nextInt((int) settle - 500);
          w.replicate(k, next, lag);
          if (lag >= settle) {
            w.longLag.add(k);
            w.noisy.add(k);
          } else if (spaced && !w.noisy.contains(k)) {
            w.quiet.add(k);
          } else {
            w.noisy.add(k);
          }
        } else {
          w.noisy.add(k);
          w.drifted.add(k);
          if (what < 8) {
            w.write(w.replica, w.replicaLog, k, next);
          } else {
            w.write(w.primary, w.primaryLog, k, next);
          }
        }
      }
      if (rnd.nextInt(40) == 0) {
        w.primaryLog.lostBefore = w.primaryLog.size() + 1;
        w.replicaLog.lostBefore = w.replicaLog.size() + 1;
      }
      if (rnd.nextInt(4) != 0) {
        cycle(watcher, reconciler, options);
      }
    }
    // Writes stop; replication drains; the windows and a sweep pass.
    crashing[0] = false;
    w.quiet.removeAll(w.noisy);
    long end = w.clock.millis() + (nets ? sweepEvery : 0) + 6 * settle + 10_000;
    while (w.clock.millis() < end) {
      w.clock.advance(Duration.ofMillis(1_000));
      w.deliverReplication();
      cycle(watcher, reconciler, options);
    }
    WatchReport status = watcher[0].report();
    watcher[0].close();

    Set<Key> differing = differing(w.primary, w.replica);
    if (apply) {
      assertThat(differing).as("keys still differing after APPLY (seed %d)", seed).isEmpty();
    } else {
      assertThat(reported).as("every key that still differs was reported (seed %d)", seed).containsAll(differing);
    }
    assertThat(w.primaryLog.openedBeforeCommitted + w.replicaLog.openedBeforeCommitted)
        .as("feeds opened before a position the watcher had committed (seed %d)", seed).isZero();
    assertThat(reported).as("keys reported though every write reached the replica within the window (seed %d)", seed)
        .doesNotContainAnyElementsOf(w.quiet);
    assertThat(repaired).as("keys repaired though they settled (seed %d)", seed).doesNotContainAnyElementsOf(w.quiet);
    if (status.settled() > 0) {
      exercised("settled");
    }
    if (reported.stream().anyMatch(w.drifted::contains)) {
      exercised("drift-reported");
    }
    if (reported.stream().anyMatch(k -> w.longLag.contains(k) && !w.drifted.contains(k))) {
      exercised("long-lag-reported");
    }
  }

  private static Watcher open(Reconciler reconciler, WatchOptions options) {
    while (true) {
      try {
        return reconciler.watcher(options);
      } catch (SimulatedCrash e) {
        // crashed while opening: open again
      }
    }
  }

  /** One cycle; a crash abandons the watcher, as a killed process would, and starts another from the saved state. */
  private static void cycle(Watcher[] watcher, Reconciler reconciler, WatchOptions options) throws InterruptedException {
    try {
      watcher[0].cycle();
    } catch (SimulatedCrash e) {
      watcher[0].abandon();
      watcher[0] = open(reconciler, options);
    }
  }

  private static Set<Key> differing(MemoryStore a, MemoryStore b) {
    Map<Key, Entry> left = new TreeMap<>();
    try (Stream<Entry> s = a.scan(KeyRange.all())) {
      s.forEach(e -> left.put(e.key(), e));
    }
    Set<Key> out = new TreeSet<>();
    try (Stream<Entry> s = b.scan(KeyRange.all())) {
      s.forEach(e -> {
        Entry l = left.remove(e.key());
        if (l == null || !l.sameData(e)) {
          out.add(e.key());
        }
      });
    }
    out.addAll(left.keySet());
    return out;
  }
}
