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

  /**
   * A copy of a user's client configuration for {@code what} ({@code a Kafka store}), checked to
   * name the cluster, and checked that {@code topic} is not blank.
   *
   * @throws io.reconcile.api.ReconcileException.ConfigurationException naming what is missing
   */
  static Map<String, Object> checked(Map<String, ?> clientConfig, String topic, String what) {
    Map<String, Object> config = new LinkedHashMap<>(java.util.Objects.requireNonNull(clientConfig, "clientConfig"));
    java.util.Objects.requireNonNull(topic, "topic");
    if (!config.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new io.reconcile.api.ReconcileException.ConfigurationException("the client configuration of " + what
          + " needs bootstrap.servers (host:port of the cluster), but has " + config.keySet());
    }
    if (topic.isBlank()) {
      throw new io.reconcile.api.ReconcileException.ConfigurationException(what + " needs a topic name, but it was empty");
    }
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
