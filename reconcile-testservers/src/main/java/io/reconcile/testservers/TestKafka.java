package io.reconcile.testservers;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.Exit;
import org.jspecify.annotations.Nullable;

/**
 * A Kafka 4.3 cluster in KRaft mode that this JVM starts on first use ({@link #bootstrapServers()})
 * and stops when it exits: one combined broker and controller, in process, on a loopback port, with
 * transactions and share groups working on one node and the log cleaner running every few hundred
 * milliseconds, so that compaction happens while a test runs. A cluster that cannot start makes
 * every call throw {@link IllegalStateException} with the cause, so tests fail rather than skip.
 *
 * <p>Needs {@code org.apache.kafka:kafka-test-common-runtime} and {@code kafka-clients} (its {@code
 * test} jar too) on the class path: optional dependencies of this module, which a module that
 * starts Kafka declares itself.
 */
public final class TestKafka {

  private static @Nullable KafkaClusterTestKit cluster;
  private static @Nullable RuntimeException failure;

  private TestKafka() {}

  /** The cluster's bootstrap servers, {@code host:port}, starting it on first use. */
  public static String bootstrapServers() {
    return cluster().bootstrapServers();
  }

  /**
   * Creates a compacted topic of {@code partitions} partitions whose log the cleaner compacts soon
   * after each segment rolls (every second), and returns its name: {@code prefix} and a number, a
   * name no other topic of this cluster has.
   */
  public static String compactedTopic(String prefix, int partitions) {
    String name = prefix + "-" + TestServers.nextNumber();
    createTopic(name, partitions, Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
        TopicConfig.SEGMENT_MS_CONFIG, "1000",
        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01",
        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, "0",
        TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000"));
    return name;
  }

  /** Creates a topic with the given configuration; waits until the cluster has it. */
  public static void createTopic(String name, int partitions, Map<String, String> config) {
    try (Admin admin = admin()) {
      admin.createTopics(Set.of(new NewTopic(name, Optional.of(partitions), Optional.empty()).configs(config)))
          .all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not create topic " + name + ": " + e, e);
    }
  }

  /**
   * The newest committed value of every key of a topic whose keys and values are UTF-8 text (null
   * for a tombstone), read with {@code read_committed} from the start to the end offsets as of the
   * call.
   */
  public static Map<String, @Nullable String> latestValues(String topic) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    Map<String, @Nullable String> out = new HashMap<>();
    try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> ends = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
        for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
          out.put(r.key(), r.value());
        }
      }
    }
    return out;
  }

  /** A new admin client of the cluster; the caller closes it. */
  public static Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  private static synchronized KafkaClusterTestKit cluster() {
    if (failure != null) {
      throw failure;
    }
    if (cluster == null) {
      // The broker halts the JVM when its log directory fails — as it does when the directory is
      // deleted at exit before the broker stops; a test JVM exits by itself, with its own status.
      Exit.setHaltProcedure((status, message) -> { });
      Exit.setExitProcedure((status, message) -> { });
      try {
        Path base = TestServers.tempDirectory("kafka");
        KafkaClusterTestKit c = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setBaseDirectory(base)
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
            .setConfigProp("offsets.topic.replication.factor", "1")
            .setConfigProp("transaction.state.log.replication.factor", "1")
            .setConfigProp("transaction.state.log.min.isr", "1")
            .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
            .setConfigProp("share.coordinator.state.topic.min.isr", "1")
            .setConfigProp("group.initial.rebalance.delay.ms", "0")
            .setConfigProp("log.cleaner.backoff.ms", "200")
            .setConfigProp("log.cleaner.threads", "1")
            .setConfigProp("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024))
            .setConfigProp("log.retention.check.interval.ms", "1000")
            .setDeleteOnClose(false)
            .build();
        c.format();
        c.startup();
        c.waitForReadyBrokers();
        cluster = c;
        TestServers.onExit(() -> { // stopped before its directory goes, so its log cleaner sees no missing files
          c.close();
          TestServers.deleteTree(base);
        });
      } catch (Exception e) {
        failure = new IllegalStateException("the in-process Kafka cluster did not start: " + e, e);
        throw failure;
      }
    }
    return cluster;
  }
}
