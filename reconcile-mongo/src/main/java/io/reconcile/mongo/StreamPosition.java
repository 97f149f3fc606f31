package io.reconcile.mongo;

import com.mongodb.client.ChangeStreamIterable;
import io.reconcile.api.store.FeedPosition;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;

/**
 * Where a collection's change stream stands, and its text form in a {@link FeedPosition}: a resume
 * token the server gave ({@code v1;} and the token as canonical Extended JSON, e.g. {@code
 * v1;{"_data": "8263…"}}), or, where the server gives none (the in-memory wire server before the
 * first event), a cluster time from which every later operation is delivered ({@code
 * v1;at;SECONDS:INCREMENT}). A real server's token encodes a cluster time and the key of the
 * document the event was about, never its other fields.
 */
sealed interface StreamPosition {

  String VERSION = "v1;";
  String AT = "at;";

  /** The position as a feed position. */
  FeedPosition toFeedPosition();

  /** The change stream opened at this position: every event after it (and, for a time, at it). */
  <T> ChangeStreamIterable<T> openAt(ChangeStreamIterable<T> stream);

  /** After the event (or post-batch point) whose resume token is {@code token}. */
  record After(BsonDocument token) implements StreamPosition {
    private static final JsonWriterSettings CANONICAL = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();

    @Override
    public FeedPosition toFeedPosition() {
      return new FeedPosition(VERSION + token.toJson(CANONICAL));
    }

    /** {@code startAfter} rather than {@code resumeAfter}: it also takes the token of an {@code invalidate} event. */
    @Override
    public <T> ChangeStreamIterable<T> openAt(ChangeStreamIterable<T> stream) {
      return stream.startAfter(token);
    }
  }

  /** At cluster time {@code time}: every operation at or after it. */
  record At(BsonTimestamp time) implements StreamPosition {
    @Override
    public FeedPosition toFeedPosition() {
      return new FeedPosition(VERSION + AT + Integer.toUnsignedString(time.getTime()) + ":"
          + Integer.toUnsignedString(time.getInc()));
    }

    @Override
    public <T> ChangeStreamIterable<T> openAt(ChangeStreamIterable<T> stream) {
      return stream.startAtOperationTime(time);
    }

    /** The position just after the operation at {@code time}: cluster times order by seconds, then increment. */
    static At after(BsonTimestamp time) {
      return time.getInc() == -1 ? new At(new BsonTimestamp(time.getTime() + 1, 0))
          : new At(new BsonTimestamp(time.getTime(), time.getInc() + 1));
    }
  }

  /**
   * The stream position a feed position names.
   *
   * @throws IllegalArgumentException saying what is wrong, if it is not one this feed gave (never
   *     quoting it)
   */
  static StreamPosition parse(FeedPosition position) {
    String token = position.token();
    if (!token.startsWith(VERSION)) {
      throw new IllegalArgumentException("it does not start with '" + VERSION + "', so it is not a MongoDB change"
          + " stream position of this version");
    }
    String rest = token.substring(VERSION.length());
    if (rest.startsWith(AT)) {
      String[] parts = rest.substring(AT.length()).split(":", -1);
      try {
        if (parts.length == 2) {
          return new At(new BsonTimestamp(Integer.parseUnsignedInt(parts[0]), Integer.parseUnsignedInt(parts[1])));
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("its cluster time is not SECONDS:INCREMENT (two unsigned 32-bit numbers)");
    }
    try {
      BsonDocument resumeToken = BsonDocument.parse(rest);
      if (resumeToken.isEmpty()) {
        throw new IllegalArgumentException("its resume token is an empty document");
      }
      return new After(resumeToken);
    } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
      throw new IllegalArgumentException("its resume token is not a JSON document");
    }
  }
}
