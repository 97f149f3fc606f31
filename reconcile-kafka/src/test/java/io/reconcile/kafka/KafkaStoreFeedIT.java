package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.RepairAction;
import io.reconcile.testservers.TestKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** {@link KafkaStore#changes}: the topic as a pull change feed, on a real (in-process) broker. */
class KafkaStoreFeedIT {

  private static Map<String, @Nullable String> records(Object... keysAndValues) {
    Map<String, @Nullable String> out = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      out.put((String) keysAndValues[i], (String) keysAndValues[i + 1]);
    }
    return out;
  }

  private static String value(long id) {
    return "{\"id\":" + id + ",\"name\":\"n" + id + "\"}";
  }

  /** The position of a feed opened at the topic's end. */
  private static FeedPosition endPosition(KafkaStore store) throws InterruptedException {
    try (ChangeFeed feed = store.changes(Optional.empty())) {
      return new FeedReader(feed).first().position();
    }
  }

  @Test
  @DisplayName("delivers the keys of written values, tombstones and the store's own repairs, at the records' times; foreign keys are skipped and counted")
  void deliversWritesAndTombstones() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-writes");
    try (KafkaStore store = topic.store("feed").build(); ChangeFeed feed = store.changes(Optional.empty())) {
      FeedReader r = new FeedReader(feed);
      assertThat(r.first().gap()).isEmpty();
      Instant before = Instant.now().minusMillis(1);
      topic.produce(records(TopicFixture.key(1), value(1), TopicFixture.key(2), value(2), "not a key", "{}"));
      topic.produce(records(TopicFixture.key(1), null));
      Entry three = Entry.of(Key.of(3L), Value.MapValue.of(Map.of("name", Value.of("n3"))));
      assertThat(store.apply(List.of(RepairAction.upsert(store.id(), three, Expected.absent()))).get(0).status())
          .isEqualTo(ActionOutcome.Status.APPLIED);
      r.until(Set.of(Key.of(1L), Key.of(2L), Key.of(3L)));
      Instant after = Instant.now().plusMillis(1);
      r.until(x -> x.changes.stream().filter(c -> c.key().equals(Key.of(1L))).count() == 2, "key 1 twice (value, tombstone)");
      assertThat(r.changes).hasSize(4).allSatisfy(c ->
          assertThat(c.committedAt()).as("commit time of %s", c.key()).isNotNull().isBetween(before, after));
      assertThat(r.batches).allSatisfy(b -> assertThat(b.gap()).isEmpty());
      assertThat(((TopicChangeFeed) feed).skipped()).as("records whose key is not of the store's format").isEqualTo(1);
    }
  }

  @Test
  @DisplayName("reopened after a position, delivers exactly the changes after it; opened without one, starts at the end")
  void resumesAfterPosition() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-resume");
    topic.produce(records(TopicFixture.key(10), value(10)));
    FeedPosition p;
    try (KafkaStore store = topic.store("feed").build()) {
      try (ChangeFeed feed = store.changes(Optional.empty())) {
        FeedReader r = new FeedReader(feed);
        r.first();
        topic.produce(records(TopicFixture.key(1), value(1)));
        r.until(Set.of(Key.of(1L)));
        assertThat(r.keys()).as("a record written before the feed opened at the end").containsExactly(Key.of(1L));
        p = r.position();
      }
      topic.produce(records(TopicFixture.key(2), value(2), TopicFixture.key(3), null));
      try (ChangeFeed feed = store.changes(Optional.of(p))) {
        FeedReader r = new FeedReader(feed);
        assertThat(r.first().gap()).isEmpty();
        r.until(Set.of(Key.of(2L), Key.of(3L)));
        assertThat(r.keys()).containsExactlyInAnyOrder(Key.of(2L), Key.of(3L));
        assertThat(r.batches).allSatisfy(b -> assertThat(b.gap()).isEmpty());
      }
    }
    assertThat(p.token()).startsWith("v1;").doesNotContain("n1");
  }

  @Test
  @DisplayName("a malformed position opens the feed with a gap at the end, which then delivers what follows")
  void malformedPosition() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-malformed");
    try (KafkaStore store = topic.store("feed").build()) {
      for (String token : List.of("nonsense", "v1;abc;12;0:5", "v2;x;1;0:1,1:1,2:1", "v1;x;1;0:1,2:1,1:1")) {
        try (ChangeFeed feed = store.changes(Optional.of(new FeedPosition(token)))) {
          FeedReader r = new FeedReader(feed);
          ChangeBatch first = r.first();
          assertThat(first.gap()).as("gap for %s", token).hasValueSatisfying(g -> assertThat(g).contains("position"));
          assertThat(first.changes()).isEmpty();
          assertThat(TopicPosition.parse(first.position()).offsets()).hasSize(3);
        }
      }
      try (ChangeFeed feed = store.changes(Optional.of(new FeedPosition("nonsense")))) {
        FeedReader r = new FeedReader(feed);
        r.first();
        topic.produce(records(TopicFixture.key(5), value(5)));
        r.until(Set.of(Key.of(5L)));
      }
    }
  }

  @Test
  @DisplayName("a position of the topic before it was deleted and created again is a gap")
  void recreatedTopic() throws Exception {
    String name = TestKafka.compactedTopic("feed-recreated", 3);
    TopicFixture topic = new TopicFixture(name);
    FeedPosition p;
    try (KafkaStore store = topic.store("feed").build()) {
      p = endPosition(store);
    }
    try (Admin admin = TestKafka.admin()) {
      admin.deleteTopics(List.of(name)).all().get(30, TimeUnit.SECONDS);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) { // the name is free once the deletion completes
      try {
        TestKafka.createTopic(name, 3, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        break;
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
    try (KafkaStore store = topic.store("feed").build(); ChangeFeed feed = store.changes(Optional.of(p))) {
      FeedReader r = new FeedReader(feed);
      assertThat(r.first().gap()).hasValueSatisfying(g -> assertThat(g).contains("topic id"));
      topic.produce(records(TopicFixture.key(8), value(8)));
      r.until(Set.of(Key.of(8L)));
    }
  }

  @Test
  @DisplayName("records deleted below a position (deleteRecords) are a gap, at opening and while the feed runs")
  void deletedRecords() throws Exception {
    String name = "feed-deleted-" + System.nanoTime();
    TestKafka.createTopic(name, 1, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, "compact,delete"));
    TopicFixture topic = new TopicFixture(name);
    TopicPartition p0 = new TopicPartition(name, 0);
    topic.produce(records(TopicFixture.key(1), value(1), TopicFixture.key(2), value(2)));
    try (KafkaStore store = topic.store("feed").build(); Admin admin = TestKafka.admin()) {
      FeedPosition p = endPosition(store);
      assertThat(TopicPosition.parse(p).offsets()).containsEntry(0, 2L);
      topic.produce(records(TopicFixture.key(3), value(3), TopicFixture.key(4), value(4)));
      admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(3))).all().get(30, TimeUnit.SECONDS);
      try (ChangeFeed feed = store.changes(Optional.of(p))) {
        FeedReader r = new FeedReader(feed);
        assertThat(r.first().gap()).hasValueSatisfying(g -> assertThat(g).contains("records were deleted"));
        assertThat(TopicPosition.parse(r.position()).offsets()).containsEntry(0, 4L);
      }

      // While the feed runs: it opened at offset 4, and the records it was to read next go before its first poll.
      try (ChangeFeed feed = store.changes(Optional.empty())) {
        topic.produce(records(TopicFixture.key(5), value(5), TopicFixture.key(6), value(6)));
        admin.deleteRecords(Map.of(p0, RecordsToDelete.beforeOffset(6))).all().get(30, TimeUnit.SECONDS);
        FeedReader r = new FeedReader(feed);
        r.until(x -> x.batches.stream().anyMatch(b -> b.gap().isPresent()), "a gap");
        assertThat(r.batches.stream().flatMap(b -> b.gap().stream()).findFirst()).hasValueSatisfying(g ->
            assertThat(g).contains("records were deleted"));
        topic.produce(records(TopicFixture.key(7), value(7)));
        r.until(Set.of(Key.of(7L)));
        assertThat(r.keys()).doesNotContain(Key.of(5L));
      }
    }
  }

  @Test
  @DisplayName("a position older than the topic keeps tombstones (delete.retention.ms) is a gap; a younger one is not")
  void tombstoneRetention() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-retention");
    try (KafkaStore store = topic.store("feed").build(); Admin admin = TestKafka.admin()) {
      TopicPosition p = TopicPosition.parse(endPosition(store));
      assertThat(p.since()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
      FeedPosition twoHoursAgo =
          new TopicPosition(p.topicId(), System.currentTimeMillis() - Duration.ofHours(2).toMillis(), p.offsets()).token();
      try (ChangeFeed feed = store.changes(Optional.of(twoHoursAgo))) {
        assertThat(new FeedReader(feed).first().gap()).as("tombstones kept for a day").isEmpty();
      }
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic.topic);
      admin.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(
          new ConfigEntry(TopicConfig.DELETE_RETENTION_MS_CONFIG, "3600000"), AlterConfigOp.OpType.SET))))
          .all().get(30, TimeUnit.SECONDS);
      try (ChangeFeed feed = store.changes(Optional.of(twoHoursAgo))) {
        assertThat(new FeedReader(feed).first().gap()).as("tombstones kept for an hour")
            .hasValueSatisfying(g -> assertThat(g).contains("delete.retention.ms"));
      }
    }
  }

  @Test
  @DisplayName("a position taken before the partition count changed is a gap")
  void repartitioned() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-partitions");
    try (KafkaStore store = topic.store("feed").build(); Admin admin = TestKafka.admin()) {
      FeedPosition p = endPosition(store);
      admin.createPartitions(Map.of(topic.topic, NewPartitions.increaseTo(4))).all().get(30, TimeUnit.SECONDS);
      try (ChangeFeed feed = store.changes(Optional.of(p))) {
        FeedReader r = new FeedReader(feed);
        assertThat(r.first().gap()).hasValueSatisfying(g -> assertThat(g).contains("4 partitions"));
        assertThat(TopicPosition.parse(r.position()).offsets()).hasSize(4);
      }
    }
  }

  @Test
  @DisplayName("close() from another thread ends a waiting poll, which then fails saying the feed is closed")
  void closeEndsWaitingPoll() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-close");
    try (KafkaStore store = topic.store("feed").build()) {
      ChangeFeed feed = store.changes(Optional.empty());
      feed.poll(Duration.ZERO);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread poller = new Thread(() -> {
        try {
          feed.poll(Duration.ofMinutes(5));
        } catch (Throwable t) {
          thrown.set(t);
        }
      }, "feed-poller");
      poller.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (Arrays.stream(poller.getStackTrace()).noneMatch(f -> f.getMethodName().equals("poll")
          && f.getClassName().contains("Consumer"))) { // waits until the consumer itself waits
        assertThat(System.nanoTime()).as("the poller reached the consumer's poll").isLessThan(deadline);
        Thread.onSpinWait();
      }
      long t0 = System.nanoTime();
      feed.close();
      poller.join(30_000);
      assertThat(poller.isAlive()).as("the poll returned").isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
      assertThat(thrown.get()).isInstanceOf(ReconcileException.StoreUnavailableException.class)
          .hasMessageContaining("closed");
      assertThatThrownBy(() -> feed.poll(Duration.ZERO)).isInstanceOf(ReconcileException.StoreUnavailableException.class);
      feed.close();
    }
  }

  @Test
  @DisplayName("closing the store closes its feeds; a closed store opens none")
  void storeClosesFeeds() throws Exception {
    TopicFixture topic = TopicFixture.compacted("feed-store-close");
    KafkaStore store = topic.store("feed").build();
    ChangeFeed feed = store.changes(Optional.empty());
    feed.poll(Duration.ZERO);
    store.close();
    assertThatThrownBy(() -> feed.poll(Duration.ZERO)).isInstanceOf(ReconcileException.StoreUnavailableException.class);
    assertThatThrownBy(() -> store.changes(Optional.empty())).isInstanceOf(ReconcileException.StoreUnavailableException.class);
  }
}
