package io.reconcile.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Key;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.Reconciler;
import io.reconcile.core.Watch;
import io.reconcile.core.WatchOptions;
import io.reconcile.core.WatchReport;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import io.reconcile.testservers.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reconciler#watch} between two PostgreSQL databases of one server ({@code wal_level=logical}),
 * each table's changes read from its WAL by a {@link PostgresChangeFeed} of its own (distinct
 * watcher ids, so distinct slots): drift on either side is reported once the settle window has
 * passed, or repaired from the primary; a write that reaches both sides is not reported; a watch
 * stopped cleanly resumes from the saved positions without a sweep (also when a feed's engine was
 * still starting as it stopped, which must not hold the stop up), and a replication slot dropped
 * while it was stopped is a gap that forces one.
 */
class PostgresWatchIT {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PostgresWatchIT.class);

  private static final int ROWS = 300;
  private static final Duration SETTLE = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(45);
  /** What detection may take beyond the settle window: a few cycles, Debezium's delivery, the digests. */
  private static final Duration SLACK = Duration.ofSeconds(4);

  private static TestServer server;

  @TempDir Path dir;

  private TestDatabase primary;
  private TestDatabase replica;
  /** The test's name, part of its watcher ids: slots are per server. */
  private String test;
  private final List<Divergence> reported = new CopyOnWriteArrayList<>();
  private final Map<Key, Long> reportedAt = new ConcurrentHashMap<>();
  private final List<ActionOutcome> repairs = new CopyOnWriteArrayList<>();
  /** Settings of the replica's Debezium connector beyond the feed's own, for the next watch. */
  private final Map<String, String> replicaConnector = new HashMap<>();
  /** The slots the test's feeds use, and the database of each: a server has ten, so each test drops its own. */
  private final Map<String, TestDatabase> slots = new LinkedHashMap<>();

  @BeforeAll
  static void start() {
    server = TestServers.logicalPostgres();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void plant(TestInfo info) {
    test = info.getTestMethod().orElseThrow().getName().toLowerCase(Locale.ROOT);
    primary = server.newDatabase();
    replica = server.newDatabase();
    for (TestDatabase db : List.of(primary, replica)) {
      db.exec("CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, amount numeric(10,2) NOT NULL)",
          "INSERT INTO orders SELECT i, 'new', i + 0.5 FROM generate_series(1, " + ROWS + ") i");
    }
  }

  @AfterEach
  void dropSlots() {
    slots.forEach((slot, db) -> dropSlot(db, slot));
  }

  private static Store store(TestDatabase db, String id) {
    return JdbcStore.newBuilder(db.dataSource()).id(id).table("public.orders").build();
  }

  private PostgresChangeFeed feed(TestDatabase db, String side, Store store, Map<String, String> connector) {
    Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)").matcher(db.jdbcUrl());
    assertThat(m.matches()).as(db.jdbcUrl()).isTrue();
    PostgresChangeFeed.Builder b = PostgresChangeFeed.newBuilder().host(m.group(1)).port(Integer.parseInt(m.group(2)))
        .database(m.group(3)).user(db.user()).password(db.password()).table("public.orders").watcherId(test + "_" + side)
        .store(store);
    connector.forEach(b::connectorProperty);
    PostgresChangeFeed feed = b.build();
    slots.put(feed.slotName(), db);
    return feed;
  }

  /**
   * A watch of both tables over new stores, each fed from its WAL, its state under the test's
   * directory (so a second one resumes): report-only, or with an audit log, repairing the replica
   * from the primary.
   */
  private Watch watch(Store p, Store r, @Nullable FileAuditLog audit) {
    Reconciler.Builder b = Reconciler.newBuilder().stores(p, r).checkpoints(FileCheckpointStore.open(dir.resolve("state")))
        .listener(new ReconcileListener() {
          @Override
          public void divergenceFound(String runId, Divergence d) {
            assertThat(runId).startsWith("watch-" + test + "-");
            reportedAt.putIfAbsent(d.key(), System.nanoTime());
            reported.add(d);
          }

          @Override
          public void repairApplied(String runId, ActionOutcome outcome) {
            repairs.add(outcome);
          }
        });
    if (audit != null) {
      b.mode(Mode.APPLY).resolver(Resolvers.sourceOfTruth("primary")).auditLog(audit);
    }
    return b.build().watch(WatchOptions.newBuilder().name(test).settle(SETTLE).interval(Duration.ofMillis(150))
        .leafRows(16).spotChecks(2).feed("primary", feed(primary, "p", p, Map.of())).feed("replica", feed(replica, "r", r, replicaConnector))
        .build());
  }

  /** What a test does with a running watch. */
  private interface WithWatch {
    void accept(Watch w) throws Exception;
  }

  /**
   * Starts a watch over new stores of both tables (as a restarted service would), runs {@code body}
   * with it, closes it, and returns where it stood when closed.
   */
  private WatchReport watched(@Nullable FileAuditLog audit, WithWatch body) throws Exception {
    try (Store p = store(primary, "primary"); Store r = store(replica, "replica"); Watch w = watch(p, r, audit)) {
      body.accept(w);
      w.close();
      assertThat(w.failure()).as("the watch failed").isEmpty();
      return w.status();
    }
  }

  private static void firstSweep(Watch w) throws InterruptedException {
    until(w, "the first sweep", x -> x.sweeps() == 1);
  }

  private List<Key> reportedKeys() {
    return reported.stream().map(Divergence::key).toList();
  }

  /** A condition on what the watch did so far. */
  private interface Done {
    boolean test(WatchReport status);
  }

  /** Runs the watch cycle by cycle until {@code done}; fails after {@link #WAIT} with where it stands. */
  private static WatchReport until(Watch w, String what, Done done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    WatchReport r = w.status();
    while (!done.test(r)) {
      assertThat(w.failure()).as("the watch failed").isEmpty();
      assertThat(deadline - System.nanoTime()).as("%s within %s: %s", what, WAIT, r.statusLine()).isPositive();
      r = w.awaitCycles(1, WAIT).orElse(r);
    }
    return r;
  }

  /** Two settle windows and three more cycles: whatever was settling has been decided. */
  private static WatchReport afterSettling(Watch w) throws InterruptedException {
    long end = System.nanoTime() + 2 * SETTLE.toNanos();
    until(w, "two settle windows", x -> System.nanoTime() - end > 0);
    return w.awaitCycles(3, WAIT).orElseThrow();
  }

  @Test
  @DisplayName("drift in the replica is reported once, within the settle window and a few seconds; writes that reach both sides are not")
  void reportsDriftNotReplication() throws Exception {
    watched(null, w -> {
      WatchReport first = until(w, "the first sweep", x -> x.sweeps() == 1);
      assertThat(first.lastSweepReason()).isEqualTo("first start");
      assertThat(first.rowsChecked()).isEqualTo(2L * ROWS);
      assertThat(first.leaves()).isGreaterThanOrEqualTo(ROWS / 16 / 2);
      assertThat(w.fedStores()).containsExactly("primary", "replica");

      long drifted = System.nanoTime();
      replica.exec("UPDATE orders SET status = 'drifted' WHERE id = 42");
      primary.exec("UPDATE orders SET amount = 1 WHERE id = 7"); // replicated at once
      replica.exec("UPDATE orders SET amount = 1 WHERE id = 7");

      until(w, "a divergence on 42", x -> reportedKeys().contains(Key.of(42L)));
      Duration detected = Duration.ofNanos(reportedAt.get(Key.of(42L)) - drifted);
      LOG.info("drift detected after {} ms (settle {} ms)", detected.toMillis(), SETTLE.toMillis());
      assertThat(detected).isBetween(SETTLE, SETTLE.plus(SLACK));
      assertThat(reported.get(0).kind()).isEqualTo(Divergence.Kind.MISMATCH);

      primary.exec("UPDATE orders SET status = 'shipped' WHERE id = 9"); // the replica behind
      until(w, "the difference on 9 held back", x -> x.settling() >= 1);
      replica.exec("UPDATE orders SET status = 'shipped' WHERE id = 9");
      WatchReport after = afterSettling(w);
      assertThat(after.settled()).as(after.statusLine()).isGreaterThanOrEqualTo(1);
      assertThat(reportedKeys()).as("42 once, never 7 or 9").containsExactly(Key.of(42L));
      assertThat(after.divergences()).isEqualTo(1);
      assertThat(after.sweeps()).isEqualTo(1);
      assertThat(after.gaps()).isZero();
      assertThat(after.timeToDetect().samples()).isEqualTo(1);
    });
  }

  @Test
  @DisplayName("with APPLY and the primary as the source of truth, a deleted, a changed and an extra row are repaired, audited, and the tables agree")
  void repairsTheReplica() throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    String primaryBefore = primary.checksum();
    try (FileAuditLog audit = FileAuditLog.open(auditFile)) {
      watched(audit, this::driftAndRepair);
    }
    assertThat(replica.checksum()).isEqualTo(primary.checksum());
    assertThat(primary.checksum()).as("the source of truth untouched").isEqualTo(primaryBefore);
    assertThat(FileAuditLog.verify(auditFile).intact()).isTrue();
  }

  /** Drifts the replica three ways under a repairing watch, and waits for the three repairs. */
  private void driftAndRepair(Watch w) throws InterruptedException {
    firstSweep(w);
    long drifted = System.nanoTime();
    replica.exec("DELETE FROM orders WHERE id = 3", "UPDATE orders SET status = 'drifted' WHERE id = 4",
        "INSERT INTO orders VALUES (" + (ROWS + 1) + ", 'ghost', 0)");

    until(w, "three repairs", x -> x.repairs().applied() >= 3);
    LOG.info("three drifts repaired after {} ms", (System.nanoTime() - drifted) / 1_000_000);
    assertThat(repairs).extracting(o -> o.action().key())
        .containsExactlyInAnyOrder(Key.of(3L), Key.of(4L), Key.of((long) ROWS + 1));
    assertThat(repairs).allSatisfy(o -> assertThat(o.status()).isEqualTo(ActionOutcome.Status.APPLIED));
    WatchReport after = afterSettling(w);
    assertThat(after.repairs().applied()).as("the repairs, read back from the WAL, change nothing more").isEqualTo(3);
    assertThat(after.convergenceLag().samples()).isGreaterThanOrEqualTo(3);
  }

  @Test
  @DisplayName("stopped cleanly and started again, the watch resumes from the saved WAL positions without a sweep and finds what changed meanwhile")
  void resumesWithoutASweep() throws Exception {
    WatchReport stopped = watched(null, PostgresWatchIT::firstSweep);
    replica.exec("DELETE FROM orders WHERE id = 99"); // while no watch runs

    watched(null, w -> {
      WatchReport first = w.awaitCycles(1, WAIT).orElseThrow();
      assertThat(first.sweeps()).as("no sweep after a clean stop").isEqualTo(1);
      assertThat(first.gaps()).isZero();
      assertThat(first.leavesChecked() - stopped.leavesChecked()).as("the first cycle checks what changed, not everything")
          .isLessThan(first.leaves() / 2);
      until(w, "a divergence on 99", x -> reportedKeys().contains(Key.of(99L)));
      assertThat(reported).singleElement().satisfies(d -> assertThat(d.kind()).isEqualTo(Divergence.Kind.MISSING));
      assertThat(w.status().sweeps()).isEqualTo(1);
      assertThat(w.status().gaps()).isZero();
    });
  }

  @Test
  @DisplayName("a replication slot dropped while the watch was stopped is a gap: the next start sweeps and finds the drift")
  void droppedSlotForcesASweep() throws Exception {
    watched(null, PostgresWatchIT::firstSweep);
    replica.exec("UPDATE orders SET status = 'drifted' WHERE id = 55");
    String slot = slots.entrySet().stream().filter(e -> e.getValue() == replica).findFirst().orElseThrow().getKey();
    assertThat(dropSlot(replica, slot)).as("slot %s dropped", slot).isTrue();

    watched(null, w -> {
      WatchReport gapped = until(w, "a gap", x -> x.gaps() >= 1);
      assertThat(gapped.sweeps()).isEqualTo(2);
      assertThat(gapped.lastSweepReason()).contains("gap").contains("replica");
      until(w, "a divergence on 55", x -> reportedKeys().contains(Key.of(55L)));
      WatchReport after = afterSettling(w);
      assertThat(reportedKeys()).containsExactly(Key.of(55L));
      assertThat(after.sweeps()).isEqualTo(2);
    });
  }

  @Test
  @DisplayName("a watch closed while a feed's engine is still starting stops within seconds; the next start resumes without a sweep")
  void closedWhileAFeedStarts() throws Exception {
    // A slow server: every connection the replica's engine opens first runs a 1-second statement,
    // so its tasks are still starting when the watch, done with its first sweep, is closed.
    replicaConnector.put("database.initial.statements", "SELECT pg_sleep(1)");
    Duration closing;
    try (Store p = store(primary, "primary"); Store r = store(replica, "replica"); Watch w = watch(p, r, null)) {
      firstSweep(w);
      long t0 = System.nanoTime();
      w.close();
      closing = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(w.failure()).isEmpty();
    }
    LOG.info("a watch whose feed was starting closed in {} ms", closing.toMillis());
    replicaConnector.clear();
    replica.exec("UPDATE orders SET status = 'drifted' WHERE id = 77");

    WatchReport resumed = watched(null, w -> until(w, "a divergence on 77", x -> reportedKeys().contains(Key.of(77L))));
    assertThat(resumed.sweeps()).as("no sweep after a clean stop").isEqualTo(1);
    // A feed asks a starting engine to stop for at most 10 s, then interrupts its thread: never the 30 s and an exception of before.
    assertThat(closing).as("closing the watch, its feeds included").isLessThan(Duration.ofSeconds(25));
  }

  /**
   * Drops a slot of {@code db} once the feed that read it has let go of it (its walsender may take
   * a moment to end); false if there is no such slot.
   */
  private static boolean dropSlot(TestDatabase db, String slot) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String state;
    while ((state = db.query("SELECT coalesce(max(active::text), 'none') FROM pg_replication_slots WHERE slot_name = '"
        + slot + "'").strip()).equals("true")) {
      assertThat(deadline - System.nanoTime()).as("slot %s released within %s", slot, WAIT).isPositive();
      Thread.onSpinWait();
    }
    if (state.equals("none")) {
      return false;
    }
    db.exec("SELECT pg_drop_replication_slot('" + slot + "')");
    return true;
  }
}
