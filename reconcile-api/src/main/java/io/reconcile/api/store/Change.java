package io.reconcile.api.store;

import io.reconcile.api.Key;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One change a {@link ChangeFeed} saw: the entry under {@code key} was written or deleted. Which
 * of the two, and what it holds now, the engine reads from the store itself; a change is only a
 * reason to look again.
 *
 * @param key the key of the entry that changed
 * @param committedAt when the change was committed at its source, where the feed knows it (a
 *     transaction's commit time, a record's append time, a cluster time); null otherwise, and the
 *     engine then counts from when it first saw the change
 */
public record Change(Key key, @Nullable Instant committedAt) {

  public Change {
    Objects.requireNonNull(key, "key");
  }

  /** A change with no known commit time. */
  public static Change of(Key key) {
    return new Change(key, null);
  }

  /** The commit time, if the feed knows it. */
  public Optional<Instant> commitTime() {
    return Optional.ofNullable(committedAt);
  }
}
