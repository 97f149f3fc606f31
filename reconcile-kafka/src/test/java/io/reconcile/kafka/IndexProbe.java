package io.reconcile.kafka;

import io.reconcile.testservers.TestKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class IndexProbe {
  @Test
  void probe() throws Exception {
    int n = Integer.getInteger("n", 500_000);
    String topic = TestKafka.compactedTopic("probe", 3);
    TestKafka.createTopic(topic + "-x", 1, Map.of());
    try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024, ProducerConfig.ACKS_CONFIG, "1",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false), new StringSerializer(), new StringSerializer())) {
      for (int round = 0; round < 2; round++) {
        for (int i = 1; i <= n; i++) {
          p.send(new ProducerRecord<>(topic, "{\"id\":" + i + "}", "{\"id\":" + i + ",\"name\":\"name " + i + " r" + round + "\",\"amount\":" + i + ".25,\"active\":true,\"qty\":" + (i % 100) + "}"));
        }
      }
    }
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      long count = 0;
      try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10000, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> parts = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1), new TopicPartition(topic, 2));
        c.assign(parts);
        c.seekToBeginning(parts);
        Map<TopicPartition, Long> ends = c.endOffsets(parts);
        while (parts.stream().anyMatch(tp -> c.position(tp) < ends.get(tp))) {
          count += c.poll(Duration.ofMillis(200)).count();
        }
      }
      long floor = (System.nanoTime() - t0) / 1_000_000;
      long t1 = System.nanoTime();
      try (KafkaStore s = KafkaStore.newBuilder(TestKafka.bootstrapServers(), topic).indexDirectory(TopicFixture.newDirectory()).readOnly(true).build()) {
        long build = (System.nanoTime() - t1) / 1_000_000;
        long t2 = System.nanoTime();
        io.reconcile.api.Digest d = s.digest(io.reconcile.api.KeyRange.all());
        long dig = (System.nanoTime() - t2) / 1_000_000;
        System.out.printf("PROBE records %d floor %d ms, build %d ms (%.2fx), digest all %d ms count %d%n", count, floor, build, build / (double) floor, dig, d.count());
      }
    }
  }
}
