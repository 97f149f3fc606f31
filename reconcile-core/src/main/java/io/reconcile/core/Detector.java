package io.reconcile.core;

import io.reconcile.api.Digest;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Segment;
import io.reconcile.core.check.DigestBisectionChecker;
import io.reconcile.core.internal.Bisection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * The detect stage: digests the plan's pending segments in every store (one call per store, the
 * stores at the same time), groups them into {@link Unit units} of consecutive segments, and finds
 * each unit's divergences — the differing small segments of a unit read with one {@code
 * scan}/{@code rowHashes} call per store, a differing large one bisected — together with the extra
 * checkers' findings, per segment in key order. Reads only. {@link #detect} is called from several
 * threads at once, one unit each.
 */
final class Detector {

  /** Runs of adjacent differing segments read with one call per store, at most. */
  static final int LEAVES_PER_SCAN = 64;

  /** Rows of differing segments read with one call per store, at most (by their digests' counts). */
  static final int ROWS_PER_SCAN = 16_384;

  /**
   * Rows of differing segments read with one scan per store when some store pays a full pass per
   * call: fewer passes, more rows held while an unordered scan is gathered.
   */
  static final int ROWS_PER_PASS = 65_536;

  /** Segments in one unit, at most, so that progress and checkpoints come often enough. */
  static final int SEGMENTS_PER_UNIT = 1_024;

  /** What the top-level digests say of one pending segment. */
  enum State {
    EQUAL,
    /** Differing, and small enough to be compared row by row. */
    LEAF,
    /** Differing, and bisected on its own. */
    LARGE
  }

  /**
   * One pending segment of a unit.
   *
   * @param index its index in the plan
   * @param range its key range
   * @param digests each store's digest of it, reference first
   * @param state what the digests say
   */
  record Item(int index, KeyRange range, List<Digest> digests, State state) {}

  /** Consecutive pending segments, detected together. */
  record Unit(List<Item> items) {
    Unit {
      items = List.copyOf(items);
    }

    /** The plan indexes of the unit's segments. */
    List<Integer> indexes() {
      return items.stream().map(Item::index).toList();
    }

    /** The rows of its differing segments, by the store holding the most of each. */
    long differingRows() {
      return items.stream().filter(i -> i.state() != State.EQUAL).mapToLong(i -> Bisection.mostRows(i.digests())).sum();
    }
  }

  /**
   * What detection found in a unit.
   *
   * @param unit the unit
   * @param divergences per item of the unit, in the same order: its divergences by key (then
   *     checker)
   * @param took how long detecting the unit took
   */
  record Detected(Unit unit, List<List<Divergence>> divergences, Duration took) {

    /** How many divergences were found in the unit. */
    long count() {
      return divergences.stream().mapToLong(List::size).sum();
    }
  }

  /**
   * What counting the units' repairable divergences found.
   *
   * @param repairable the count, or a number above the limit counting stopped at
   * @param detected every unit's detection, when the units held at most the number of divergences
   *     asked to be kept; else empty (detection will be done again)
   */
  record Count(long repairable, List<Detected> detected) {}

  private final String runId;
  private final RunSettings settings;
  private final CheckContext context;
  private final Bisection bisection;
  private final boolean fullPass;

  /**
   * @param fullPass whether some store pays a full pass per call (no {@link
   *     io.reconcile.api.store.Capability#KEY_INDEX}): units then read more rows per call
   */
  Detector(String runId, RunSettings settings, CheckContext context, Bisection bisection, boolean fullPass) {
    this.runId = runId;
    this.settings = settings;
    this.context = context;
    this.bisection = bisection;
    this.fullPass = fullPass;
  }

  /**
   * Each store's digest of every range, one call per store, the stores at the same time: {@code
   * result.get(store).get(range)}.
   */
  List<List<Digest>> digest(List<KeyRange> ranges, ExecutorService pool) throws InterruptedException {
    List<Future<List<Digest>>> perStore = new ArrayList<>();
    for (var store : context.stores()) {
      perStore.add(pool.submit(() -> store.digest(ranges, bisection.scheme())));
    }
    List<List<Digest>> out = new ArrayList<>();
    for (Future<List<Digest>> f : perStore) {
      out.add(await(f, "digesting " + ranges.size() + " ranges"));
    }
    return out;
  }

  /**
   * Ranges and their digests, in key order: {@code digests.get(store).get(range)}.
   *
   * @param parts for each range given to {@link #refine}, the ranges it became (itself, when it
   *     was not split)
   */
  record Refined(List<List<KeyRange>> parts, List<KeyRange> ranges, List<List<Digest>> digests) {

