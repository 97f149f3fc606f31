package io.reconcile.api.store;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What one {@link ChangeFeed#poll} returned: the changes seen since the previous batch, and the
 * position after them. Immutable.
 *
 * <p>A batch with a {@link #gap()} says that the feed cannot vouch for what happened before its
 * position — its history was lost or expired, it restarted from scratch, the source's schema
 * changed, or the position it was opened after is not one it can resume — so every entry may have
 * changed: the engine then checks everything again. The changes of such a batch are those seen
 * after the gap.
 *
 * @param changes the changes, in the order the feed saw them; a key may appear more than once
 * @param position the position after this batch: opening the feed after it delivers every change
 *     that follows (and perhaps some of this batch again)
 * @param gapReason why the feed cannot vouch for what came before, or null when it can
 */
public record ChangeBatch(List<Change> changes, FeedPosition position, @Nullable String gapReason) {

  public ChangeBatch {
    changes = List.copyOf(changes);
    Objects.requireNonNull(position, "position");
  }

  /** A batch of these changes, with no gap. */
  public static ChangeBatch of(List<Change> changes, FeedPosition position) {
    return new ChangeBatch(changes, position, null);
  }

  /** A batch that reports a gap, with the changes seen after it. */
  public static ChangeBatch gap(String reason, List<Change> changes, FeedPosition position) {
    Objects.requireNonNull(reason, "reason");
    return new ChangeBatch(changes, position, reason);
  }

  /** Why everything may have changed, if the feed lost track; empty for an ordinary batch. */
  public Optional<String> gap() {
    return Optional.ofNullable(gapReason);
  }
}
