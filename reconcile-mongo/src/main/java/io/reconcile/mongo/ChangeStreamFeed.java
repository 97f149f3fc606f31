package io.reconcile.mongo;

import com.mongodb.MongoException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoServerException;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * A collection's change stream as a {@link ChangeFeed}: the {@code _id} of every document
 * inserted, updated, replaced or deleted, as a key of the store, with the event's wall time (or its
 * cluster time, to the second, on a server without one). Positions are the stream's resume tokens
 * ({@link StreamPosition}): after each event, and after an empty batch the server's post-batch
 * token, so even an empty first batch has one.
 *
 * <p>A gap is reported when the position given cannot be resumed after (malformed, or refused by the
 * server: history lost, a token of another collection, …; the feed then starts at the end), when the
 * collection is dropped or renamed or the stream invalidated (the feed goes on after the event, with
 * {@code startAfter}), when the server stops the stream and refuses to resume it, and when an event
 * names no {@code _id} the store can key. The cursor is used by the polling thread only; {@link
 * #close} from another thread wakes a waiting poll within {@link #AWAIT}.
 *
 * <p>On a server with change streams but no replica set — only the in-memory wire server — the feed
 * asks for the updated document (whose update events name no {@code _id}), and, as that server gives
 * no post-batch token, starts a feed opened at the end at the cluster time just after the last
 * operation of its oplog.
 */
final class ChangeStreamFeed implements ChangeFeed {

  /** How long the server holds a request for events open: the longest a close or a deadline waits. */
  static final Duration AWAIT = Duration.ofMillis(100);
  /** Waits beyond this are as good as forever (and their nanoseconds still add up without overflow). */
  private static final Duration LONGEST_WAIT = Duration.ofDays(365L * 100);
  /** The most changes one batch holds. */
  static final int MAX_BATCH = 10_000;
  private static final Set<String> WRITES = Set.of("insert", "update", "replace", "delete");
  private static final Set<String> COLLECTION_GONE = Set.of("drop", "rename", "dropDatabase");
  private static final int UNAUTHORIZED = 13;
  private static final int AUTHENTICATION_FAILED = 18;

  private final MongoStore store;
  private final MongoCollection<BsonDocument> collection;
  private final KeyMapping keys;
  /** The oplog of a server without post-batch tokens (the in-memory one), read to start at its end; else null. */
  private final @Nullable MongoCollection<BsonDocument> oplog;
  private final ReentrantLock polling = new ReentrantLock();
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean closed;

  // Owned by the thread holding `polling` (the opener, then each poll).
  private @Nullable MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor;
  /** After everything delivered so far; null only before a real server's first post-batch token. */
  private @Nullable StreamPosition position;
  /** A gap not yet reported. */
  private @Nullable String gap;

  private ChangeStreamFeed(MongoStore store, MongoCollection<BsonDocument> collection, KeyMapping keys,
      @Nullable MongoCollection<BsonDocument> oplog) {
    this.store = store;
    this.collection = collection;
    this.keys = keys;
    this.oplog = oplog;
  }

  /**
   * Opens the collection's change stream now, after {@code after} or at the end: a position that
   * cannot be resumed after opens it at the end, with a gap for the first batch.
   *
   * @param oplog the server's oplog when it gives no post-batch resume token (the in-memory server)
   */
  static ChangeStreamFeed open(MongoStore store, MongoCollection<BsonDocument> collection, KeyMapping keys,
      @Nullable MongoCollection<BsonDocument> oplog, Optional<FeedPosition> after) {
    ChangeStreamFeed feed = new ChangeStreamFeed(store, collection, keys, oplog);
    feed.polling.lock();
    try {
      StreamPosition from = null;
      if (after.isPresent()) {
        try {
          from = StreamPosition.parse(after.get());
        } catch (IllegalArgumentException e) {
          feed.noteGap("the position to resume after is not one of this feed (" + e.getMessage() + "); the feed"
              + " starts at the end of the collection's history");
        }
      }
      feed.openCursor(from);
      return feed;
    } catch (MongoException e) {
      throw MongoStore.failure(store.id(), e);
    } catch (IllegalStateException e) {
      throw feed.clientClosed();
    } finally {
      feed.polling.unlock();
    }
  }

  /**
   * Opens the cursor at {@code from}, or at the end when null or when the server refuses {@code from}
   * (noting the gap).
   */
  private void openCursor(@Nullable StreamPosition from) {
    if (from != null) {
      try {
        cursor = from.openAt(stream()).cursor();
        position = from;
        return;
      } catch (MongoServerException e) {
        if (!refusesPosition(e)) {
          throw e;
        }
        noteGap("the server cannot resume the change stream after the position (" + code(e) + "); the feed starts"
            + " at the end of the collection's history");
      }
    }
    if (oplog != null) {
      BsonDocument last = oplog.find().sort(new BsonDocument("ts", new BsonInt32(-1)))
          .projection(new BsonDocument("ts", new BsonInt32(1))).limit(1).first();
      StreamPosition.At end = last == null || !last.isTimestamp("ts")
          ? new StreamPosition.At(new BsonTimestamp(0, 0)) : StreamPosition.At.after(last.getTimestamp("ts"));
      cursor = end.openAt(stream()).cursor();
      position = end;
    } else {
      cursor = stream().cursor();
      position = null; // the first tryNext gives the post-batch token
    }
  }

  /** The collection's change stream, trimmed to what the feed reads: the event's type, key and times. */
  private ChangeStreamIterable<BsonDocument> stream() {
    BsonDocument fields = new BsonDocument("operationType", new BsonInt32(1))
        .append("documentKey._id", new BsonInt32(1))
        .append("clusterTime", new BsonInt32(1))
        .append("wallTime", new BsonInt32(1));
    if (oplog != null) {
      fields.append("fullDocument._id", new BsonInt32(1));
    }
    ChangeStreamIterable<BsonDocument> s = collection.watch(List.of(new BsonDocument("$project", fields)))
        .maxAwaitTime(AWAIT.toMillis(), TimeUnit.MILLISECONDS);
    return oplog != null ? s.fullDocument(FullDocument.UPDATE_LOOKUP) : s;
  }

  /**
   * Whether the server refused to go on from a position (history lost, a malformed or foreign token,
   * an invalidated stream), rather than failing for a reason that opening at the end would share.
   */
  private static boolean refusesPosition(MongoServerException e) {
    return !(e instanceof MongoNotPrimaryException || e instanceof MongoNodeIsRecoveringException)
        && e.getCode() != UNAUTHORIZED && e.getCode() != AUTHENTICATION_FAILED
        && !e.hasErrorLabel("ResumableChangeStreamError");
  }

  private static String code(MongoServerException e) {
    return "MongoDB error " + e.getCode() + (e.getErrorCodeName() == null ? "" : " " + e.getErrorCodeName());
  }

  @Override
  public ChangeBatch poll(Duration timeout) throws InterruptedException {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("a poll timeout is zero or more, but was " + timeout);
    }
    if (!polling.tryLock()) {
      throw new IllegalStateException("the change feed of store '" + store.id() + "' is polled by one thread at a time,"
          + " but another poll is running");
    }
    try {
      if (closed) {
        throw new StoreUnavailableException("the change feed of store '" + store.id() + "' is closed; open it again"
            + " after the last committed position", false);
      }
      long deadline = System.nanoTime() + (timeout.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : timeout).toNanos();
      List<Change> changes = new ArrayList<>();
      while (true) {
        long asked = System.nanoTime();
        ChangeStreamDocument<BsonDocument> event = next();
        if (event != null) {
          take(event, changes);
          boolean drained = cursor == null || cursor.available() == 0;
          if (changes.size() >= MAX_BATCH || closed || drained && System.nanoTime() - deadline >= 0) {
            break;
          }
          continue;
        }
        if (!changes.isEmpty() || gap != null || closed || System.nanoTime() - deadline >= 0) {
          break;
        }
        // A server that answers at once when it has nothing (the in-memory one) is asked again after the
        // rest of the await; close() ends the wait.
        long rest = Math.min(AWAIT.toNanos() - (System.nanoTime() - asked), deadline - System.nanoTime());
        if (rest > 0 && closing.await(rest, TimeUnit.NANOSECONDS)) {
          break;
        }
      }
      if (position == null) {
        throw new StoreUnavailableException("store '" + store.id() + "': the server gave no resume token for its change"
            + " stream; a change feed needs MongoDB 4.2 or later", false);
      }
      ChangeBatch batch = new ChangeBatch(changes, position.toFeedPosition(), gap);
      gap = null;
      return batch;
    } finally {
      polling.unlock();
      if (closed) {
        releaseIfIdle();
      }
    }
  }

  /**
   * The next event, or null if none came within the server's await. After a failure the cursor is
   * closed, and the next call opens it again after the position (or at the end, with a gap, if the
   * server refuses that position).
   */
  private @Nullable ChangeStreamDocument<BsonDocument> next() throws InterruptedException {
    if (Thread.interrupted()) {
      throw interrupted();
    }
    store.checkOpen();
    try {
      if (cursor == null) {
        if (position == null) {
          noteGap("the change stream failed before the server gave its first position; the feed starts again at the"
              + " end of the collection's history");
        }
        openCursor(position);
      }
    } catch (MongoInterruptedException e) {
      throw interrupted();
    } catch (MongoException e) {
      throw MongoStore.failure(store.id(), e);
    } catch (IllegalStateException e) {
      throw clientClosed();
    }
    MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> c = Objects.requireNonNull(cursor);
    try {
      ChangeStreamDocument<BsonDocument> event = c.tryNext();
      BsonDocument token = c.getResumeToken();
      if (token != null) {
        position = new StreamPosition.After(token);
      }
      return event;
    } catch (MongoInterruptedException e) {
      throw interrupted();
    } catch (MongoException e) {
      closeCursor();
      if (!closed && e instanceof MongoServerException s && refusesPosition(s)) {
        return null; // the stream stopped (history lost mid-stream, …): reopened after the position, or a gap
      }
      throw MongoStore.failure(store.id(), e);
    } catch (IllegalStateException e) {
      closeCursor();
      throw clientClosed();
    }
  }

  private InterruptedException interrupted() {
    closeCursor();
    return new InterruptedException("interrupted while polling the change feed of store '" + store.id() + "'");
  }

  private StoreUnavailableException clientClosed() {
    return new StoreUnavailableException("store '" + store.id() + "': its MongoDB client was closed; open the store"
        + " and its feed again with an open client", false);
  }

  /** Adds the change an event reports, or notes the gap it means. */
  private void take(ChangeStreamDocument<BsonDocument> event, List<Change> changes) {
    String type = String.valueOf(event.getOperationTypeString());
    if (WRITES.contains(type)) {
      BsonValue id = idOf(event);
      if (id == null) {
        noteGap("a '" + type + "' event named no _id");
        return;
      }
      try {
        changes.add(new Change(keys.key(new BsonDocument("_id", id)), committedAt(event)));
      } catch (KeyMapping.UnkeyableException e) {
        noteGap("a document the store cannot key was written: " + e.getMessage());
      }
    } else if (COLLECTION_GONE.contains(type)) {
      noteGap("the collection was dropped or renamed ('" + type + "' event); the feed goes on with whatever the"
          + " collection of that name holds next");
    } else if (type.equals("invalidate")) {
      noteGap("the change stream was invalidated; the feed goes on after it");
      closeCursor();
      position = new StreamPosition.After(event.getResumeToken()); // next() reopens with startAfter
    }
    // Other events (index and collection options) change no document.
  }

  /**
   * The {@code _id} of the document an event is about: from its {@code documentKey}, or, where the
   * in-memory server leaves it out (updates), from the looked-up document; null if neither has one
   * (that server's update of a document deleted since — whose delete event names it).
   */
  private static @Nullable BsonValue idOf(ChangeStreamDocument<BsonDocument> event) {
    BsonDocument documentKey = event.getDocumentKey();
    if (documentKey != null && documentKey.containsKey("_id")) {
      return documentKey.get("_id");
    }
    BsonDocument full = event.getFullDocument();
    return full == null ? null : full.get("_id");
  }

  /** The event's wall time (MongoDB 6.0 and later), else its cluster time's seconds. */
  private static @Nullable Instant committedAt(ChangeStreamDocument<BsonDocument> event) {
    BsonDateTime wall = event.getWallTime();
    if (wall != null) {
      return Instant.ofEpochMilli(wall.getValue());
    }
    BsonTimestamp cluster = event.getClusterTime();
    return cluster == null ? null : Instant.ofEpochSecond(Integer.toUnsignedLong(cluster.getTime()));
  }

  private void noteGap(String reason) {
    if (gap == null) {
      gap = "store '" + store.id() + "': " + reason;
    }
  }

  private void closeCursor() {
    MongoChangeStreamCursor<?> c = cursor;
    cursor = null;
    if (c != null) {
      try {
        c.close();
      } catch (MongoException | IllegalStateException ignored) {
        // the server forgets the cursor either way
      }
    }
  }

  /** Closes the cursor unless a poll holds it; that poll closes it as it returns. */
  private void releaseIfIdle() {
    if (polling.tryLock()) {
      try {
        closeCursor();
      } finally {
        polling.unlock();
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    closing.countDown();
    releaseIfIdle();
  }

  @Override
  public String toString() {
    return "ChangeStreamFeed[" + store.id() + "]";
  }
}
