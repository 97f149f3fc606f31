package io.reconcile.kafka;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a {@link TopicIndex} up to a point of the topic: the last stable offset of every partition
 * at the start of the catch-up (what a {@code read_committed} consumer can read), reading only the
 * records after the offsets the index already holds, or all of them when the index is new or no
 * longer matches the topic (another topic id — deleted and recreated —, another partition count,
 * records deleted before the stored offset, another format or view).
 *
 * <p>A record is indexed under the key its record key reads as; the newest record per key wins and a
 * tombstone removes it. A key found in two partitions, or under two record keys (two encodings of
 * one key), is an {@link Anomalies anomaly}: compaction keeps both records, so the topic does not
 * hold one value for that key. Such keys are spotted cheaply — a record whose key is in the default
 * partitioner's partition and encoded as this store writes it is regular, and only the others, and
 * keys once irregular, are looked up.
 */
final class TopicReader {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStore.class);

  /** How long a catch-up may make no progress before the store is reported unavailable. */
  private static final Duration STALL = Duration.ofSeconds(60);

  /** What one catch-up did. */
  record CatchUp(long records, long millis, boolean rebuilt, Map<Integer, Long> positions) {}

  private final String storeId;
  private final String topic;
  private final Map<String, Object> clientConfig;
  private final Admin admin;
  private final TopicIndex index;
  private final String identity;
  private final KeyFormat keys;
  private final ValueFormat values;
  private final UnaryOperator<Entry> view;
  private final Anomalies anomalies;
  private final Set<ByteBuffer> irregular = new HashSet<>();
  /** The records of this store's committed batches not read back yet, by index key. */
  private final Map<ByteBuffer, RepairProducer.Landed> watched = new HashMap<>();
  private long overwritten;
  private int partitions;

  TopicReader(String storeId, String topic, Map<String, Object> clientConfig, Admin admin, TopicIndex index,
      String identity, KeyFormat keys, ValueFormat values, UnaryOperator<Entry> view, Anomalies anomalies) {
    this.storeId = storeId;
    this.topic = topic;
    this.clientConfig = clientConfig;
    this.admin = admin;
    this.index = index;
    this.identity = identity;
    this.keys = keys;
    this.values = values;
    this.view = view;
    this.anomalies = anomalies;
    index.irregularKeys().forEach(k -> irregular.add(ByteBuffer.wrap(k)));
  }

  /**
   * Watches the records a batch of this store just committed: a record of another producer for the
   * same key that the next catch-up reads before one of them was written after the store decided
   * the batch, and the batch overwrote it.
   */
  void watch(List<RepairProducer.Landed> landed) {
    Map<ByteBuffer, RepairProducer.Landed> firsts = new HashMap<>();
    for (RepairProducer.Landed l : landed) {
      firsts.putIfAbsent(ByteBuffer.wrap(l.indexKey()), l); // a key written twice in a batch: its first record
    }
    watched.putAll(firsts);
  }

  /** How many records of other producers batches overwrote since the last call; resets the count. */
  long takeOverwritten() {
    long n = overwritten;
    overwritten = 0;
    return n;
  }

  /** The topic's partition count as of the last catch-up. */
  int partitions() {
    return partitions;
  }

  /** The topic's description; a missing topic is a configuration error naming it. */
  TopicDescription describe() {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new ReconcileException.ConfigurationException(
            "topic '" + topic + "' does not exist on the cluster of store '" + storeId + "'; check its name (the"
                + " store never creates a topic)");
      }
      throw unavailable("describe topic '" + topic + "'", e.getCause());
    } catch (TimeoutException e) {
      throw unavailable("describe topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("describe topic '" + topic + "'", e);
    }
  }

  /** The offsets of every partition by a spec: the earliest, or the last stable. */
  Map<Integer, Long> offsets(int partitionCount, OffsetSpec spec) {
    Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
    for (int p = 0; p < partitionCount; p++) {
      ask.put(new TopicPartition(topic, p), spec);
    }
    try {
      Map<Integer, Long> out = new HashMap<>();
      admin.listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(60, TimeUnit.SECONDS)
          .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
      return out;
    } catch (ExecutionException e) {
      throw unavailable("list the offsets of topic '" + topic + "'", e.getCause());
    } catch (TimeoutException e) {
      throw unavailable("list the offsets of topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable("list the offsets of topic '" + topic + "'", e);
    }
  }

  /**
   * Reads the topic up to its last stable offsets as of now — as {@code bound} adjusts them — then
   * publishes the index.
   */
  CatchUp catchUp(UnaryOperator<Map<Integer, Long>> bound) {
    long t0 = System.nanoTime();
    TopicDescription d = describe();
    partitions = d.partitions().size();
    Map<Integer, Long> earliest = offsets(partitions, OffsetSpec.earliest());
    Map<Integer, Long> targets = bound.apply(offsets(partitions, OffsetSpec.latest()));
    Map<Integer, Long> positions = index.positions();
    String topicId = d.topicId().toString();
    String rebuild = whyRebuild(topicId, positions, earliest);
    if (rebuild != null) {
      LOG.info("store '{}': the index of topic '{}' is built from the start: {}", storeId, topic, rebuild);
      index.reset(identity, topicId, earliest);
      irregular.clear();
      anomalies.clear();
      positions = index.positions();
    }
    long records = read(positions, targets);
    index.flushAndPublish();
    return new CatchUp(records, (System.nanoTime() - t0) / 1_000_000, rebuild != null, targets);
  }

  /** Why the index cannot be caught up but must be built anew, or null when it can. */
  private @Nullable String whyRebuild(String topicId, Map<Integer, Long> positions, Map<Integer, Long> earliest) {
    String built = index.identity();
    if (built == null) {
      return "it is new";
    }
    if (!identity.equals(built)) {
      return "it was built for another view of the topic (formats, fields or normalisation)";
    }
    if (!topicId.equals(index.topicId())) {
      return "the topic was deleted and created again (its topic id changed)";
    }
    if (positions.size() != partitions) {
      return "the topic has " + partitions + " partitions, and the index was built from " + positions.size();
    }
    for (Map.Entry<Integer, Long> p : positions.entrySet()) {
      long first = earliest.getOrDefault(p.getKey(), 0L);
      if (p.getValue() < first) {
        return "partition " + p.getKey() + " now starts at offset " + first + ", after offset " + p.getValue()
            + " the index had read up to (records were deleted)";
      }
    }
    return null;
  }

  private long read(Map<Integer, Long> from, Map<Integer, Long> targets) {
    Map<TopicPartition, Long> remaining = new HashMap<>();
    for (Map.Entry<Integer, Long> t : targets.entrySet()) {
      long at = from.getOrDefault(t.getKey(), 0L);
      if (at < t.getValue()) {
        remaining.put(new TopicPartition(topic, t.getKey()), at);
      }
    }
    if (remaining.isEmpty()) {
      return 0;
    }
    Map<String, Object> config = KafkaClients.readCommittedConsumer(clientConfig, "reconcile-index-" + storeId);
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    config.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
    config.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    long records = 0;
    // Polling (the consumer's network I/O runs on the polling thread) and indexing (parsing,
    // hashing, writing) overlap: each poll's records go to one indexing thread, in order, at most
    // two polls ahead of it.
    ExecutorService indexer = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "reconcile-index-" + storeId);
      t.setDaemon(true);
      return t;
    });
    Deque<Future<Long>> pending = new ArrayDeque<>();
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    try (TopicIndex.Batch batch = index.batch()) {
      try {
        consumer.assign(remaining.keySet());
        remaining.forEach(consumer::seek);
        long lastProgress = System.nanoTime();
        while (!remaining.isEmpty()) {
          ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
          Map<Integer, Long> reached = new HashMap<>();
          List<TopicPartition> done = new ArrayList<>();
          for (TopicPartition tp : remaining.keySet()) {
            long position = consumer.position(tp); // past transaction markers and aborted records too
            long target = targets.get(tp.partition());
            reached.put(tp.partition(), Math.min(position, target));
            if (position >= target) {
              done.add(tp);
            }
            if (position != remaining.get(tp)) {
              lastProgress = System.nanoTime();
              remaining.put(tp, position);
            }
          }
          pending.add(indexer.submit(() -> {
            long n = 0;
            for (ConsumerRecord<byte[], byte[]> r : polled) {
              if (r.offset() < targets.get(r.partition())) {
                index(batch, r);
                n++;
              }
            }
            batch.commit(reached);
            return n;
          }));
          while (pending.size() > 2) {
            records += indexed(pending.poll());
          }
          if (!done.isEmpty()) {
            consumer.pause(done);
            done.forEach(remaining::remove);
          }
          if (System.nanoTime() - lastProgress > STALL.toNanos()) {
            throw new ReconcileException.StoreUnavailableException(
                "store '" + storeId + "' read nothing of topic '" + topic + "' for " + STALL.toSeconds()
                    + " s while catching up; check that the cluster is reachable", true);
          }
        }
        while (!pending.isEmpty()) {
          records += indexed(pending.poll());
        }
      } finally {
        // Not waiting for the fetch the broker may be holding (up to fetch.max.wait.ms): the
        // consumer has no group and nothing to commit.
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        indexer.shutdownNow();
        awaitQuietly(indexer); // the batch is closed after the indexing thread let go of it
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw unavailable("read topic '" + topic + "'", e);
    }
    return records;
  }

  /** The records an indexing task indexed, or its failure as this thread's. */
  private static long indexed(Future<Long> task) {
    try {
      return task.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReconcileException.StoreUnavailableException("interrupted while catching up the topic's index", true, e);
    }
  }

  private static void awaitQuietly(ExecutorService indexer) {
    try {
      indexer.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void index(TopicIndex.Batch batch, ConsumerRecord<byte[], byte[]> r) {
    byte[] recordKey = r.key();
    if (recordKey == null) {
      anomalies.add("a record without a key at partition " + r.partition() + " offset " + r.offset()
          + " (a compacted topic's records need keys); it is left out");
      return;
    }
    Key key;
    try {
      key = keys.read(recordKey);
    } catch (IllegalArgumentException e) {
      anomalies.add("the record key at partition " + r.partition() + " offset " + r.offset()
          + " is not a key of format " + keys + ": " + e.getMessage() + "; it is left out");
      return;
    }
    byte[] indexKey = key.encode();
    ByteBuffer k = ByteBuffer.wrap(indexKey);
    boolean regular = r.partition() == defaultPartition(recordKey) && sameBytes(recordKey, key);
    if (!regular || irregular.contains(k)) {
      if (irregular.add(k)) {
        batch.markIrregular(indexKey);
      }
      batch.writeRecords(); // the key's earlier record may be in this batch still
      TopicIndex.Indexed before = index.current(indexKey);
      if (before != null && (before.partition() != r.partition() || !java.util.Arrays.equals(before.recordKey(), recordKey))) {
        anomalies.add(before.partition() != r.partition()
            ? "key " + key + " is in partitions " + before.partition() + " and " + r.partition()
                + " of topic '" + topic + "' (the partition count changed, or a producer chose partitions itself);"
                + " compaction keeps both records, and the newest, at partition " + r.partition() + " offset " + r.offset() + ", is taken"
            : "key " + key + " is held under two different record keys in partition " + r.partition()
                + " (two encodings of one key); compaction keeps both, and the newest, at offset " + r.offset() + ", is taken");
      }
    }
    RepairProducer.Landed mine = watched.get(k);
    if (mine != null && mine.partition() == r.partition()) {
      if (r.offset() >= mine.offset()) {
        watched.remove(k);
      } else {
        overwritten++;
        anomalies.add("key " + key + ": another producer wrote it at partition " + r.partition() + " offset " + r.offset()
            + ", after this store read the topic for its repair and before the repair, at offset " + mine.offset()
            + ", committed; the repair overwrote it. Compare again, and repair what is wrong");
      }
    }
    byte[] value = r.value();
    if (value == null) {
      batch.delete(indexKey);
      return;
    }
    Value.MapValue fields;
    try {
      fields = values.read(value);
    } catch (IllegalArgumentException e) {
      anomalies.add("the value of key " + key + " at partition " + r.partition() + " offset " + r.offset()
          + " is not a value of format " + values + ": " + e.getMessage() + "; the key reads as absent");
      batch.delete(indexKey);
      return;
    }
    RowHash hash = view.apply(Entry.of(key, fields)).hash();
    batch.put(indexKey, r.partition(), r.offset(), hash, recordKey, value);
  }

  /** The partition Kafka's default partitioner gives a record key (murmur2, as the Java producer). */
  int defaultPartition(byte[] recordKey) {
    return Utils.toPositive(Utils.murmur2(recordKey)) % Math.max(1, partitions);
  }

  private boolean sameBytes(byte[] recordKey, Key key) {
    try {
      return java.util.Arrays.equals(recordKey, keys.write(key));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private ReconcileException.StoreUnavailableException unavailable(String what, @Nullable Throwable cause) {
    String message = "store '" + storeId + "' could not " + what + ": " + (cause == null ? "no answer"
        : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")"));
    return cause == null ? new ReconcileException.StoreUnavailableException(message, true)
        : new ReconcileException.StoreUnavailableException(message, true, cause);
  }
}
