package io.reconcile.kafka;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;

/** The Kafka clients the stores and feeds make from the user's client configuration. */
final class KafkaClients {

  private KafkaClients() {}

  /**
   * A consumer configuration that reads committed records only, outside any group and committing
   * nothing (the reader assigns partitions and seeks itself); {@code client.id} {@code clientId}
   * unless the user set one.
   */
  static Map<String, Object> readCommittedConsumer(Map<String, ?> clientConfig, String clientId) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    return config;
  }

  /** An admin client of the cluster, from the settings of the configuration an admin client takes. */
  static Admin admin(Map<String, ?> clientConfig) {
    Map<String, Object> config = new LinkedHashMap<>(clientConfig);
    config.keySet().retainAll(AdminClientConfig.configNames());
    config.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000);
    return Admin.create(config);
  }
}
