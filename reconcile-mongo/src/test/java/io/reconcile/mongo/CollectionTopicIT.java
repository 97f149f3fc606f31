package io.reconcile.mongo;

import static io.reconcile.mongo.CrossStore.diff;
import static io.reconcile.mongo.CrossStore.find;
import static io.reconcile.mongo.CrossStore.repair;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.kafka.KafkaStore;
import io.reconcile.kafka.KeyFormat;
import io.reconcile.testservers.TestKafka;
import io.reconcile.testservers.TestMongo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.bson.BsonDocument;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic of three partitions (JSON keys {@code {"id":N}}, JSON values with a nested
 * object and an array) and a collection holding the same items, drifted apart and repaired through
 * the engine in both directions. reconcile-kafka is a test dependency only: the stores meet in the
 * engine, never in each other's code.
 */
class CollectionTopicIT {

  private static final MongoClient CLIENT = TestMongo.client();
  private static final int ITEMS = 60;

  @TempDir
  Path indexes;

  String topic;
  MongoCollection<BsonDocument> items;
  int stores;

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  /** Item {@code i} as JSON, the key's {@code id} in it as an application writes it. */
  static String json(long i, String name, String city) {
    return "{\"id\":" + i + ",\"name\":\"" + name + "\",\"address\":{\"city\":\"" + city + "\",\"zip\":" + (1000 + i)
        + "},\"tags\":[\"t" + i + "\",\"common\"],\"amount\":" + i + ".25}";
  }

  /** Item {@code i} as a document: the same JSON, its id as {@code _id} (int32), nested and array fields kept. */
  static BsonDocument document(long i, String name, String city) {
    BsonDocument d = BsonDocument.parse(json(i, name, city));
    d.remove("id");
    BsonDocument out = new BsonDocument("_id", new org.bson.BsonInt32((int) i));
    out.putAll(d);
    return out;
  }

  static String key(long i) {
    return "{\"id\":" + i + "}";
  }

  @BeforeEach
  void plant() {
    topic = TestKafka.compactedTopic("items", 3);
    items = CrossStore.create(CLIENT, "items", "items");
    Map<String, @Nullable String> records = new LinkedHashMap<>();
    List<BsonDocument> docs = new ArrayList<>();
    for (long i = 1; i <= ITEMS; i++) {
      records.put(key(i), json(i, "item " + i, "city " + i % 5));
      docs.add(document(i, "item " + i, "city " + i % 5));
    }
    produce(records);
    items.insertMany(docs);
  }

  void produce(Map<String, @Nullable String> records) {
    try (KafkaProducer<String, String> p = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer())) {
      for (Map.Entry<String, @Nullable String> r : records.entrySet()) {
        p.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())).get();
      }
    } catch (InterruptedException | ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  KafkaStore topic(boolean readOnly) {
    return KafkaStore.newBuilder(TestKafka.bootstrapServers(), topic).id("topic").keyFormat(KeyFormat.json("id"))
        .indexDirectory(indexes.resolve("index" + stores++)).readOnly(readOnly).build();
  }

  MongoStore collection(boolean readOnly) {
    return CrossStore.store(CLIENT, items, "collection", readOnly);
  }

  @Test
  @DisplayName("a topic's JSON values and a collection's documents holding the same data, nested objects and arrays included, are equal")
  void equalWhenLogicallyEqual() {
    try (Store c = collection(true); Store t = topic(true)) {
      ReconcileReport r = diff(c, t);
      assertThat(r.divergences()).as("%s %s", r.summary(), r.findings()).isZero();
    }
  }

  @Test
  @DisplayName("the collection repairs its topic (guarded writes): a tombstoned key, a stale nested field and an extra key; verified, and a second diff is empty")
  void collectionRepairsTopic() {
    Map<String, @Nullable String> drift = new LinkedHashMap<>();
    drift.put(key(7), null);
    drift.put(key(12), json(12, "item 12", "moved"));
    drift.put(key(61), json(61, "ghost", "nowhere"));
    produce(drift);
    try (Store c = collection(true); Store t = topic(false)) {
      ReconcileReport r = CrossStore.engine().stores(c, t).resolver(Resolvers.sourceOfTruth("collection"))
          .mode(Mode.APPLY).guardedWrites().auditLog(AuditLog.inMemory()).build().run();
      assertThat(r.divergencesByKind()).as(r.summary()).isEqualTo(Map.of("MISSING", 1L, "EXTRA", 1L, "MISMATCH", 1L));
      assertThat(r.repairs().applied()).as(r.summary()).isEqualTo(3);
      assertThat(r.converged()).as(r.summary()).isTrue();
      assertThat(r.verification().unconverged()).isEmpty();
    }
    Map<String, @Nullable String> latest = TestKafka.latestValues(topic);
    assertThat(latest.get(key(7))).contains("\"name\":\"item 7\"").contains("\"address\":{").contains("\"city\":\"city 2\"");
    assertThat(latest.get(key(12))).contains("\"city\":\"city 2\"").doesNotContain("moved");
    assertThat(latest).containsEntry(key(61), null);
    try (Store c = collection(true); Store t = topic(true)) {
      ReconcileReport again = diff(c, t);
      assertThat(again.divergences()).as(again.summary()).isZero();
    }
  }

  @Test
  @DisplayName("the topic repairs its collection: a deleted document, a stale nested field and array element, an extra document; verified, and a second diff is empty")
  void topicRepairsCollection() {
    items.deleteOne(Filters.eq("_id", 3));
    items.updateOne(Filters.eq("_id", 4), Updates.combine(Updates.set("address.city", "moved"), Updates.set("tags.1", "rare")));
    items.insertOne(document(62, "ghost", "nowhere"));
    try (Store t = topic(true); Store c = collection(false)) {
      ReconcileReport r = repair("topic", t, c);
      assertThat(r.divergencesByKind()).as(r.summary()).isEqualTo(Map.of("MISSING", 1L, "EXTRA", 1L, "MISMATCH", 1L));
      assertThat(r.repairs().applied()).as(r.summary()).isEqualTo(3);
      assertThat(r.converged()).as(r.summary()).isTrue();
    }
    assertThat(find(items, 3)).isEqualTo(document(3, "item 3", "city 3"));
    BsonDocument four = find(items, 4);
    assertThat(four.isDocument("address")).as("the nested object is written as a document: %s", four).isTrue();
    assertThat(four).isEqualTo(document(4, "item 4", "city 4"));
    assertThat(find(items, 62)).isNull();
    try (Store t = topic(true); Store c = collection(true)) {
      ReconcileReport again = diff(t, c);
      assertThat(again.divergences()).as(again.summary()).isZero();
    }
  }
}
