package io.reconcile.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import io.reconcile.testservers.TestMongo;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.bson.BsonDocument;

/**
 * The store kit against new collections of the test server, one database per kit class. Against a
 * real server ({@code MONGO_URI}) every key shape; against the in-memory wire server long and
 * ObjectId keys only, since it orders strings by UTF-16 code units where MongoDB orders them by
 * UTF-8 bytes, and the kit's text keys tell the two apart on purpose (U+FF5A against an emoji).
 * {@link MongoStoreIT} covers text and compound keys there with texts both orders agree on.
 */
abstract class CollectionKit extends StoreCompatibilityKit {

  /** One client for every kit class of the test JVM; it goes with the server when the JVM exits. */
  static final MongoClient CLIENT = TestMongo.client();

  final String database = TestMongo.newDatabase(getClass().getSimpleName().toLowerCase(Locale.ROOT));

  /** A builder of the store over {@code collection}, new and empty, for keys of {@code shape}. */
  abstract MongoStore.Builder builder(KeyShape shape, MongoCollection<BsonDocument> collection);

  @Override
  protected Set<KeyShape> keyShapes() {
    return TestMongo.isReal() ? EnumSet.allOf(KeyShape.class) : EnumSet.of(KeyShape.LONG, KeyShape.OBJECT_ID);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return builder(shape, newCollection(shape)).build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(builder(shape, newCollection(shape)).readOnly(true).build());
  }

  MongoCollection<BsonDocument> newCollection(KeyShape shape) {
    String name = "kit_" + shape.name().toLowerCase(Locale.ROOT) + "_" + System.nanoTime();
    CLIENT.getDatabase(database).createCollection(name);
    return CLIENT.getDatabase(database).getCollection(name, BsonDocument.class);
  }

  MongoStore.Builder newBuilder(MongoCollection<BsonDocument> collection) {
    return MongoStore.newBuilder(CLIENT, database, collection.getNamespace().getCollectionName()).id("kit");
  }
}