    /** Whether some range was split. */
    boolean split() {
      return parts.stream().anyMatch(p -> p.size() > 1);
    }
  }

  /**
   * Splits every differing range that holds more than {@value #ROWS_PER_SCAN} rows in some store
   * into parts of about half that (cut by the store holding the most rows there), digested in every
   * store with one call per store, again until no differing part is larger or one cannot be split:
   * a range's divergences are kept together until it is acted on, so no range may hold an unbounded
   * number of them (the inserts beyond the reference's last key all fall into its last segment).
   *
   * @param ranges pending ranges, ascending
   * @param digests each store's digests of them
   */
  Refined refine(List<KeyRange> ranges, List<List<Digest>> digests, ExecutorService pool) throws InterruptedException {
    List<List<KeyRange>> parts = new ArrayList<>(ranges.size());
    List<KeyRange> outRanges = new ArrayList<>(ranges.size());
    List<List<Digest>> outDigests = new ArrayList<>();
    context.stores().forEach(x -> outDigests.add(new ArrayList<>()));
    for (int p = 0; p < ranges.size(); p++) {
      List<KeyRange> here = new ArrayList<>();
      refineInto(ranges.get(p), Bisection.column(digests, p), here, outDigests, pool);
      parts.add(here);
      outRanges.addAll(here);
    }
    return new Refined(parts, outRanges, outDigests);
  }

  private void refineInto(KeyRange range, List<Digest> digests, List<KeyRange> ranges, List<List<Digest>> out,
      ExecutorService pool) throws InterruptedException {
    long most = Bisection.mostRows(digests);
    List<KeyRange> split = List.of();
    if (!Bisection.agree(digests) && most > ROWS_PER_SCAN) {
      int splitter = 0;
      for (int i = 1; i < digests.size(); i++) {
        splitter = digests.get(i).count() > digests.get(splitter).count() ? i : splitter;
      }
      int wanted = (int) Math.min(Integer.MAX_VALUE, (most + ROWS_PER_SCAN / 2 - 1) / (ROWS_PER_SCAN / 2));
      split = context.stores().get(splitter).segments(range, wanted).stream().map(Segment::range).toList();
    }
    if (split.size() < 2) {
      ranges.add(range);
      for (int i = 0; i < digests.size(); i++) {
        out.get(i).add(digests.get(i));
      }
      return;
    }
    List<List<Digest>> partDigests = digest(split, pool);
    for (int p = 0; p < split.size(); p++) {
      refineInto(split.get(p), Bisection.column(partDigests, p), ranges, out, pool);
    }
  }

  /**
   * The pending segments in units: consecutive segments, at most {@value #SEGMENTS_PER_UNIT}; a
   * large differing segment alone; differing small ones up to {@value #ROWS_PER_SCAN} rows ({@value
   * #ROWS_PER_PASS} for full-pass stores) in at most {@value #LEAVES_PER_SCAN} runs of adjacent
   * ranges, so that each unit's rows are read with one call per store.
   *
   * @param pending plan indexes, ascending
   * @param ranges the ranges of {@code pending}, in the same order
   * @param digests each store's digests of {@code ranges}
   * @param leafRows differing segments of at most this many rows (in every store) are compared row
   *     by row, larger ones bisected
   * @param fullPass whether some store pays a full pass per call
   */
  static List<Unit> units(List<Integer> pending, List<KeyRange> ranges, List<List<Digest>> digests, int leafRows, boolean fullPass) {
    int rowBudget = fullPass ? ROWS_PER_PASS : ROWS_PER_SCAN;
    List<Unit> out = new ArrayList<>();
    List<Item> items = new ArrayList<>();
    long rows = 0;
    int runs = 0;
    boolean differing = false;
    boolean large = false;
    KeyRange lastLeaf = null;
    for (int p = 0; p < pending.size(); p++) {
      List<Digest> ds = Bisection.column(digests, p);
      long count = Bisection.mostRows(ds);
      State state = Bisection.agree(ds) ? State.EQUAL : count <= leafRows ? State.LEAF : State.LARGE;
      boolean adjacent = lastLeaf != null && lastLeaf.adjoins(ranges.get(p));
      boolean full = items.size() == SEGMENTS_PER_UNIT
          || state == State.LARGE && differing
          || state == State.LEAF && (large || rows + count > rowBudget || !adjacent && runs == LEAVES_PER_SCAN);
      if (full) {
        out.add(new Unit(items));
        items = new ArrayList<>();
        rows = 0;
        runs = 0;
        differing = false;
        large = false;
        lastLeaf = null;
        adjacent = false;
      }
      items.add(new Item(pending.get(p), ranges.get(p), ds, state));
      if (state == State.LEAF) {
        rows += count;
        runs += adjacent ? 0 : 1;
        lastLeaf = ranges.get(p);
      }
      differing |= state != State.EQUAL;
      large |= state == State.LARGE;
    }
    if (!items.isEmpty()) {
      out.add(new Unit(items));
    }
    return out;
  }

