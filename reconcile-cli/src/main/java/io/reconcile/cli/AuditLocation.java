package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.checkpoint.CheckpointStore;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import io.reconcile.kafka.KafkaAuditLog;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.jspecify.annotations.Nullable;

/**
 * Where an audit log is kept, as {@code --audit} names it: a file (hash-chained JSON lines), or a
 * Kafka topic of one partition, {@code kafka://HOST:PORT/TOPIC} (the same chain, one record per
 * line; see reconcile-kafka's {@code KafkaAuditLog}).
 *
 * @param file the file, or null for a topic
 * @param bootstrap the topic's cluster ({@code HOST:PORT,…}), or null for a file
 * @param topic the topic, or null for a file
 */
record AuditLocation(@Nullable Path file, @Nullable String bootstrap, @Nullable String topic) {

  private static final Pattern KAFKA = Pattern.compile("kafka://([^/?#@]+)/([^/?#]+)");

  /** The location {@code text} names, a relative file resolved against {@code base}. */
  static AuditLocation parse(String text, Path base) {
    if (!text.startsWith("kafka:")) {
      return new AuditLocation(base.resolve(text), null, null);
    }
    Matcher m = KAFKA.matcher(text);
    if (!m.matches()) {
      throw new ConfigurationException("--audit takes a file or kafka://HOST:PORT/TOPIC (a topic of one partition),"
          + " but was '" + text + "'");
    }
    return new AuditLocation(null, m.group(1), m.group(2));
  }

  /** Opens the log for appending (and reading). */
  AuditLog open() {
    return file != null ? FileAuditLog.open(file) : KafkaAuditLog.open(client(), topic);
  }

  /** Checks the chain without opening the log for appending. */
  AuditLog.Verification verify() {
    return file != null ? FileAuditLog.verify(file) : KafkaAuditLog.verify(client(), topic);
  }

  /**
   * Where runs recorded here keep their checkpoints: a directory beside a file; none for a topic (a
   * resumed run then compares from the start, settling the intents its log holds).
   */
  CheckpointStore checkpoints() {
    return file != null
        ? FileCheckpointStore.open(file.resolveSibling(file.getFileName() + ".checkpoints"))
        : CheckpointStore.inMemory();
  }

  private Map<String, Object> client() {
    return Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
  }

  /** As {@code --audit} takes it. */
  @Override
  public String toString() {
    return file != null ? file.toString() : "kafka://" + bootstrap + "/" + topic;
  }
}
