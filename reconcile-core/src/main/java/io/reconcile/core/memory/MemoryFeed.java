package io.reconcile.core.memory;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The change feed of a {@link MemoryStore}: the table's {@link ChangeLog} read from a change
 * number on. Positions are {@code mem;v1;INSTANCE;N} (the table's instance, the number of the last
 * change delivered); one of another table (another JVM, a dropped and recreated name), malformed,
 * or older than the history the table keeps opens the feed with a gap.
 */
final class MemoryFeed implements ChangeFeed {

  private static final Pattern TOKEN = Pattern.compile("mem;v1;(.+);(\\d{1,18})");
  private static final int MAX_BATCH = 4_096;

  private final String storeId;
  private final MemoryTable table;
  private long delivered;
  private @Nullable String gap;
  private volatile boolean closed;

  private MemoryFeed(String storeId, MemoryTable table, long delivered, @Nullable String gap) {
    this.storeId = storeId;
    this.table = table;
    this.delivered = delivered;
    this.gap = gap;
  }

  static MemoryFeed open(String storeId, MemoryTable table, Optional<FeedPosition> after) {
    long now = table.changes.startRecording();
    if (after.isEmpty()) {
      return new MemoryFeed(storeId, table, now, null);
    }
    Matcher m = TOKEN.matcher(after.get().token());
    if (!m.matches()) {
      return new MemoryFeed(storeId, table, now, "the position is not one of an in-memory store's feed");
    }
    if (!m.group(1).equals(table.instance)) {
      return new MemoryFeed(storeId, table, now, "the position is of another in-memory table (another JVM, or the name was dropped and created again)");
    }
    return new MemoryFeed(storeId, table, Long.parseLong(m.group(2)), null);
  }

  @Override
  public ChangeBatch poll(Duration timeout) throws InterruptedException {
    if (closed) {
      throw new ReconcileException.StoreUnavailableException(
          "the change feed of store '" + storeId + "' is closed; open it again after its last position", false);
    }
    List<Change> changes = table.changes.after(delivered, MAX_BATCH, gap != null ? Duration.ZERO : timeout, () -> closed);
    String reason = gap;
    gap = null;
    if (changes == null) {
      reason = "the position is older than the " + ChangeLog.RETAINED + " changes an in-memory store keeps";
      delivered = table.changes.startRecording();
      changes = List.of();
    } else {
      delivered += changes.size();
    }
    FeedPosition position = new FeedPosition("mem;v1;" + table.instance + ";" + delivered);
    return reason != null ? ChangeBatch.gap(reason, changes, position) : ChangeBatch.of(changes, position);
  }

  @Override
  public void close() {
    closed = true;
    table.changes.wake();
  }
}