  /**
   * Finds the divergences of a unit: its differing small segments compared row by row with one call
   * per store, each differing large one bisected, every segment run through the extra checkers.
   * Thread-safe.
   */
  Detected detect(Unit unit) {
    long start = System.nanoTime();
    List<List<Divergence>> found = find(unit);
    return new Detected(unit, found, Duration.ofNanos(System.nanoTime() - start));
  }

  /** Tells the listener that each segment of a detected unit was compared. */
  void told(Detected detected) {
    Duration each = detected.took().dividedBy(detected.unit().items().size());
    for (int i = 0; i < detected.divergences().size(); i++) {
      KeyRange range = detected.unit().items().get(i).range();
      int n = detected.divergences().get(i).size();
      Listeners.safely(runId, settings.listener(), l -> l.segmentCompared(runId, range, n, each));
    }
  }

  /** The divergences of each item of the unit, by key (then checker). */
  private List<List<Divergence>> find(Unit unit) {
    List<Item> items = unit.items();
    List<List<Divergence>> found = new ArrayList<>(items.size());
    items.forEach(i -> found.add(new ArrayList<>()));
    List<Integer> leaves = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).state() == State.LEAF) {
        leaves.add(i);
      }
    }
    if (!leaves.isEmpty()) {
      List<KeyRange> ranges = leaves.stream().map(i -> items.get(i).range()).toList();
      int[] at = {0};
      // Divergences come in key order, and the leaves are ascending: walk them side by side.
      bisection.compareRows(ranges, d -> {
        while (!ranges.get(at[0]).contains(d.key())) {
          at[0]++;
        }
        found.get(leaves.get(at[0])).add(d);
      });
    }
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      List<Divergence> here = found.get(i);
      if (item.state() == State.LARGE) {
        bisection.bisect(item.range(), item.digests(), here::add);
      }
      for (Checker c : settings.checkers()) {
        c.check(context, item.range(), here::add);
      }
      if (!settings.checkers().isEmpty()) {
        here.sort(Comparator.comparing(Divergence::key).thenComparing(Divergence::checker));
      }
    }
    return found;
  }

  /** Whether a divergence names rows a resolver may repair (not an observing checker's). */
  boolean repairable(Divergence d) {
    return d.checker().equals(DigestBisectionChecker.NAME)
        || settings.checkers().stream().anyMatch(c -> c.name().equals(d.checker()) && c.repairable());
  }

  /**
   * Counts the repairable divergences of the units, several units at a time; stops once the count
   * passes {@code enough}. Keeps what was found while the units hold at most {@code keep}
   * divergences in all, so that a run under the limit need not detect them again.
   */
  Count countRepairable(List<Unit> units, long enough, long keep, ExecutorService pool) throws InterruptedException {
    List<Future<Detected>> running = new ArrayList<>();
    List<Detected> kept = new ArrayList<>();
    long total = 0;
    long found = 0;
    int next = 0;
    while (next < units.size() || !running.isEmpty()) {
      while (next < units.size() && running.size() < settings.parallelism()) {
        Unit u = units.get(next++);
        running.add(pool.submit(() -> detect(u)));
      }
      Detected d = await(running.remove(0), "counting divergences");
      for (List<Divergence> ds : d.divergences()) {
        total += ds.stream().filter(this::repairable).count();
      }
      found += d.count();
      if (kept != null) {
        kept.add(d);
        if (found > keep) {
          kept = null;
        }
      }
      if (total > enough) {
        running.forEach(f -> f.cancel(true));
        return new Count(total, List.of());
      }
    }
    return new Count(total, kept == null ? List.of() : kept);
  }

  /** The value of a finished task; its failure rethrown as it was when unchecked. */
  static <T> T await(Future<T> f, String what) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new ReconcileException(what + " failed: " + cause, cause);
    }
  }
}
