package io.reconcile.mongo;

import com.mongodb.client.MongoClient;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import io.reconcile.testservers.TestMongo;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;

/**
 * The store kit against collections of a MongoDB server: against a real one ({@code MONGO_URI}),
 * every key shape — long, string and ObjectId {@code _id}s, and a compound {@code _id} of a long and
 * a string; against the in-memory wire server, long and ObjectId {@code _id}s only, since it orders
 * strings by UTF-16 code units where MongoDB orders them by UTF-8 bytes, and the kit's text keys
 * tell the two apart on purpose (U+FF5A against an emoji). {@link MongoStoreIT} covers text and
 * compound keys on the wire server with texts both orders agree on.
 */
class MongoStoreCompatibilityIT extends StoreCompatibilityKit {

  private static final MongoClient CLIENT = TestMongo.client();
  private static final String DATABASE = TestMongo.newDatabase("kit");

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
    return Map.of(
        "no-such-collection", () -> MongoStore.newBuilder(CLIENT, DATABASE, "no-such-collection").build(),
        "bad$name", () -> MongoStore.newBuilder(CLIENT, DATABASE, "bad$name").build());
  }

  private static MongoStore.Builder builder(KeyShape shape) {
    String name = "kit_" + shape.name().toLowerCase(java.util.Locale.ROOT) + "_" + System.nanoTime();
    CLIENT.getDatabase(DATABASE).createCollection(name);
    MongoStore.Builder b = MongoStore.newBuilder(CLIENT, DATABASE, name).id("kit");
    return shape == KeyShape.LONG_AND_TEXT ? b.key("_id.id", "_id.tag") : b;
  }
}
