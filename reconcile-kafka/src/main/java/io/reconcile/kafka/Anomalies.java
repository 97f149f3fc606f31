package io.reconcile.kafka;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a topic holds that no single value per key can say: a key in two partitions, a key under two
 * record keys, a record whose key or value is not of the store's format. Each is logged once, as a
 * warning naming the key and where the record is (never its value), and the first {@value #KEPT}
 * are kept for {@link KafkaStore#anomalies()}.
 */
final class Anomalies {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStore.class);
  static final int KEPT = 100;

  private final String storeId;
  private final List<String> kept = new ArrayList<>();
  private long count;

  Anomalies(String storeId) {
    this.storeId = storeId;
  }

  synchronized void add(String what) {
    count++;
    if (kept.size() < KEPT) {
      kept.add(what);
      LOG.warn("store '{}': {}", storeId, what);
    }
  }

  synchronized void clear() {
    kept.clear();
    count = 0;
  }

  synchronized long count() {
    return count;
  }

  synchronized List<String> kept() {
    return List.copyOf(kept);
  }
}
