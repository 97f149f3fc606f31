package io.reconcile.api.store;

import java.util.Objects;

/**
 * Where a {@link ChangeFeed} stands: an opaque, serialisable token that the feed that gave it can
 * resume after (a Kafka topic's id and offsets, a MongoDB resume token, a PostgreSQL LSN). The
 * engine keeps it with its own state and hands it back to {@link ChangeFeedSource#open}; only the
 * feed knows what it means. Never holds a secret or a row value: it may be written to disk and
 * logs.
 *
 * @param token the feed's own text form of the position; not blank, at most 64 KiB
 */
public record FeedPosition(String token) {

  /** The longest token a position holds, in characters. */
  public static final int MAX_LENGTH = 1 << 16;

  public FeedPosition {
    Objects.requireNonNull(token, "token");
    if (token.isBlank() || token.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "a feed position is 1 to " + MAX_LENGTH + " characters, not blank, but had " + token.length());
    }
  }

  @Override
  public String toString() {
    return token;
  }
}
