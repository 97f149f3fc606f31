package io.reconcile.mongo;

import static io.reconcile.mongo.CrossStore.diff;
import static io.reconcile.mongo.CrossStore.find;
import static io.reconcile.mongo.CrossStore.racing;
import static io.reconcile.mongo.CrossStore.repair;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.core.ReconcileReport;
import io.reconcile.testservers.TestMongo;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonArray;
import org.bson.BsonDateTime;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Two collections of the same items in two databases of one MongoDB server (the in-memory wire
 * server unless {@code MONGO_URI} names a real one), drifted apart and repaired through the engine:
 * scalar {@code _id}s and compound ones of a number and an ASCII text; numbers of equal value in
 * different BSON types; and writers racing the repair before it reaches the store and inside the
 * store, between its read of a document and its conditional write.
 */
class CollectionToCollectionIT {

  private static final MongoClient CLIENT = TestMongo.client();
  private static final int ITEMS = 100;
  private static final ObjectId OWNER = new ObjectId("65f0c0ffee0000000000abcd");

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  /** Item {@code i}: a nested address, an array of tags, an amount, an ObjectId owner, a date. */
  static BsonDocument item(long i) {
    return new BsonDocument("_id", new BsonInt64(i))
        .append("name", new BsonString("item " + i))
        .append("address", new BsonDocument("city", new BsonString("city " + i % 7)).append("zip", new BsonInt32(1000 + (int) i)))
        .append("tags", new BsonArray(List.of(new BsonString("t" + i), new BsonString("common"))))
        .append("amount", new BsonDouble(i + 0.25))
        .append("owner", new BsonObjectId(OWNER))
        .append("updated", new BsonDateTime(1_700_000_000_000L + i));
  }

  static List<BsonDocument> items() {
    List<BsonDocument> out = new ArrayList<>();
    for (long i = 1; i <= ITEMS; i++) {
      out.add(item(i));
    }
    return out;
  }

