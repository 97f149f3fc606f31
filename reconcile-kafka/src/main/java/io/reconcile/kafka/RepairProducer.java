package io.reconcile.kafka;

import io.reconcile.api.ReconcileException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;

/**
 * The one transactional producer of a store's repairs, created at the first batch: each batch is one
 * transaction, committed whole or aborted (nothing of it visible to {@code read_committed}
 * readers). Its {@code transactional.id} is fixed per store and topic, so a new producer fences one
 * left behind by a crashed run and aborts its open transaction.
 */
final class RepairProducer implements AutoCloseable {

  /**
   * One record to produce: a value, or a tombstone (null), for the entry whose index key is {@code
   * indexKey}.
   */
  record Record(byte[] indexKey, int partition, byte[] key, byte @Nullable [] value) {}

  /** Where a record of a committed batch landed. */
  record Landed(byte[] indexKey, int partition, long offset) {}

  private final String storeId;
  private final String topic;
  private final Map<String, Object> clientConfig;
  private @Nullable KafkaProducer<byte[], byte[]> producer;
  /** Per partition, the offset after the last record of a committed batch: where reads see them all. */
  private final Map<Integer, Long> committedEnds = new HashMap<>();
  /** The last committed batch: per partition, the offsets of its first record and after its last. */
  private Map<Integer, long[]> lastBatch = Map.of();

  RepairProducer(String storeId, String topic, Map<String, Object> clientConfig) {
    this.storeId = storeId;
    this.topic = topic;
    this.clientConfig = clientConfig;
  }

  /**
   * Produces the records in one transaction and waits for its commit; returns where each landed.
   *
   * @throws ReconcileException.StoreUnavailableException if the transaction did not commit (it was
   *     aborted, or the producer was fenced): nothing of it is visible
   */
  synchronized List<Landed> send(List<Record> records) {
    if (records.isEmpty()) {
      return List.of();
    }
    KafkaProducer<byte[], byte[]> p = producer();
    try {
      p.beginTransaction();
      List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
      for (Record r : records) {
        sent.add(p.send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value())));
      }
      Map<Integer, long[]> batch = new HashMap<>();
      List<Landed> landed = new ArrayList<>(records.size());
      for (int i = 0; i < sent.size(); i++) {
        RecordMetadata m = sent.get(i).get();
        landed.add(new Landed(records.get(i).indexKey(), m.partition(), m.offset()));
        long[] span = batch.computeIfAbsent(m.partition(), x -> new long[] {Long.MAX_VALUE, 0});
        span[0] = Math.min(span[0], m.offset());
        span[1] = Math.max(span[1], m.offset() + 1);
      }
      p.commitTransaction();
      batch.forEach((partition, span) -> committedEnds.merge(partition, span[1], Math::max));
      lastBatch = Map.copyOf(batch);
      return landed;
    } catch (ProducerFencedException e) {
      discard();
      throw failed("another producer with its transactional id took over (a second run of the same store?)", false, e);
    } catch (ExecutionException e) {
      abort(p);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw failed(cause.toString(), cause instanceof RetriableException, e);
    } catch (KafkaException e) {
      abort(p);
      throw failed(e.toString(), e instanceof RetriableException, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      abort(p);
      throw failed("interrupted", true, e);
    }
  }

  /**
   * Per partition, the offset a reader must have read up to to see every batch committed so far (a
   * commit returns before the transaction's markers are written, so the last stable offset can lag
   * it for a moment).
   */
  synchronized Map<Integer, Long> committedEnds() {
    return Map.copyOf(committedEnds);
  }

  /**
   * The last stable offsets to read up to so that the last committed batch is seen whole or not at
   * all: its transaction's markers reach its partitions one by one, so for a moment some of them
   * may show it and others not; then those that show it are read only up to its first record.
   */
  synchronized Map<Integer, Long> wholeBatches(Map<Integer, Long> lastStable) {
    boolean seen = false;
    boolean unseen = false;
    for (Map.Entry<Integer, long[]> b : lastBatch.entrySet()) {
      boolean shows = lastStable.getOrDefault(b.getKey(), 0L) >= b.getValue()[1];
      seen |= shows;
      unseen |= !shows;
    }
    if (!(seen && unseen)) {
      return lastStable;
    }
    Map<Integer, Long> capped = new HashMap<>(lastStable);
    lastBatch.forEach((partition, span) -> capped.merge(partition, span[0], Math::min));
    return capped;
  }

  private KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      Map<String, Object> config = new HashMap<>(clientConfig);
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "reconcile-" + topic + "-" + storeId);
      config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
      config.put(ProducerConfig.ACKS_CONFIG, "all");
      config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "reconcile-repair-" + storeId);
      config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
      KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
      try {
        p.initTransactions();
      } catch (KafkaException e) {
        p.close(Duration.ZERO);
        throw failed("its transactions could not start (" + e + ")", e instanceof RetriableException, e);
      }
      producer = p;
    }
    return producer;
  }

  private void abort(KafkaProducer<byte[], byte[]> p) {
    try {
      p.abortTransaction();
    } catch (KafkaException e) {
      discard(); // the next batch starts a new producer, which aborts what is left open
    }
  }

  private void discard() {
    if (producer != null) {
      producer.close(Duration.ZERO);
      producer = null;
    }
  }

  /** A failed batch: transient when the client says a retry may succeed (a timeout, a leader moving). */
  private ReconcileException.StoreUnavailableException failed(String why, boolean isTransient, Exception cause) {
    return new ReconcileException.StoreUnavailableException(
        "store '" + storeId + "' could not write its repairs to topic '" + topic + "' (nothing of the batch is visible): " + why,
        isTransient, cause);
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
