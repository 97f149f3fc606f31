package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.testservers.TestKafka;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Conversions;
import org.apache.avro.Schema;
import org.apache.avro.SchemaFormatter;
import org.apache.avro.data.TimeConversions;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic of Avro records, written by Avro's own writer through a plain producer, read as
 * a store, and repaired: the repair's record is one Avro reads, with the key's field filled in.
 */
class AvroTopicIT {

  private static final Schema CUSTOMER = new Schema.Parser().parse("""
      {"type": "record", "name": "Customer", "namespace": "crm", "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": "string"},
        {"name": "tier", "type": {"type": "enum", "name": "Tier", "symbols": ["FREE", "GOLD"]}},
        {"name": "balance", "type": {"type": "bytes", "logicalType": "decimal", "precision": 12, "scale": 2}},
        {"name": "since", "type": {"type": "long", "logicalType": "timestamp-millis"}},
        {"name": "email", "type": ["null", "string"], "default": null}
      ]}""");
  private static final GenericData DATA = new GenericData();

  static {
    DATA.addLogicalTypeConversion(new Conversions.DecimalConversion());
    DATA.addLogicalTypeConversion(new TimeConversions.TimestampMillisConversion());
  }

  @TempDir
  Path indexDirectory;

  @Test
  void readsAvroRecordsAndRepairsWithOne() throws Exception {
    String topic = TestKafka.compactedTopic("avro", 3);
    produce(topic, List.of(
        customer(1, "Ada", "GOLD", "120.50", "2020-01-02T03:04:05.678Z", "ada@example.org"),
        customer(2, "Brian", "FREE", "0.00", "2021-06-01T00:00:00Z", null),
        customer(2, "Brian K.", "FREE", "-3.25", "2021-06-01T00:00:00Z", null),
        customer(3, "Chloé", "FREE", "99999.99", "1999-12-31T23:59:59.999Z", "c@example.org")));

    try (KafkaStore store = KafkaStore.newBuilder(TestKafka.bootstrapServers(), topic)
        .keyFormat(KeyFormat.longs("id"))
        .valueFormat(ValueFormat.avro(CUSTOMER))
        .indexDirectory(indexDirectory)
        .build()) {
      assertThat(store.scan(KeyRange.all()).toList()).containsExactly(
          entry(1, "Ada", "GOLD", "120.50", "2020-01-02T03:04:05.678Z", "ada@example.org"),
          entry(2, "Brian K.", "FREE", "-3.25", "2021-06-01T00:00:00Z", null),
          entry(3, "Chloé", "FREE", "99999.99", "1999-12-31T23:59:59.999Z", "c@example.org"));
      assertThat(store.anomalies()).isEmpty();

      Entry dora = entry(4, "Dora", "GOLD", "7.5", "2024-02-29T12:00:00Z", null);
      RepairAction insert = RepairAction.upsert(store.id(), dora, Expected.absent());
      assertThat(store.unwritable(insert)).isEmpty();
      assertThat(store.unwritable(RepairAction.upsert(store.id(),
          entry(5, "Eve", "PLATINUM", "1", "2024-01-01T00:00:00Z", null), Expected.absent())))
          .hasValueSatisfying(why -> assertThat(why).contains("field tier holds Avro enum crm.Tier")
              .doesNotContain("PLATINUM"));

      // Without a name, a new record is unwritable; a replacing one would keep the name it has.
      Entry nameless = Entry.of(Key.of(1L), Value.MapValue.of(Map.of("tier", Value.of("FREE"))));
      assertThat(store.unwritable(RepairAction.upsert(store.id(), Entry.of(Key.of(6L), nameless.fields()),
          Expected.absent()))).hasValueSatisfying(why -> assertThat(why).contains("field name of Avro record"
              + " crm.Customer is missing"));
      assertThat(store.unwritable(RepairAction.upsert(store.id(), nameless, Expected.present(
          entry(1, "Ada", "GOLD", "120.50", "2020-01-02T03:04:05.678Z", "ada@example.org"))))).isEmpty();

      assertThat(store.apply(List.of(insert))).extracting(ActionOutcome::status)
          .containsExactly(ActionOutcome.Status.APPLIED);
      assertThat(store.awaitVisible(Duration.ofSeconds(30))).isTrue();
      assertThat(store.scan(KeyRange.all()).toList()).hasSize(4).contains(dora);
      assertThat(store.get(List.of(Key.of(4L)))).containsValue(dora);
    }

    GenericRecord written = lastRecord(topic, 4);
    assertThat(written.get("id")).isEqualTo(4L);
    assertThat(written.get("name")).hasToString("Dora");
    assertThat(written.get("balance")).isEqualTo(new BigDecimal("7.50"));
    assertThat(written.get("since")).isEqualTo(Instant.parse("2024-02-29T12:00:00Z"));
    assertThat(written.get("email")).isNull();
  }

  @Test
  void opensByUri() throws Exception {
    String topic = TestKafka.compactedTopic("avro-uri", 1);
    produce(topic, List.of(customer(1, "Ada", "GOLD", "120.50", "2020-01-02T03:04:05.678Z", null)));
    Path schema = Files.writeString(indexDirectory.resolve("customer.avsc"), SchemaFormatter.format("json/pretty", CUSTOMER));
    String uri = "kafka://" + TestKafka.bootstrapServers() + "/" + topic + "?format=avro&schema=" + schema
        + "&keyFormat=long&index=" + indexDirectory.resolve("index");
    try (Store store = new KafkaStoreProvider().open(uri, StoreOptions.defaults())) {
      assertThat(store.scan(KeyRange.all()).toList())
          .containsExactly(entry(1, "Ada", "GOLD", "120.50", "2020-01-02T03:04:05.678Z", null));
    }
  }

  private static GenericRecord customer(long id, String name, String tier, String balance, String since, String email) {
    GenericRecord r = new GenericData.Record(CUSTOMER);
    r.put("id", id);
    r.put("name", name);
    r.put("tier", new GenericData.EnumSymbol(CUSTOMER.getField("tier").schema(), tier));
    r.put("balance", new BigDecimal(balance).setScale(2));
    r.put("since", Instant.parse(since));
    r.put("email", email);
    return r;
  }

  /** The entry the store shows: the record's fields but the key's. */
  private static Entry entry(long id, String name, String tier, String balance, String since, String email) {
    return Entry.of(Key.of(id), Value.MapValue.of(Map.of(
        "name", Value.of(name),
        "tier", Value.of(tier),
        "balance", Value.of(new BigDecimal(balance)),
        "since", Value.of(Instant.parse(since)),
        "email", email == null ? Value.ofNull() : Value.of(email))));
  }

  private static void produce(String topic, List<GenericRecord> records) throws IOException {
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all"), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (GenericRecord r : records) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(CUSTOMER, DATA).write(r, enc);
        enc.flush();
        producer.send(new ProducerRecord<>(topic, recordKey((Long) r.get("id")), out.toByteArray()));
      }
      producer.flush();
    }
  }

  /** The newest committed record of the key, as Avro's own reader reads it. */
  private static GenericRecord lastRecord(String topic, long id) throws IOException {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
      while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
        consumer.poll(Duration.ofMillis(500)).forEach(read::add);
      }
      byte[] value = read.stream().filter(r -> ByteBuffer.wrap(r.key()).getLong() == id)
          .reduce((a, b) -> b).orElseThrow().value();
      return new GenericDatumReader<GenericRecord>(CUSTOMER, CUSTOMER, DATA)
          .read(null, DecoderFactory.get().binaryDecoder(value, null));
    }
  }

  private static byte[] recordKey(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }
}
