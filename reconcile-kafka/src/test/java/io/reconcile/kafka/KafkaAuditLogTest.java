package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What opening a Kafka audit log refuses before it reaches a cluster. */
class KafkaAuditLogTest {

  @Test
  void needsBootstrapServers() {
    assertThatThrownBy(() -> KafkaAuditLog.open(Map.of("client.id", "x"), "audit"))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessage("the client configuration of a Kafka audit log needs bootstrap.servers (host:port of the"
            + " cluster), but has [client.id]");
  }

  @Test
  void needsATopic() {
    assertThatThrownBy(() -> KafkaAuditLog.verify(Map.of("bootstrap.servers", "localhost:1"), " "))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessage("a Kafka audit log needs a topic name, but it was empty");
  }
}
