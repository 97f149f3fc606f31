package io.reconcile.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.testservers.TestMongo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * What the store kit does not reach: keys of several BSON types in one collection, text and compound
 * keys (texts both the wire server's and MongoDB's orders agree on), refused {@code _id} types,
 * projections, what a replacement keeps, and URIs ({@link ChangeStreamFeedIT} tests the change feed).
 */
class MongoStoreIT {

  private static final MongoClient CLIENT = TestMongo.client();
  private static final String DATABASE = TestMongo.newDatabase("store");

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  private static MongoCollection<BsonDocument> newCollection(String prefix) {
    String name = prefix + "_" + System.nanoTime();
    CLIENT.getDatabase(DATABASE).createCollection(name);
    return CLIENT.getDatabase(DATABASE).getCollection(name, BsonDocument.class);
  }

  private static BsonDocument doc(BsonValue id, String name) {
    return new BsonDocument("_id", id).append("name", new BsonString(name));
  }

  private static List<Key> keys(Store store, KeyRange range) {
    try (Stream<Entry> s = store.scan(range)) {
      return s.map(Entry::key).toList();
    }
  }

  @Test
  void idsOfEveryKeyTypeComeBackInKeyOrderAndRangesCrossTypes() {
    MongoCollection<BsonDocument> c = newCollection("mixed");
    ObjectId oid = new ObjectId("653a0bf0aabbccddeeff0011");
    UUID uuid = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");
    c.insertMany(List.of(doc(new BsonObjectId(oid), "o"), doc(new BsonString("b"), "s"), doc(new BsonInt64(-5), "n"),
        doc(new BsonBinary(uuid), "u"), doc(new BsonDouble(2.5), "d"), doc(new BsonString("é日"), "s2"),
        doc(new BsonDecimal128(Decimal128.parse("1e20")), "big"), doc(new BsonInt32(3), "i")));
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).build()) {
      List<Key> all = keys(store, KeyRange.all());
      assertThat(all).containsExactly(Key.of(-5L), Key.of(new BigDecimal("2.5")), Key.of(3L),
          Key.of(new BigDecimal("1e20")), Key.of("b"), Key.of("é日"), Key.of(uuid), Key.ofBytes(oid.toByteArray()));
      assertThat(keys(store, KeyRange.of(Key.of(3L), Key.of("é")))).containsExactly(Key.of(3L), Key.of(new BigDecimal("1e20")), Key.of("b"));
      assertThat(keys(store, KeyRange.of(Key.of("c"), Key.ofBytes(oid.toByteArray())))).containsExactly(Key.of("é日"), Key.of(uuid));
      assertThat(keys(store, KeyRange.atLeast(Key.of(uuid)))).containsExactly(Key.of(uuid), Key.ofBytes(oid.toByteArray()));
      assertThat(store.get(List.of(Key.of(3L), Key.of("zz"), Key.of(uuid))).keySet()).containsExactly(Key.of(3L), Key.of(uuid));
      assertThat(store.segments(KeyRange.all(), 3)).hasSizeBetween(1, 3)
          .allSatisfy(s -> assertThat(KeyRange.all().encloses(s.range())).isTrue());
    }
  }

  @Test
  void segmentsCutARangeIntoShareOfItsKeysThatCoverItInOrder() {
    MongoCollection<BsonDocument> c = newCollection("segments");
    List<BsonDocument> docs = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      docs.add(doc(new BsonInt32(i * 3), "d" + i));
    }
    c.insertMany(docs);
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).build()) {
      for (KeyRange range : List.of(KeyRange.all(), KeyRange.of(Key.of(300L), Key.of(1500L)))) {
        List<io.reconcile.api.store.Segment> segments = store.segments(range, 8);
        assertThat(segments).hasSize(8);
        assertThat(segments.get(0).range().lo()).isEqualTo(range.lo());
        assertThat(segments.get(7).range().hi()).isEqualTo(range.hi());
        int inRange = keys(store, range).size();
        for (int i = 0; i < segments.size(); i++) {
          if (i > 0) {
            assertThat(segments.get(i - 1).range().adjoins(segments.get(i).range())).isTrue();
          }
          assertThat(keys(store, segments.get(i).range()).size()).as("segment %s", i).isBetween(inRange * 9 / 80, inRange * 11 / 80); // within a tenth of an equal share
        }
      }
    }
  }

  @Test
  void aCompoundIdIsAKeyOfOnePartPerFieldInOrder() {
    MongoCollection<BsonDocument> c = newCollection("compound");
    for (String region : List.of("eu", "us")) {
      for (int id : new int[] {2, 10, 1}) {
        c.insertOne(new BsonDocument("_id", new BsonDocument("region", new BsonString(region)).append("id", new BsonInt32(id)))
            .append("n", new BsonInt32(id)));
      }
    }
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName())
        .key("_id.region", "_id.id").build()) {
      assertThat(keys(store, KeyRange.all())).containsExactly(Key.of("eu", 1L), Key.of("eu", 2L), Key.of("eu", 10L),
          Key.of("us", 1L), Key.of("us", 2L), Key.of("us", 10L));
      assertThat(keys(store, KeyRange.of(Key.of("eu", 2L), Key.of("us", 2L))))
          .containsExactly(Key.of("eu", 2L), Key.of("eu", 10L), Key.of("us", 1L));
      RepairAction insert = RepairAction.upsert(store.id(), Entry.of(Key.of("eu", 5L), Map.of("n", 5)), Expected.absent());
      assertThat(store.apply(List.of(insert))).extracting(ActionOutcome::status).containsExactly(ActionOutcome.Status.APPLIED);
      assertThat(c.find(new BsonDocument("n", new BsonInt32(5))).first().get("_id"))
          .isEqualTo(new BsonDocument("region", new BsonString("eu")).append("id", new BsonInt32(5)));
    }
  }

  @Test
  void theFieldsOfAUniqueIndexAreAKeyAndRangesOverThemAreBoxes() {
    MongoCollection<BsonDocument> c = newCollection("indexed");
    c.createIndex(new BsonDocument("region", new BsonInt32(1)).append("no", new BsonInt32(1)),
        new com.mongodb.client.model.IndexOptions().unique(true));
    List<Key> expected = new ArrayList<>();
    for (Object region : List.of(7L, "eu", "us")) {
      for (long no : new long[] {1, 2, 10}) {
        BsonValue r = region instanceof Long l ? new BsonInt64(l) : new BsonString((String) region);
        c.insertOne(new BsonDocument("region", r).append("no", new BsonInt32((int) no)).append("n", new BsonInt64(no)));
        expected.add(Key.of(region, no));
      }
    }
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName())
        .key("region", "no").build()) {
      assertThat(keys(store, KeyRange.all())).isEqualTo(expected);
      for (int from = 0; from < expected.size(); from++) {
        for (int to = from + 1; to <= expected.size(); to++) {
          assertThat(keys(store, KeyRange.of(expected.get(from), to == expected.size() ? null : expected.get(to))))
              .as("[%s, %s)", from, to).isEqualTo(expected.subList(from, to));
        }
      }
      assertThat(keys(store, KeyRange.of(Key.of(7L), Key.of("eu", 2L)))).isEqualTo(expected.subList(0, 4));
      Entry one;
      try (Stream<Entry> s = store.scan(KeyRange.all())) {
        one = s.findFirst().orElseThrow();
      }
      assertThat(one.fields().fields().keySet()).containsExactly("n");
      RepairAction insert = RepairAction.upsert(store.id(), Entry.of(Key.of("zz", 3L), Map.of("n", 3)), Expected.absent());
      assertThat(store.apply(List.of(insert))).extracting(ActionOutcome::status).containsExactly(ActionOutcome.Status.APPLIED);
      BsonDocument written = c.find(new BsonDocument("region", new BsonString("zz"))).first();
      assertThat(written.get("_id").isObjectId()).isTrue();
      assertThat(written.getInt32("no").getValue()).isEqualTo(3);
      assertThat(store.capabilities()).doesNotContain(Capability.CHANGE_FEED);
    }
  }

  @Test
  void aRowHashFieldLetsTheServerDigestAndADocumentWithoutItIsDigestedHere() {
    MongoCollection<BsonDocument> c = newCollection("hashed");
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Entry e = Entry.of(Key.of((long) i), Map.of("name", "n" + i, "amount", new BigDecimal(i + ".5")));
      entries.add(e);
      c.insertOne(new BsonDocument("_id", new BsonInt32(i)).append("name", new BsonString("n" + i))
          .append("amount", new BsonDouble(i + 0.5))
          .append("h", new org.bson.BsonArray(MongoStore.rowHashLimbs(e.hash()).stream().map(l -> (BsonValue) new BsonInt64(l)).toList())));
    }
    io.reconcile.api.Digest expected = entries.stream().map(Entry::hash).reduce(io.reconcile.api.Digest.EMPTY,
        io.reconcile.api.Digest::plus, io.reconcile.api.Digest::plus);
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).rowHashField("h").build()) {
      assertThat(store.capabilities()).contains(Capability.SERVER_SIDE_DIGEST);
      assertThat(store.digest(KeyRange.all())).isEqualTo(expected);
      try (Stream<Entry> s = store.scan(KeyRange.all())) {
        assertThat(s.findFirst().orElseThrow().fields().fields()).doesNotContainKey("h");
      }
      // a writer that left the field out: the range is digested from its documents, still right
      c.updateOne(new BsonDocument("_id", new BsonInt32(3)), new BsonDocument("$unset", new BsonDocument("h", new BsonString(""))));
      assertThat(store.digest(KeyRange.all())).isEqualTo(expected);
      try (Stream<io.reconcile.api.KeyHash> s = store.rowHashes(List.of(KeyRange.all()), io.reconcile.api.HashScheme.CANONICAL_MD5)) {
        assertThat(s.map(io.reconcile.api.KeyHash::hash).toList()).isEqualTo(entries.stream().map(Entry::hash).toList());
      }
      // a stale field goes unseen by the digest: the documented limit
      c.updateOne(new BsonDocument("_id", new BsonInt32(4)), new BsonDocument("$set", new BsonDocument("name", new BsonString("changed"))));
      c.updateOne(new BsonDocument("_id", new BsonInt32(3)), new BsonDocument("$set", new BsonDocument("h",
          new org.bson.BsonArray(MongoStore.rowHashLimbs(entries.get(3).hash()).stream().map(l -> (BsonValue) new BsonInt64(l)).toList()))));
      assertThat(store.digest(KeyRange.all())).isEqualTo(expected);
      // the store's own repair keeps the field true
      Entry seen = store.get(List.of(Key.of(4L))).get(Key.of(4L));
      store.apply(List.of(RepairAction.upsert(store.id(), entries.get(4), Expected.present(seen))));
      assertThat(store.digest(KeyRange.all())).isEqualTo(expected);
    }
  }

  @Test
  void fieldsWithoutAUniqueIndexAreNoKey() {
    MongoCollection<BsonDocument> c = newCollection("unindexed");
    c.createIndex(new BsonDocument("no", new BsonInt32(1))); // not unique
    assertThatThrownBy(() -> MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).key("no").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("unique index").hasMessageContaining("createIndex");
    assertThatThrownBy(() -> MongoStore.newBuilder(CLIENT, DATABASE, "x").key("_id.a", "b"))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void aCollectionWithAnIdOfAnotherTypeIsRefusedByTypeNeverByValue() {
    MongoCollection<BsonDocument> c = newCollection("odd");
    c.insertMany(List.of(doc(new BsonInt32(1), "a"), doc(BsonBoolean.TRUE, "secret-name")));
    assertThatThrownBy(() -> MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("boolean").hasMessageNotContaining("secret-name").hasMessageNotContaining("true");
    MongoCollection<BsonDocument> scalar = newCollection("scalar");
    scalar.insertOne(doc(new BsonInt32(1), "a"));
    assertThatThrownBy(() -> MongoStore.newBuilder(CLIENT, DATABASE, scalar.getNamespace().getCollectionName())
        .key("_id.a", "_id.b").build())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("int32");
  }

  @Test
  void aProjectionComparesItsFieldsAndAReplacementKeepsTheOthers() {
    MongoCollection<BsonDocument> c = newCollection("projected");
    c.insertOne(new BsonDocument("_id", new BsonInt32(1)).append("name", new BsonString("Ada"))
        .append("amount", new BsonInt64(10)).append("audit", new BsonDocument("by", new BsonString("ops"))));
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName())
        .fields("name", "amount").build()) {
      Entry before;
      try (Stream<Entry> s = store.scan(KeyRange.all())) {
        before = s.findFirst().orElseThrow();
      }
      assertThat(before.fields().fields().keySet()).containsExactlyInAnyOrder("name", "amount");
      Entry after = Entry.of(Key.of(1L), Map.of("name", "Ada L.", "amount", 12));
      List<ActionOutcome> out = store.apply(List.of(RepairAction.upsert(store.id(), after, Expected.present(before))));
      assertThat(out.get(0).status()).isEqualTo(ActionOutcome.Status.APPLIED);
      assertThat(out.get(0).foundRow()).containsKeys("name", "amount", "audit");
      BsonDocument stored = c.find().first();
      assertThat(stored.get("audit")).isEqualTo(new BsonDocument("by", new BsonString("ops")));
      assertThat(stored.get("amount")).isEqualTo(new BsonInt64(12)); // the type the document held
      assertThat(stored.getString("name").getValue()).isEqualTo("Ada L.");
      assertThat(new ArrayList<>(stored.keySet())).containsExactly("_id", "name", "amount", "audit"); // its order kept
    }
  }

  @Test
  void aDocumentChangedSinceDetectionIsRefusedAndKept() {
    MongoCollection<BsonDocument> c = newCollection("changed");
    c.insertOne(doc(new BsonInt32(1), "Ada"));
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).build()) {
      Entry seen = store.get(List.of(Key.of(1L))).get(Key.of(1L));
      c.updateOne(new BsonDocument("_id", new BsonInt32(1)), new BsonDocument("$set", new BsonDocument("late", BsonBoolean.TRUE)));
      List<ActionOutcome> out = store.apply(List.of(
          RepairAction.upsert(store.id(), Entry.of(Key.of(1L), Map.of("name", "Bob")), Expected.present(seen)),
          RepairAction.delete(store.id(), Key.of(1L), Expected.present(seen))));
      assertThat(out).extracting(ActionOutcome::status).containsExactly(ActionOutcome.Status.REFUSED, ActionOutcome.Status.REFUSED);
      assertThat(c.find().first()).isEqualTo(doc(new BsonInt32(1), "Ada").append("late", BsonBoolean.TRUE));
    }
  }

  @Test
  void aServerWithoutChangeStreamsOrTransactionsDeclaresNeither() {
    MongoCollection<BsonDocument> c = newCollection("plain");
    try (MongoStore store = MongoStore.newBuilder(CLIENT, DATABASE, c.getNamespace().getCollectionName()).build()) {
      if (!TestMongo.isReal()) { // no change streams, no transactions, and every query a full pass (no explain)
        assertThat(store.capabilities()).doesNotContain(Capability.CHANGE_FEED, Capability.ATOMIC_BATCH, Capability.KEY_INDEX);
      } else {
        assertThat(store.capabilities()).contains(Capability.KEY_INDEX);
      }
      assertThat(store.capabilities()).contains(Capability.COMPARE_AND_SET, Capability.READ_YOUR_WRITES)
          .doesNotContain(Capability.SERVER_SIDE_DIGEST);
      assertThat(store.fingerprint()).containsEntry("dataset", c.getNamespace().getCollectionName())
          .containsEntry("database", DATABASE).containsEntry("key", "_id");
    }
  }

  @Test
  void aUriOpensTheCollectionAndTheDatasetKeyIsHeldInId() {
    MongoCollection<BsonDocument> c = newCollection("uri");
    c.insertOne(doc(new BsonInt32(7), "x"));
    String name = c.getNamespace().getCollectionName();
    StoreOptions options = StoreOptions.newBuilder().id("docs").keyFields("id").build();
    try (Store byPath = Stores.open(TestMongo.uri() + "/" + DATABASE + "." + name, options);
        Store byDataset = Stores.open(TestMongo.uri() + "/" + DATABASE, StoreOptions.newBuilder().dataset(name).build())) {
      assertThat(keys(byPath, KeyRange.all())).containsExactly(Key.of(7L));
      assertThat(byPath.id()).isEqualTo("docs");
      assertThat(keys(byDataset, KeyRange.all())).containsExactly(Key.of(7L));
    }
  }

  @Test
  void aBadUriSaysWhatIsWrongWithoutTheSecret() {
    StoreOptions none = StoreOptions.defaults();
    Set<String> messages = new HashSet<>();
    for (String uri : List.of("mongodb://127.0.0.1:1", "mongodb://u:hunter2@127.0.0.1:27017/db.c?bogus=%zz&tls=maybe",
        "mongodb://u:hunter2@127.0.0.1:27017/db.c?key=a.b", "mongodb://u:hunter2@127.0.0.1:27017/db.c?key=_id&key=_id")) {
      assertThatThrownBy(() -> Stores.open(uri, none))
          .isInstanceOf(ConfigurationException.class)
          .satisfies(e -> messages.add(e.getMessage()))
          .hasMessageNotContaining("hunter2");
    }
    assertThat(messages).hasSize(4);
    assertThatThrownBy(() -> Stores.open(TestMongo.uri() + "/db.c?readPrefrence=secondary", none))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'readPrefrence'");
    assertThatThrownBy(() -> Stores.open(TestMongo.uri() + "/db.c", StoreOptions.newBuilder().filter("1=1").build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("-w");
    assertThatThrownBy(() -> Stores.open(TestMongo.uri() + "/db.c", StoreOptions.newBuilder().property("ssl", "x").build()))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("'ssl'");
  }

  @Test
  void anUnreachableServerFailsWithoutTheSecret() {
    assertThatThrownBy(() -> Stores.open("mongodb://u:hunter2@127.0.0.1:9/db.c?serverSelectionTimeoutMS=300",
        StoreOptions.defaults()))
        .hasMessageContaining("could not reach").hasMessageNotContaining("hunter2");
  }
}
