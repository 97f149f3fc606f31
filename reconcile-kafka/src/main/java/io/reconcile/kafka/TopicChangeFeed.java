package io.reconcile.kafka;

import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topic as a pull {@link ChangeFeed}: the committed records appended after a {@link TopicPosition},
 * each turned into changes by a {@link Reader} (the store's own key format, or Debezium change
 * events). The feed owns one {@code read_committed} consumer without a group (it assigns every
 * partition and seeks), used only by the thread that polls, under a lock; {@link #close} from
 * another thread wakes it up, so a waiting poll returns (with {@link
 * ReconcileException.StoreUnavailableException}), and closes it once the poll let go.
 *
 * <p>A first batch with a gap, starting at the topic's current end, when the position it is opened
 * after is malformed, of another topic id (the topic was deleted and created again), of another
 * partition count, below a partition's log start offset or past its end (records deleted or lost),
 * or older than the topic keeps tombstones. Later batches report a gap when the partition count
 * changes, when records the feed had not read yet were deleted, when the feed was not polled for
 * about as long as the topic keeps tombstones, or when the reader says so (a truncated table).
 *
 * <p><b>Tombstones.</b> Compaction removes a tombstone some time after {@code delete.retention.ms}
 * (and the value it deleted before that), so a feed that reads a record later than that after it was
 * appended may never see a key's deletion. The feed keeps, per partition, a time {@code since}: no
 * record after its position was appended before it. It moves forward when the feed has read past
 * the end offset a check took at a known time (every twentieth of the retention, at most every 30
 * s); a position carries the smallest. A position (or a feed not polled) whose {@code since} lies
 * more than the retention less a margin (a tenth of it, at most a minute, for clocks and the
 * cleaner's timing) in the past is a gap. Times are the feed's wall clock; topics whose cleanup
 * policy is not {@code compact} are exempt.
 */
final class TopicChangeFeed implements ChangeFeed {

  private static final Logger LOG = LoggerFactory.getLogger(TopicChangeFeed.class);

  /** Kafka's default {@code delete.retention.ms}, assumed when the topic's configuration cannot be read. */
  static final long DEFAULT_TOMBSTONE_RETENTION_MS = 86_400_000L;
  /** How often the partition count is checked on a topic that is not compacted. */
  private static final long CHECK_EVERY_MS = 30_000;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(60);
  /** Numbers the feeds' client ids, which Kafka wants distinct within a JVM. */
  private static final AtomicInteger FEEDS = new AtomicInteger();

  /** What the records of a topic mean to one kind of feed. */
  interface Reader {
    /**
     * Tells {@code batch} what {@code record} changed.
     *
     * @throws ReconcileException.ConfigurationException if the record cannot belong to this feed
     *     (its key is not of the store's schema): the feed then fails, saying so
     */
    void read(ConsumerRecord<byte[], byte[]> record, Batch batch);
  }

  /** What the records of one poll changed. */
  static final class Batch {
    private final List<Change> changes = new ArrayList<>();
    private int skips;
    private @Nullable String firstSkip;
    private @Nullable String gap;

    /** The entry under {@code key} changed, at {@code committedAt} if known. */
    void change(Key key, @Nullable Instant committedAt) {
      changes.add(new Change(key, committedAt));
    }

    /** A record that changes no key of the feed's store, and why (never a value). */
    void skip(String why) {
      if (skips++ == 0) {
        firstSkip = why;
      }
    }

    /** Everything may have changed (the first reason is kept). */
    void gap(String reason) {
      if (gap == null) {
        gap = reason;
      }
    }
  }

  /** The commit time a record's timestamp gives, or null when it has none. */
  static @Nullable Instant timestamp(ConsumerRecord<?, ?> r) {
    return r.timestamp() >= 0 ? Instant.ofEpochMilli(r.timestamp()) : null;
  }

  private final String name;
  private final String topic;
  private final String topicId;
  private final Reader reader;
  private final KafkaConsumer<byte[], byte[]> consumer;
  /** The topic's {@code delete.retention.ms}; null when it is not compacted. */
  private final @Nullable Long tombstoneRetention;
  private final long checkEvery;
  private final Runnable onClose;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final List<TopicPartition> partitions = new ArrayList<>();
  /** Per partition: no record after the feed's position was appended before this time. */
  private final Map<TopicPartition, Long> since = new HashMap<>();
  /** Per partition: the end offset a check found, and when it asked; passing it moves {@link #since}. */
  private final Map<TopicPartition, long[]> marks = new HashMap<>();
  private @Nullable String openingGap;
  private boolean first = true;
  private long lastCheck;
  private long skipped;
  private @Nullable RuntimeException failure;

  private TopicChangeFeed(String name, String topic, String topicId, Reader reader,
      KafkaConsumer<byte[], byte[]> consumer, @Nullable Long tombstoneRetention, Runnable onClose) {
    this.name = name;
    this.topic = topic;
    this.topicId = topicId;
    this.reader = reader;
    this.consumer = consumer;
    this.tombstoneRetention = tombstoneRetention;
    this.checkEvery = tombstoneRetention == null ? CHECK_EVERY_MS
        : Math.max(100, Math.min(CHECK_EVERY_MS, tombstoneRetention / 20));
    this.onClose = onClose;
  }

  /**
   * Opens a feed of {@code topic} after {@code after} (at the current end when empty, or when the
   * position cannot be resumed: the first batch then reports why).
   *
   * @param name who the feed belongs to, for messages: {@code store 'orders'}
   * @param onClose run once when the feed closes
   * @throws ReconcileException.ConfigurationException if the topic does not exist
   * @throws ReconcileException.StoreUnavailableException if the cluster cannot be reached
   */
  static TopicChangeFeed open(String name, Map<String, ?> clientConfig, Admin admin, String topic,
      Optional<FeedPosition> after, Reader reader, Runnable onClose) {
    TopicDescription d = describe(name, admin, topic);
    Long retention = tombstoneRetention(name, admin, topic);
    Map<String, Object> config = KafkaClients.readCommittedConsumer(clientConfig, "reconcile-feed-" + topic + "-" + FEEDS.incrementAndGet());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none"); // deleted records are a gap, never skipped
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    TopicChangeFeed feed = new TopicChangeFeed(name, topic, d.topicId().toString(), reader, consumer, retention, onClose);
    try {
      feed.start(d.partitions().size(), after);
      return feed;
    } catch (KafkaException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw feed.unavailable("open its feed of topic '" + topic + "'", e);
    } catch (RuntimeException e) {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
      throw e;
    }
  }

  /** Assigns every partition and seeks to where the feed resumes, noting a gap for the first batch. */
  private void start(int partitionCount, Optional<FeedPosition> after) {
    long now = System.currentTimeMillis();
    for (int p = 0; p < partitionCount; p++) {
      partitions.add(new TopicPartition(topic, p));
    }
    consumer.assign(partitions);
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, CALL_TIMEOUT); // read_committed: last stable
    TopicPosition resume = null;
    if (after.isPresent()) {
      Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions, CALL_TIMEOUT);
      try {
        resume = TopicPosition.parse(after.get());
        openingGap = whyNotResume(resume, starts, ends, now);
      } catch (IllegalArgumentException e) {
        openingGap = "the position the feed of topic '" + topic + "' was opened after is not one of its positions: "
            + e.getMessage();
      }
    }
    boolean fromToken = resume != null && openingGap == null;
    for (TopicPartition tp : partitions) {
      consumer.seek(tp, fromToken ? resume.offsets().get(tp.partition()) : ends.get(tp));
      since.put(tp, fromToken ? resume.since() : now);
    }
    lastCheck = now - checkEvery; // the first poll checks
  }

  /** Why the feed cannot resume after {@code p}, or null when it can. */
  private @Nullable String whyNotResume(TopicPosition p, Map<TopicPartition, Long> starts,
      Map<TopicPartition, Long> ends, long now) {
    if (!p.topicId().equals(topicId)) {
      return "the position is of another topic id than topic '" + topic + "' has now (" + topicId
          + "): the topic was deleted and created again, or the position is of another topic";
    }
    if (p.offsets().size() != partitions.size()) {
      return "topic '" + topic + "' has " + partitions.size() + " partitions, and the position was taken when it had "
          + p.offsets().size();
    }
    for (TopicPartition tp : partitions) {
      long at = p.offsets().get(tp.partition());
      if (at < starts.get(tp)) {
        return "partition " + tp.partition() + " of topic '" + topic + "' now starts at offset " + starts.get(tp)
            + ", after offset " + at + " the feed was to read next: records were deleted before it read them";
      }
      if (at > ends.get(tp)) {
        return "partition " + tp.partition() + " of topic '" + topic + "' now ends at offset " + ends.get(tp)
            + ", before offset " + at + " the feed had read to: records were lost";
      }
    }
    return stale(p.since(), now);
  }

  /**
   * Why records after a position whose {@code since} is given may have lost tombstones by {@code
   * now}, or null when they cannot have.
   */
  private @Nullable String stale(long since, long now) {
    if (tombstoneRetention == null) {
      return null;
    }
    long margin = Math.min(tombstoneRetention / 10, 60_000);
    if (now - since <= tombstoneRetention - margin) {
      return null;
    }
    return "the feed of topic '" + topic + "' last saw the topic's end " + Duration.ofMillis(now - since).toSeconds()
        + " s ago, and the topic keeps tombstones for delete.retention.ms = " + tombstoneRetention
        + " ms: compaction may have removed a deletion it had not read";
  }

  @Override
  public ChangeBatch poll(Duration timeout) throws InterruptedException {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("a feed cannot wait a negative time (" + timeout + "); pass zero or more");
    }
    lock.lock();
    try {
      if (closed.get()) {
        throw closedException();
      }
      if (failure != null) {
        throw failure;
      }
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted before polling the feed of topic '" + topic + "'");
      }
      if (first) {
        first = false;
        if (openingGap != null) {
          return ChangeBatch.gap(openingGap, List.of(), position());
        }
      }
      return read(timeout);
    } catch (WakeupException e) {
      throw closedException(); // only close() wakes the consumer up
    } catch (InterruptException e) {
      Thread.interrupted(); // Kafka set the flag again; an InterruptedException carries it instead
      InterruptedException ie = new InterruptedException("interrupted while polling the feed of topic '" + topic + "'");
      ie.initCause(e);
      throw ie;
    } catch (ReconcileException.ConfigurationException e) {
      failure = e; // the consumer is past the record: a later poll must not go on as if it were read
      throw e;
    } catch (KafkaException e) {
      throw unavailable("read topic '" + topic + "'", e);
    } finally {
      lock.unlock();
    }
  }

  private ChangeBatch read(Duration timeout) {
    Batch batch = new Batch();
    long start = System.currentTimeMillis();
    String stale = stale(oldestSince(), start);
    if (stale != null) {
      batch.gap(stale);
    }
    ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
    try {
      records = consumer.poll(timeout);
    } catch (OffsetOutOfRangeException e) {
      batch.gap("partitions " + e.partitions().stream().map(TopicPartition::partition).sorted().toList() + " of topic '"
          + topic + "' no longer hold the offsets the feed was to read next: records were deleted before it read them");
      consumer.seekToEnd(e.partitions());
    }
    for (ConsumerRecord<byte[], byte[]> r : records) {
      reader.read(r, batch);
    }
    check(start, batch);
    if (batch.gap != null) {
      // Everything before this batch is checked again, so what a record after it needs is younger.
      partitions.forEach(tp -> since.merge(tp, start, Math::max));
      marks.clear();
    }
    if (batch.skips > 0) {
      if (skipped == 0) {
        LOG.warn("{}: the feed of topic '{}' skips records that change no key of it: {}; further ones are counted",
            name, topic, batch.firstSkip);
      }
      skipped += batch.skips;
    }
    return batch.gap == null ? ChangeBatch.of(batch.changes, position())
        : ChangeBatch.gap(batch.gap, batch.changes, position());
  }

  /**
   * Every so often: a gap if the partition count changed, and for a compacted topic, moves {@link
   * #since} of each partition read past the end offset the previous check found, then takes new ones.
   */
  private void check(long now, Batch batch) {
    if (now - lastCheck < checkEvery) {
      return;
    }
    lastCheck = now;
    int count = consumer.partitionsFor(topic, CALL_TIMEOUT).size();
    if (count == 0) {
      throw new ReconcileException.StoreUnavailableException(name + ": topic '" + topic + "' no longer exists; open"
          + " the feed again once it does (its first batch then reports a gap)", false);
    }
    if (count != partitions.size()) {
      batch.gap("topic '" + topic + "' now has " + count + " partitions, not " + partitions.size());
      List<TopicPartition> added = new ArrayList<>();
      for (int p = partitions.size(); p < count; p++) {
        added.add(new TopicPartition(topic, p));
      }
      partitions.addAll(added);
      consumer.assign(partitions);
      consumer.seekToEnd(added);
      added.forEach(tp -> since.put(tp, now));
    }
    if (tombstoneRetention == null) {
      return;
    }
    for (TopicPartition tp : partitions) {
      long[] mark = marks.get(tp);
      if (mark != null && consumer.position(tp, CALL_TIMEOUT) >= mark[0]) {
        since.merge(tp, mark[1], Math::max);
      }
    }
    long asked = System.currentTimeMillis();
    consumer.endOffsets(partitions, CALL_TIMEOUT).forEach((tp, end) -> marks.put(tp, new long[] {end, asked}));
  }

  private long oldestSince() {
    return since.values().stream().mapToLong(Long::longValue).min().orElse(System.currentTimeMillis());
  }

  /** The position after what the consumer returned so far. */
  private FeedPosition position() {
    Map<Integer, Long> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      offsets.put(tp.partition(), consumer.position(tp, CALL_TIMEOUT));
    }
    return new TopicPosition(topicId, oldestSince(), offsets).token();
  }

  /**
   * Nothing to release: the topic keeps its records whoever reads them, and the position lives with
   * the caller, who opens the feed after it again.
   */
  @Override
  public void commit(FeedPosition position) {
    // positions live with the engine; the feed commits no consumer offsets
  }

  /** How many records the feed skipped because they change no key of it. */
  long skipped() {
    lock.lock();
    try {
      return skipped;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes a waiting poll up, then closes the consumer once the poll let go of it. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    consumer.wakeup();
    lock.lock();
    try {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    } catch (KafkaException e) {
      LOG.debug("{}: closing the feed of topic '{}': {}", name, topic, e.toString());
    } finally {
      lock.unlock();
      onClose.run();
    }
  }

  @Override
  public String toString() {
    return "TopicChangeFeed[" + name + ", topic " + topic + "]";
  }

  private ReconcileException.StoreUnavailableException closedException() {
    return new ReconcileException.StoreUnavailableException(
        name + ": the feed of topic '" + topic + "' is closed; open it again after its last position", false);
  }

  private ReconcileException.StoreUnavailableException unavailable(String what, Throwable cause) {
    return unavailable(name, what, cause);
  }

  private static ReconcileException.StoreUnavailableException unavailable(String name, String what, Throwable cause) {
    return new ReconcileException.StoreUnavailableException(name + " could not " + what + ": "
        + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")")
        + "; check that the cluster is reachable, then open the feed again after its last position", true, cause);
  }

  private static TopicDescription describe(String name, Admin admin, String topic) {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new ReconcileException.ConfigurationException(name + ": topic '" + topic + "' does not exist, so it has"
            + " no change feed; check its name");
      }
      throw unavailable(name, "describe topic '" + topic + "'", e.getCause());
    } catch (TimeoutException e) {
      throw unavailable(name, "describe topic '" + topic + "'", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(name, "describe topic '" + topic + "'", e);
    }
  }

  /**
   * The topic's {@code delete.retention.ms} when its cleanup policy compacts, null when it does not;
   * Kafka's default, with a warning, when its configuration cannot be read.
   */
  private static @Nullable Long tombstoneRetention(String name, Admin admin, String topic) {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    try {
      Config c = admin.describeConfigs(List.of(r)).all().get(60, TimeUnit.SECONDS).get(r);
      ConfigEntry policy = c.get(TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy != null && policy.value() != null && !policy.value().contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        return null;
      }
      ConfigEntry retention = c.get(TopicConfig.DELETE_RETENTION_MS_CONFIG);
      return retention != null && retention.value() != null ? Long.parseLong(retention.value())
          : DEFAULT_TOMBSTONE_RETENTION_MS;
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      LOG.warn("{}: the configuration of topic '{}' could not be read ({}); its feed assumes it keeps tombstones"
          + " for {} ms, Kafka's default (grant DescribeConfigs on the topic)", name, topic,
          e instanceof ExecutionException ? e.getCause().getClass().getSimpleName() : e.getClass().getSimpleName(),
          DEFAULT_TOMBSTONE_RETENTION_MS);
      return DEFAULT_TOMBSTONE_RETENTION_MS;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unavailable(name, "describe the configuration of topic '" + topic + "'", e);
    }
  }
}
