package io.reconcile.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import io.reconcile.testservers.TestMongo;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.junit.jupiter.api.AfterAll;

/**
 * The store kit against collections keyed by the fields of a unique index ({@code id}, or {@code id}
 * and {@code tag}), their {@code _id}s ObjectIds the server assigns: key ranges as boxes over the
 * index fields. The same key shapes as {@link MongoStoreCompatibilityIT}, for the same reason.
 */
class IndexKeyedCompatibilityIT extends StoreCompatibilityKit {

  private static final MongoClient CLIENT = TestMongo.client();
  private static final String DATABASE = TestMongo.newDatabase("indexkit");

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  @Override
  protected Set<KeyShape> keyShapes() {
    return TestMongo.isReal() ? EnumSet.allOf(KeyShape.class) : EnumSet.of(KeyShape.LONG, KeyShape.OBJECT_ID);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return builder(shape).build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(builder(shape).readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    String name = "unindexed_" + System.nanoTime();
    CLIENT.getDatabase(DATABASE).createCollection(name);
    return Map.of("unique index", () -> MongoStore.newBuilder(CLIENT, DATABASE, name).key("id").build());
  }

  private static MongoStore.Builder builder(KeyShape shape) {
    String name = "kit_" + shape.name().toLowerCase(java.util.Locale.ROOT) + "_" + System.nanoTime();
    CLIENT.getDatabase(DATABASE).createCollection(name);
    MongoCollection<BsonDocument> c = CLIENT.getDatabase(DATABASE).getCollection(name, BsonDocument.class);
    boolean twoFields = shape == KeyShape.LONG_AND_TEXT;
    BsonDocument index = new BsonDocument("id", new BsonInt32(1));
    if (twoFields) {
      index.append("tag", new BsonInt32(1));
    }
    c.createIndex(index, new IndexOptions().unique(true));
    MongoStore.Builder b = MongoStore.newBuilder(CLIENT, DATABASE, name).id("kit");
    return twoFields ? b.key("id", "tag") : b.key("id");
  }
}
