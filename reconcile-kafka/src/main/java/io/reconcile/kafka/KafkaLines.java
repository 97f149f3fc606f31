package io.reconcile.kafka;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.reconcile.api.ReconcileException;
import io.reconcile.core.audit.AuditLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * The lines of a {@link KafkaAuditLog}: partition 0 of a one-partition topic, one record per line
 * (no key, the line's UTF-8 bytes as value). Each append is one transaction of an idempotent
 * producer whose {@code transactional.id} is {@link #transactionalId}; reads are {@code
 * read_committed}, from the start of the partition up to its last stable offset.
 */
final class KafkaLines implements AuditLog.Lines {

  /** How long a read may make no progress before it gives up. */
  private static final Duration STALL = Duration.ofSeconds(60);

  private final String topic;
  private final TopicPartition partition;
  private final Map<String, Object> consumerConfig;
  /** Null for lines opened to be read only. */
  private final @Nullable KafkaProducer<byte[], byte[]> producer;
  /** The offset after this writer's last committed record: every read reaches at least that far. */
  private volatile long appendedEnd;
  /** Why appends are refused, once this writer was fenced or cannot tell what it committed. */
  private @Nullable String refused;

  private KafkaLines(
      String topic,
      Map<String, ?> clientConfig,
      @Nullable KafkaProducer<byte[], byte[]> producer,
      @Nullable String refused) {
    this.topic = topic;
    this.partition = new TopicPartition(topic, 0);
    this.producer = producer;
    this.refused = refused;
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumerConfig = c;
  }

  /** The transactional id of every writer of {@code topic}, so that a new one fences the last. */
  static String transactionalId(String topic) {
    return "reconcile-audit-" + topic;
  }

  /**
   * Lines that append: starts the producer's transactions, which fences the topic's previous writer
   * and waits until the transaction it left open (if any) is committed or aborted, so that a read
   * after this sees whatever that writer committed.
   */
  static KafkaLines writer(Map<String, ?> clientConfig, String topic) {
    Map<String, Object> c = new HashMap<>(clientConfig);
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(topic));
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<byte[], byte[]> producer = null;
    try {
      producer = new KafkaProducer<>(c, new ByteArraySerializer(), new ByteArraySerializer());
      producer.initTransactions();
      return new KafkaLines(topic, clientConfig, producer, null);
    } catch (KafkaException e) {
      if (producer != null) {
        producer.close(Duration.ZERO);
      }
      throw new ReconcileException(
          "could not start the transactions of the audit log in Kafka topic '"
              + topic
              + "' (transactional id '"
              + transactionalId(topic)
              + "'): "
              + describe(e)
              + "; check that the cluster is reachable and that the client may write that"
              + " transactional id",
          e);
    }
  }

  /** Lines that are only read: appending to them is refused. */
  static KafkaLines reader(Map<String, ?> clientConfig, String topic) {
    return new KafkaLines(
        topic, clientConfig, null, "the audit log in Kafka topic '" + topic + "' is only read here");
  }

  @Override
  public synchronized void append(String line) {
    if (refused != null) {
      throw new ReconcileException(refused);
    }
    KafkaProducer<byte[], byte[]> p = Objects.requireNonNull(producer);
    // An interrupt would abandon the transaction half-way; set it aside until the append is over.
    boolean interrupted = Thread.interrupted();
    try {
      p.beginTransaction();
      RecordMetadata sent = p.send(new ProducerRecord<>(topic, 0, null, line.getBytes(UTF_8))).get();
      p.commitTransaction();
      appendedEnd = sent.offset() + 1;
    } catch (ExecutionException e) {
      throw failed(p, e.getCause() == null ? e : e.getCause());
    } catch (InterruptedException e) {
      interrupted = true;
      throw failed(p, e);
    } catch (KafkaException e) {
      interrupted |= Thread.interrupted(); // Kafka's InterruptException sets the flag again
      throw failed(p, e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** After an append failed: aborts its transaction, or refuses every later append. */
  private ReconcileException failed(KafkaProducer<byte[], byte[]> p, Throwable cause) {
    if (fenced(cause)) {
      return refuse(
          "a KafkaAuditLog opened on the topic since then took over (its transactional id '"
              + transactionalId(topic)
              + "' fenced this one); append through that log, whose chain holds every record"
              + " this one committed",
          p,
          cause);
    }
    try {
      p.abortTransaction();
    } catch (KafkaException abortFailed) {
      cause.addSuppressed(abortFailed);
      return refuse(
          "an append failed ("
              + describe(cause)
              + ") and its transaction could not be aborted, so its record may yet be committed;"
              + " close this log and open it again, which settles the transaction and continues"
              + " the chain after what was committed",
          p,
          cause);
    }
    return new ReconcileException(
        "could not append to the audit log in Kafka topic '"
            + topic
            + "': "
            + describe(cause)
            + "; the record was not appended (its transaction was aborted)",
        cause);
  }

  /** Whether a failure, or what caused it, says that a newer producer of the same id took over. */
  private static boolean fenced(@Nullable Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
        return true;
      }
    }
    return false;
  }

  private ReconcileException refuse(String why, KafkaProducer<byte[], byte[]> p, Throwable cause) {
    refused = "the audit log in Kafka topic '" + topic + "' refuses appends: " + why;
    p.close(Duration.ZERO);
    return new ReconcileException(refused, cause);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A new consumer reads partition 0 from its start up to its last stable offset as of this call,
   * and at least up to this writer's last committed record; it is closed with the stream.
   */
  @Override
  public Stream<String> read() {
    KafkaConsumer<byte[], byte[]> consumer;
    try {
      consumer =
          new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    } catch (KafkaException e) {
      throw unreadable(e);
    }
    try {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      // read_committed: the end offset is the last stable offset.
      long end = Math.max(consumer.endOffsets(List.of(partition)).get(partition), appendedEnd);
      return StreamSupport.stream(new LineSpliterator(consumer, end), false)
          .onClose(() -> closeNow(consumer));
    } catch (KafkaException e) {
      closeNow(consumer);
      throw unreadable(e);
    }
  }

  /**
   * Closes a consumer without waiting: it has no group and no offsets to commit, and a fetch it
   * sent ahead would otherwise hold the close for {@code fetch.max.wait.ms}.
   */
  private static void closeNow(KafkaConsumer<byte[], byte[]> consumer) {
    consumer.close(CloseOptions.timeout(Duration.ZERO));
  }

  /** The committed records below an offset, in order; stops on the consumer's position. */
  private final class LineSpliterator extends Spliterators.AbstractSpliterator<String> {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final long end;
    private Iterator<ConsumerRecord<byte[], byte[]>> polled = Collections.emptyIterator();
    private long position = -1;
    private long progressed = System.nanoTime();

    LineSpliterator(KafkaConsumer<byte[], byte[]> consumer, long end) {
      super(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL);
      this.consumer = consumer;
      this.end = end;
    }

    @Override
    public boolean tryAdvance(Consumer<? super String> action) {
      try {
        while (!polled.hasNext()) {
          // The position, not the last record's offset: transaction markers and aborted records
          // take offsets that no record returned has.
          long at = consumer.position(partition);
          if (at >= end) {
            return false;
          }
          if (at != position) {
            position = at;
            progressed = System.nanoTime();
          } else if (System.nanoTime() - progressed > STALL.toNanos()) {
            throw new ReconcileException(
                "could not read the audit log in Kafka topic '"
                    + topic
                    + "': no progress for "
                    + STALL.toSeconds()
                    + " s at offset "
                    + at
                    + " of "
                    + end
                    + "; check that the cluster is reachable, and that no transaction of another"
                    + " producer holds the topic's last stable offset back");
          }
          List<ConsumerRecord<byte[], byte[]>> below = new ArrayList<>();
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.offset() < end) {
              below.add(r);
            }
          }
          polled = below.iterator();
        }
      } catch (KafkaException e) {
        throw unreadable(e);
      }
      byte[] value = polled.next().value();
      action.accept(value == null ? "" : new String(value, UTF_8));
      return true;
    }
  }

  private ReconcileException unreadable(KafkaException e) {
    return new ReconcileException(
        "could not read the audit log in Kafka topic '" + topic + "': " + describe(e), e);
  }

  /** A cause's class and message; Kafka's messages name topics and offsets, never record values. */
  static String describe(Throwable e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public String toString() {
    return "in Kafka topic '" + topic + "'";
  }
}
