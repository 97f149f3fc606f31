package io.reconcile.mongo;

import com.mongodb.client.MongoClient;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import io.reconcile.testservers.TestMongo;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;

/**
 * The store kit against collections whose documents carry their row hash in a field (the store's
 * own repairs keep it, as the kit seeds through them): digests summed by the server ({@code
 * $group} over the field's limbs) and row hashes read without the documents, under {@link
 * io.reconcile.api.store.Capability#SERVER_SIDE_DIGEST}. The same key shapes as {@link
 * MongoStoreCompatibilityIT}, for the same reason.
 */
class RowHashFieldCompatibilityIT extends StoreCompatibilityKit {

  private static final MongoClient CLIENT = TestMongo.client();
  private static final String DATABASE = TestMongo.newDatabase("hashkit");

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

  private static MongoStore.Builder builder(KeyShape shape) {
    String name = "kit_" + shape.name().toLowerCase(java.util.Locale.ROOT) + "_" + System.nanoTime();
    CLIENT.getDatabase(DATABASE).createCollection(name);
    MongoStore.Builder b = MongoStore.newBuilder(CLIENT, DATABASE, name).id("kit").rowHashField("h");
    return shape == KeyShape.LONG_AND_TEXT ? b.key("_id.id", "_id.tag") : b;
  }
}
