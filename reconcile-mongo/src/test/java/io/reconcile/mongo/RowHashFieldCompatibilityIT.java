package io.reconcile.mongo;

import com.mongodb.client.MongoCollection;
import io.reconcile.testkit.KeyShape;
import org.bson.BsonDocument;

/**
 * The store kit against collections whose documents carry their row hash in a field (the store's
 * own repairs keep it, as the kit seeds through them): digests summed by the server ({@code
 * $group} over the field's limbs) and row hashes read without the documents, under {@link
 * io.reconcile.api.store.Capability#SERVER_SIDE_DIGEST}.
 */
class RowHashFieldCompatibilityIT extends CollectionKit {

  @Override
  MongoStore.Builder builder(KeyShape shape, MongoCollection<BsonDocument> collection) {
    MongoStore.Builder b = newBuilder(collection).rowHashField("h");
    return shape == KeyShape.LONG_AND_TEXT ? b.key("_id.id", "_id.tag") : b;
  }
}
