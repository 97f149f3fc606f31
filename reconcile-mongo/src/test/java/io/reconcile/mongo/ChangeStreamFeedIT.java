package io.reconcile.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.IndexOptions;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.testservers.TestMongo;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link MongoStore#changes}: the collection's change stream as a pull feed, against a server with
 * change streams (the in-memory one with its oplog, or {@code MONGO_URI}'s): keys and commit times
 * of every write, positions that resume, gaps, and a close from another thread.
 */
class ChangeStreamFeedIT {

  private static final MongoClient CLIENT = MongoClients.create(TestMongo.withChangeStreams());
  private static final Duration WAIT = Duration.ofSeconds(30);

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  /** A new collection in a database of its own (the in-memory server reports a drop to every stream of its database). */
  private static MongoCollection<BsonDocument> newCollection() {
    String db = TestMongo.newDatabase("feed");
    CLIENT.getDatabase(db).createCollection("orders");
    return CLIENT.getDatabase(db).getCollection("orders", BsonDocument.class);
  }

  private static MongoStore store(MongoCollection<BsonDocument> c) {
    return MongoStore.newBuilder(CLIENT, c.getNamespace().getDatabaseName(), c.getNamespace().getCollectionName()).build();
  }

  private static BsonDocument doc(int id, String name) {
    return doc(new BsonInt32(id), name);
  }

  private static BsonDocument doc(BsonValue id, String name) {
    return new BsonDocument("_id", id).append("name", new BsonString(name));
  }

  private static BsonDocument id(int id) {
    return new BsonDocument("_id", new BsonInt32(id));
  }

  /** What a feed delivered over several polls: the batches, and their changes in order. */
  private record Seen(List<ChangeBatch> batches, List<Change> changes) {
    List<Key> keys() {
      return changes.stream().map(Change::key).toList();
    }

    boolean hadGap() {
      return batches.stream().anyMatch(b -> b.gap().isPresent());
    }

    FeedPosition last() {
      return batches.get(batches.size() - 1).position();
    }
  }

  /** Polls until the changes include {@code expected} (and a gap, if asked), failing after {@link #WAIT}. */
  private static Seen pollUntil(ChangeFeed feed, List<Key> expected, boolean gap) throws InterruptedException {
    return pollUntil(feed, s -> s.keys().containsAll(expected) && (!gap || s.hadGap()),
        expected + (gap ? " and a gap" : ""));
  }

  /** Polls until {@code done} holds for what was seen, failing after {@link #WAIT}. */
  private static Seen pollUntil(ChangeFeed feed, Predicate<Seen> done, String what) throws InterruptedException {
    Seen seen = new Seen(new ArrayList<>(), new ArrayList<>());
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.test(seen)) {
      assertThat(System.nanoTime() - deadline).as("%s delivered within %s; saw %s", what, WAIT, seen.batches())
          .isNegative();
      ChangeBatch b = feed.poll(Duration.ofMillis(500));
      seen.batches().add(b);
      seen.changes().addAll(b.changes());
    }
    return seen;
  }

  /** Opens the store's feed after {@code after} and polls until {@code expected} came, with no gap. */
  private static Seen resumeUntil(MongoStore store, FeedPosition after, List<Key> expected) throws InterruptedException {
    try (ChangeFeed feed = store.changes(Optional.of(after))) {
      Seen seen = pollUntil(feed, expected, false);
      assertThat(seen.hadGap()).as("a gap resuming after %s: %s", after, seen.batches()).isFalse();
      return seen;
    }
  }

  @Test
  void insertsReplacesUpdatesAndDeletesDeliverTheirKeysWithCommitTimes() throws InterruptedException {
    MongoCollection<BsonDocument> c = newCollection();
    try (MongoStore store = store(c)) {
      assertThat(store.capabilities()).contains(Capability.CHANGE_FEED);
      try (ChangeFeed feed = store.changes(Optional.empty())) {
        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(5);
        c.insertOne(doc(1, "a"));
        c.replaceOne(id(1), doc(1, "b"));
        c.insertOne(doc(new BsonString("k"), "c"));
        c.updateOne(new BsonDocument("_id", new BsonString("k")), new BsonDocument("$set", new BsonDocument("x", BsonBoolean.TRUE)));
        c.deleteOne(id(1));
        Instant after = Instant.now().plusSeconds(5);
        Seen seen = pollUntil(feed, s -> s.changes().size() >= 5, "five changes");
        assertThat(seen.keys()).containsExactly(Key.of(1L), Key.of(1L), Key.of("k"), Key.of("k"), Key.of(1L));
        assertThat(seen.hadGap()).isFalse();
        assertThat(seen.changes()).allSatisfy(ch -> assertThat(ch.committedAt()).isBetween(before, after));
      }
    }
  }

  @Test
  void aFeedReopenedAfterAPositionDeliversTheChangesAfterIt() throws InterruptedException {
    MongoCollection<BsonDocument> c = newCollection();
    try (MongoStore store = store(c)) {
      FeedPosition afterOne;
      try (ChangeFeed feed = store.changes(Optional.empty())) {
        c.insertOne(doc(1, "a"));
        afterOne = pollUntil(feed, List.of(Key.of(1L)), false).last();
      }
      c.insertOne(doc(2, "b"));
      c.deleteOne(id(2));
      c.insertOne(doc(3, "c"));
      Seen seen = resumeUntil(store, afterOne, List.of(Key.of(2L), Key.of(3L)));
      assertThat(seen.keys()).containsSubsequence(Key.of(2L), Key.of(2L), Key.of(3L));
      assertThat(seen.last().token()).startsWith("v1;");
    }
  }

  @Test
  void anEmptyPositionStartsAtTheEndAndTheEmptyFirstBatchHasAPositionToResumeAfter() throws InterruptedException {
    MongoCollection<BsonDocument> c = newCollection();
    c.insertOne(doc(1, "before"));
    try (MongoStore store = store(c)) {
      FeedPosition start;
      try (ChangeFeed feed = store.changes(Optional.empty())) {
        ChangeBatch first = feed.poll(Duration.ZERO);
        assertThat(first.changes()).isEmpty();
        assertThat(first.gap()).isEmpty();
        start = first.position();
      }
      c.insertOne(doc(2, "after"));
      // not the insert before the first feed opened
      assertThat(resumeUntil(store, start, List.of(Key.of(2L))).keys()).containsOnly(Key.of(2L));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"v1;{not json", "v1;at;soon", "v0;{\"_data\": \"00\"}", "v1;{\"_data\": \"zz\"}", "v1;{}"})
  void aPositionTheFeedCannotResumeAfterGivesAGapAndTheFeedGoesOn(String token) throws InterruptedException {
    MongoCollection<BsonDocument> c = newCollection();
    try (MongoStore store = store(c); ChangeFeed feed = store.changes(Optional.of(new FeedPosition(token)))) {
      ChangeBatch first = feed.poll(Duration.ZERO);
      assertThat(first.gap()).hasValueSatisfying(reason -> assertThat(reason).contains(store.id()).doesNotContain(token));
      assertThat(first.position().token()).startsWith("v1;").isNotEqualTo(token);
      c.insertOne(doc(1, "a"));
      Seen seen = pollUntil(feed, List.of(Key.of(1L)), false);
      assertThat(seen.hadGap()).isFalse(); // reported once
    }
  }

  @Test
  void aDroppedCollectionGivesAGapAndLaterWritesAreDelivered() throws InterruptedException {
    MongoCollection<BsonDocument> c = newCollection();
    try (MongoStore store = store(c); ChangeFeed feed = store.changes(Optional.empty())) {
      c.insertOne(doc(1, "a"));
      assertThat(pollUntil(feed, List.of(Key.of(1L)), false).hadGap()).isFalse();
      c.drop();
      c.insertOne(doc(2, "b"));
      Seen seen = pollUntil(feed, List.of(Key.of(2L)), true);
      assertThat(seen.batches()).filteredOn(b -> b.gap().isPresent()).first()
          .satisfies(b -> assertThat(b.gap().orElseThrow()).contains("dropped"));
      c.insertOne(doc(3, "c"));
      resumeUntil(store, seen.last(), List.of(Key.of(3L))); // a second feed, after the drop (with startAfter)
      assertThat(pollUntil(feed, List.of(Key.of(3L)), false).hadGap()).isFalse(); // and the first goes on
    }
  }

  @Test
  void closeFromAnotherThreadEndsAWaitingPoll() throws Exception {
    MongoCollection<BsonDocument> c = newCollection();
    try (MongoStore store = store(c)) {
      ChangeFeed feed = store.changes(Optional.empty());
      AtomicReference<Thread> poller = new AtomicReference<>();
      CompletableFuture<ChangeBatch> polled = CompletableFuture.supplyAsync(() -> {
        poller.set(Thread.currentThread());
        try {
          return feed.poll(Duration.ofMinutes(5));
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!inPoll(poller.get())) {
        assertThat(System.nanoTime() - deadline).as("the poll started within %s", WAIT).isNegative();
        Thread.onSpinWait();
      }
      long closing = System.nanoTime();
      feed.close();
      ChangeBatch batch = polled.get(10, TimeUnit.SECONDS);
      assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(5));
      assertThat(batch.changes()).isEmpty();
      assertThatThrownBy(() -> feed.poll(Duration.ZERO)).isInstanceOf(StoreUnavailableException.class)
          .hasMessageContaining("closed");
      feed.close(); // idempotent
    }
  }

  private static boolean inPoll(Thread t) {
    if (t == null) {
      return false;
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals(ChangeStreamFeed.class.getName()) && e.getMethodName().equals("poll")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aCollectionKeyedByIndexFieldsHasNoFeedAndAClosedStoreOpensNone() {
    MongoCollection<BsonDocument> c = newCollection();
    c.createIndex(new BsonDocument("orderId", new BsonInt32(1)), new IndexOptions().unique(true));
    try (MongoStore byIndex = MongoStore.newBuilder(CLIENT, c.getNamespace().getDatabaseName(),
        c.getNamespace().getCollectionName()).key("orderId").build()) {
      assertThat(byIndex.capabilities()).doesNotContain(Capability.CHANGE_FEED);
      assertThatThrownBy(() -> byIndex.changes(Optional.empty())).isInstanceOf(UnsupportedOperationException.class);
    }
    MongoStore closed = store(c);
    closed.close();
    assertThatThrownBy(() -> closed.changes(Optional.empty())).isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("closed");
  }
}
