package io.reconcile.mongo;

import com.mongodb.MongoException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.ChangeStreamIterable;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.reconcile.api.Key;
import io.reconcile.api.store.ChangeListener;
import io.reconcile.api.store.Subscription;
import java.util.concurrent.TimeUnit;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A collection's change stream as a change feed: a thread that tells a listener the key of every
 * document inserted, updated, replaced or deleted from the moment it starts ({@code documentKey},
 * so an update and a replacement are alike, and no document is fetched — except on a server whose
 * update events lack it, the in-memory wire server, where the feed asks for the updated document). After a transient failure
 * it resumes after the last event it passed on (its resume token), so nothing is skipped; when the
 * server no longer has that history ({@code ChangeStreamHistoryLost}), or the collection is
 * dropped or renamed, the feed stops with a warning. Closing it stops the thread.
 */
final class ChangeStreamFeed implements Subscription {

  private static final Logger LOG = LoggerFactory.getLogger(MongoStore.class);
  private static final int HISTORY_LOST = 286;

  private final Thread thread;
  private volatile boolean closed;
  private volatile @Nullable MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> cursor;

  private ChangeStreamFeed(String storeId, MongoCollection<BsonDocument> collection, KeyMapping keys,
      boolean lookUp, ChangeListener listener) {
    this.cursor = watch(collection, lookUp, null);
    this.thread = new Thread(() -> run(storeId, collection, keys, lookUp, listener), "reconcile-feed-" + storeId);
    thread.setDaemon(true);
  }

  /** Opens the collection's change stream now (so no change after this call is missed) and starts passing keys on. */
  static ChangeStreamFeed start(String storeId, MongoCollection<BsonDocument> collection, KeyMapping keys,
      boolean lookUp, ChangeListener listener) {
    try {
      ChangeStreamFeed feed = new ChangeStreamFeed(storeId, collection, keys, lookUp, listener);
      feed.thread.start();
      return feed;
    } catch (MongoException e) {
      throw MongoStore.failure(storeId, e);
    }
  }

  /** A change stream of the collection, after {@code resumeToken} if given, looking documents up if asked. */
  private static MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> watch(MongoCollection<BsonDocument> collection,
      boolean lookUp, @Nullable BsonDocument resumeToken) {
    ChangeStreamIterable<BsonDocument> stream = collection.watch().maxAwaitTime(200, TimeUnit.MILLISECONDS);
    if (lookUp) {
      stream = stream.fullDocument(FullDocument.UPDATE_LOOKUP);
    }
    return (resumeToken == null ? stream : stream.resumeAfter(resumeToken)).cursor();
  }

  private void run(String storeId, MongoCollection<BsonDocument> collection, KeyMapping keys, boolean lookUp,
      ChangeListener listener) {
    BsonDocument resumeToken = null;
    int failures = 0;
    while (!closed) {
      MongoChangeStreamCursor<ChangeStreamDocument<BsonDocument>> c = cursor;
      try {
        if (c == null) {
          c = watch(collection, lookUp, resumeToken);
          cursor = c;
        }
        ChangeStreamDocument<BsonDocument> event = c.tryNext();
        if (event == null) {
          continue;
        }
        failures = 0;
        resumeToken = event.getResumeToken();
        BsonValue id = idOf(event);
        if (id != null) {
          Key key;
          try {
            key = keys.key(new BsonDocument("_id", id));
          } catch (KeyMapping.UnkeyableException e) {
            continue; // a document the store cannot key; reads refuse it
          }
          listener.changed(key);
        } else if (event.getOperationType() != null && event.getOperationType().getValue().matches("drop|rename|invalidate|dropDatabase")) {
          LOG.warn("store '{}': the collection was {}; its change feed stopped", storeId, event.getOperationType().getValue());
          return;
        } else {
          LOG.warn("store '{}': a change of the collection came without the document's _id; it is not reported", storeId);
        }
      } catch (MongoException e) {
        if (closed) {
          return;
        }
        closeQuietly(c);
        cursor = null;
        if (e.getCode() == HISTORY_LOST || resumeToken == null || ++failures > 5) {
          LOG.warn("store '{}': its change feed stopped (MongoDB error {}); changes from then on are not reported",
              storeId, e.getCode());
          return;
        }
      }
    }
    closeQuietly(cursor);
  }

  /**
   * The {@code _id} of the document an event is about: from its {@code documentKey}, or, where a
   * server leaves it out (the in-memory wire server does for updates), from the looked-up document.
   */
  private static @Nullable BsonValue idOf(ChangeStreamDocument<BsonDocument> event) {
    BsonDocument documentKey = event.getDocumentKey();
    if (documentKey != null && documentKey.containsKey("_id")) {
      return documentKey.get("_id");
    }
    BsonDocument full = event.getFullDocument();
    return full == null ? null : full.get("_id");
  }

  private static void closeQuietly(@Nullable MongoChangeStreamCursor<?> c) {
    if (c != null) {
      try {
        c.close();
      } catch (MongoException ignored) {
        // the stream is gone either way
      }
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
