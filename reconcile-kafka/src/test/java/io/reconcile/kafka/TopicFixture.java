package io.reconcile.kafka;

import io.reconcile.testservers.TestKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;

/** A topic of the test broker, written and read as plain JSON strings the way an application would. */
final class TopicFixture {

  final String topic;

  TopicFixture(String topic) {
    this.topic = topic;
  }

  /** A compacted topic of three partitions. */
  static TopicFixture compacted(String prefix) {
    return new TopicFixture(TestKafka.compactedTopic(prefix, 3));
  }

  /** The record key {@code {"id":N}}, as {@link KeyFormat#json} writes it. */
  static String key(long id) {
    return "{\"id\":" + id + "}";
  }

  /** Produces records (null values are tombstones), each acknowledged before this returns. */
  void produce(Map<String, @Nullable String> records) {
    try (KafkaProducer<String, String> p = producer()) {
      for (Map.Entry<String, @Nullable String> r : records.entrySet()) {
        p.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())).get();
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Produces one record to a partition chosen by the caller, acknowledged before this returns. */
  void produceTo(int partition, String key, @Nullable String value) {
    try (KafkaProducer<String, String> p = producer()) {
      p.send(new ProducerRecord<>(topic, partition, key, value)).get();
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer());
  }

  /** The newest committed value of every key (null for a tombstone), read to the end of the topic. */
  Map<String, @Nullable String> latest() {
    return TestKafka.latestValues(topic);
  }

  /** A store over the topic with JSON keys {@code {"id":N}} and JSON values, its index in a new directory. */
  KafkaStore.Builder store(String id) {
    return KafkaStore.newBuilder(TestKafka.bootstrapServers(), topic).id(id).keyFormat(KeyFormat.json("id"))
        .indexDirectory(newDirectory());
  }

  /** Where this JVM's indexes go; removed when it exits. */
  private static final Path INDEXES = indexes();

  /** A new, empty index directory. */
  static Path newDirectory() {
    try {
      return Files.createTempDirectory(INDEXES, "index");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path indexes() {
    try {
      Path root = Files.createTempDirectory("kafka-indexes");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try (var paths = Files.walk(root)) {
          paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // the JVM is exiting; what is left is in the temporary directory
        }
      }));
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
