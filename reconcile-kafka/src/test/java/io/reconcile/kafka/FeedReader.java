package io.reconcile.kafka;

import io.reconcile.api.Key;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/** Polls a feed in a test: its batches, the changes and the last position, until a condition or a deadline. */
final class FeedReader {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  final ChangeFeed feed;
  final List<ChangeBatch> batches = new ArrayList<>();
  final List<Change> changes = new ArrayList<>();

  FeedReader(ChangeFeed feed) {
    this.feed = feed;
  }

  /** The first batch, which every feed returns, with its position and gap if any. */
  ChangeBatch first() throws InterruptedException {
    return poll();
  }

  ChangeBatch poll() throws InterruptedException {
    ChangeBatch b = feed.poll(Duration.ofMillis(200));
    batches.add(b);
    changes.addAll(b.changes());
    return b;
  }

  /** Polls until the keys seen include {@code keys}; fails after the deadline. */
  FeedReader until(Set<Key> keys) throws InterruptedException {
    return until(r -> r.keys().containsAll(keys), "keys " + keys);
  }

  FeedReader until(Predicate<FeedReader> done, String what) throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!done.test(this)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the feed did not deliver " + what + " within " + DEADLINE.toSeconds() + " s; it"
            + " delivered " + changes);
      }
      poll();
    }
    return this;
  }

  Set<Key> keys() {
    Set<Key> out = new LinkedHashSet<>();
    changes.forEach(c -> out.add(c.key()));
    return out;
  }

  FeedPosition position() {
    return batches.get(batches.size() - 1).position();
  }
}
