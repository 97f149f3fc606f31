package io.reconcile.kafka;

import io.reconcile.api.Key;
import io.reconcile.api.store.ChangeListener;
import io.reconcile.api.store.Subscription;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topic as its own change feed: a thread that reads the committed records appended after given
 * offsets and tells a listener each record's key (a written value or a tombstone alike). Records
 * whose key is not of the store's format are skipped (the index reports them). Closing it stops
 * the thread and its consumer.
 */
final class TopicFeed implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStore.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean closed;

  private TopicFeed(KafkaConsumer<byte[], byte[]> consumer, String storeId, String topic, Map<Integer, Long> from,
      KeyFormat keys, ChangeListener listener) {
    this.consumer = consumer;
    List<TopicPartition> parts = from.keySet().stream().map(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(parts);
    from.forEach((p, offset) -> consumer.seek(new TopicPartition(topic, p), offset));
    this.thread = new Thread(() -> {
      try {
        while (!closed) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
            Key key;
            try {
              key = r.key() == null ? null : keys.read(r.key());
            } catch (IllegalArgumentException e) {
              continue;
            }
            if (key != null) {
              listener.changed(key);
            }
          }
        }
      } catch (WakeupException e) {
        // closed
      } catch (RuntimeException e) {
        LOG.warn("store '{}': the change feed of topic '{}' stopped: {}", storeId, topic, e.toString());
      } finally {
        consumer.close(Duration.ZERO);
      }
    }, "reconcile-feed-" + storeId);
    thread.setDaemon(true);
  }

  /** Starts a feed of the topic's records from the given offsets per partition. */
  static TopicFeed start(Map<String, Object> clientConfig, String storeId, String topic, Map<Integer, Long> from,
      KeyFormat keys, ChangeListener listener) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "reconcile-feed-" + storeId);
    TopicFeed feed = new TopicFeed(new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer()),
        storeId, topic, from, keys, listener);
    feed.thread.start();
    return feed;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      consumer.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
