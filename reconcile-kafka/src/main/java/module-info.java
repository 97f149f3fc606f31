/**
 * Compacted Kafka topics as reconcile stores ({@link io.reconcile.kafka.KafkaStore}), opened
 * explicitly or by {@code kafka://} URI ({@link io.reconcile.kafka.KafkaStoreProvider}), and an
 * audit log kept in a topic ({@link io.reconcile.kafka.KafkaAuditLog}, which needs {@code
 * io.reconcile.core}).
 */
@SuppressWarnings("requires-automatic")
module io.reconcile.kafka {
  requires transitive io.reconcile.api;
  requires kafka.clients;
  requires rocksdbjni;
  requires com.fasterxml.jackson.core;
  requires org.slf4j;
  requires static transitive org.apache.avro;
  requires static org.jspecify;
  requires static transitive io.reconcile.core;

  exports io.reconcile.kafka;

  provides io.reconcile.api.store.StoreProvider with io.reconcile.kafka.KafkaStoreProvider;
}
