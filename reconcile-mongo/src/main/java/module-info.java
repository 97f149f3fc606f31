/**
 * MongoDB collections as reconcile stores ({@link io.reconcile.mongo.MongoStore}), opened
 * explicitly or by {@code mongodb://} URI ({@link io.reconcile.mongo.MongoStoreProvider}).
 */
@SuppressWarnings("requires-automatic")
module io.reconcile.mongo {
  requires transitive io.reconcile.api;
  requires transitive org.mongodb.driver.sync.client;
  requires org.mongodb.driver.core;
  requires org.mongodb.bson;
  requires org.slf4j;
  requires static org.jspecify;

  exports io.reconcile.mongo;

  provides io.reconcile.api.store.StoreProvider with io.reconcile.mongo.MongoStoreProvider;
}
