package io.reconcile.kafka;

import io.reconcile.api.ReconcileException;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.audit.FileAuditLog;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditLog} kept in a Kafka topic, so that a service whose data lives in Kafka keeps its
 * repair trail there too. Each record of the topic is one line of the log — no key, the line's
 * UTF-8 bytes as value — chained, read and verified by {@link AuditLog#over} exactly as a {@link
 * FileAuditLog} chains its lines: the records' values are the lines a file log would write.
 *
 * <p><b>Needs reconcile-core.</b> reconcile-kafka depends on reconcile-core optionally: its stores
 * need only reconcile-api, while this class implements reconcile-core's {@link AuditLog} and needs
 * reconcile-core on the class path (or {@code requires io.reconcile.core} on the module path), as
 * any application that runs a {@code Reconciler} has.
 *
 * <p><b>The topic</b> exists before the log is opened (it never creates one) and has exactly one
 * partition, since Kafka orders records only within a partition and the chain is one order; its
 * {@code cleanup.policy} is {@code delete}, never {@code compact}, since compaction would remove
 * records from the chain. Retention deletes the oldest records, after which {@link #verify()} finds
 * that the first line left does not start a chain and undo refuses: give the topic {@code
 * retention.ms=-1} (the log warns when it has a limit). Durability is what the topic's replication
 * and {@code min.insync.replicas} give to {@code acks=all}.
 *
 * <p><b>One writer.</b> Each {@link #append} is one transaction of an idempotent producer ({@code
 * acks=all}) whose {@code transactional.id} is {@code reconcile-audit-} followed by the topic's name.
 * Opening a log on a topic, in this process or any other, fences the log opened on it before: that
 * one's appends fail from then on, saying so, and the new one reads the chain only after the
 * transaction the old one left open is committed or aborted. So a topic has one writer at a time,
 * the newest. The client needs to write and describe that transactional id, to write, read and
 * describe the topic, and to describe its configuration.
 *
 * <p><b>Reads</b> ({@link #records}, {@link #verify()}) use a new {@code read_committed} consumer
 * without a group, from the start of the partition up to its last stable offset (and at least up to
 * this log's last append): committed records only, aborted ones and transaction markers skipped.
 * Line {@code n} of a problem is the {@code n}-th committed record, not offset {@code n}. A record
 * another producer commits to the topic is a line like the rest, so {@link #verify()} reports it
 * unless it continues the chain correctly (the chain is no signature; see {@link AuditLog}).
 *
 * <p>Record contents are never logged; messages name the topic, never a record's value nor the
 * value of a client setting.
 *
 * <p>Thread-safe: appends are serialised; reads run beside them. Cost: an append waits for a
 * transaction to commit (several round trips to the cluster); {@link #records} and {@link #verify()}
 * each read the whole topic; opening reads it once.
 */
public final class KafkaAuditLog implements AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaAuditLog.class);
  private static final long TIMEOUT_SECONDS = 60;

  private final String topic;
  private final AuditLog log;

  private KafkaAuditLog(String topic, AuditLog log) {
    this.topic = topic;
    this.log = log;
  }

  /**
   * Opens the audit log in {@code topic} for appending: checks the topic, fences its previous writer
   * (see the class description), and reads the chain it holds, so that the next record continues it.
   * The chain is not checked; call {@link #verify()} for that.
   *
   * @param clientConfig the Kafka client configuration: {@code bootstrap.servers} at least, and the
   *     security settings the cluster needs; the log sets {@code transactional.id}, {@code
   *     enable.idempotence}, {@code acks}, {@code isolation.level}, {@code enable.auto.commit},
   *     {@code auto.offset.reset} itself and drops {@code group.id}
   * @param topic the topic of the log: one partition, {@code cleanup.policy=delete}
   * @return the open log; close it to release its producer
   * @throws ReconcileException.ConfigurationException if {@code bootstrap.servers} is missing, the
   *     topic does not exist, has more than one partition or is compacted
   * @throws ReconcileException if the cluster cannot be reached or the producer's transactions
   *     cannot start (the message says which)
   */
  public static KafkaAuditLog open(Map<String, ?> clientConfig, String topic) {
    checkTopic(clientConfig, topic);
    return new KafkaAuditLog(topic, AuditLog.over(KafkaLines.writer(clientConfig, topic)));
  }

  /**
   * Checks the chain in {@code topic} without opening it for appending, so without fencing its
   * writer: the same checks as {@link #verify()}, for a log that is being appended to elsewhere.
   *
   * @param clientConfig the Kafka client configuration, as for {@link #open}
   * @param topic the topic of the log
   * @return whether the chain is intact and, if not, its first problem; never null
   * @throws ReconcileException.ConfigurationException as {@link #open} does
   * @throws ReconcileException if the cluster cannot be reached or the topic cannot be read
   */
  public static Verification verify(Map<String, ?> clientConfig, String topic) {
    checkTopic(clientConfig, topic);
    try (AuditLog log = AuditLog.over(KafkaLines.reader(clientConfig, topic))) {
      return log.verify();
    }
  }

  /** The topic the log is kept in. */
  public String topic() {
    return topic;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The line is produced to partition 0 in a transaction of its own, and this returns once the
   * transaction committed. If it fails, the transaction is aborted, so {@code read_committed}
   * readers never see the line; if it cannot be aborted, or another log fenced this one, this and
   * every later append throw, saying why and what to do. One exception to "thrown means not
   * appended": a log fenced while its commit was under way cannot tell whether the commit won; the
   * line is then either in the chain the newer log continues, or nowhere.
   */
  @Override
  public void append(AuditRecord record) {
    log.append(record);
  }

  @Override
  public List<AuditRecord> records(String runId) {
    return log.records(runId);
  }

  @Override
  public Verification verify() {
    return log.verify();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Closes the producer, waiting up to 5 s for it to finish.
   */
  @Override
  public void close() {
    log.close();
  }

  @Override
  public String toString() {
    return "KafkaAuditLog[" + topic + "]";
  }

  /** Refuses a topic that cannot hold a chain, and warns about one whose retention is limited. */
  private static void checkTopic(Map<String, ?> clientConfig, String topic) {
    Objects.requireNonNull(clientConfig, "clientConfig");
    Objects.requireNonNull(topic, "topic");
    if (!clientConfig.containsKey(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new ReconcileException.ConfigurationException(
          "the client configuration of a Kafka audit log needs bootstrap.servers (host:port of the"
              + " cluster), but has "
              + clientConfig.keySet());
    }
    if (topic.isBlank()) {
      throw new ReconcileException.ConfigurationException(
          "a Kafka audit log needs a topic name, but it was empty");
    }
    Map<String, Object> adminConfig = new LinkedHashMap<>(clientConfig);
    adminConfig.keySet().retainAll(AdminClientConfig.configNames());
    Admin admin = Admin.create(adminConfig);
    try {
      TopicDescription d =
          admin.describeTopics(List.of(topic)).allTopicNames()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
      int partitions = d.partitions().size();
      if (partitions != 1) {
        throw new ReconcileException.ConfigurationException(
            "the audit topic '"
                + topic
                + "' has "
                + partitions
                + " partitions, but an audit log needs exactly 1: its records form one chain, and"
                + " Kafka keeps the order of records only within a partition; use a topic of one"
                + " partition");
      }
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config config =
          admin.describeConfigs(List.of(resource)).all()
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(resource);
      String policy = value(config, TopicConfig.CLEANUP_POLICY_CONFIG);
      if (policy != null && policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        throw new ReconcileException.ConfigurationException(
            "the audit topic '"
                + topic
                + "' has cleanup.policy="
                + policy
                + ", but an audit log needs cleanup.policy=delete: compaction would remove records"
                + " of the chain; use a topic that is not compacted");
      }
      for (String limit : List.of(TopicConfig.RETENTION_MS_CONFIG, TopicConfig.RETENTION_BYTES_CONFIG)) {
        String v = value(config, limit);
        if (v != null && !v.equals("-1")) {
          LOG.warn(
              "the audit topic '{}' has {}={}: Kafka deletes its oldest records, after which verify()"
                  + " finds the chain's start missing and undo refuses; set {}=-1 to keep the trail",
              topic,
              limit,
              v,
              limit);
        }
      }
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new ReconcileException.ConfigurationException(
            "the audit topic '"
                + topic
                + "' does not exist; create it with 1 partition and cleanup.policy=delete (an audit"
                + " log never creates its topic)");
      }
      throw unreachable(topic, e.getCause() == null ? e : e.getCause());
    } catch (TimeoutException e) {
      throw unreachable(topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw unreachable(topic, e);
    } finally {
      admin.close(Duration.ofSeconds(1));
    }
  }

  private static @Nullable String value(Config config, String name) {
    ConfigEntry e = config.get(name);
    return e == null ? null : e.value();
  }

  private static ReconcileException unreachable(String topic, Throwable cause) {
    return new ReconcileException(
        "could not check the audit topic '"
            + topic
            + "': "
            + KafkaLines.describe(cause)
            + "; check that the cluster is reachable and that the client may describe the topic"
            + " and its configuration",
        cause);
  }
}
