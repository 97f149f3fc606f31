package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.RetryPolicy;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestKafka;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A table of one product and a compacted topic of three partitions holding the same accounts,
 * drifted apart: repaired in both directions through the engine and verified, and what Kafka makes
 * hard — an aborted batch, a producer that died inside its transaction, another producer writing a
 * key the repair is about to write — checked on the topic itself (newest value per key, read to its
 * end), never by record counts.
 */
abstract class TopicCrossStoreContract {

  static final int ROWS = 60;

  /** A new, empty database of the product. */
  abstract TestDatabase newDatabase();

  /** {@code CREATE TABLE accounts (id …, name …, balance …)} in the product's types. */
  abstract String createAccounts();

  TestDatabase db;
  TopicFixture topic;

  @BeforeEach
  void plant() {
    db = newDatabase();
    db.exec(createAccounts());
    StringBuilder rows = new StringBuilder("INSERT INTO accounts (id, name, balance) VALUES ");
    Map<String, @Nullable String> records = new LinkedHashMap<>();
    for (int i = 1; i <= ROWS; i++) {
      rows.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'name ").append(i).append("', ").append(i).append(".50)");
      records.put(TopicFixture.key(i), value(i, "name " + i, i + ".50"));
    }
    db.exec(rows.toString());
    topic = TopicFixture.compacted("accounts");
    topic.produce(records);
  }

  static String value(long id, String name, String balance) {
    return "{\"id\":" + id + ",\"name\":\"" + name + "\",\"balance\":" + balance + "}";
  }

  Store table(boolean readOnly) {
    return JdbcStore.newBuilder(db.dataSource()).id("table").table("accounts").keyColumns("id").readOnly(readOnly).build();
  }

  /** Drifts the topic: a key deleted, a stale value, a key the table lacks. */
  void driftTopic() {
    Map<String, @Nullable String> drift = new LinkedHashMap<>();
    drift.put(TopicFixture.key(7), null);
    drift.put(TopicFixture.key(12), value(12, "renamed", "99"));
    drift.put(TopicFixture.key(61), value(61, "ghost", "0"));
    topic.produce(drift);
  }

  ReconcileReport repairTopic(Store table, Store kafka) {
    return Reconciler.newBuilder().stores(table, kafka).resolver(Resolvers.sourceOfTruth("table"))
        .mode(Mode.APPLY).guardedWrites().auditLog(AuditLog.inMemory())
        .retry(new RetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 3)).build().run();
  }

  ReconcileReport diff(Store a, Store b) {
    return Reconciler.newBuilder().stores(a, b).build().run();
  }

  @Test
  @DisplayName("the table repairs its topic: deleted, stale and extra keys, verified; the topic then holds the table's rows")
  void tableRepairsTopic() {
    driftTopic();
    try (Store t = table(true); KafkaStore k = topic.store("topic").build()) {
      ReconcileReport r = repairTopic(t, k);
      assertThat(r.divergences()).as(r.summary()).isEqualTo(3);
      assertThat(r.converged()).as(r.summary()).isTrue();
      assertThat(r.verification().unconverged()).isEmpty();
    }
    Map<String, @Nullable String> latest = topic.latest();
    assertThat(latest.get(TopicFixture.key(7))).contains("\"name\":\"name 7\"").contains("\"id\":7");
    assertThat(latest.get(TopicFixture.key(12))).contains("\"name\":\"name 12\"").contains("12.5");
    assertThat(latest).containsEntry(TopicFixture.key(61), null);
    try (Store t = table(true); KafkaStore k = topic.store("topic").readOnly(true).build()) {
      assertThat(diff(t, k).divergences()).isZero();
    }
  }

  @Test
  @DisplayName("the topic repairs its table: the table then holds the topic's newest values, and a second run finds nothing")
  void topicRepairsTable() {
    db.exec("DELETE FROM accounts WHERE id = 3", "UPDATE accounts SET name = 'stale', balance = 1 WHERE id = 4");
    topic.produce(Map.of(TopicFixture.key(5), value(5, "newer in the topic", "5.75")));
    try (Store t = table(false); KafkaStore k = topic.store("topic").readOnly(true).build()) {
      ReconcileReport r = Reconciler.newBuilder().stores(k, t).resolver(Resolvers.sourceOfTruth("topic"))
          .mode(Mode.APPLY).auditLog(AuditLog.inMemory()).build().run();
      assertThat(r.divergences()).as(r.summary()).isEqualTo(3);
      assertThat(r.converged()).as(r.summary()).isTrue();
    }
    assertThat(db.query("SELECT name FROM accounts WHERE id = 3").strip()).isEqualTo("name 3");
    assertThat(db.query("SELECT name FROM accounts WHERE id = 4").strip()).isEqualTo("name 4");
    assertThat(db.query("SELECT name FROM accounts WHERE id = 5").strip()).isEqualTo("newer in the topic");
    try (Store t = table(true); KafkaStore k = topic.store("topic").readOnly(true).build()) {
      assertThat(diff(k, t).divergences()).isZero();
    }
  }

  @Test
  @DisplayName("a batch the broker refuses part way is aborted: nothing of it is visible, and the next run converges")
  void abortedBatchLeavesNothing() {
    driftTopic();
    db.exec("UPDATE accounts SET name = '" + "x".repeat(3_000) + "' WHERE id = 20");
    TestKafka.admin().incrementalAlterConfigs(Map.of(
        new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic.topic),
        List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
            new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", "2000"),
            org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().toCompletionStage().toCompletableFuture().join();
    Map<String, @Nullable String> before = topic.latest();
    try (Store t = table(true); KafkaStore k = topic.store("topic").build()) {
      ReconcileReport r = repairTopic(t, k);
      assertThat(r.converged()).as(r.summary()).isFalse();
      assertThat(r.repairs().failed()).as(r.summary()).isPositive();
    } catch (io.reconcile.api.ReconcileException e) {
      assertThat(e.getMessage()).contains("nothing of the batch is visible");
    }
    assertThat(topic.latest()).as("no record of the aborted batch is visible").isEqualTo(before);

    db.exec("UPDATE accounts SET name = 'name 20' WHERE id = 20");
    try (Store t = table(true); KafkaStore k = topic.store("topic").build()) {
      ReconcileReport r = repairTopic(t, k);
      assertThat(r.converged()).as(r.summary()).isTrue();
    }
    assertThat(topic.latest().get(TopicFixture.key(7))).contains("\"name\":\"name 7\"");
  }

  @Test
  @DisplayName("a repair producer that died inside its transaction is fenced by the next run, its records never visible")
  void deadProducerIsFenced() {
    driftTopic();
    String transactionalId = "reconcile-" + topic.topic + "-topic"; // the store's: "reconcile-" + topic + "-" + id
    KafkaProducer<String, String> dead = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId), new StringSerializer(), new StringSerializer());
    try {
      dead.initTransactions();
      dead.beginTransaction();
      dead.send(new ProducerRecord<>(topic.topic, TopicFixture.key(3), value(3, "half-written", "0")));
      dead.flush(); // sent, never committed: as a process killed mid-batch leaves it
      try (Store t = table(true); KafkaStore k = topic.store("topic").build()) {
        ReconcileReport r = repairTopic(t, k);
        assertThat(r.converged()).as(r.summary()).isTrue();
      }
    } finally {
      dead.close(Duration.ZERO);
    }
    Map<String, @Nullable String> latest = topic.latest();
    assertThat(latest.get(TopicFixture.key(3))).contains("\"name\":\"name 3\"");
    assertThat(latest.get(TopicFixture.key(7))).contains("\"name\":\"name 7\"");
  }

  @Test
  @DisplayName("another producer writing a key just before the batch: the action is refused, and the newer value stays")
  void concurrentWriteBeforeTheBatchIsRefused() {
    driftTopic();
    AtomicBoolean once = new AtomicBoolean();
    try (Store t = table(true); KafkaStore k = topic.store("topic").build()) {
      Store racing = new ForwardingStore(k) {
        @Override
        public List<ActionOutcome> apply(List<RepairAction> actions) {
          if (once.compareAndSet(false, true)) {
            topic.produce(Map.of(TopicFixture.key(12), value(12, "written meanwhile", "12")));
          }
          return super.apply(actions);
        }
      };
      ReconcileReport r = repairTopic(t, racing);
      assertThat(r.repairs().refused()).as(r.summary()).isEqualTo(1);
    }
    assertThat(topic.latest().get(TopicFixture.key(12))).contains("written meanwhile");
    assertThat(topic.latest().get(TopicFixture.key(7))).contains("\"name\":\"name 7\"");
  }

  @Test
  @DisplayName("another producer writing a key inside the batch's window: the repair is reported not verified, naming the key")
  void concurrentWriteInTheWindowIsReported() {
    driftTopic();
    ValueFormat racing = new ValueFormat() {
      // The engine asks the store whether each action is writable (which encodes its value) before
      // the batch, then the batch encodes it again after its catch-up: the second encoding of key 12
      // is inside the window.
      final java.util.concurrent.atomic.AtomicInteger encodings = new java.util.concurrent.atomic.AtomicInteger();

      @Override
      public Value.MapValue read(byte[] recordValue) {
        return ValueFormat.json().read(recordValue);
      }

      @Override
      public byte[] write(Value.MapValue fields) {
        if (fields.fields().get("name") instanceof Value.Text t && t.value().equals("name 12")
            && encodings.incrementAndGet() == 2) { // after the store's catch-up, before its transaction
          topic.produce(Map.of(TopicFixture.key(12), value(12, "written in the window", "12")));
        }
        return ValueFormat.json().write(fields);
      }

      @Override
      public String toString() {
        return "json";
      }
    };
    try (Store t = table(true); KafkaStore k = topic.store("topic").valueFormat(racing).build()) {
      ReconcileReport r = repairTopic(t, k);
      assertThat(r.converged()).as(r.summary()).isFalse();
      assertThat(r.verification().unconverged()).as(r.summary()).isNotEmpty();
      assertThat(k.anomalies()).anySatisfy(a -> assertThat(a).contains("key 12").contains("overwrote"));
    }
  }
}
