package io.reconcile.kafka;

import io.reconcile.api.store.FeedPosition;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a feed of a topic stands, as a {@link FeedPosition} token {@code v1;TOPIC_ID;SINCE;0:123,1:456}:
 * the topic's id (Kafka's topic UUID, so that a topic deleted and created again under the same name
 * is another topic), the time (epoch milliseconds, on the feed's clock) since which the feed has
 * seen every record appended after these offsets — so that a feed away longer than the topic
 * keeps tombstones ({@code delete.retention.ms}) can tell that it may have missed one —, and per
 * partition, in order from 0, the next offset to read.
 *
 * @param topicId the topic's id, as {@code Uuid.toString()} writes it
 * @param since no record after these offsets was appended before this time (epoch milliseconds)
 * @param offsets per partition 0 to n-1, the next offset to read
 */
record TopicPosition(String topicId, long since, Map<Integer, Long> offsets) {

  private static final String VERSION = "v1";

  TopicPosition {
    offsets = Map.copyOf(offsets);
  }

  /** This position as a feed's token. */
  FeedPosition token() {
    StringBuilder b = new StringBuilder(VERSION).append(';').append(topicId).append(';').append(since).append(';');
    new TreeMap<>(offsets).forEach((p, o) -> b.append(p == 0 ? "" : ",").append(p).append(':').append(o));
    return new FeedPosition(b.toString());
  }

  /**
   * Reads a token this class wrote.
   *
   * @throws IllegalArgumentException saying what is wrong with it (never quoting it whole)
   */
  static TopicPosition parse(FeedPosition position) {
    String[] parts = position.token().split(";", -1);
    if (parts.length != 4 || !parts[0].equals(VERSION)) {
      throw new IllegalArgumentException("it is not of the form " + VERSION + ";TOPIC_ID;SINCE;PARTITION:OFFSET,…");
    }
    if (parts[1].isEmpty()) {
      throw new IllegalArgumentException("it names no topic id");
    }
    long since = number(parts[2], "its time");
    Map<Integer, Long> offsets = new TreeMap<>();
    String[] entries = parts[3].split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      String[] po = entries[i].split(":", -1);
      if (po.length != 2 || number(po[0], "a partition") != i) {
        throw new IllegalArgumentException("its offsets are not PARTITION:OFFSET for partitions 0, 1, … in order");
      }
      offsets.put(i, number(po[1], "the offset of partition " + i));
    }
    return new TopicPosition(parts[1], since, offsets);
  }

  private static long number(String s, String what) {
    try {
      long n = Long.parseLong(s);
      if (n >= 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(what + " is not a number of 0 or more");
  }
}