  @Test
  @DisplayName("long _ids: missing, extra and mismatched documents (nested field, array element, ObjectId, amount) found, repaired, verified; a second diff is empty")
  void longIds() {
    MongoCollection<BsonDocument> left = CrossStore.create(CLIENT, "left", "items");
    MongoCollection<BsonDocument> right = CrossStore.create(CLIENT, "right", "items");
    left.insertMany(items());
    right.insertMany(items());
    right.deleteOne(Filters.eq("_id", 10L));
    right.updateOne(Filters.eq("_id", 20L), Updates.set("address.city", "elsewhere"));
    right.updateOne(Filters.eq("_id", 30L), Updates.set("tags.1", "rare"));
    right.updateOne(Filters.eq("_id", 40L), Updates.set("amount", 0.5));
    right.updateOne(Filters.eq("_id", 50L), Updates.set("owner", new ObjectId("65f0c0ffee0000000000ffff")));
    right.insertOne(item(101));

    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", true)) {
      ReconcileReport d = diff(l, r);
      assertThat(d.divergencesByKind()).as(d.summary()).isEqualTo(Map.of("MISSING", 1L, "EXTRA", 1L, "MISMATCH", 4L));
      assertThat(d.findings()).filteredOn(f -> f.key().contains("50"))
          .singleElement().satisfies(f -> assertThat(f.detail()).contains("owner"));
    }
    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", false)) {
      ReconcileReport rep = repair("left", l, r);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(6);
      assertThat(rep.converged()).as(rep.summary()).isTrue();
      assertThat(rep.verification().rangesVerified()).isPositive();
      assertThat(rep.verification().unconverged()).isEmpty();
    }
    assertThat(withoutId(find(right, new BsonInt64(10)))).as("a document inserted back").isEqualTo(withoutId(item(10)));
    assertThat(find(right, new BsonInt64(20)).getDocument("address")).isEqualTo(item(20).getDocument("address"));
    assertThat(find(right, new BsonInt64(30)).getArray("tags")).isEqualTo(item(30).getArray("tags"));
    assertThat(find(right, new BsonInt64(40)).get("amount")).isEqualTo(new BsonDouble(40.25));
    assertThat(find(right, new BsonInt64(50)).get("owner")).as("an ObjectId is written back as one").isEqualTo(new BsonObjectId(OWNER));
    assertThat(find(right, new BsonInt64(101))).isNull();
    assertThat(right.countDocuments()).isEqualTo(ITEMS);
    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", true)) {
      ReconcileReport again = diff(l, r);
      assertThat(again.divergences()).as(again.summary()).isZero();
    }
  }

  /** An order of customer {@code id} in region {@code tag}, its {@code _id} compound {id: int64, tag}. */
  static BsonDocument order(long id, String tag, String status) {
    return new BsonDocument("_id", new BsonDocument("id", new BsonInt64(id)).append("tag", new BsonString(tag)))
        .append("status", new BsonString(status))
        .append("total", new BsonDecimal128(new Decimal128(BigDecimal.valueOf(id * 100 + tag.length(), 2))));
  }

  static final List<String> TAGS = List.of("ap-south", "eu", "eu-west", "us");

  static Store byUri(MongoCollection<BsonDocument> c, String id, boolean readOnly) {
    String uri = TestMongo.uri() + "/" + c.getNamespace().getFullName() + "?key=_id.id,_id.tag";
    return Stores.open(uri, StoreOptions.newBuilder().id(id).readOnly(readOnly).build());
  }

  @Test
  @DisplayName("compound _ids of a long and an ASCII text, opened by URI: the right collection repairs the left one, verified; a second diff is empty")
  void compoundIds() {
    MongoCollection<BsonDocument> left = CrossStore.create(CLIENT, "left", "orders");
    MongoCollection<BsonDocument> right = CrossStore.create(CLIENT, "right", "orders");
    List<BsonDocument> orders = new ArrayList<>();
    for (long id = 1; id <= 30; id++) {
      for (String tag : TAGS) {
        orders.add(order(id, tag, "open"));
      }
    }
    left.insertMany(orders);
    right.insertMany(orders);
    left.deleteOne(Filters.eq("_id", order(5, "us", "").get("_id")));
    left.updateOne(Filters.eq("_id", order(7, "eu", "").get("_id")), Updates.set("status", "lost"));
    left.insertOne(order(8, "eu-east", "ghost"));
    left.insertOne(order(31, "eu", "ghost"));

    try (Store r = byUri(right, "right", true); Store l = byUri(left, "left", true)) {
      ReconcileReport d = diff(r, l);
      assertThat(d.divergencesByKind()).as(d.summary()).isEqualTo(Map.of("MISSING", 1L, "EXTRA", 2L, "MISMATCH", 1L));
      assertThat(d.findings()).extracting(f -> f.kind() + " " + f.key())
          .anySatisfy(s -> assertThat(s).startsWith("MISSING").contains("5").contains("us"))
          .anySatisfy(s -> assertThat(s).startsWith("MISMATCH").contains("7").contains("eu"))
          .anySatisfy(s -> assertThat(s).startsWith("EXTRA").contains("8").contains("eu-east"));
    }
    try (Store r = byUri(right, "right", true); Store l = byUri(left, "left", false)) {
      ReconcileReport rep = repair("right", r, l);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(4);
      assertThat(rep.converged()).as(rep.summary()).isTrue();
      assertThat(rep.verification().unconverged()).isEmpty();
    }
    BsonDocument five = find(left, order(5, "us", "").get("_id"));
    assertThat(five).isNotNull();
    assertThat(five.getDocument("_id").keySet()).as("the compound _id's fields in their order").containsExactly("id", "tag");
    assertThat(five.getString("status").getValue()).isEqualTo("open");
    assertThat(decimal(five.get("total"))).isEqualByComparingTo("5.02");
    BsonDocument seven = find(left, order(7, "eu", "").get("_id"));
    assertThat(seven.getString("status").getValue()).isEqualTo("open");
    assertThat(left.countDocuments(Filters.eq("_id.id", 7L))).as("one document per key, none added beside it").isEqualTo(TAGS.size());
    assertThat(find(left, order(8, "eu-east", "").get("_id"))).isNull();
    assertThat(find(left, order(31, "eu", "").get("_id"))).isNull();
    assertThat(left.countDocuments()).isEqualTo(30L * TAGS.size());
    try (Store r = byUri(right, "right", true); Store l = byUri(left, "left", true)) {
      ReconcileReport again = diff(r, l);
      assertThat(again.divergences()).as(again.summary()).isZero();
    }
  }

  /** Numbers of one document written in the left's BSON types. */
  static BsonDocument leftNumbers(int i, String p) {
    return new BsonDocument("_id", new BsonInt32(i))
        .append("n", new BsonInt32(5))
        .append("m", new BsonInt64(5))
        .append("d", new BsonDouble(5.0))
        .append("p", new BsonDecimal128(Decimal128.parse(p)))
        .append("q", new BsonDouble(1.5))
        .append("big", new BsonInt64(1L << 40))
        .append("nested", new BsonDocument("x", new BsonInt32(1)).append("y", new BsonDecimal128(Decimal128.parse("2.0"))))
        .append("list", new BsonArray(List.of(new BsonInt32(1), new BsonDouble(2.5), new BsonInt64(3))));
  }

  /** The same values in other BSON types, the _id too (int64 for even {@code i}, double for odd). */
  static BsonDocument rightNumbers(int i, double p) {
    BsonValue id = i % 2 == 0 ? new BsonInt64(i) : new BsonDouble(i);
    return new BsonDocument("_id", id)
        .append("n", new BsonDouble(5.0))
        .append("m", new BsonInt32(5))
        .append("d", new BsonInt64(5))
        .append("p", new BsonDouble(p))
        .append("q", new BsonDecimal128(Decimal128.parse("1.50")))
        .append("big", new BsonDouble(Math.pow(2, 40)))
        .append("nested", new BsonDocument("x", new BsonInt64(1)).append("y", new BsonInt32(2)))
        .append("list", new BsonArray(List.of(new BsonDouble(1.0), new BsonDecimal128(Decimal128.parse("2.50")), new BsonInt32(3))));
  }

  @Test
  @DisplayName("int32, int64, double and decimal128 of equal value are equal (1.50 against 1.5, _ids too); the one real difference is repaired in the target's own types")
  void numbersCompareByValue() {
    MongoCollection<BsonDocument> left = CrossStore.create(CLIENT, "left", "numbers");
    MongoCollection<BsonDocument> right = CrossStore.create(CLIENT, "right", "numbers");
    for (int i = 1; i <= 20; i++) {
      left.insertOne(leftNumbers(i, "1.50"));
      right.insertOne(rightNumbers(i, 1.5));
    }
    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", true)) {
      ReconcileReport d = diff(l, r);
      assertThat(d.divergences()).as("%s %s", d.summary(), d.findings()).isZero();
    }

    left.insertOne(leftNumbers(21, "1.50"));
    right.insertOne(rightNumbers(21, 1.51));
    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", false)) {
      ReconcileReport d = diff(l, r);
      assertThat(d.divergencesByKind()).as(d.summary()).isEqualTo(Map.of("MISMATCH", 1L));
      assertThat(d.findings()).singleElement().satisfies(f -> {
        assertThat(f.key()).contains("21");
        assertThat(f.detail()).contains("p").doesNotContain("nested");
      });
      ReconcileReport rep = repair("left", l, r);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(1);
      assertThat(rep.converged()).as(rep.summary()).isTrue();
    }
    BsonDocument repaired = find(right, new BsonDouble(21));
    assertThat(repaired).as("the double _id 21 still holds the document").isNotNull();
    assertThat(repaired.get("p")).as("the target's double, with the left's value").isEqualTo(new BsonDouble(1.5));
    assertThat(repaired.get("n")).as("the target's own types kept").isEqualTo(new BsonDouble(5.0));
    assertThat(repaired.get("q").isDecimal128()).as("the target's decimal128 kept: %s", repaired).isTrue();
    assertThat(repaired.get("q").asDecimal128().getValue().bigDecimalValue()).isEqualByComparingTo("1.5");
    assertThat(repaired.getDocument("nested").get("x")).isEqualTo(new BsonInt64(1));
    assertThat(right.countDocuments()).isEqualTo(21);
    assertThat(find(right, new BsonInt64(2))).as("an equal document is not touched").isEqualTo(rightNumbers(2, 1.5));
    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", true)) {
      assertThat(diff(l, r).divergences()).isZero();
    }
  }

  /** The exact value of a BSON number, a double by its shortest decimal form. */
  static BigDecimal decimal(BsonValue n) {
    return n.isDouble() ? new BigDecimal(Double.toString(n.asDouble().getValue()))
        : n.isDecimal128() ? n.asDecimal128().getValue().bigDecimalValue() : BigDecimal.valueOf(n.asNumber().longValue());
  }

  /** The document's fields but its {@code _id}: what a repair writes, whatever BSON number type the key gets. */
  static BsonDocument withoutId(BsonDocument d) {
    BsonDocument out = d.clone();
    out.remove("_id");
    return out;
  }

  @Test
  @DisplayName("a repair that replaces a document keeps its _id as stored: an int64 or a double _id, and an int64 in a compound _id")
  void replaceKeepsTheIdAsStored() {
    MongoCollection<BsonDocument> left = CrossStore.create(CLIENT, "left", "ids");
    MongoCollection<BsonDocument> right = CrossStore.create(CLIENT, "right", "ids");
    // Nine equal documents beside the two that differ, so the run stays under the divergence ratio limit.
    for (long i = 1; i <= 9; i++) {
      left.insertOne(item(i));
      right.insertOne(item(i));
    }
    left.insertMany(List.of(item(20), item(21)));
    right.insertMany(List.of(item(20).append("name", new BsonString("stale")),
        item(21).append("_id", new BsonDouble(21)).append("name", new BsonString("stale"))));
    try (Store l = CrossStore.store(CLIENT, left, "left", true); Store r = CrossStore.store(CLIENT, right, "right", false)) {
      ReconcileReport rep = repair("left", l, r);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(2);
      assertThat(rep.converged()).as(rep.summary()).isTrue();
    }
    assertThat(find(right, new BsonInt64(20)).getString("name").getValue()).isEqualTo("item 20");
    assertThat(find(right, new BsonInt64(21)).getString("name").getValue()).isEqualTo("item 21");
    MongoCollection<BsonDocument> leftOrders = CrossStore.create(CLIENT, "left", "orders");
    MongoCollection<BsonDocument> rightOrders = CrossStore.create(CLIENT, "right", "orders");
    for (long id = 1; id <= 9; id++) {
      leftOrders.insertOne(order(id, "us", "open"));
      rightOrders.insertOne(order(id, "us", "open"));
    }
    leftOrders.insertOne(order(7, "eu", "open"));
    rightOrders.insertOne(order(7, "eu", "lost"));
    try (Store l = byUri(leftOrders, "left", true); Store r = byUri(rightOrders, "right", false)) {
      ReconcileReport rep = repair("left", l, r);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(1);
    }
    BsonDocument sevenEu = order(7, "eu", "").getDocument("_id");
    assertThat(rightOrders.find(Filters.eq("_id.tag", "eu")).first().getString("status").getValue()).isEqualTo("open");

    org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(right.find(Filters.eq("name", "item 20")).first().get("_id")).as("the int64 _id kept")
          .isEqualTo(new BsonInt64(20));
      soft.assertThat(right.find(Filters.eq("name", "item 21")).first().get("_id")).as("the double _id kept")
          .isEqualTo(new BsonDouble(21));
      soft.assertThat(rightOrders.find(Filters.eq("_id.tag", "eu")).first().getDocument("_id")).as("the compound _id kept")
          .isEqualTo(sevenEu);
    });
  }

  /** Two drifted item collections: right lacks 10, holds a changed 20 and an extra 101. */
  private MongoCollection<BsonDocument>[] drifted() {
    MongoCollection<BsonDocument> left = CrossStore.create(CLIENT, "left", "items");
    MongoCollection<BsonDocument> right = CrossStore.create(CLIENT, "right", "items");
    left.insertMany(items());
    right.insertMany(items());
    right.deleteOne(Filters.eq("_id", 10L));
    right.updateOne(Filters.eq("_id", 20L), Updates.set("name", "stale"));
    right.insertOne(item(101));
    @SuppressWarnings("unchecked")
    MongoCollection<BsonDocument>[] both = new MongoCollection[] {left, right};
    return both;
  }

  @Test
  @DisplayName("a document written after detection, before the batch reaches the store, is refused and keeps the newer value")
  void writeBeforeTheBatchIsRefused() {
    MongoCollection<BsonDocument>[] c = drifted();
    MongoCollection<BsonDocument> right = c[1];
    try (Store l = CrossStore.store(CLIENT, c[0], "left", true); Store r = CrossStore.store(CLIENT, right, "right", false)) {
      Store raced = racing(r, () -> right.updateOne(Filters.eq("_id", 20L), Updates.set("name", "written meanwhile")));
      ReconcileReport rep = repair("left", l, raced);
      assertThat(rep.repairs().refused()).as(rep.summary()).isEqualTo(1);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(2);
      assertThat(rep.converged()).as(rep.summary()).isFalse();
    }
    assertThat(find(right, new BsonInt64(20)).getString("name").getValue()).isEqualTo("written meanwhile");
    assertThat(withoutId(find(right, new BsonInt64(10)))).isEqualTo(withoutId(item(10)));
    assertThat(find(right, new BsonInt64(101))).isNull();
  }

  @Test
  @DisplayName("a document written between the store's read and its conditional replace or delete is not overwritten nor deleted: refused, the newer value kept")
  void writeInsideTheStoresWindowIsRefused() {
    MongoCollection<BsonDocument>[] c = drifted();
    MongoCollection<BsonDocument> right = c[1];
    String namespace = right.getNamespace().getDatabaseName();
    // Armed only while the repair batch runs; fires once per racing key, right after the store's
    // read of that document returned and before its write is sent.
    AtomicBoolean armed = new AtomicBoolean();
    AtomicBoolean raced20 = new AtomicBoolean();
    AtomicBoolean raced101 = new AtomicBoolean();
    CommandListener racer = new CommandListener() {
      @Override
      public void commandSucceeded(CommandSucceededEvent e) {
        if (!armed.get() || !e.getCommandName().equals("find") || !e.getDatabaseName().equals(namespace)) {
          return;
        }
        BsonArray batch = e.getResponse().getDocument("cursor").getArray("firstBatch");
        for (BsonValue d : batch) {
          BsonValue id = d.asDocument().get("_id");
          if (id.equals(new BsonInt64(20)) && raced20.compareAndSet(false, true)) {
            right.updateOne(Filters.eq("_id", 20L), Updates.set("name", "written in the window"));
          }
          if (id.equals(new BsonInt64(101)) && raced101.compareAndSet(false, true)) {
            right.updateOne(Filters.eq("_id", 101L), Updates.set("name", "kept in the window"));
          }
        }
      }
    };
    try (MongoClient watched = MongoClients.create(MongoClientSettings.builder()
        .applyConnectionString(new ConnectionString(TestMongo.uri())).addCommandListener(racer).build());
        Store l = CrossStore.store(CLIENT, c[0], "left", true);
        Store r = CrossStore.store(watched, right, "right", false)) {
      Store armedDuringApply = new ForwardingStore(r) {
        @Override
        public List<ActionOutcome> apply(List<RepairAction> actions) {
          armed.set(true);
          try {
            return super.apply(actions);
          } finally {
            armed.set(false);
          }
        }
      };
      ReconcileReport rep = repair("left", l, armedDuringApply);
      assertThat(raced20.get() && raced101.get()).as("both writes landed inside the store's window").isTrue();
      assertThat(rep.repairs().refused()).as(rep.summary()).isEqualTo(2);
      assertThat(rep.repairs().applied()).as(rep.summary()).isEqualTo(1);
      assertThat(rep.converged()).as(rep.summary()).isFalse();
    }
    assertThat(find(right, new BsonInt64(20)).getString("name").getValue()).isEqualTo("written in the window");
    BsonDocument extra = find(right, new BsonInt64(101));
    assertThat(extra).as("the extra document written in the window is not deleted").isNotNull();
    assertThat(extra.getString("name").getValue()).isEqualTo("kept in the window");
    assertThat(withoutId(find(right, new BsonInt64(10)))).isEqualTo(withoutId(item(10)));
  }
}
