package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cross-store contract with PostgreSQL 17, and what is Kafka's alone: a key in two partitions. */
class PostgresTopicIT extends TopicCrossStoreContract {

  @Override
  TestDatabase newDatabase() {
    return TestServers.postgres();
  }

  @Override
  String createAccounts() {
    return "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL)";
  }

  @Test
  @DisplayName("a key written to two partitions is reported with both, and the newest record is taken")
  void keyInTwoPartitions() {
    try (KafkaStore k = topic.store("topic").readOnly(true).build()) {
      assertThat(k.anomalies()).as("a topic written by the default partitioner").isEmpty();
    }
    for (int p = 0; p < 3; p++) {
      topic.produceTo(p, TopicFixture.key(9), value(9, "partition " + p, "9"));
    }
    try (KafkaStore k = topic.store("topic").readOnly(true).build()) {
      assertThat(k.anomalies()).anySatisfy(a -> assertThat(a).contains("key 9 is in partitions"));
      assertThat(k.anomalies()).allSatisfy(a -> assertThat(a).doesNotContain("partition 1\"").doesNotContain("name"));
    }
  }

  @Test
  @DisplayName("a key first written to a foreign partition and later to its own is reported by the next run's catch-up")
  void keyInTwoPartitionsAcrossRuns() {
    java.nio.file.Path index = TopicFixture.newDirectory();
    String key = TopicFixture.key(70);
    int home = org.apache.kafka.common.utils.Utils.toPositive(
        org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % 3;
    topic.produceTo((home + 1) % 3, key, value(70, "foreign", "70"));
    try (KafkaStore k = topic.store("topic").indexDirectory(index).readOnly(true).build()) {
      assertThat(k.anomalies()).isEmpty();
    }
    topic.produceTo(home, key, value(70, "home", "70"));
    try (KafkaStore k = topic.store("topic").indexDirectory(index).readOnly(true).build()) {
      assertThat(k.lastRefresh().rebuilt()).isFalse();
      assertThat(k.lastRefresh().records()).isEqualTo(1);
      assertThat(k.anomalies()).anySatisfy(a -> assertThat(a).contains("key 70 is in partitions"));
    }
  }
}
