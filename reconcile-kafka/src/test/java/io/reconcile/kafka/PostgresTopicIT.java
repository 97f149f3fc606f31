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
}
