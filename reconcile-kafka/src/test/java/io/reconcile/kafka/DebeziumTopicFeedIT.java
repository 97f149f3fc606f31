package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Store;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestKafka;
import io.reconcile.testservers.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@link DebeziumTopicFeed} on a real broker: a PostgreSQL table keyed by {@code (id integer,
 * region text)} and the change events Debezium's PostgreSQL connector publishes for it through
 * JsonConverter, with and without the schema envelope, written here byte for byte as Debezium
 * writes them. The feed's keys must equal the keys the JDBC store of that table scans.
 */
class DebeziumTopicFeedIT {

  private static final long SOURCE_MS = 1_765_000_000_123L;

  private TestDatabase db;
  private Store table;
  private String topic;

  @BeforeEach
  void plant() {
    db = TestServers.postgres();
    db.exec("CREATE TABLE orders (id integer NOT NULL, region text NOT NULL, amount numeric(10,2),"
        + " PRIMARY KEY (id, region))",
        "INSERT INTO orders VALUES (1, 'eu', 12.34), (2, 'us', 5.00), (4, 'eu', 1.00)");
    table = JdbcStore.newBuilder(db.dataSource()).id("orders").table("orders").keyColumns("id", "region").build();
    topic = "dbserver1.public.orders-" + System.nanoTime();
    TestKafka.createTopic(topic, 3, Map.of());
  }

  @Test
  @DisplayName("c/u/d/r events and tombstones, enveloped or not, are changes of keys equal to the JDBC store's, at source.ts_ms")
  void eventsAreChangesOfTheStoresKeys() throws Exception {
    DebeziumTopicFeed source = DebeziumTopicFeed.newBuilder(TestKafka.bootstrapServers(), topic, table).build();
    try (ChangeFeed feed = source.open(Optional.empty())) {
      FeedReader r = new FeedReader(feed);
      assertThat(r.first().gap()).isEmpty();
      produce(
          record(key(true, 1, "eu"), value(true, "c", row(1, "eu", "BNI="), SOURCE_MS)),
          record(key(false, 2, "us"), value(false, "u", row(2, "us", "AfQ="), SOURCE_MS + 1)),
          record(key(true, 3, "eu"), value(true, "d", null, SOURCE_MS + 2)),
          record(key(true, 3, "eu"), null),
          record(key(false, 4, "eu"), value(false, "r", row(4, "eu", "ZA=="), SOURCE_MS + 3)));
      r.until(x -> x.changes.size() == 5, "five changes");
      assertThat(r.batches).allSatisfy(b -> assertThat(b.gap()).isEmpty());

      List<Key> scanned;
      try (Stream<Entry> s = table.scan(KeyRange.all())) {
        scanned = s.map(Entry::key).toList();
      }
      assertThat(scanned).containsExactly(Key.of(1L, "eu"), Key.of(2L, "us"), Key.of(4L, "eu"));
      assertThat(r.keys()).containsExactlyInAnyOrder(Key.of(1L, "eu"), Key.of(2L, "us"), Key.of(3L, "eu"), Key.of(4L, "eu"))
          .containsAll(scanned);
      Map<Key, List<Instant>> times = new java.util.HashMap<>();
      for (Change c : r.changes) {
        times.computeIfAbsent(c.key(), k -> new java.util.ArrayList<>()).add(c.committedAt());
      }
      assertThat(times.get(Key.of(1L, "eu"))).containsExactly(Instant.ofEpochMilli(SOURCE_MS));
      assertThat(times.get(Key.of(2L, "us"))).containsExactly(Instant.ofEpochMilli(SOURCE_MS + 1));
      assertThat(times.get(Key.of(4L, "eu"))).containsExactly(Instant.ofEpochMilli(SOURCE_MS + 3));
      assertThat(times.get(Key.of(3L, "eu"))).as("the delete at its source time, the tombstone at the record's")
          .hasSize(2).contains(Instant.ofEpochMilli(SOURCE_MS + 2))
          .allSatisfy(t -> assertThat(t).isNotNull());
    }
  }

