/**
 * Compacted Kafka topics as reconcile stores ({@link io.reconcile.kafka.KafkaStore}), opened
 * explicitly or by {@code kafka://} URI ({@link io.reconcile.kafka.KafkaStoreProvider}).
 */
@SuppressWarnings("requires-automatic")
module io.reconcile.kafka {
  requires transitive io.reconcile.api;
  requires kafka.clients;
  requires rocksdbjni;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static org.apache.avro;
  requires static org.jspecify;

  exports io.reconcile.kafka;

  provides io.reconcile.api.store.StoreProvider with io.reconcile.kafka.KafkaStoreProvider;
}
