package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Key;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.Reconciler;
import io.reconcile.core.RetryPolicy;
import io.reconcile.core.Watch;
import io.reconcile.core.WatchOptions;
import io.reconcile.core.WatchReport;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestKafka;
import io.reconcile.testservers.TestServers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Reconciler#watch} between a PostgreSQL table and the compacted topic it is published to,
 * the topic's changes read from its own feed ({@link KafkaStore#changes}); the table has no feed, so
 * its side is read whenever a leaf is checked. Drift written to the topic is reported once the
 * settle window has passed, or repaired from the table; a write that reaches both sides is not; a
 * watch stopped cleanly resumes from the topic's offsets without a sweep, and records deleted
 * below them while it was stopped are a gap that forces one.
 */
class KafkaWatchIT {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KafkaWatchIT.class);

  private static final int ROWS = 300;
  private static final Duration SETTLE = Duration.ofSeconds(1);
  private static final Duration WAIT = Duration.ofSeconds(30);
  /** What detection may take beyond the settle window: a few cycles, the feed's poll, the digests. */
  private static final Duration SLACK = Duration.ofSeconds(4);

  @TempDir Path dir;

  private TestDatabase db;
  private String topicName;
  private TopicFixture topic;
  private Path index;
  private final Seen seen = new Seen();

  /** What the watch told its listener, in order. */
  private static final class Seen implements ReconcileListener {
    final List<Divergence> divergences = new CopyOnWriteArrayList<>();
    final List<ActionOutcome> repairs = new CopyOnWriteArrayList<>();
    final Map<Key, Long> firstSeenNanos = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public void divergenceFound(String runId, Divergence d) {
      assertThat(runId).startsWith("watch-kafka-");
      firstSeenNanos.putIfAbsent(d.key(), System.nanoTime());
      divergences.add(d);
    }

    @Override
    public void repairApplied(String runId, ActionOutcome outcome) {
      repairs.add(outcome);
    }

    List<Key> keys() {
      return divergences.stream().map(Divergence::key).toList();
    }
  }

  @BeforeEach
  void plant() {
    db = TestServers.postgres();
    db.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL)",
        "INSERT INTO accounts SELECT i, 'name ' || i, i + 0.5 FROM generate_series(1, " + ROWS + ") i");
    // compact,delete: compacted as a published table is, and records can be deleted (deleteRecords) for a gap.
    topicName = "watch-accounts-" + System.nanoTime();
    TestKafka.createTopic(topicName, 3, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete",
        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "3600000"));
    topic = new TopicFixture(topicName);
    topic.produce(rows(Map.of()));
    index = TopicFixture.newDirectory();
  }

  private static String value(long id, String name, String balance) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"balance\":" + balance + "}";
  }

  /** Every row of the table as a record, with {@code changes} (a null value: a tombstone) in place of some. */
  private static Map<String, @Nullable String> rows(Map<Long, @Nullable String> changes) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    for (long i = 1; i <= ROWS; i++) {
      out.put(TopicFixture.key(i), changes.containsKey(i) ? changes.get(i) : value(i, "name " + i, i + ".5"));
    }
    return out;
  }

  private Store table() {
    return JdbcStore.newBuilder(db.dataSource()).id("table").table("accounts").keyColumns("id").readOnly(true).build();
  }

  /** A store of the topic; its index stays in one directory across the test's watches, as a restarted service's would. */
  private KafkaStore topicStore() {
    return topic.store("topic").indexDirectory(index).build();
  }

  /** What a test does while a watch runs. */
  private interface During {
    void run(Watch w) throws Exception;
  }

  /**
   * Runs {@code during} while a watch of new stores (as a restarted service builds them) runs, its
   * state under the test's directory; closes it cleanly and returns its last status. Report-only,
   * or, given an audit log, repairing the topic from the table with guarded writes.
   */
  private WatchReport watching(@Nullable FileAuditLog audit, During during) throws Exception {
    try (Store t = table(); KafkaStore k = topicStore()) {
      Reconciler.Builder b = Reconciler.newBuilder().stores(t, k).checkpoints(FileCheckpointStore.open(dir.resolve("state")))
          .listener(seen);
      if (audit != null) {
        b.mode(Mode.APPLY).resolver(Resolvers.sourceOfTruth("table")).guardedWrites().auditLog(audit)
            .retry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 3));
      }
      try (Watch w = b.build().watch(WatchOptions.newBuilder().name("kafka").settle(SETTLE).interval(Duration.ofMillis(150))
          .leafRows(16).spotChecks(2).build())) {
        during.run(w);
        w.close();
        assertThat(w.failure()).as("the watch failed").isEmpty();
        return w.status();
      }
    }
  }

  private WatchReport firstSweep(Watch w) throws InterruptedException {
    return until(w, r -> r.sweeps() == 1, "the first sweep");
  }

  /** Lets the watch run until {@code done} holds for its status, failing after {@link #WAIT}. */
  private WatchReport until(Watch w, Predicate<WatchReport> done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    WatchReport r = w.status();
    while (!done.test(r)) {
      assertThat(w.failure()).as("the watch failed").isEmpty();
      assertThat(System.nanoTime() - deadline).as("%s within %s; the watch is at %s; divergences reported on %s", what, WAIT, r.statusLine(), seen.keys())
          .isNegative();
      r = w.awaitCycles(1, WAIT).orElseThrow(() -> new AssertionError("the watch stopped: " + w.failure()));
    }
    return r;
  }

  /** Lets the watch run until a settle window and a few cycles have passed since now. */
  private WatchReport pastSettle(Watch w) throws InterruptedException {
    long end = System.nanoTime() + SETTLE.multipliedBy(2).toNanos();
    until(w, x -> System.nanoTime() - end > 0, "two settle windows");
    return w.awaitCycles(3, WAIT).orElseThrow();
  }

  private static Duration since(long nanos) {
    return Duration.ofNanos(System.nanoTime() - nanos);
  }

  @Test
  @DisplayName("drift written to the topic is reported once, within the settle window and a few seconds; a write that reaches both sides is not")
  void reportsDriftNotReplication() throws Exception {
    watching(null, w -> {
      WatchReport first = firstSweep(w);
      assertThat(first.lastSweepReason()).isEqualTo("first start");
      assertThat(first.leaves()).isGreaterThanOrEqualTo(ROWS / 16 / 2);
      assertThat(first.rowsChecked()).isEqualTo(2L * ROWS);
      assertThat(first.divergences()).isZero();
      assertThat(w.fedStores()).containsExactly("topic");

      long drifted = System.nanoTime();
      topic.produce(Map.of(TopicFixture.key(42), value(42, "drifted", "42.5")));
      // Replicated: the same write on both sides, the table first, as an outbox publishes.
      db.exec("UPDATE accounts SET balance = 1 WHERE id = 7");
      topic.produce(Map.of(TopicFixture.key(7), value(7, "name 7", "1.00")));

      until(w, r -> seen.keys().contains(Key.of(42L)), "a divergence on key 42");
      Duration detected = Duration.ofNanos(seen.firstSeenNanos.get(Key.of(42L)) - drifted);
      LOG.info("drift detected after {} ms (settle {} ms)", detected.toMillis(), SETTLE.toMillis());
      assertThat(detected).isBetween(SETTLE, SETTLE.plus(SLACK));
      assertThat(seen.divergences.get(0).kind()).isEqualTo(Divergence.Kind.MISMATCH);

      // A replica behind: the topic first, the table once the watch has seen them differ.
      topic.produce(Map.of(TopicFixture.key(9), value(9, "renamed", "9.5")));
      until(w, r -> r.settling() >= 1, "the difference on key 9 held back");
      db.exec("UPDATE accounts SET name = 'renamed' WHERE id = 9");
      WatchReport after = pastSettle(w);
      assertThat(after.settled()).as(after.statusLine()).isGreaterThanOrEqualTo(1);
      assertThat(seen.keys()).as("reported once, and neither replicated key").containsExactly(Key.of(42L));
      assertThat(after.divergences()).isEqualTo(1);
      assertThat(after.sweeps()).isEqualTo(1);
      assertThat(after.timeToDetect().samples()).isEqualTo(1);
      assertThat(after.timeToDetect().max()).isLessThan(SETTLE.plus(SLACK));
    });
  }

  @Test
  @DisplayName("with APPLY and the table as the source of truth, drift in the topic is repaired, audited, and the sides agree")
  void repairsTheTopic() throws Exception {
    Path auditFile = dir.resolve("audit.jsonl");
    String tableBefore = db.checksum();
    try (FileAuditLog audit = FileAuditLog.open(auditFile)) {
      watching(audit, this::driftAndRepair);
    }
    assertThat(db.checksum()).as("the source of truth untouched").isEqualTo(tableBefore);
    Map<String, @Nullable String> latest = topic.latest();
    assertThat(latest.get(TopicFixture.key(12))).contains("\"name\":\"name 12\"");
    assertThat(latest.get(TopicFixture.key(7))).contains("\"name\":\"name 7\"");
    assertThat(latest).containsEntry(TopicFixture.key(ROWS + 1), null);
    try (Store t = table(); KafkaStore k = topicStore()) {
      assertThat(Reconciler.newBuilder().stores(t, k).build().run().divergences()).as("a full run afterwards").isZero();
    }
    assertThat(FileAuditLog.verify(auditFile).intact()).isTrue();
  }

  /** Drifts the topic three ways (a stale value, a deleted key, an extra key) and waits until each is repaired. */
  private void driftAndRepair(Watch w) throws InterruptedException {
    firstSweep(w);
    long drifted = System.nanoTime();
    Map<String, @Nullable String> drift = new LinkedHashMap<>();
    drift.put(TopicFixture.key(12), value(12, "renamed", "99"));
    drift.put(TopicFixture.key(7), null);
    drift.put(TopicFixture.key(ROWS + 1), value(ROWS + 1, "ghost", "0"));
    topic.produce(drift);

    WatchReport r = until(w, x -> x.repairs().applied() >= 3, "three repairs");
    LOG.info("three drifts repaired after {} ms", since(drifted).toMillis());
    assertThat(since(drifted)).isLessThan(SETTLE.plus(SLACK).plus(SLACK));
    assertThat(seen.repairs).extracting(o -> o.action().key())
        .containsExactlyInAnyOrder(Key.of(12L), Key.of(7L), Key.of((long) ROWS + 1));
    assertThat(seen.repairs).allSatisfy(o -> assertThat(o.status()).isEqualTo(ActionOutcome.Status.APPLIED));
    r = pastSettle(w);
    assertThat(r.repairs().applied()).as("nothing more to repair").isEqualTo(3);
    assertThat(r.convergenceLag().samples()).isGreaterThanOrEqualTo(3);
  }

  @Test
  @DisplayName("stopped cleanly and started again, the watch resumes from the topic's offsets without a sweep and finds what changed meanwhile")
  void resumesWithoutASweep() throws Exception {
    WatchReport stopped = watching(null, this::firstSweep);
    topic.produce(java.util.Collections.singletonMap(TopicFixture.key(99), null)); // while no watch runs

    watching(null, w -> {
      WatchReport first = w.awaitCycles(1, WAIT).orElseThrow();
      assertThat(first.sweeps()).as("no sweep after a clean stop").isEqualTo(1);
      assertThat(first.gaps()).isZero();
      assertThat(first.leavesChecked() - stopped.leavesChecked()).as("the first cycle checks what changed, not everything")
          .isLessThan(first.leaves() / 2);
      until(w, r -> seen.keys().contains(Key.of(99L)), "a divergence on key 99");
      assertThat(seen.divergences.get(0).kind()).isEqualTo(Divergence.Kind.MISSING);
      WatchReport r = w.status();
      assertThat(r.sweeps()).isEqualTo(1);
      assertThat(r.cycles()).isGreaterThan(stopped.cycles());
    });
  }

  @Test
  @DisplayName("records deleted below the saved offsets while the watch was stopped are a gap: the next start sweeps and finds the drift")
  void deletedRecordsForceASweep() throws Exception {
    watching(null, this::firstSweep);
    // While no watch runs: the topic is written twice over (key 55 drifted) and the first copy deleted,
    // past the offsets the watch saved — the topic holds the same rows, but the feed cannot tell what changed.
    Map<Long, @Nullable String> drift = Map.of(55L, value(55, "drifted", "55.5"));
    topic.produce(rows(drift));
    try (Admin admin = TestKafka.admin()) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      for (int p = 0; p < 3; p++) {
        latest.put(new TopicPartition(topicName, p), OffsetSpec.latest());
      }
      Map<TopicPartition, RecordsToDelete> below = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS)
          .forEach((tp, o) -> below.put(tp, RecordsToDelete.beforeOffset(o.offset())));
      topic.produce(rows(drift));
      admin.deleteRecords(below).all().get(30, TimeUnit.SECONDS);
    }

    WatchReport last = watching(null, w -> {
      WatchReport first = w.awaitCycles(1, WAIT).orElseThrow();
      assertThat(first.gaps()).isGreaterThanOrEqualTo(1);
      assertThat(first.sweeps()).isEqualTo(2);
      assertThat(first.lastSweepReason()).contains("gap").contains("topic");
      until(w, r -> seen.keys().contains(Key.of(55L)), "a divergence on key 55");
      pastSettle(w);
    });
    assertThat(seen.keys()).containsExactly(Key.of(55L));
    assertThat(last.sweeps()).isEqualTo(2);
  }
}