  @Test
  @DisplayName("a truncate event is a gap; the feed goes on, and resumes after its position")
  void truncateIsAGap() throws Exception {
    DebeziumTopicFeed source = DebeziumTopicFeed.newBuilder(TestKafka.bootstrapServers(), topic, table).build();
    FeedPosition p;
    try (ChangeFeed feed = source.open(Optional.empty())) {
      FeedReader r = new FeedReader(feed);
      r.first();
      produce(record(null, truncate(true)));
      r.until(x -> x.batches.stream().anyMatch(b -> b.gap().isPresent()), "a gap");
      assertThat(r.batches.stream().flatMap(b -> b.gap().stream()).findFirst())
          .hasValueSatisfying(g -> assertThat(g).contains("truncated"));
      produce(record(key(false, 7, "eu"), value(false, "c", row(7, "eu", "ZA=="), SOURCE_MS)));
      r.until(Set.of(Key.of(7L, "eu")));
      p = r.position();
    }
    produce(record(key(false, 8, "us"), value(true, "c", row(8, "us", "ZA=="), SOURCE_MS)),
        record(null, truncate(false)));
    try (ChangeFeed feed = source.open(Optional.of(p))) {
      FeedReader r = new FeedReader(feed);
      r.until(x -> x.keys().contains(Key.of(8L, "us")) && x.batches.stream().anyMatch(b -> b.gap().isPresent()),
          "key (8, us) and the truncate (unenveloped)");
      assertThat(r.keys()).containsExactly(Key.of(8L, "us"));
      assertThat(r.batches.stream().flatMap(b -> b.gap().stream())).as("no gap but the truncate: the position resumed")
          .singleElement().satisfies(g -> assertThat(g).contains("truncated"));
    }
  }

  @Test
  @DisplayName("a record key that does not fit the store's schema is refused, naming the field, and stays refused")
  void mismatchedKeyIsRefused() throws Exception {
    DebeziumTopicFeed source = DebeziumTopicFeed.newBuilder(TestKafka.bootstrapServers(), topic, table).build();
    try (ChangeFeed feed = source.open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      produce(record("{\"id\":\"secret-1\",\"region\":\"eu\"}", value(false, "c", null, SOURCE_MS)));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      ReconcileException.ConfigurationException refused = null;
      while (refused == null) {
        assertThat(System.nanoTime()).as("the record was read").isLessThan(deadline);
        try {
          assertThat(feed.poll(Duration.ofMillis(200)).changes()).isEmpty();
        } catch (ReconcileException.ConfigurationException e) {
          refused = e;
        }
      }
      assertThat(refused.getMessage()).contains("key field id should hold a number, but holds text")
          .contains(topic).doesNotContain("secret-1");
      assertThatThrownBy(() -> feed.poll(Duration.ZERO)).isSameAs(refused);
    }
  }

  @Test
  @DisplayName("a store without a schema, or a key field list of another length, is refused when the feed is built")
  void refusedAtBuild() {
    Store schemaless = new io.reconcile.api.store.ForwardingStore(table) {
      @Override
      public Optional<io.reconcile.api.store.Schema> schema() {
        return Optional.empty();
      }
    };
    assertThatThrownBy(() -> DebeziumTopicFeed.newBuilder(TestKafka.bootstrapServers(), topic, schemaless).build())
        .isInstanceOf(ReconcileException.ConfigurationException.class).hasMessageContaining("declares no schema");
    assertThatThrownBy(() -> DebeziumTopicFeed.newBuilder(TestKafka.bootstrapServers(), topic, table).keyFields("id").build())
        .isInstanceOf(ReconcileException.ConfigurationException.class).hasMessageContaining("2 key parts");
    assertThatThrownBy(() -> DebeziumTopicFeed.newBuilder(TestKafka.bootstrapServers(), "no-such-topic", table).build()
        .open(Optional.empty())).isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("does not exist");
  }

  // Debezium's PostgreSQL connector's events for table public.orders, as JsonConverter writes them.

  private static final String KEY_SCHEMA = "{\"type\":\"struct\",\"fields\":["
      + "{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"region\"}],"
      + "\"optional\":false,\"name\":\"dbserver1.public.orders.Key\"}";

