package io.reconcile.mongo;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.resolve.Resolvers;
import io.reconcile.testservers.TestMongo;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/** What the cross-store ITs share: collections of the test MongoDB server, and runs of the engine over stores. */
final class CrossStore {

  private CrossStore() {}

  /** A new, empty collection {@code name} in a database of its own on {@link TestMongo#uri()}. */
  static MongoCollection<BsonDocument> create(MongoClient client, String prefix, String name) {
    var db = client.getDatabase(TestMongo.newDatabase(prefix));
    db.createCollection(name);
    return db.getCollection(name, BsonDocument.class);
  }

  /** A store over {@code c} as {@code id}, scalar {@code _id} keys. */
  static MongoStore store(MongoClient client, MongoCollection<BsonDocument> c, String id, boolean readOnly) {
    return MongoStore.newBuilder(client, c.getNamespace().getDatabaseName(), c.getNamespace().getCollectionName())
        .id(id).readOnly(readOnly).build();
  }

  /** The document with {@code _id} {@code id}, or null. */
  static @Nullable BsonDocument find(MongoCollection<BsonDocument> c, BsonValue id) {
    return c.find(new BsonDocument("_id", id)).first();
  }

  static @Nullable BsonDocument find(MongoCollection<BsonDocument> c, int id) {
    return find(c, new BsonInt32(id));
  }

  /** A reconciler as users build one. */
  static Reconciler.Builder engine() {
    return Reconciler.newBuilder();
  }

  /** A read-only comparison: detects and decides, writes nothing. */
  static ReconcileReport diff(Store reference, Store other) {
    return engine().stores(reference, other).build().run();
  }

  /** A repair of every other store from {@code truth}: applied, audited in memory, then verified. */
  static ReconcileReport repair(String truth, Store... stores) {
    return engine().stores(stores).resolver(Resolvers.sourceOfTruth(truth))
        .mode(Mode.APPLY).auditLog(AuditLog.inMemory()).build().run();
  }

  /**
   * A store that runs {@code writer} once, just before the first batch of repairs reaches the
   * delegate: a concurrent writer between detection and apply.
   */
  static Store racing(Store delegate, Runnable writer) {
    AtomicInteger batches = new AtomicInteger();
    return new ForwardingStore(delegate) {
      @Override
      public List<ActionOutcome> apply(List<RepairAction> actions) {
        if (batches.getAndIncrement() == 0) {
          writer.run();
        }
        return super.apply(actions);
      }
    };
  }
}
