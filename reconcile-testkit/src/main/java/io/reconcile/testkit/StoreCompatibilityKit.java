package io.reconcile.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ActionOutcome.Status;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tests every {@link Store} passes: what the engine relies on, taken from the promises of the
 * {@link Store} javadoc. A plugin's test class extends this class, says which {@linkplain KeyShape
 * key shapes} its store holds and how to open a new, empty store of each; JUnit 5 then runs every
 * test below against it, once per declared shape (each run named by its shape, e.g. {@code (TEXT
 * keys)}):
 *
 * <pre>{@code
 * class MyStoreCompatibilityTest extends StoreCompatibilityKit {
 *   @Override
 *   protected Set<KeyShape> keyShapes() {
 *     return EnumSet.of(KeyShape.LONG, KeyShape.TEXT);
 *   }
 *
 *   @Override
 *   protected Store newStore(KeyShape shape) {
 *     return MyStore.open(freshDatabase(shape.createTableSql()), "kit");
 *   }
 * }
 * }</pre>
 *
 * A store of {@code long} keys alone may instead override only {@link #newStore()}.
 *
 * <h2>The shape of the data</h2>
 *
 * Every store the kit opens holds one dataset whose entries have a key of one {@link KeyShape} (a
 * {@code long}, a text, a {@code long} and a text, or 12 bytes; see each shape for the keys it
 * takes, extremes included) and exactly three fields, each of which may be null ({@link
 * Value#ofNull()}):
 *
 * <ul>
 *   <li>{@value #NAME}: text of up to 200 characters, any Unicode but U+0000 (empty text, the text
 *       {@code "NULL"}, quotes, tabs, new lines, accents, CJK and emoji occur);
 *   <li>{@value #AMOUNT}: a decimal with at most 16 digits before the point and 2 after, compared by
 *       value ({@code 1.5} equals {@code 1.50});
 *   <li>{@value #ACTIVE}: a boolean.
 * </ul>
 *
 * In SQL, for {@link KeyShape#LONG}: {@code CREATE TABLE kit (id BIGINT, name VARCHAR(200), amount
 * DECIMAL(18,2), active BOOLEAN, PRIMARY KEY (id))}; {@link KeyShape#createTableSql()} gives the
 * table of each shape. Entries are written without version metadata, except by the test of {@link
 * Capability#VERSIONS}, which writes a version vector and a timestamp in whole milliseconds.
 *
 * <h2>What a subclass provides</h2>
 *
 * {@link #keyShapes()} (optional; default {@link KeyShape#LONG} only) names the key shapes the store
 * holds; the kit checks those and no others. {@link #newStore(KeyShape)} (required, or {@link
 * #newStore()} for {@code long} keys alone) opens a new, empty store of a shape, called once or
 * more per test; the kit closes every store it opened after each test. {@link #seed} (optional)
 * writes the rows a test starts from; by default through the store's own {@link Store#apply} with
 * upserts that expect absence, so a read-only store overrides it. {@link
 * #newReadOnlyStore(KeyShape)} (optional, or {@link #newReadOnlyStore()} for {@code long} keys
 * alone) opens a store that refuses writes, so the kit can check that refusal. {@link #badConfigurations()} (optional)
 * lists ways of opening the store wrongly (an unknown table, a name with a quote in it), so the kit
 * can check the error each gives.
 *
 * <h2>What is checked</h2>
 *
 * Reading: scans return exactly the entries of a range (open ends too), in key order when {@link
 * Capability#ORDERED_SCAN} is declared, with the data that was written; look-ups return present keys
 * only. Digests: equal to canonical client-side hashing of the entries, row by row and per range;
 * combinable over parts under every declared scheme; arguments checked; row hashes one per scanned
 * entry, canonical ones equal to {@link Entry#hash()}, under every declared scheme adding up to the
 * digests, equal between stores holding the same rows and changed only for a changed row; under
 * {@link HashScheme#CANONICAL_XXH3_128}, when declared, equal to the xxHash reference. Segments: adjacent, in order, covering the range.
 * Writing (stores with {@link Capability#WRITE}): upserts and deletes are visible to the next scan,
 * look-up and digest — at once with {@link Capability#READ_YOUR_WRITES}, else once {@link
 * Store#awaitVisible} says so; outcomes report what was found; a replay is {@code ALREADY_APPLIED}
 * and changes nothing; an action for another store fails its batch with an {@link
 * IllegalArgumentException}, and with {@link Capability#ATOMIC_BATCH} nothing of that batch is
 * written; an inverse undoes its action. With {@link Capability#COMPARE_AND_SET} (a store that
 * writes without it is not checked for refusals): a stale expectation is {@code REFUSED} and
 * changes nothing, without stopping the rest of the batch. Replays: the {@link Store#fingerprint()
 * fingerprint} stays fixed and differs between two stores that share nothing; {@link
 * Store#unwritable} accepts the store's own values and, when it refuses one, names the field and
 * never the value; what an applied update or delete {@linkplain ActionOutcome#foundRow() found}
 * restores the row exactly. Concurrency: with {@code ATOMIC_BATCH}, readers never see part of a
 * batch; with {@code COMPARE_AND_SET}, of two conditional writes racing from the same present
 * state exactly one applies, and of two inserts racing for the same absent key exactly one applies
 * and the other is {@code REFUSED}, finding the winner's row, which the key then holds. Capabilities: {@code WRITE}, {@code VERSIONS} and {@code CHANGE_FEED} are honest;
 * {@code COMPARE_AND_SET}, {@code ATOMIC_BATCH} and {@code READ_YOUR_WRITES} come only with {@code
 * WRITE}; {@link Store#awaitVisible} is true at once with {@code READ_YOUR_WRITES} and rejects a
 * negative timeout. Lifecycle: a closed store fails with a {@link
 * ReconcileException.StoreUnavailableException} that names it and is not transient; a bad
 * configuration fails to open with a {@link ReconcileException.ConfigurationException} that names
 * what was wrong.
 *
 * <p>A failure inside the store's own write — a constraint the database enforces, a connection lost
 * part way — cannot be provoked the same way for every store, so the kit checks {@code
 * ATOMIC_BATCH}'s all-or-nothing only for a batch the store rejects part way (an action for another
 * store, last); a plugin tests its own failures (the JDBC store kills its connection mid-batch).
 *
 * <p>Every test that reads or writes keys runs once per declared shape; those about arguments or
 * configuration alone (asking for no segments, bad configurations) run once, with the first
 * declared shape, and the check of the known XXH3-128 digest runs for {@link KeyShape#LONG} only
 * (the reference digest is of that shape's sample).
 *
 * <p>The tests run one at a time on one thread per test class (except where a test starts its own
 * threads); a subclass must not rely on test order.
 */
public abstract class StoreCompatibilityKit {

  /** The text field. */
  public static final String NAME = "name";

  /** The decimal field. */
  public static final String AMOUNT = "amount";

  /** The boolean field. */
  public static final String ACTIVE = "active";

  private static final long AWAIT_SECONDS = 30;

  /** The name of each run of a test: its sentence and the key shape it ran with. */
  private static final String PER_SHAPE = "{displayName} ({0} keys)";

  /** The source of the key shapes a test runs with: those the subclass declares. */
  private static final String DECLARED_SHAPES = "declaredShapes";

  private final List<Store> opened = new ArrayList<>();

  /** For subclasses: a plugin's test class. */
  protected StoreCompatibilityKit() {}

  /**
   * The key shapes the store holds; every test that reads or writes keys runs once per shape
   * declared here, and not at all for the others. Default: {@link KeyShape#LONG} only.
   */
  protected Set<KeyShape> keyShapes() {
    return Set.of(KeyShape.LONG);
  }

  /**
   * Opens a new, empty store whose keys have the given shape, one of {@link #keyShapes()} (see the
   * class description for its fields). Every call returns a store that holds no entries and shares
   * nothing with earlier ones. Default: {@link #newStore()} for {@link KeyShape#LONG}; a store of
   * other shapes overrides this method instead.
   *
   * @throws IllegalStateException by default, for a shape other than {@link KeyShape#LONG}
   */
  protected Store newStore(KeyShape shape) {
    if (shape != KeyShape.LONG) {
      throw new IllegalStateException("keyShapes() declares " + shape + ", so override newStore(KeyShape) to open a store of it");
    }
    return newStore();
  }

  /**
   * Opens a new, empty store of the kit's {@link KeyShape#LONG} shape, for a store that holds only
   * that shape and so overrides this method rather than {@link #newStore(KeyShape)}.
   *
   * @throws IllegalStateException by default: a subclass overrides this method or {@link
   *     #newStore(KeyShape)}
   */
  protected Store newStore() {
    throw new IllegalStateException("override newStore() (LONG keys only) or newStore(KeyShape) to open a store for the kit");
  }

  /**
   * Opens a new, empty store of the same kind and key shape that refuses writes (e.g. opened
   * read-only), or returns empty if the store cannot be opened so. When {@link #newStore(KeyShape)}
   * itself lacks {@link Capability#WRITE}, this is not consulted. Default: {@link
   * #newReadOnlyStore()} for {@link KeyShape#LONG}, empty for the other shapes.
   */
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return shape == KeyShape.LONG ? newReadOnlyStore() : Optional.empty();
  }

  /**
   * Opens a new, empty {@link KeyShape#LONG} store that refuses writes, or returns empty; see {@link
   * #newReadOnlyStore(KeyShape)}, which a store of other shapes overrides instead. Default: empty.
   */
  protected Optional<Store> newReadOnlyStore() {
    return Optional.empty();
  }

  /**
   * Ways of opening the store with a configuration it must reject before reading anything — an
   * unknown table or field, an identifier with a quote in it — each under the name its error
   * message must mention. Default: none (a store that takes no names).
   */
  protected Map<String, Supplier<Store>> badConfigurations() {
    return Map.of();
  }

  /**
   * Puts {@code entries} into an empty {@code store}, as an application would, visible to reads
   * when it returns. Default: one {@link Store#apply} of upserts expecting absence, each of which
   * must be {@code APPLIED}, then (for a store without {@link Capability#READ_YOUR_WRITES}) {@link
   * Store#awaitVisible}. Override it for a store that cannot write, or to load rows another way.
   */
  protected void seed(Store store, Collection<Entry> entries) {
    List<RepairAction> inserts = new ArrayList<>();
    for (Entry e : entries) {
      inserts.add(RepairAction.upsert(store.id(), e, Expected.absent()));
    }
    for (ActionOutcome o : apply(store, inserts)) {
      assertEquals(Status.APPLIED, o.status(), () -> "seeding through apply: " + o.action() + " found " + o.found());
    }
  }

  /** An entry of the kit's shape: key {@code id} and the three fields, null where given null. */
  public static Entry row(long id, @Nullable String name, @Nullable BigDecimal amount, @Nullable Boolean active) {
    return Entry.of(Key.of(id), fields(name, amount, active));
  }

  private static Map<String, Object> fields(@Nullable String name, @Nullable BigDecimal amount, @Nullable Boolean active) {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put(NAME, name);
    fields.put(AMOUNT, amount);
    fields.put(ACTIVE, active);
    return fields;
  }

  @AfterEach
  void closeOpenedStores() {
    for (Store s : opened) {
      s.close();
    }
    opened.clear();
  }

  // ---------------------------------------------------------------- data and helpers

  private static final List<String> NAMES =
      java.util.Arrays.asList(
          "Ada", "", "NULL", null, "Zoë", "日本語のテキスト", "😀 emoji", "it's \"quoted\"; --",
          "tab\tnew\nline", "trailing ", "ÅÄÖ åäö", "a".repeat(200));

  private static final List<BigDecimal> AMOUNTS =
      java.util.Arrays.asList(
          BigDecimal.ZERO, new BigDecimal("1.5"), new BigDecimal("-0.01"),
          new BigDecimal("9999999999999999.99"), new BigDecimal("-9999999999999999.99"),
          new BigDecimal("42"), null, new BigDecimal("0.10"));

  private static final List<Boolean> FLAGS = java.util.Arrays.asList(true, false, null);

  private static final long[] IDS = {
    Long.MIN_VALUE, -1_000_000, -42, -1, 0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144, 233, 377, 610,
    987, 1597, 1_000_000_007, Long.MAX_VALUE
  };

  /**
   * The digest of the {@link KeyShape#LONG} sample ({@link Shaped#sample()}) under {@link HashScheme#CANONICAL_XXH3_128}, computed with the
   * xxHash reference implementation (libxxhash 0.8.3) over the rows' canonical encodings (43 to 264
   * bytes), summed.
   */
  private static final Digest SAMPLE_XXH3 = new Digest(23, 0x577edccca95803bfL, 0xeffb178e83e34805L);

  /**
   * The kit's data in one key shape: tests name keys by number ({@link KeyShape#key}), so that the
   * same test reads the same way in every shape.
   */
  private record Shaped(KeyShape shape) {

    Key key(long n) {
      return shape.key(n);
    }

    Entry row(long n, @Nullable String name, @Nullable BigDecimal amount, @Nullable Boolean active) {
      return Entry.of(key(n), fields(name, amount, active));
    }

    /** The rows most tests start from: every edge value of the fields and the shape, keys spread with gaps. */
    List<Entry> sample() {
      List<Entry> rows = new ArrayList<>();
      for (int i = 0; i < IDS.length; i++) {
        rows.add(row(IDS[i], NAMES.get(i % NAMES.size()), AMOUNTS.get(i % AMOUNTS.size()), FLAGS.get(i % FLAGS.size())));
      }
      return rows;
    }
  }

  /**
   * A group of tests that run once per declared key shape; one instance per group, so that JUnit
   * asks this instance's {@link #keyShapes()} for the shapes.
   */
  @TestInstance(TestInstance.Lifecycle.PER_CLASS)
  abstract class PerShape {

    Stream<KeyShape> declaredShapes() {
      Set<KeyShape> shapes = keyShapes();
      if (shapes.isEmpty()) {
        throw new IllegalStateException("keyShapes() declares no key shape, so no test could run; declare at least one");
      }
      return shapes.stream().sorted();
    }

    /** The shape a test runs with whose subject (arguments, configuration) has nothing to do with keys. */
    KeyShape firstShape() {
      return declaredShapes().findFirst().orElseThrow();
    }
  }

  /** A store opened by {@link #newStore(KeyShape)} and closed after the test. */
  private Store open(KeyShape shape) {
    Store s = newStore(shape);
    opened.add(s);
    return s;
  }

  private Store seeded(KeyShape shape, Collection<Entry> rows) {
    Store s = open(shape);
    seed(s, rows);
    return s;
  }

  private Store writable(KeyShape shape) {
    Store s = open(shape);
    Assumptions.assumeTrue(
        s.capabilities().contains(Capability.WRITE),
        () -> "store '" + s.id() + "' does not declare WRITE, so the writing tests do not apply");
    return s;
  }

  /**
   * A store that declares {@link Capability#COMPARE_AND_SET}; the tests of refusals and races are
   * skipped for one that writes without it (it decides against what it reads, but a concurrent
   * write may slip in between).
   */
  private Store conditional(KeyShape shape) {
    Store s = writable(shape);
    Assumptions.assumeTrue(
        s.capabilities().contains(Capability.COMPARE_AND_SET),
        () -> "store '" + s.id() + "' does not declare COMPARE_AND_SET, so it is not checked for refusals");
    return s;
  }

  /** The store's {@link Store#apply}, then {@link #visible} so that the next read sees the batch. */
  private static List<ActionOutcome> apply(Store s, List<RepairAction> batch) {
    List<ActionOutcome> outcomes = s.apply(batch);
    visible(s);
    return outcomes;
  }

  /**
   * For a store without {@link Capability#READ_YOUR_WRITES}, waits with {@link Store#awaitVisible}
   * until its writes are visible; a store with it is read at once, as it promises.
   */
  private static void visible(Store s) {
    if (!s.capabilities().contains(Capability.READ_YOUR_WRITES)) {
      assertTrue(s.awaitVisible(Duration.ofSeconds(AWAIT_SECONDS)),
          () -> "store '" + s.id() + "' lacks READ_YOUR_WRITES, and awaitVisible did not see its writes visible within "
              + AWAIT_SECONDS + " s");
    }
  }

  private static List<Entry> scan(Store s, KeyRange range) {
    try (Stream<Entry> st = s.scan(range)) {
      return st.toList();
    }
  }

  private static List<KeyHash> hashesOf(Store s, List<KeyRange> ranges, HashScheme scheme) {
    try (Stream<KeyHash> st = s.rowHashes(ranges, scheme)) {
      return st.toList();
    }
  }

  private static Map<Key, RowHash> byKeyHash(List<KeyHash> hashes) {
    Map<Key, RowHash> m = new TreeMap<>();
    hashes.forEach(h -> m.put(h.key(), h.hash()));
    return m;
  }

  private static TreeMap<Key, Entry> byKey(Collection<Entry> entries) {
    TreeMap<Key, Entry> m = new TreeMap<>();
    for (Entry e : entries) {
      m.put(e.key(), e);
    }
    return m;
  }

  private static Digest sumOf(List<KeyHash> hashes) {
    Digest d = Digest.EMPTY;
    for (KeyHash h : hashes) {
      d = d.plus(h.hash());
    }
    return d;
  }

  private static Digest digestOf(Collection<Entry> entries) {
    Digest d = Digest.EMPTY;
    for (Entry e : entries) {
      d = d.plus(e.hash());
    }
    return d;
  }

  private static List<Entry> within(Collection<Entry> entries, KeyRange range) {
    return entries.stream().filter(e -> range.contains(e.key())).sorted((a, b) -> a.key().compareTo(b.key())).toList();
  }

  /** Checks that the store holds exactly {@code expected}, by scan, look-up and digest. */
  private static void assertHolds(Store s, Collection<Entry> expected, String after) {
    assertScan(s, KeyRange.all(), expected, after);
    Set<Key> keys = new HashSet<>(byKey(expected).keySet());
    Map<Key, Entry> got = s.get(keys);
    assertEquals(keys, got.keySet(), () -> "get of every expected key " + after + " returned other keys");
    for (Entry e : expected) {
      assertSameData(e, got.get(e.key()), "get " + after);
    }
    assertEquals(digestOf(expected), s.digest(KeyRange.all()), () -> "the digest of the whole store " + after);
  }

  private static void assertScan(Store s, KeyRange range, Collection<Entry> all, String context) {
    List<Entry> expected = within(all, range);
    List<Entry> actual = scan(s, range);
    List<Key> expectedKeys = expected.stream().map(Entry::key).toList();
    List<Key> actualKeys = actual.stream().map(Entry::key).toList();
    if (s.capabilities().contains(Capability.ORDERED_SCAN)) {
      assertEquals(expectedKeys, actualKeys, () -> "scan of " + range + " " + context
          + " (the store declares ORDERED_SCAN, so keys come in key order)");
    } else {
      assertEquals(new HashSet<>(expectedKeys), new HashSet<>(actualKeys), () -> "keys scanned from " + range + " " + context);
      assertEquals(expectedKeys.size(), actualKeys.size(), () -> "scan of " + range + " " + context + " returned a key twice");
    }
    Map<Key, Entry> got = byKey(actual);
    for (Entry e : expected) {
      assertSameData(e, got.get(e.key()), "scan of " + range + " " + context);
    }
  }

  private static void assertSameData(Entry expected, @Nullable Entry actual, String context) {
    if (actual == null || !actual.sameData(expected)) {
      fail(context + ": key " + expected.key() + " should hold " + expected.fields() + " but "
          + (actual == null ? "is absent" : "holds " + actual.fields()));
    }
  }

  private static void assertOutcome(ActionOutcome o, Status status, @Nullable Entry found) {
    assertEquals(status, o.status(), () -> "status of " + o.action() + " (found " + o.found() + ")");
    if (found == null) {
      assertEquals(null, o.found(), () -> "what " + o.action() + " found: the key was absent");
    } else {
      assertSameData(found, o.found(), "what " + o.action() + " reports it found");
    }
  }

  /** The task's result; a failure inside it is rethrown as it was, not wrapped. */
  private static <T> T await(Future<T> task) throws Exception {
    try {
      return task.get(AWAIT_SECONDS * 4, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  private static <T extends Throwable> T assertFails(Class<T> type, Executable call, String what) {
    return assertThrows(type, call, what);
  }

  /** The entry with another name, its key and other fields as they were. */
  private static Entry changed(Entry e, String name) {
    return Entry.of(e.key(), fields(
        name,
        e.field(AMOUNT) instanceof Value.Num n ? n.decimal() : null,
        e.field(ACTIVE) instanceof Value.Bool b ? b.value() : null));
  }

  // ---------------------------------------------------------------- the tests

  @Nested
  @DisplayName("reading")
  class Reading extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a scan returns exactly the entries of its range, with open ends and bounds between keys")
    void scanRespectsBounds(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      List<KeyRange> ranges =
          List.of(
              KeyRange.all(),
              KeyRange.atLeast(kit.key(5)),
              KeyRange.below(kit.key(5)),
              KeyRange.of(kit.key(-1), kit.key(89)),
              KeyRange.of(kit.key(4), kit.key(100)),
              KeyRange.of(kit.key(4), kit.key(5)),
              KeyRange.of(kit.key(Long.MIN_VALUE), kit.key(Long.MAX_VALUE)),
              KeyRange.atLeast(kit.key(Long.MAX_VALUE)),
              KeyRange.below(kit.key(Long.MIN_VALUE)),
              KeyRange.below(kit.key(Long.MIN_VALUE + 1)),
              KeyRange.atLeast(kit.key(2_000_000_000)));
      for (KeyRange r : ranges) {
        assertScan(s, r, rows, "of the sample rows");
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("several ranges scan as one: the entries of each range in turn")
    void scanOfSeveralRanges(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      List<List<KeyRange>> cases =
          List.of(
              List.of(KeyRange.below(kit.key(0)), KeyRange.of(kit.key(4), kit.key(5)), KeyRange.atLeast(kit.key(89))),
              List.of(KeyRange.of(kit.key(-1), kit.key(1)), KeyRange.of(kit.key(1), kit.key(100))),
              List.of(KeyRange.all()),
              List.of());
      for (List<KeyRange> ranges : cases) {
        List<Entry> oneByOne = new ArrayList<>();
        ranges.forEach(r -> oneByOne.addAll(scan(s, r)));
        List<Entry> together;
        try (Stream<Entry> all = s.scan(ranges)) {
          together = all.toList();
        }
        assertEquals(oneByOne, together, "scan(" + ranges + ") against scanning each range");
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("what was written reads back as the same canonical data: null, empty text, 'NULL', non-ASCII, extreme decimals")
    void valuesRoundTrip(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      Map<Key, Entry> scanned = byKey(scan(s, KeyRange.all()));
      for (Entry e : rows) {
        assertSameData(e, scanned.get(e.key()), "reading back the sample");
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a scan of an empty store returns nothing")
    void emptyStore(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = open(shape);
      assertEquals(List.of(), scan(s, KeyRange.all()), "scan of a new store");
      assertEquals(Digest.EMPTY, s.digest(KeyRange.all()), "digest of a new store");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a look-up returns the present keys only")
    void lookups(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      List<Key> keys = List.of(kit.key(0), kit.key(4), kit.key(Long.MAX_VALUE), kit.key(Long.MIN_VALUE), kit.key(99));
      Map<Key, Entry> got = s.get(keys);
      assertEquals(Set.of(kit.key(0), kit.key(Long.MAX_VALUE), kit.key(Long.MIN_VALUE)), got.keySet(), "keys found by get");
      Map<Key, Entry> expected = byKey(rows);
      got.forEach((k, e) -> assertSameData(expected.get(k), e, "get"));
      assertTrue(s.get(List.of()).isEmpty(), "get of no keys returns nothing");
    }
  }

  @Nested
  @DisplayName("digests")
  class Digests extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("the digest of a range equals canonical hashing of the entries its scan returns")
    void digestEqualsScannedEntries(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      for (KeyRange r :
          List.of(KeyRange.all(), KeyRange.below(kit.key(3)), KeyRange.of(kit.key(3), kit.key(900)), KeyRange.atLeast(kit.key(900)), KeyRange.of(kit.key(4), kit.key(5)))) {
        Digest expected = digestOf(within(rows, r));
        assertEquals(expected, digestOf(scan(s, r)), () -> "canonical hashing of what the scan of " + r + " returned");
        assertEquals(expected, s.digest(r), () -> "digest of " + r);
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("row by row, digests equal client-side canonical hashing (what SERVER_SIDE_DIGEST promises)")
    void digestRowByRow(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      List<KeyRange> single = new ArrayList<>();
      for (int i = 0; i < IDS.length; i++) {
        single.add(KeyRange.of(kit.key(IDS[i]), i + 1 < IDS.length ? kit.key(IDS[i + 1]) : null));
      }
      List<Digest> digests = s.digest(single, HashScheme.CANONICAL_MD5);
      assertEquals(single.size(), digests.size(), "one digest per range");
      for (int i = 0; i < single.size(); i++) {
        Entry e = rows.get(i);
        assertEquals(Digest.of(e.hash()), digests.get(i), "digest of the single row " + e
            + (s.capabilities().contains(Capability.SERVER_SIDE_DIGEST) ? ", computed server-side" : ""));
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("the digest of a range is the sum of its parts' digests, under every declared scheme")
    void partsCombine(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = seeded(shape, kit.sample());
      List<KeyRange> parts = KeyRange.all().split(List.of(kit.key(-1), kit.key(0), kit.key(7), kit.key(1_000)));
      assertTrue(s.hashSchemes().contains(HashScheme.CANONICAL_MD5), () -> "every store digests with CANONICAL_MD5, but store '" + s.id() + "' declares " + s.hashSchemes());
      for (HashScheme scheme : s.hashSchemes()) {
        Digest whole = s.digest(List.of(KeyRange.all()), scheme).get(0);
        Digest sum = Digest.EMPTY;
        for (Digest d : s.digest(parts, scheme)) {
          sum = sum.plus(d);
        }
        assertEquals(whole, sum, "the digests of " + parts + " under " + scheme.name() + " added up");
      }
      List<KeyRange> apart = List.of(parts.get(0), parts.get(2), parts.get(4));
      assertEquals(
          List.of(s.digest(parts.get(0)), s.digest(parts.get(2)), s.digest(parts.get(4))),
          s.digest(apart, HashScheme.CANONICAL_MD5),
          "digests of ranges with gaps between them");
      assertEquals(List.of(), s.digest(List.of(), HashScheme.CANONICAL_MD5), "digests of no ranges");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("under every declared scheme, the row hashes of ranges add up to their digests")
    void rowHashesAddUpToDigests(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = seeded(shape, kit.sample());
      List<KeyRange> apart = List.of(KeyRange.below(kit.key(-1)), KeyRange.of(kit.key(0), kit.key(7)), KeyRange.of(kit.key(8), kit.key(9)),
          KeyRange.atLeast(kit.key(1_000)));
      for (HashScheme scheme : s.hashSchemes()) {
        for (KeyRange r : List.of(KeyRange.all(), KeyRange.of(kit.key(4), kit.key(5)))) {
          assertEquals(s.digest(List.of(r), scheme).get(0), sumOf(hashesOf(s, List.of(r), scheme)),
              () -> "the row hashes of " + r + " under " + scheme.name() + ", added up, against its digest");
        }
        List<Digest> digests = s.digest(apart, scheme);
        List<KeyHash> hashes = hashesOf(s, apart, scheme);
        for (int i = 0; i < apart.size(); i++) {
          KeyRange r = apart.get(i);
          assertEquals(digests.get(i), sumOf(hashes.stream().filter(h -> r.contains(h.key())).toList()),
              () -> "the row hashes of " + r + " under " + scheme.name() + ", read with " + apart + ", against its digest");
        }
      }
    }

    @Test
    @DisplayName("a store that declares canonical XXH3-128 computes exactly it: the sample's digest is the xxHash reference's")
    void canonicalXxh3IsExact() {
      Assumptions.assumeTrue(keyShapes().contains(KeyShape.LONG),
          "the xxHash reference digest is known for the LONG sample only, and the store does not declare LONG keys");
      Store s = seeded(KeyShape.LONG, new Shaped(KeyShape.LONG).sample());
      HashScheme xxh3 = HashScheme.CANONICAL_XXH3_128;
      Assumptions.assumeTrue(s.hashSchemes().contains(xxh3), () -> "store '" + s.id() + "' does not declare " + xxh3.name());
      assertEquals(SAMPLE_XXH3, s.digest(List.of(KeyRange.all()), xxh3).get(0),
          "the digest of the sample rows under " + xxh3.name() + " (XXH3-128 with seed 0 of each row's Canonical.encodeRow,"
              + " its high 64 bits as RowHash.hi, as the HashScheme javadoc defines it)");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("ranges that overlap or are out of order, and undeclared schemes, are rejected")
    void badArguments(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = seeded(shape, kit.sample());
      KeyRange a = KeyRange.below(kit.key(10));
      KeyRange b = KeyRange.atLeast(kit.key(5));
      assertFails(IllegalArgumentException.class, () -> s.digest(List.of(a, b), HashScheme.CANONICAL_MD5), "overlapping ranges");
      assertFails(
          IllegalArgumentException.class,
          () -> s.digest(List.of(KeyRange.atLeast(kit.key(10)), KeyRange.below(kit.key(5))), HashScheme.CANONICAL_MD5),
          "ranges out of order");
      HashScheme unknown = new HashScheme("reconcile-testkit/undeclared", 128);
      assertFails(IllegalArgumentException.class, () -> s.digest(List.of(KeyRange.all()), unknown), "a scheme the store does not declare");
      assertFails(IllegalArgumentException.class, () -> s.rowHashes(List.of(a, b), HashScheme.CANONICAL_MD5).close(),
          "row hashes of overlapping ranges");
      assertFails(IllegalArgumentException.class, () -> s.rowHashes(List.of(KeyRange.all()), unknown).close(),
          "row hashes under a scheme the store does not declare");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("row hashes: one per scanned entry, canonical ones equal to client-side hashing, under every scheme equal between equal stores and changed only for a changed row")
    void rowHashes(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      List<Entry> rows = kit.sample();
      Store s = seeded(shape, rows);
      Store same = seeded(shape, rows);
      List<KeyRange> ranges = List.of(KeyRange.below(kit.key(0)), KeyRange.of(kit.key(5), kit.key(1_000)), KeyRange.atLeast(kit.key(Long.MAX_VALUE)));
      List<Entry> expected = new ArrayList<>();
      ranges.forEach(r -> expected.addAll(within(rows, r)));
      for (HashScheme scheme : s.hashSchemes()) {
        List<KeyHash> hashes = hashesOf(s, ranges, scheme);
        List<Key> keys = hashes.stream().map(KeyHash::key).toList();
        List<Key> expectedKeys = expected.stream().map(Entry::key).toList();
        if (s.capabilities().contains(Capability.ORDERED_SCAN)) {
          assertEquals(expectedKeys, keys, () -> "keys of the row hashes under " + scheme.name() + ", in key order");
        } else {
          assertEquals(new HashSet<>(expectedKeys), new HashSet<>(keys), () -> "keys of the row hashes under " + scheme.name());
          assertEquals(expectedKeys.size(), keys.size(), () -> "row hashes under " + scheme.name() + " name a key twice");
        }
        if (scheme.equals(HashScheme.CANONICAL_MD5)) {
          Map<Key, Entry> byKey = byKey(expected);
          for (KeyHash h : hashes) {
            assertEquals(byKey.get(h.key()).hash(), h.hash(), () -> "canonical row hash of key " + h.key() + " (Entry.hash())");
          }
        }
        if (same.hashSchemes().contains(scheme)) {
          assertEquals(byKeyHash(hashes), byKeyHash(hashesOf(same, ranges, scheme)),
              () -> "row hashes under " + scheme.name() + " of two stores holding the same rows");
        }
        assertEquals(List.of(), hashesOf(s, List.of(), scheme), "row hashes of no ranges");
      }
      if (!s.capabilities().contains(Capability.WRITE)) {
        return;
      }
      Entry before = byKey(rows).get(kit.key(8));
      apply(s, List.of(RepairAction.upsert(s.id(), changed(before, "changed"), Expected.present(before))));
      for (HashScheme scheme : s.hashSchemes()) {
        Map<Key, RowHash> then = byKeyHash(hashesOf(same, ranges, scheme));
        Map<Key, RowHash> now = byKeyHash(hashesOf(s, ranges, scheme));
        for (Key k : then.keySet()) {
          if (k.equals(before.key())) {
            assertFalse(then.get(k).equals(now.get(k)), () -> "the row hash under " + scheme.name() + " of the changed row 8");
          } else {
            assertEquals(then.get(k), now.get(k), () -> "the row hash under " + scheme.name() + " of unchanged row " + k);
          }
        }
      }
    }
  }

  @Nested
  @DisplayName("segments")
  class Segments extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("segments are adjacent, in key order, at most as many as asked, and cover the range exactly")
    void segmentsCoverTheRange(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = seeded(shape, kit.sample());
      for (KeyRange r : List.of(KeyRange.all(), KeyRange.of(kit.key(-42), kit.key(1_000)), KeyRange.atLeast(kit.key(3)), KeyRange.below(kit.key(3)), KeyRange.of(kit.key(4), kit.key(5)))) {
        for (int max : new int[] {1, 2, 5, 1_000}) {
          List<Segment> segments = s.segments(r, max);
          String what = max + " segments of " + r + ": " + segments;
          assertFalse(segments.isEmpty(), what + " (at least one)");
          assertTrue(segments.size() <= max, what + " (at most " + max + ")");
          assertEquals(r.lo(), segments.get(0).range().lo(), what + " (the first starts where the range starts)");
          assertEquals(r.hi(), segments.get(segments.size() - 1).range().hi(), what + " (the last ends where the range ends)");
          for (int i = 1; i < segments.size(); i++) {
            Key end = segments.get(i - 1).range().hi();
            assertTrue(end != null && end.equals(segments.get(i).range().lo()), what + " (each starts where the previous ends)");
          }
        }
      }
    }

    @Test
    @DisplayName("asking for fewer than one segment is rejected")
    void badMax() {
      Store s = open(firstShape());
      assertFails(IllegalArgumentException.class, () -> s.segments(KeyRange.all(), 0), "segments(all, 0)");
    }
  }

  @Nested
  @DisplayName("writing")
  class Writing extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("upserts and deletes are visible to the next scan, look-up and digest, and report what they found")
    void writesAreVisible(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      Entry inserted = kit.row(4, "new", new BigDecimal("4.00"), true);
      Entry before = model.get(kit.key(1));
      Entry updated = changed(before, "updated");
      Entry deleted = model.get(kit.key(2));
      List<ActionOutcome> outcomes =
          apply(s, 
              List.of(
                  RepairAction.upsert(s.id(), inserted, Expected.absent()),
                  RepairAction.upsert(s.id(), updated, Expected.present(before)),
                  RepairAction.delete(s.id(), deleted.key(), Expected.present(deleted))));
      assertEquals(3, outcomes.size(), "one outcome per action");
      assertOutcome(outcomes.get(0), Status.APPLIED, null);
      assertOutcome(outcomes.get(1), Status.APPLIED, before);
      assertOutcome(outcomes.get(2), Status.APPLIED, deleted);
      model.put(inserted.key(), inserted);
      model.put(updated.key(), updated);
      model.remove(deleted.key());
      assertHolds(s, model.values(), "after an insert, an update and a delete");
      assertEquals(List.of(), apply(s, List.of()), "applying no actions");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("applying the same actions again reports them ALREADY_APPLIED and changes nothing")
    void replayIsIdempotent(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      Entry inserted = kit.row(6, "six", null, null);
      Entry updated = changed(model.get(kit.key(3)), "three");
      List<RepairAction> plan =
          List.of(
              RepairAction.upsert(s.id(), inserted, Expected.absent()),
              RepairAction.upsert(s.id(), updated, Expected.present(model.get(kit.key(3)))),
              RepairAction.delete(s.id(), kit.key(5), Expected.present(model.get(kit.key(5)))));
      apply(s, plan);
      model.put(inserted.key(), inserted);
      model.put(updated.key(), updated);
      model.remove(kit.key(5));
      List<ActionOutcome> replay = apply(s, plan);
      assertOutcome(replay.get(0), Status.ALREADY_APPLIED, inserted);
      assertOutcome(replay.get(1), Status.ALREADY_APPLIED, updated);
      assertOutcome(replay.get(2), Status.ALREADY_APPLIED, null);
      assertHolds(s, model.values(), "after the same plan was applied twice");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("with COMPARE_AND_SET, an action whose expectation is stale is REFUSED, reports what it found, and changes nothing")
    void staleExpectationIsRefused(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = conditional(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      Entry detected = model.get(kit.key(8));
      Entry concurrent = changed(detected, "written concurrently");
      apply(s, List.of(RepairAction.upsert(s.id(), concurrent, Expected.present(detected))));
      model.put(concurrent.key(), concurrent);
      Entry present = model.get(kit.key(13));
      List<ActionOutcome> outcomes =
          apply(s, 
              List.of(
                  RepairAction.upsert(s.id(), changed(detected, "repair"), Expected.present(detected)),
                  RepairAction.delete(s.id(), detected.key(), Expected.present(detected)),
                  RepairAction.upsert(s.id(), changed(present, "insert over"), Expected.absent()),
                  RepairAction.upsert(s.id(), kit.row(7, "gone", null, true), Expected.present(kit.row(7, "was here", null, true)))));
      assertOutcome(outcomes.get(0), Status.REFUSED, concurrent);
      assertOutcome(outcomes.get(1), Status.REFUSED, concurrent);
      assertOutcome(outcomes.get(2), Status.REFUSED, present);
      assertOutcome(outcomes.get(3), Status.REFUSED, null);
      assertHolds(s, model.values(), "after refused actions");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("with COMPARE_AND_SET, a refused action does not stop the rest of its batch")
    void refusalIsPerAction(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = conditional(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      Entry first = changed(model.get(kit.key(21)), "first");
      Entry last = kit.row(22, "last", BigDecimal.ONE, false);
      List<ActionOutcome> outcomes =
          apply(s, 
              List.of(
                  RepairAction.upsert(s.id(), first, Expected.present(model.get(kit.key(21)))),
                  RepairAction.upsert(s.id(), kit.row(34, "stale", null, null), Expected.absent()),
                  RepairAction.upsert(s.id(), last, Expected.absent())));
      assertOutcome(outcomes.get(0), Status.APPLIED, model.get(kit.key(21)));
      assertOutcome(outcomes.get(1), Status.REFUSED, model.get(kit.key(34)));
      assertOutcome(outcomes.get(2), Status.APPLIED, null);
      model.put(first.key(), first);
      model.put(last.key(), last);
      assertHolds(s, model.values(), "after a batch with one refused action");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("an action for another store fails its batch with IllegalArgumentException; with ATOMIC_BATCH, nothing of the batch is written")
    void foreignActionFailsTheBatch(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      String other = s.id() + "-other";
      List<RepairAction> batch =
          List.of(
              RepairAction.upsert(s.id(), changed(model.get(kit.key(21)), "in a failed batch"), Expected.present(model.get(kit.key(21)))),
              RepairAction.delete(s.id(), kit.key(34), Expected.present(model.get(kit.key(34)))),
              RepairAction.upsert(s.id(), kit.row(4, "in a failed batch", null, null), Expected.absent()),
              RepairAction.upsert(other, kit.row(6, "for another store", null, null), Expected.absent()));
      IllegalArgumentException e =
          assertFails(IllegalArgumentException.class, () -> s.apply(batch), "apply of a batch whose last action is for store '" + other + "'");
      assertTrue(String.valueOf(e.getMessage()).contains(other),
          () -> "the error names the other store '" + other + "': " + e.getMessage());
      if (s.capabilities().contains(Capability.ATOMIC_BATCH)) {
        visible(s);
        assertHolds(s, rows, "after a batch that failed on its last action (the store declares ATOMIC_BATCH)");
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("each action's inverse restores the state it expected")
    void inverseUndoes(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      List<RepairAction> plan =
          List.of(
              RepairAction.upsert(s.id(), kit.row(9, "nine", new BigDecimal("9.99"), true), Expected.absent()),
              RepairAction.upsert(s.id(), changed(model.get(kit.key(55)), "changed"), Expected.present(model.get(kit.key(55)))),
              RepairAction.delete(s.id(), kit.key(89), Expected.present(model.get(kit.key(89)))));
      apply(s, plan);
      List<RepairAction> undo = new ArrayList<>();
      for (int i = plan.size() - 1; i >= 0; i--) {
        undo.add(plan.get(i).inverse());
      }
      for (ActionOutcome o : apply(s, undo)) {
        assertEquals(Status.APPLIED, o.status(), () -> "undoing with " + o.action() + " (found " + o.found() + ")");
      }
      assertHolds(s, rows, "after a plan and its inverse");
    }
  }

  @Nested
  @DisplayName("replays (undo, resume)")
  class Replays extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a fingerprint is fixed for the store's life and tells two stores apart")
    void fingerprintIdentifiesTheStore(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = open(shape);
      Map<String, String> before = s.fingerprint();
      seed(s, kit.sample());
      assertEquals(before, s.fingerprint(), "the fingerprint after writes (it is computed once, when the store is opened)");
      before.forEach((part, value) -> assertTrue(part != null && !part.isBlank() && value != null,
          () -> "fingerprint part '" + part + "' of store '" + s.id() + "' must have a name and a value"));
      Store other = open(shape);
      if (!before.isEmpty() && !other.fingerprint().isEmpty()) {
        assertFalse(before.equals(other.fingerprint()),
            () -> "two stores that share nothing have the same fingerprint " + before
                + ", so an undo recorded against one would write to the other");
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("every action over values of the store's own shape is writable")
    void ownValuesAreWritable(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      for (Entry e : kit.sample()) {
        for (RepairAction a : List.of(
            RepairAction.upsert(s.id(), e, Expected.absent()),
            RepairAction.delete(s.id(), e.key(), Expected.present(e)))) {
          assertEquals(Optional.empty(), s.unwritable(a), () -> "unwritable(" + a + ")");
        }
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a value a field cannot hold is refused by naming the key and the field, never the value")
    void unwritableNamesNoValue(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      String tooLong = "secret-" + "x".repeat(100_000);
      Entry e = kit.row(7, tooLong, new BigDecimal("123456789012345678901234567890.123456"), true);
      Optional<String> why = s.unwritable(RepairAction.upsert(s.id(), e, Expected.absent()));
      if (why.isPresent()) {
        assertFalse(why.get().contains("secret-") || why.get().contains("1234567890123"),
            () -> "the reason shows the value: " + why.get().substring(0, Math.min(200, why.get().length())));
        String reason = why.get().toLowerCase(java.util.Locale.ROOT);
        assertTrue(reason.contains(NAME) || reason.contains(AMOUNT),
            () -> "the reason names no field (in any letter case): " + why.get());
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("what an applied update or delete found restores the row exactly, as undo does")
    void foundRowRestoresTheRow(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      Entry updatedFrom = model.get(kit.key(144));
      Entry deleted = model.get(kit.key(233));
      Entry updated = changed(updatedFrom, "changed before undo");
      List<ActionOutcome> outcomes = apply(s, List.of(
          RepairAction.upsert(s.id(), updated, Expected.present(updatedFrom)),
          RepairAction.delete(s.id(), deleted.key(), Expected.present(deleted))));
      List<RepairAction> undo = new ArrayList<>();
      for (ActionOutcome o : outcomes) {
        assertEquals(Status.APPLIED, o.status(), () -> "status of " + o.action());
        Entry found = o.found();
        Map<String, Value> stored = o.foundRow();
        if (stored == null) {
          undo.add(o.action().inverse());
          continue;
        }
        for (String field : List.of(NAME, AMOUNT, ACTIVE)) {
          assertTrue(stored.containsKey(field),
              () -> "foundRow of " + o.action() + " lacks compared field " + field);
        }
        Expected now = o.action().result() == null ? Expected.absent() : Expected.present(o.action().result());
        undo.add(RepairAction.restore(s.id(), found, stored, now));
      }
      for (ActionOutcome o : apply(s, undo)) {
        assertEquals(Status.APPLIED, o.status(), () -> "restoring with " + o.action() + " (found " + o.found() + ")");
      }
      assertHolds(s, rows, "after an update and a delete were restored from what they found");
    }
  }

  @Nested
  @DisplayName("concurrency")
  class Concurrency extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("with ATOMIC_BATCH, readers running during a stream of batches never see part of a batch")
    void readersNeverSeePartOfABatch(KeyShape shape) throws Exception {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      Assumptions.assumeTrue(
          s.capabilities().contains(Capability.ATOMIC_BATCH),
          () -> "store '" + s.id() + "' does not declare ATOMIC_BATCH, so readers may see part of a batch");
      int rowsPerBatch = 32;
      int batches = 25;
      List<List<Entry>> generations = new ArrayList<>();
      for (int g = 0; g <= batches; g++) {
        List<Entry> gen = new ArrayList<>();
        for (int k = 0; k < rowsPerBatch; k++) {
          gen.add(kit.row(k * 3L, "generation " + g, BigDecimal.valueOf(g), g % 2 == 0));
        }
        generations.add(gen);
      }
      seed(s, generations.get(0));
      Map<Digest, Integer> digestToGeneration = new ConcurrentHashMap<>();
      for (int g = 0; g <= batches; g++) {
        digestToGeneration.put(digestOf(generations.get(g)), g);
      }
      List<Key> keys = generations.get(0).stream().map(Entry::key).toList();
      int readers = 2;
      CyclicBarrier start = new CyclicBarrier(readers + 1);
      AtomicBoolean writing = new AtomicBoolean(true);
      AtomicInteger reads = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(readers + 1);
      try {
        Future<?> writer =
            pool.submit(
                () -> {
                  start.await(AWAIT_SECONDS, TimeUnit.SECONDS);
                  try {
                    for (int g = 1; g <= batches; g++) {
                      List<RepairAction> batch = new ArrayList<>();
                      for (int k = 0; k < rowsPerBatch; k++) {
                        batch.add(RepairAction.upsert(s.id(), generations.get(g).get(k), Expected.present(generations.get(g - 1).get(k))));
                      }
                      for (ActionOutcome o : apply(s, batch)) {
                        assertEquals(Status.APPLIED, o.status(), () -> "the writer's " + o.action());
                      }
                    }
                  } finally {
                    writing.set(false);
                  }
                  return null;
                });
        List<Future<?>> readerResults = new ArrayList<>();
        for (int r = 0; r < readers; r++) {
          readerResults.add(
              pool.submit(
                  () -> {
                    start.await(AWAIT_SECONDS, TimeUnit.SECONDS);
                    do {
                      Set<Value> seen = new HashSet<>();
                      scan(s, KeyRange.all()).forEach(e -> seen.add(e.field(NAME)));
                      assertEquals(1, seen.size(), () -> "a scan during writes saw rows of several batches: " + seen);
                      Set<Value> looked = new HashSet<>();
                      s.get(keys).values().forEach(e -> looked.add(e.field(NAME)));
                      assertEquals(1, looked.size(), () -> "a look-up of " + keys.size() + " keys during writes saw rows of several batches: " + looked);
                      Digest d = s.digest(KeyRange.all());
                      assertTrue(digestToGeneration.containsKey(d), () -> "a digest during writes, " + d + ", is that of no complete batch");
                      reads.incrementAndGet();
                    } while (writing.get());
                    return null;
                  }));
        }
        await(writer);
        for (Future<?> f : readerResults) {
          await(f);
        }
      } finally {
        pool.shutdownNow();
      }
      assertTrue(reads.get() >= readers, "every reader read at least once");
      assertHolds(s, generations.get(batches), "after the last batch");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("with COMPARE_AND_SET, of two conditional writes racing from the same state, exactly one applies")
    void racingConditionalWrites(KeyShape shape) throws Exception {
      Shaped kit = new Shaped(shape);
      Store s = conditional(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      for (long id : new long[] {0, 1, 2, 3, 5, 8, 13, 21, 34, 55}) {
        Entry detected = model.get(kit.key(id));
        List<ActionOutcome> outcomes = race(s, who -> RepairAction.upsert(s.id(), changed(detected, who), Expected.present(detected)));
        model.put(detected.key(), winner(outcomes, "two writes to key " + detected.key() + " expecting the same state"));
      }
      visible(s);
      assertHolds(s, model.values(), "after the races");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("with COMPARE_AND_SET, of two inserts racing for the same absent key, exactly one applies and the loser finds the winner's row")
    void racingInsertsOfAnAbsentKey(KeyShape shape) throws Exception {
      Shaped kit = new Shaped(shape);
      Store s = conditional(shape);
      List<Entry> rows = kit.sample();
      seed(s, rows);
      Map<Key, Entry> model = byKey(rows);
      for (long id : new long[] {Long.MIN_VALUE + 1, -2, 4, 6, 7, 9, 10, 100, 1_000, Long.MAX_VALUE - 1}) {
        Key absent = kit.key(id);
        List<ActionOutcome> outcomes =
            race(s, who -> RepairAction.upsert(s.id(), kit.row(id, who, BigDecimal.valueOf(id % 1_000), null), Expected.absent()));
        Entry won = winner(outcomes, "two inserts of the absent key " + absent);
        ActionOutcome applied = outcomes.stream().filter(o -> o.status() == Status.APPLIED).findFirst().orElseThrow();
        ActionOutcome refused = outcomes.stream().filter(o -> o.status() == Status.REFUSED).findFirst().orElseThrow();
        assertOutcome(applied, Status.APPLIED, null);
        assertOutcome(refused, Status.REFUSED, won);
        model.put(absent, won);
      }
      visible(s);
      assertHolds(s, model.values(), "after the races for absent keys (each key holds its winner's row)");
    }

    /**
     * Two single-action batches, the "left" and the "right" one, applied from two threads released
     * together by a barrier; their outcomes, left first.
     */
    private List<ActionOutcome> race(Store s, java.util.function.Function<String, RepairAction> racer) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        CyclicBarrier start = new CyclicBarrier(2);
        List<Future<ActionOutcome>> racers = new ArrayList<>();
        for (String who : List.of("left", "right")) {
          RepairAction a = racer.apply(who);
          racers.add(
              pool.submit(
                  () -> {
                    start.await(AWAIT_SECONDS, TimeUnit.SECONDS);
                    return s.apply(List.of(a)).get(0);
                  }));
        }
        List<ActionOutcome> outcomes = new ArrayList<>();
        for (Future<ActionOutcome> f : racers) {
          outcomes.add(await(f));
        }
        return outcomes;
      } finally {
        pool.shutdownNow();
      }
    }

    /** Checks that one racer applied and the other was refused; the winner's result. */
    private Entry winner(List<ActionOutcome> outcomes, String race) {
      List<ActionOutcome> applied = outcomes.stream().filter(o -> o.status() == Status.APPLIED).toList();
      assertEquals(1, applied.size(), () -> "of " + race + ", one applies and one is refused: " + outcomes);
      assertTrue(outcomes.stream().anyMatch(o -> o.status() == Status.REFUSED), () -> "the loser of " + race + " is refused: " + outcomes);
      return applied.get(0).action().result();
    }
  }

  @Nested
  @DisplayName("capabilities")
  class Capabilities extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a store without WRITE refuses every batch with RepairRefusedException, naming itself, and writes nothing")
    void withoutWriteRefuses(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store probe = open(shape);
      Store s;
      if (!probe.capabilities().contains(Capability.WRITE)) {
        s = probe;
      } else {
        Optional<Store> readOnly = newReadOnlyStore(shape);
        readOnly.ifPresent(opened::add);
        Assumptions.assumeTrue(readOnly.isPresent(), () -> "newReadOnlyStore(" + shape + ") offers no read-only store to check");
        s = readOnly.orElseThrow();
      }
      assertFalse(s.capabilities().contains(Capability.WRITE), () -> "the read-only store '" + s.id() + "' declares WRITE");
      List<Entry> before = scan(s, KeyRange.all());
      ReconcileException.RepairRefusedException e =
          assertFails(
              ReconcileException.RepairRefusedException.class,
              () -> s.apply(List.of(RepairAction.upsert(s.id(), kit.row(1, "x", null, null), Expected.absent()))),
              "apply on a store without WRITE");
      assertTrue(String.valueOf(e.getMessage()).contains(s.id()), () -> "the refusal names the store '" + s.id() + "': " + e.getMessage());
      assertEquals(before.size(), scan(s, KeyRange.all()).size(), "entries after the refused batch");
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("COMPARE_AND_SET, ATOMIC_BATCH and READ_YOUR_WRITES come only with WRITE; awaitVisible is true at once with READ_YOUR_WRITES and rejects a negative timeout")
    void writeSemantics(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Set<Capability> semantics =
          java.util.EnumSet.of(Capability.COMPARE_AND_SET, Capability.ATOMIC_BATCH, Capability.READ_YOUR_WRITES);
      List<Store> stores = new ArrayList<>(List.of(open(shape)));
      if (stores.get(0).capabilities().contains(Capability.WRITE)) {
        newReadOnlyStore(shape).ifPresent(ro -> {
          opened.add(ro);
          stores.add(ro);
        });
      }
      for (Store s : stores) {
        Set<Capability> declared = s.capabilities();
        if (!declared.contains(Capability.WRITE)) {
          assertTrue(java.util.Collections.disjoint(declared, semantics),
              () -> "store '" + s.id() + "' declares " + declared + " without WRITE, but " + semantics + " describe how it writes");
          assertTrue(s.awaitVisible(Duration.ZERO), () -> "store '" + s.id() + "' writes nothing, so all it wrote is visible");
        } else if (declared.contains(Capability.READ_YOUR_WRITES)) {
          s.apply(List.of(RepairAction.upsert(s.id(), kit.row(1, "one", BigDecimal.ONE, true), Expected.absent())));
          assertEquals(1, scan(s, KeyRange.all()).size(),
              () -> "entries read right after apply returned (store '" + s.id() + "' declares READ_YOUR_WRITES)");
          assertTrue(s.awaitVisible(Duration.ZERO),
              () -> "store '" + s.id() + "' declares READ_YOUR_WRITES, so its writes are visible once apply returns");
        }
        assertFails(IllegalArgumentException.class, () -> s.awaitVisible(Duration.ofSeconds(-1)), "awaitVisible(-1 s)");
      }
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("entries with version metadata are accepted, read back with it if VERSIONS is declared, and replay as ALREADY_APPLIED")
    void versions(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      Version version =
          new Version(VersionVector.of(Map.of("kit", 3L, "other", 1L)), Instant.parse("2024-05-06T07:08:09.123Z"));
      Entry versioned = kit.row(77, "versioned", new BigDecimal("7.70"), true).withVersion(version);
      RepairAction put = RepairAction.upsert(s.id(), versioned, Expected.absent());
      assertOutcome(apply(s, List.of(put)).get(0), Status.APPLIED, null);
      List<Entry> read = scan(s, KeyRange.all());
      assertEquals(1, read.size(), "entries after one upsert");
      assertSameData(versioned, read.get(0), "reading a versioned entry");
      if (s.capabilities().contains(Capability.VERSIONS)) {
        assertEquals(version, read.get(0).version(), "the version of an entry read from a store that declares VERSIONS");
      }
      assertOutcome(apply(s, List.of(put)).get(0), Status.ALREADY_APPLIED, versioned);
    }

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a store with CHANGE_FEED feeds written and deleted keys from a position, at least once, and a gap for a"
        + " position it cannot resume; one without refuses to open a feed")
    void changeFeed(KeyShape shape) throws Exception {
      Shaped kit = new Shaped(shape);
      Store s = writable(shape);
      if (!s.capabilities().contains(Capability.CHANGE_FEED)) {
        assertFails(UnsupportedOperationException.class, () -> s.changes(Optional.empty()), "changes() on a store without CHANGE_FEED");
        return;
      }
      Entry e = kit.row(10, "ten", null, null);
      FeedPosition start;
      try (ChangeFeed feed = s.changes(Optional.empty())) {
        ChangeBatch first = feed.poll(Duration.ZERO);
        assertTrue(first.gap().isEmpty(), "a feed opened at the end reports no gap, but said: " + first.gap().orElse(""));
        start = first.position();
        apply(s, List.of(RepairAction.upsert(s.id(), e, Expected.absent())));
        assertEquals(List.of(e.key()), distinctKeys(feed, 1), "the keys the change feed reported for an upsert");
        apply(s, List.of(RepairAction.delete(s.id(), e.key(), Expected.present(e))));
        assertEquals(List.of(e.key()), distinctKeys(feed, 1), "the keys the change feed reported for a delete");
      }
      try (ChangeFeed again = s.changes(Optional.of(start))) {
        List<Change> replayed = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
        while (replayed.size() < 2 && System.nanoTime() < deadline) {
          ChangeBatch b = again.poll(Duration.ofMillis(200));
          assertTrue(b.gap().isEmpty(), "a feed opened after its own recent position reports no gap, but said: " + b.gap().orElse(""));
          replayed.addAll(b.changes());
        }
        assertTrue(replayed.size() >= 2 && replayed.stream().allMatch(c -> c.key().equals(e.key())),
            "a feed opened after a position delivers the upsert and the delete that followed it, but gave " + replayed.size()
                + " changes");
      }
      try (ChangeFeed foreign = s.changes(Optional.of(new FeedPosition("not a position of any feed")))) {
        assertTrue(foreign.poll(Duration.ZERO).gap().isPresent(), "a feed opened after a malformed position reports a gap");
      }
    }

    /** Polls until {@code n} distinct keys came, or the kit's wait ran out. */
    private List<Key> distinctKeys(ChangeFeed feed, int n) throws InterruptedException {
      Set<Key> seen = new java.util.LinkedHashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(AWAIT_SECONDS);
      while (seen.size() < n && System.nanoTime() < deadline) {
        feed.poll(Duration.ofMillis(200)).changes().forEach(c -> seen.add(c.key()));
      }
      return List.copyOf(seen);
    }
  }

  @Nested
  @DisplayName("lifecycle")
  class Lifecycle extends PerShape {

    @ParameterizedTest(name = PER_SHAPE)
    @MethodSource(DECLARED_SHAPES)
    @DisplayName("a closed store fails every call with a StoreUnavailableException that names it and is not transient")
    void closedStoreFails(KeyShape shape) {
      Shaped kit = new Shaped(shape);
      Store s = seeded(shape, kit.sample());
      s.close();
      s.close();
      Map<String, Executable> calls = new LinkedHashMap<>();
      calls.put("segments", () -> s.segments(KeyRange.all(), 4));
      calls.put("digest", () -> s.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5));
      calls.put("scan", () -> scan(s, KeyRange.all()));
      calls.put("get", () -> s.get(List.of(kit.key(0))));
      calls.put("apply", () -> s.apply(List.of(RepairAction.upsert(s.id(), kit.row(4, "x", null, null), Expected.absent()))));
      calls.forEach(
          (name, call) -> {
            ReconcileException.StoreUnavailableException e =
                assertFails(ReconcileException.StoreUnavailableException.class, call, name + " on a closed store");
            assertFalse(e.isTransient(), name + " on a closed store: a closed store does not reopen, so the failure is not transient");
            assertTrue(String.valueOf(e.getMessage()).contains(s.id()), () -> name + " on a closed store: the message names store '" + s.id() + "': " + e.getMessage());
          });
    }

    @Test
    @DisplayName("a bad configuration fails to open with a ConfigurationException that names what was wrong")
    void badConfigurationsFailClearly() {
      Map<String, Supplier<Store>> bad = badConfigurations();
      Assumptions.assumeFalse(bad.isEmpty(), "badConfigurations() lists none to check");
      bad.forEach(
          (named, attempt) -> {
            ReconcileException.ConfigurationException e =
                assertFails(
                    ReconcileException.ConfigurationException.class,
                    () -> opened.add(attempt.get()),
                    "opening with a bad configuration (" + named + ")");
            assertTrue(String.valueOf(e.getMessage()).contains(named), () -> "the error names '" + named + "': " + e.getMessage());
          });
    }
  }
}