  private static final String ROW_SCHEMA_FIELDS = "["
      + "{\"type\":\"int32\",\"optional\":false,\"field\":\"id\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"region\"},"
      + "{\"type\":\"bytes\",\"optional\":true,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"version\":1,"
      + "\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"},\"field\":\"amount\"}]";

  private static final String SOURCE_SCHEMA = "{\"type\":\"struct\",\"fields\":["
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"version\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"connector\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"name\"},"
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"ts_ms\"},"
      + "{\"type\":\"string\",\"optional\":true,\"name\":\"io.debezium.data.Enum\",\"version\":1,"
      + "\"parameters\":{\"allowed\":\"true,first,first_in_data_collection,last_in_data_collection,last,false,incremental\"},"
      + "\"default\":\"false\",\"field\":\"snapshot\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"db\"},"
      + "{\"type\":\"string\",\"optional\":true,\"field\":\"sequence\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"schema\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"table\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"txId\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"lsn\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"xmin\"}],"
      + "\"optional\":false,\"name\":\"io.debezium.connector.postgresql.Source\",\"field\":\"source\"}";

  private static final String VALUE_SCHEMA = "{\"type\":\"struct\",\"fields\":["
      + "{\"type\":\"struct\",\"fields\":" + ROW_SCHEMA_FIELDS + ",\"optional\":true,"
      + "\"name\":\"dbserver1.public.orders.Value\",\"field\":\"before\"},"
      + "{\"type\":\"struct\",\"fields\":" + ROW_SCHEMA_FIELDS + ",\"optional\":true,"
      + "\"name\":\"dbserver1.public.orders.Value\",\"field\":\"after\"},"
      + SOURCE_SCHEMA + ","
      + "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,\"field\":\"id\"},"
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"total_order\"},"
      + "{\"type\":\"int64\",\"optional\":false,\"field\":\"data_collection_order\"}],"
      + "\"optional\":true,\"name\":\"event.block\",\"version\":1,\"field\":\"transaction\"},"
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"}],"
      + "\"optional\":false,\"name\":\"dbserver1.public.orders.Envelope\",\"version\":2}";

  private static final String TRUNCATE_SCHEMA = "{\"type\":\"struct\",\"fields\":[" + SOURCE_SCHEMA + ","
      + "{\"type\":\"string\",\"optional\":false,\"field\":\"op\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ms\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_us\"},"
      + "{\"type\":\"int64\",\"optional\":true,\"field\":\"ts_ns\"}],"
      + "\"optional\":false,\"name\":\"dbserver1.public.orders.Envelope\",\"version\":2}";

  static String key(boolean envelope, long id, String region) {
    String payload = "{\"id\":" + id + ",\"region\":\"" + region + "\"}";
    return envelope ? "{\"schema\":" + KEY_SCHEMA + ",\"payload\":" + payload + "}" : payload;
  }

  static String row(long id, String region, String amountBase64) {
    return "{\"id\":" + id + ",\"region\":\"" + region + "\",\"amount\":\"" + amountBase64 + "\"}";
  }

  static String source(long sourceMs) {
    return "{\"version\":\"3.1.3.Final\",\"connector\":\"postgresql\",\"name\":\"dbserver1\",\"ts_ms\":" + sourceMs
        + ",\"snapshot\":\"false\",\"db\":\"shop\",\"sequence\":\"[\\\"24023119\\\",\\\"24023128\\\"]\",\"ts_us\":"
        + sourceMs + "000,\"ts_ns\":" + sourceMs + "000000,\"schema\":\"public\",\"table\":\"orders\",\"txId\":555,"
        + "\"lsn\":24023128,\"xmin\":null}";
  }

  /** A change event; {@code row} the row after it (before it for a delete), null for none. */
  static String value(boolean envelope, String op, @Nullable String row, long sourceMs) {
    boolean delete = op.equals("d");
    String payload = "{\"before\":" + (delete ? (row == null ? "null" : row) : "null")
        + ",\"after\":" + (delete || row == null ? "null" : row)
        + ",\"source\":" + source(sourceMs) + ",\"transaction\":null,\"op\":\"" + op + "\",\"ts_ms\":" + (sourceMs + 500)
        + ",\"ts_us\":" + (sourceMs + 500) + "000,\"ts_ns\":" + (sourceMs + 500) + "000000}";
    return envelope ? "{\"schema\":" + VALUE_SCHEMA + ",\"payload\":" + payload + "}" : payload;
  }

  static String truncate(boolean envelope) {
    String payload = "{\"source\":" + source(SOURCE_MS) + ",\"op\":\"t\",\"ts_ms\":" + SOURCE_MS + ",\"ts_us\":"
        + SOURCE_MS + "000,\"ts_ns\":" + SOURCE_MS + "000000}";
    return envelope ? "{\"schema\":" + TRUNCATE_SCHEMA + ",\"payload\":" + payload + "}" : payload;
  }

  private record Rec(@Nullable String key, @Nullable String value) {}

  private static Rec record(@Nullable String key, @Nullable String value) {
    return new Rec(key, value);
  }

  /** Produces the records in order, each key to the default partitioner's partition, as Kafka Connect does. */
  private void produce(Rec... records) {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      for (Rec r : records) {
        p.send(new ProducerRecord<>(topic, r.key(), r.value())).get();
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }
}
