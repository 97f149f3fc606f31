package io.reconcile.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testkit.internal.ReadmeExample.Given;
import io.reconcile.testservers.TestKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The audit log in a topic of a real (in-process) broker: the chain, tampering, fencing, refusals, a run. */
class KafkaAuditLogIT {

  private static final Instant T0 = Instant.parse("2024-02-29T12:00:00Z");
  private static final AtomicInteger TOPICS = new AtomicInteger();

  private static Map<String, Object> client() {
    return Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers());
  }

  /** A new topic as an audit log wants it: one partition, deleted never, compacted never. */
  private static String auditTopic() {
    String name = "audit-" + TOPICS.incrementAndGet() + "-" + System.nanoTime();
    TestKafka.createTopic(name, 1, Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, "-1"));
    return name;
  }

  /** Record {@code i} of a run: a start, an intent or an outcome, with a note "note-i". */
  private static AuditRecord record(String runId, int i) {
    Instant time = T0.plusSeconds(i);
    Entry before = Entry.of(Key.of(runId, i), Map.of("n", i));
    Entry after = Entry.of(Key.of(runId, i), Map.of("n", i + 1));
    RepairAction action = RepairAction.upsert("replica", after, Expected.present(before));
    return switch (i % 3) {
      case 0 -> new AuditRecord(runId, AuditRecord.Type.RUN_STARTED, time, null, null, null, null, null, "note-" + i);
      case 1 -> new AuditRecord(runId, AuditRecord.Type.INTENT, time, action, "TAKE primary", "MISMATCH", null, null,
          "note-" + i);
      default -> new AuditRecord(runId, AuditRecord.Type.OUTCOME, time, action, null, null,
          ActionOutcome.Status.APPLIED, before, "note-" + i);
    };
  }

  private static List<AuditRecord> append(AuditLog log, String runId, int from, int to) {
    List<AuditRecord> out = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      AuditRecord r = record(runId, i);
      log.append(r);
      out.add(r);
    }
    return out;
  }

  /** The values of partition 0 as a consumer of the given isolation level reads them, up to its end. */
  private static List<String> values(String topic, String isolation) {
    Map<String, Object> config = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    TopicPartition p = new TopicPartition(topic, 0);
    List<String> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.assign(List.of(p));
      c.seekToBeginning(List.of(p));
      long end = c.endOffsets(List.of(p)).get(p);
      while (c.position(p) < end) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(new String(r.value(), UTF_8));
        }
      }
    }
    return out;
  }

  /** Produces a line to the topic as any other client could, outside any transaction. */
  private static void produce(String topic, String line) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(client(), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(topic, line.getBytes(UTF_8))).get();
    }
  }

  @Test
  @DisplayName("records of two runs survive a reopen, in order, and the chain goes on intact")
  void twoRunsAndAReopen() {
    String topic = auditTopic();
    List<AuditRecord> one = new ArrayList<>();
    List<AuditRecord> two = new ArrayList<>();
    try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
      for (int i = 1; i <= 4; i++) {
        one.addAll(append(log, "r1", i, i));
        two.addAll(append(log, "r2", 10 + i, 10 + i));
      }
      assertThat(log.records("r1")).containsExactlyElementsOf(one);
    }
    try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
      assertThat(log.records("r1")).containsExactlyElementsOf(one);
      assertThat(log.records("r2")).containsExactlyElementsOf(two);
      assertThat(log.records("r3")).isEmpty();
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 8, null));
      two.addAll(append(log, "r2", 20, 21));
      assertThat(log.records("r2")).containsExactlyElementsOf(two);
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 10, null));
      assertThat(log.topic()).isEqualTo(topic);
    }
    List<String> lines = values(topic, "read_committed");
    assertThat(lines).hasSize(10);
    assertThat(lines.get(9)).startsWith("{\"seq\":10,\"prev\":\"");
    assertThat(KafkaAuditLog.verify(client(), topic)).isEqualTo(new AuditLog.Verification(true, 10, null));
  }

  @Nested
  @DisplayName("verify names the line")
  class Tampering {

    @Test
    @DisplayName("of a changed copy of a record produced to the topic by another client")
    void forgedLine() throws Exception {
      String topic = auditTopic();
      try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
        append(log, "run", 1, 3);
        String second = values(topic, "read_committed").get(1);
        assertThat(second).contains("note-2");
        produce(topic, second.replace("note-2", "note-X"));
        AuditLog.Verification expected = new AuditLog.Verification(
            false, 3, "line 4: hash does not match its content (the record was changed)");
        assertThat(log.verify()).isEqualTo(expected);
        log.append(record("run", 4));
        assertThat(log.verify()).isEqualTo(expected);
      }
      try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
        assertThat(log.verify().problem()).isEqualTo("line 4: hash does not match its content (the record was changed)");
      }
    }

    @Test
    @DisplayName("of a line that is not JSON, and a reopened log refuses to continue after it")
    void garbage() throws Exception {
      String topic = auditTopic();
      try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
        append(log, "run", 1, 2);
      }
      produce(topic, "not an audit line");
      try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(
            false, 2, "line 3: is not valid JSON (the record was changed or damaged)"));
        assertThatThrownBy(() -> log.append(record("run", 3)))
            .isInstanceOf(ReconcileException.class)
            .hasMessage("the audit log in Kafka topic '" + topic + "' refuses appends: its last line is not valid"
                + " JSON, so it is not an audit log line and the chain cannot continue after it; verify() says"
                + " where the damage starts; keep this log and start a new one");
        assertThatThrownBy(() -> log.records("run"))
            .hasMessage("the audit log in Kafka topic '" + topic + "' is damaged: line 3 is not valid JSON;"
                + " verify() says where the damage starts");
      }
      assertThat(values(topic, "read_committed")).hasSize(3);
    }
  }

  @Test
  @DisplayName("a line sent in a transaction that was aborted is not in the chain")
  void abortedTransaction() {
    String topic = auditTopic();
    try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
      append(log, "run", 1, 2);
      Map<String, Object> config = Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
          ProducerConfig.TRANSACTIONAL_ID_CONFIG, "forger-" + topic);
      try (KafkaProducer<byte[], byte[]> forger = new KafkaProducer<>(config, new ByteArraySerializer(),
          new ByteArraySerializer())) {
        forger.initTransactions();
        forger.beginTransaction();
        forger.send(new ProducerRecord<>(topic, "forged".getBytes(UTF_8)));
        forger.flush();
        forger.abortTransaction();
      }
      assertThat(values(topic, "read_uncommitted")).as("the aborted record is in the partition").contains("forged");
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 2, null));
      append(log, "run", 3, 3);
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 3, null));
    }
    try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
      assertThat(log.records("run")).containsExactly(record("run", 1), record("run", 2), record("run", 3));
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 3, null));
    }
  }

  @Test
  @DisplayName("a second log on the topic fences the first, which refuses appends from then on")
  void secondWriterFencesTheFirst() {
    String topic = auditTopic();
    try (KafkaAuditLog first = KafkaAuditLog.open(client(), topic)) {
      append(first, "run", 1, 1);
      try (KafkaAuditLog second = KafkaAuditLog.open(client(), topic)) {
        assertThatThrownBy(() -> first.append(record("run", 2)))
            .isInstanceOf(ReconcileException.class)
            .hasMessageStartingWith("the audit log in Kafka topic '" + topic + "' refuses appends: a KafkaAuditLog"
                + " opened on the topic since then took over (its transactional id 'reconcile-audit-" + topic
                + "' fenced this one)");
        assertThatThrownBy(() -> first.append(record("run", 2))).hasMessageContaining("refuses appends");
        append(second, "run", 2, 3);
        assertThat(second.verify()).isEqualTo(new AuditLog.Verification(true, 3, null));
        assertThat(first.records("run")).containsExactly(record("run", 1), record("run", 2), record("run", 3));
      }
    }
  }

  @Test
  @DisplayName("verify(config, topic) checks the chain without fencing its writer")
  void verifyWithoutFencing() {
    String topic = auditTopic();
    try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
      append(log, "run", 1, 2);
      assertThat(KafkaAuditLog.verify(client(), topic)).isEqualTo(new AuditLog.Verification(true, 2, null));
      append(log, "run", 3, 3);
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 3, null));
    }
  }

  @Nested
  @DisplayName("a topic that cannot hold a chain is refused, by name")
  class Refused {

    @Test
    @DisplayName("one of several partitions")
    void partitions() {
      String topic = "audit-three-" + System.nanoTime();
      TestKafka.createTopic(topic, 3, Map.of());
      assertThatThrownBy(() -> KafkaAuditLog.open(client(), topic))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("the audit topic '" + topic + "' has 3 partitions, but an audit log needs exactly 1: its"
              + " records form one chain, and Kafka keeps the order of records only within a partition; use a"
              + " topic of one partition");
    }

    @Test
    @DisplayName("a compacted one")
    void compacted() {
      String topic = TestKafka.compactedTopic("audit-compacted", 1);
      assertThatThrownBy(() -> KafkaAuditLog.open(client(), topic))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("the audit topic '" + topic + "' has cleanup.policy=compact, but an audit log needs"
              + " cleanup.policy=delete: compaction would remove records of the chain; use a topic that is not"
              + " compacted");
      assertThat(values(topic, "read_committed")).as("nothing was written").isEmpty();
    }

    @Test
    @DisplayName("a missing one")
    void missing() {
      assertThatThrownBy(() -> KafkaAuditLog.open(client(), "no-such-audit-topic"))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("the audit topic 'no-such-audit-topic' does not exist; create it with 1 partition and"
              + " cleanup.policy=delete (an audit log never creates its topic)");
    }
  }

  @Test
  @DisplayName("a run of the engine keeps its intents and outcomes in the topic, and the chain verifies")
  void engineRun() {
    MemoryStore a = MemoryStore.create("a");
    MemoryStore b = MemoryStore.create("b");
    for (long id = 1; id <= 20; id++) {
      a.put(Entry.of(Key.of(id), Map.of("v", "v" + id)));
      if (id != 7) {
        b.put(Entry.of(Key.of(id), Map.of("v", id == 12 ? "drifted" : "v" + id)));
      }
    }
    String topic = auditTopic();
    try (KafkaAuditLog log = KafkaAuditLog.open(client(), topic)) {
      ReconcileReport report = Reconciler.newBuilder().stores(a, b).resolver(Resolvers.sourceOfTruth("a"))
          .mode(Mode.APPLY).auditLog(log).build().run("kafka-run");
      assertThat(report.repairs().applied()).isEqualTo(2);
      assertThat(report.converged()).isTrue();
      List<AuditRecord> records = log.records("kafka-run");
      assertThat(records).extracting(AuditRecord::type)
          .contains(AuditRecord.Type.RUN_STARTED, AuditRecord.Type.INTENT, AuditRecord.Type.OUTCOME);
      assertThat(records).filteredOn(r -> r.type() == AuditRecord.Type.OUTCOME)
          .extracting(AuditRecord::status).containsOnly(ActionOutcome.Status.APPLIED).hasSize(2);
      assertThat(log.verify().intact()).isTrue();
      assertThat(log.verify().records()).isEqualTo(records.size());
    }
    assertThat(b.get(List.of(Key.of(7L), Key.of(12L)))).isEqualTo(a.get(List.of(Key.of(7L), Key.of(12L))));
  }

  @Test
  @DisplayName("the README's example runs as written")
  void readmeExample() {
    TestKafka.createTopic("repairs-audit", 1, Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1"));
    MemoryStore primary = MemoryStore.create("primary");
    MemoryStore replica = MemoryStore.create("replica");
    for (long id = 1; id <= 20; id++) {
      primary.put(Entry.of(Key.of(id), Map.of("v", "v" + id)));
      if (id != 3) {
        replica.put(Entry.of(Key.of(id), Map.of("v", "v" + id)));
      }
    }
    Map<String, Object> v = ReadmeExample.following(Path.of("README.md"), "## Kafka audit log", "java")
        .runAsMethodBody(
            List.of("io.reconcile.core.*", "io.reconcile.core.audit.*", "io.reconcile.core.resolve.Resolvers",
                "io.reconcile.kafka.KafkaAuditLog", "java.util.List", "java.util.Map"),
            List.of(new Given("bootstrapServers", String.class, TestKafka.bootstrapServers()),
                new Given("primary", MemoryStore.class, primary), new Given("replica", MemoryStore.class, replica)),
            "report", "trail", "check");
    assertThat(((ReconcileReport) v.get("report")).repairs().applied()).isEqualTo(1);
    @SuppressWarnings("unchecked")
    List<AuditRecord> trail = (List<AuditRecord>) v.get("trail");
    assertThat(trail).extracting(AuditRecord::type).contains(AuditRecord.Type.INTENT, AuditRecord.Type.OUTCOME);
    assertThat(v.get("check")).isEqualTo(new AuditLog.Verification(true, trail.size(), null));
  }
}
