package io.reconcile.mongo;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.reconcile.api.Key;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.Reconciler;
import io.reconcile.core.Watch;
import io.reconcile.core.WatchOptions;
import io.reconcile.core.WatchReport;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.testservers.TestMongo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reconciler#watch} between two collections, each followed by its own change stream (the
 * in-memory server with its oplog, or {@code MONGO_URI}'s): drift on either side is reported once
 * the settle window has passed, or repaired from the primary; a write that reaches both sides is
 * not reported; a watch stopped cleanly resumes after its resume tokens without a sweep, and a
 * collection dropped and filled again while it was stopped is a gap that forces one.
 */
class MongoWatchIT {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MongoWatchIT.class);

  private static final MongoClient CLIENT = MongoClients.create(TestMongo.withChangeStreams());
  private static final int DOCS = 300;
  private static final Duration SETTLE = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** What detection may take beyond the settle window: a few cycles, the streams' awaits, the digests. */
  private static final Duration SLACK = Duration.ofSeconds(4);

  @TempDir Path dir;

  private MongoCollection<BsonDocument> primary;
  private MongoCollection<BsonDocument> replica;
  /** Divergences the watch reported, and when each key was first reported (nanoTime). */
  private final List<Divergence> reported = new CopyOnWriteArrayList<>();
  private final Map<Key, Long> reportedAt = new ConcurrentHashMap<>();
  private final List<ActionOutcome> repairs = new CopyOnWriteArrayList<>();

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  @BeforeEach
  void plant() {
    // A database each: the in-memory server reports a drop to every stream of its database.
    primary = collection("primary");
    replica = collection("replica");
    fill(primary);
    fill(replica);
  }

  private static MongoCollection<BsonDocument> collection(String prefix) {
    var db = CLIENT.getDatabase(TestMongo.newDatabase(prefix));
    db.createCollection("orders");
    return db.getCollection("orders", BsonDocument.class);
  }

  private static BsonDocument order(long id, String status) {
    return new BsonDocument("_id", new BsonInt64(id)).append("status", new BsonString(status))
        .append("amount", new BsonDouble(id + 0.5));
  }

  private static void fill(MongoCollection<BsonDocument> c) {
    List<BsonDocument> docs = new ArrayList<>();
    for (long i = 1; i <= DOCS; i++) {
      docs.add(order(i, "new"));
    }
    c.insertMany(docs);
  }

  private static void set(MongoCollection<BsonDocument> c, long id, String field, Object value) {
    c.updateOne(Filters.eq("_id", id), Updates.set(field, value));
  }

  private MongoStore store(MongoCollection<BsonDocument> c, String id) {
    return MongoStore.newBuilder(CLIENT, c.getNamespace().getDatabaseName(), c.getNamespace().getCollectionName())
        .id(id).build();
  }

  /**
   * A watch of the two stores, its state under the test's directory (so a second one resumes):
   * report-only, or with an audit log, repairing the replica from the primary.
   */
  private Watch watch(MongoStore p, MongoStore r, @Nullable FileAuditLog audit) {
    Reconciler.Builder b = Reconciler.newBuilder().stores(p, r).checkpoints(FileCheckpointStore.open(dir.resolve("state")))
        .listener(new ReconcileListener() {
          @Override
          public void divergenceFound(String runId, Divergence d) {
            assertThat(runId).startsWith("watch-orders-");
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
    return b.build().watch(WatchOptions.newBuilder().name("orders").settle(SETTLE).interval(Duration.ofMillis(150))
        .leafRows(16).spotChecks(2).build());
  }

  /** A test's steps with a running watch. */
  private interface Steps {
    void run(Watch w) throws Exception;
  }

  /**
   * Runs {@code steps} with a watch over new stores of both collections (a restarted service builds
   * new ones), then closes it cleanly; returns where it stood then.
   */
  private WatchReport watched(@Nullable FileAuditLog audit, Steps steps) throws Exception {
    try (MongoStore p = store(primary, "primary"); MongoStore r = store(replica, "replica"); Watch w = watch(p, r, audit)) {
      steps.run(w);
      w.close();
      assertThat(w.failure()).isEmpty();
      return w.status();
    }
  }

  private static WatchReport swept(Watch w) throws InterruptedException {
    return await(w, "the first sweep", () -> w.status().sweeps() == 1);
  }

  private List<Key> reportedKeys() {
    return reported.stream().map(Divergence::key).toList();
  }

  /** Waits, cycle by cycle, until {@code done}; fails after {@link #WAIT} with where the watch stands. */
  private static WatchReport await(Watch w, String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.getAsBoolean()) {
      assertThat(w.failure()).as("the watch failed").isEmpty();
      assertThat(deadline - System.nanoTime()).as("%s within %s: %s", what, WAIT, w.status().statusLine()).isPositive();
      w.awaitCycles(1, WAIT);
    }
    return w.status();
  }

  /** Lets two settle windows and three more cycles pass: whatever was settling has been decided. */
  private static WatchReport settleAll(Watch w) throws InterruptedException {
    long end = System.nanoTime() + SETTLE.multipliedBy(2).toNanos();
    await(w, "two settle windows", () -> System.nanoTime() - end > 0);
    return w.awaitCycles(3, WAIT).orElseThrow();
  }

  @Test
  @DisplayName("drift in the replica is reported once, within the settle window and a few seconds; writes that reach both sides are not")
  void reportsDriftNotReplication() throws Exception {
    watched(null, w -> {
      WatchReport first = swept(w);
      assertThat(first.lastSweepReason()).isEqualTo("first start");
      assertThat(first.rowsChecked()).isEqualTo(2L * DOCS);
      assertThat(first.leaves()).isGreaterThanOrEqualTo(DOCS / 16 / 2);
      assertThat(w.fedStores()).containsExactly("primary", "replica");

      long drifted = System.nanoTime();
      set(replica, 42, "status", "drifted");
      set(primary, 7, "amount", 1.0); // replicated at once
      set(replica, 7, "amount", 1.0);

      await(w, "a divergence on 42", () -> reportedKeys().contains(Key.of(42L)));
      Duration detected = Duration.ofNanos(reportedAt.get(Key.of(42L)) - drifted);
      LOG.info("drift detected after {} ms (settle {} ms)", detected.toMillis(), SETTLE.toMillis());
      assertThat(detected).isBetween(SETTLE, SETTLE.plus(SLACK));
      assertThat(reported.get(0).kind()).isEqualTo(Divergence.Kind.MISMATCH);

      set(primary, 9, "status", "shipped"); // the replica behind: written once the watch saw the sides differ
      await(w, "the difference on 9 held back", () -> w.status().settling() >= 1);
      set(replica, 9, "status", "shipped");
      WatchReport after = settleAll(w);
      assertThat(after.settled()).as(after.statusLine()).isGreaterThanOrEqualTo(1);
      assertThat(reportedKeys()).as("42 once, never 7 or 9").containsExactly(Key.of(42L));
      assertThat(after.divergences()).isEqualTo(1);
      assertThat(after.sweeps()).isEqualTo(1);
      assertThat(after.gaps()).isZero();
      assertThat(after.timeToDetect().samples()).isEqualTo(1);
    });
  }

  @Test
  @DisplayName("with APPLY and the primary as the source of truth, a deleted, a changed and an extra document are repaired, audited, and the collections agree")
  void repairsTheReplica() throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    try (FileAuditLog audit = FileAuditLog.open(auditFile)) {
      watched(audit, w -> {
        swept(w);
        long drifted = System.nanoTime();
        replica.deleteOne(Filters.eq("_id", 3L));
        set(replica, 4, "status", "drifted");
        replica.insertOne(order(DOCS + 1, "ghost"));

        await(w, "three repairs", () -> w.status().repairs().applied() >= 3);
        LOG.info("three drifts repaired after {} ms", Duration.ofNanos(System.nanoTime() - drifted).toMillis());
        assertThat(repairs).extracting(o -> o.action().key())
            .containsExactlyInAnyOrder(Key.of(3L), Key.of(4L), Key.of((long) DOCS + 1));
        assertThat(repairs).allSatisfy(o -> assertThat(o.status()).isEqualTo(ActionOutcome.Status.APPLIED));
        WatchReport after = settleAll(w);
        assertThat(after.repairs().applied()).as("the repairs, seen by the replica's feed, change nothing more").isEqualTo(3);
        assertThat(after.convergenceLag().samples()).isGreaterThanOrEqualTo(3);
      });
    }
    assertThat(replica.find(Filters.eq("_id", 4L)).first()).isEqualTo(order(4, "new"));
    assertThat(replica.countDocuments()).isEqualTo(DOCS);
    try (MongoStore p = store(primary, "primary"); MongoStore r = store(replica, "replica")) {
      assertThat(Reconciler.newBuilder().stores(p, r).build().run().divergences()).as("a full run afterwards").isZero();
    }
    assertThat(FileAuditLog.verify(auditFile).intact()).isTrue();
  }

  @Test
  @DisplayName("stopped cleanly and started again, the watch resumes after its resume tokens without a sweep and finds what changed meanwhile")
  void resumesWithoutASweep() throws Exception {
    WatchReport stopped = watched(null, MongoWatchIT::swept);
    replica.deleteOne(Filters.eq("_id", 99L)); // while no watch runs

    watched(null, w -> {
      WatchReport first = w.awaitCycles(1, WAIT).orElseThrow();
      assertThat(first.sweeps()).as("no sweep after a clean stop").isEqualTo(1);
      assertThat(first.gaps()).isZero();
      assertThat(first.leavesChecked() - stopped.leavesChecked()).as("the first cycle checks what changed, not everything")
          .isLessThan(first.leaves() / 2);
      await(w, "a divergence on 99", () -> reportedKeys().contains(Key.of(99L)));
      assertThat(reported).singleElement().satisfies(d -> assertThat(d.kind()).isEqualTo(Divergence.Kind.MISSING));
      assertThat(w.status().sweeps()).isEqualTo(1);
    });
  }

  @Test
  @DisplayName("a collection dropped and filled again while the watch was stopped is a gap: the next start sweeps and finds the drift")
  void droppedCollectionForcesASweep() throws Exception {
    watched(null, MongoWatchIT::swept);
    replica.drop(); // a reload: the same documents, but 55 drifted
    fill(replica);
    set(replica, 55, "status", "drifted");

    WatchReport last = watched(null, w -> {
      WatchReport gapped = await(w, "a gap", () -> w.status().gaps() >= 1);
      assertThat(gapped.sweeps()).isEqualTo(2);
      assertThat(gapped.lastSweepReason()).contains("gap").contains("replica");
      await(w, "a divergence on 55", () -> reportedKeys().contains(Key.of(55L)));
      settleAll(w);
    });
    assertThat(reportedKeys()).containsExactly(Key.of(55L));
    assertThat(last.sweeps()).isEqualTo(2);
  }
}
