package io.reconcile.mongo;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import java.util.Map;
import java.util.function.Supplier;
import org.bson.BsonDocument;
import org.bson.BsonInt32;

/**
 * The store kit against collections keyed by the fields of a unique index ({@code id}, or {@code id}
 * and {@code tag}), their {@code _id}s ObjectIds the server assigns: key ranges as boxes over the
 * index fields.
 */
class IndexKeyedCompatibilityIT extends CollectionKit {

  @Override
  MongoStore.Builder builder(KeyShape shape, MongoCollection<BsonDocument> collection) {
    boolean twoFields = shape == KeyShape.LONG_AND_TEXT;
    BsonDocument index = new BsonDocument("id", new BsonInt32(1));
    if (twoFields) {
      index.append("tag", new BsonInt32(1));
    }
    collection.createIndex(index, new IndexOptions().unique(true));
    return twoFields ? newBuilder(collection).key("id", "tag") : newBuilder(collection).key("id");
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    MongoCollection<BsonDocument> unindexed = newCollection(KeyShape.LONG);
    return Map.of("unique index", () -> newBuilder(unindexed).key("id").build());
  }
}
