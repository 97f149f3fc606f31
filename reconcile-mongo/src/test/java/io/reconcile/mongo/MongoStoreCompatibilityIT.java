package io.reconcile.mongo;

import com.mongodb.client.MongoCollection;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import java.util.Map;
import java.util.function.Supplier;
import org.bson.BsonDocument;

/**
 * The store kit against {@code _id}-keyed collections: long, string and ObjectId {@code _id}s, and
 * a compound {@code _id} of a long and a string (on the wire server, see {@link CollectionKit}).
 */
class MongoStoreCompatibilityIT extends CollectionKit {

  @Override
  MongoStore.Builder builder(KeyShape shape, MongoCollection<BsonDocument> collection) {
    MongoStore.Builder b = newBuilder(collection);
    return shape == KeyShape.LONG_AND_TEXT ? b.key("_id.id", "_id.tag") : b;
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return Map.of(
        "no-such-collection", () -> MongoStore.newBuilder(CLIENT, database, "no-such-collection").build(),
        "bad$name", () -> MongoStore.newBuilder(CLIENT, database, "bad$name").build());
  }
}
