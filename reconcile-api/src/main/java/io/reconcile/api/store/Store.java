package io.reconcile.api.store;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * One copy of a dataset — a table, a collection, a compacted topic, a map — as reconcile sees it:
 * entries under {@link Key keys}, in the dataset's canonical view (the store applies its {@link
 * io.reconcile.api.Normalization normalisation} to what it reads).
 *
 * <p>The engine needs four things of a store: how its keys spread ({@link #segments}), digests of
 * key ranges ({@link #digest}), the entries of a range ({@link #scan}), and conditional writes
 * ({@link #apply}). A store declares in {@link #capabilities()} which of these it does well, and
 * how safely it writes: a SQL database digests inside the server, scans in key order, and writes
 * each batch in one transaction (compare-and-set per row, atomic batches, its writes visible once
 * committed); a compacted topic can only be read from start to end, unordered, digests by bucketing
 * what it reads, and sees its own writes only once its index has caught up. The engine plans around
 * what each store declares; a store never claims a {@link Capability} it lacks.
 *
 * <p>Stores are created explicitly (e.g. {@code JdbcStore.newBuilder(dataSource).table("orders")
 * .build()}) or by URI through {@link Stores#open}. Implementations must be thread-safe: the engine
 * calls them from several threads at once. Every method that reads or writes data throws {@link
 * ReconcileException.StoreUnavailableException} once the store is closed.
 */
public interface Store extends AutoCloseable {

  /**
   * A short, stable name for reports, logs and the audit trail, e.g. {@code orders-primary}. Never
   * contains a secret.
   */
  String id();

  /** What this store can do. */
  Set<Capability> capabilities();

  /**
   * The row-hash schemes this store can digest with, {@link HashScheme#CANONICAL_MD5} always among
   * them. Two stores compare digests under a scheme both declare.
   */
  default Set<HashScheme> hashSchemes() {
    return Set.of(HashScheme.CANONICAL_MD5);
  }

  /**
   * The types of this store's key parts and compared fields, when its schema says (a table's
   * columns), so that the engine can refuse to compare stores whose entries could never be equal
   * before it reads anything. Empty for a schemaless store (the default).
   */
  default Optional<Schema> schema() {
    return Optional.empty();
  }

  /**
   * Where this store's data lives, so that a replay of recorded repairs (an undo, a resumed run)
   * can refuse a store that is not the one the record names — another database that happens to
   * have a table of the same name. Entries name the parts that identify it, for example {@code
   * product} ({@code postgresql 17.2}), {@code server} (an identity of the server or cluster, such
   * as PostgreSQL's system identifier or MariaDB's {@code server_uid}), {@code database}, {@code
   * schema}, {@code dataset} (the table, collection or topic), {@code key} and {@code fields}
   * (their names in order). Two stores with equal fingerprints hold the same data; values never
   * hold a secret (no passwords, no credentials in a URL). Empty (the default) when the store
   * cannot tell, in which case replays rely on the store id alone.
   *
   * <p>Cost: computed once, when the store is opened; calling it does no I/O.
   */
  default Map<String, String> fingerprint() {
    return Map.of();
  }

  /**
   * Why this store could never write {@code action} as it stands — a value its field cannot hold
   * (a date beyond the column type's range, a number of too many digits, text longer than the
   * column, a label its enumeration lacks) — or empty if it can. The reason names the key and the
   * field and what the field accepts, never the value. The engine asks about every action of a
   * plan before the first write, so that a plan fails per row, up front, rather than half-way.
   * The default accepts every action.
   *
   * <p>Cost: no I/O; decided from the schema the store read when it was opened.
   */
  default Optional<String> unwritable(RepairAction action) {
    return Optional.empty();
  }

  /**
   * Splits {@code range} into at most {@code maxSegments} adjacent segments of roughly equal
   * entry counts that together cover it, in key order. Boundaries come from statistics or sampling
   * and need not be exact; a store avoids producing many empty segments over gaps in its keys.
   *
   * @throws IllegalArgumentException if {@code maxSegments < 1}
   */
  List<Segment> segments(KeyRange range, int maxSegments);

  /**
   * The digest of each of the given ranges, in the same order, computed under {@code scheme}.
   * Stores compute all of them in about one pass (one query per group of ranges).
   *
   * @param ranges key ranges in ascending order, not overlapping
   * @throws IllegalArgumentException if the ranges overlap or are out of order, or the scheme is
   *     not one of {@link #hashSchemes()}
   */
  List<Digest> digest(List<KeyRange> ranges, HashScheme scheme);

  /** The canonical digest of one range. */
  default Digest digest(KeyRange range) {
    return digest(List.of(range), HashScheme.CANONICAL_MD5).get(0);
  }

  /**
   * Streams the entries of {@code range}: in key order if the store has {@link
   * Capability#ORDERED_SCAN}, in some order otherwise. The stream holds resources (a cursor, a
   * snapshot): close it, e.g. with try-with-resources. Memory stays flat however large the range.
   */
  Stream<Entry> scan(KeyRange range);

  /**
   * Streams the entries of several ranges as one stream: the entries of each range in turn, as
   * {@link #scan(KeyRange)} gives them. Stores that can read many small ranges in one request (one
   * query instead of one per range) override it; the default scans the ranges one after another.
   *
   * @param ranges ascending, non-overlapping ranges
   * @throws IllegalArgumentException if the ranges overlap or are out of order
   */
  default Stream<Entry> scan(List<KeyRange> ranges) {
    KeyRange.requireAscending(ranges);
    return ranges.stream().flatMap(this::scan);
  }

  /**
   * Streams the key and row hash of every entry of the ranges, as {@link #scan(List)} would return
   * the entries (in key order with {@link Capability#ORDERED_SCAN}): under {@link
   * HashScheme#CANONICAL_MD5} each hash is the {@link Entry#hash()} of the entry a scan returns;
   * under another scheme of {@link #hashSchemes()}, the per-row hash whose sums its {@link
   * #digest(List, HashScheme) digests} under that scheme are. The engine reads these for a segment
   * it knows to differ, then fetches only the rows whose hashes differ, so a store that hashes
   * where the data lives ({@link Capability#SERVER_SIDE_DIGEST}) moves a few bytes per row instead
   * of the row. The stream holds resources: close it. Memory stays flat however large the ranges.
   *
   * <p>The default hashes the scanned entries in the JVM, under {@link HashScheme#CANONICAL_MD5}
   * only; a store that declares other schemes overrides it for them.
   *
   * @param ranges ascending, non-overlapping ranges
   * @throws IllegalArgumentException if the ranges overlap or are out of order, or the scheme is
   *     not one of {@link #hashSchemes()} (or, for the default, is not canonical MD5)
   */
  default Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    if (!scheme.equals(HashScheme.CANONICAL_MD5)) {
      throw new IllegalArgumentException("store '" + id() + "' hashes rows client-side under "
          + HashScheme.CANONICAL_MD5.name() + " only, not " + scheme.name()
          + "; a store that declares " + scheme.name() + " overrides rowHashes for it");
    }
    return scan(ranges).map(e -> new KeyHash(e.key(), e.hash()));
  }

  /**
   * The entries under the given keys; keys the store does not hold are absent from the result.
   * The default scans the smallest range enclosing the keys; stores with point lookups override it.
   */
  default Map<Key, Entry> get(Collection<Key> keys) {
    Map<Key, Entry> out = new TreeMap<>();
    if (keys.isEmpty()) {
      return out;
    }
    TreeSet<Key> wanted = new TreeSet<>(keys);
    try (Stream<Entry> s = scan(KeyRange.atLeast(wanted.first()))) {
      s.filter(e -> wanted.contains(e.key())).forEach(e -> out.put(e.key(), e));
    }
    return out;
  }

  /**
   * Applies the actions, in order, as one batch, and says what became of each. Each action is
   * decided by {@link RepairAction#statusFor} against what the store holds for its key at that
   * point of the batch (after the batch's earlier actions on the same key), with {@code versioned}
   * true when the store keeps versions ({@link Capability#VERSIONS}):
   *
   * <ul>
   *   <li>{@link ActionOutcome.Status#ALREADY_APPLIED ALREADY_APPLIED}: the result is in place, and
   *       nothing is written (a replay);
   *   <li>{@link ActionOutcome.Status#APPLIED APPLIED}: the target held the expected state, and the
   *       result is written;
   *   <li>{@link ActionOutcome.Status#REFUSED REFUSED}: the target holds something else (it changed
   *       since detection); nothing is written for this action, and the rest of the batch goes on.
   * </ul>
   *
   * Each outcome carries what the store found ({@link ActionOutcome#found()}). A store that keeps
   * more of a record than its entry (a table's columns outside the comparison) reports the whole
   * record an applied action changed in {@link ActionOutcome#foundRow()}, and writes every field of
   * an upsert's {@link RepairAction.Upsert#storedRow() storedRow} as given.
   *
   * <p>How safely the batch is written is what the store declares, and no more:
   *
   * <ul>
   *   <li>with {@link Capability#COMPARE_AND_SET}, deciding an action and writing it are atomic per
   *       entry, so a concurrent write is never overwritten; without it, a write made by someone else
   *       between the store's read of an entry and its own write may be;
   *   <li>with {@link Capability#ATOMIC_BATCH}, the batch commits whole or not at all and readers
   *       never see part of it; without it, a batch that fails may have written some of its actions,
   *       and a concurrent read may see some of them;
   *   <li>with {@link Capability#READ_YOUR_WRITES}, every read that starts after {@code apply}
   *       returns sees the batch; without it, {@link #awaitVisible} says when reads do.
   * </ul>
   *
   * @param actions the batch, each action targeting this store; may be empty
   * @return one outcome per action, in order
   * @throws IllegalArgumentException if an action targets another store ({@link
   *     RepairAction#target()} is not {@link #id()}); nothing is written
   * @throws ReconcileException.RepairRefusedException if the store is read-only (it lacks {@link
   *     Capability#WRITE}); nothing is written
   * @throws ReconcileException.StoreUnavailableException if the store failed: with {@link
   *     Capability#ATOMIC_BATCH} nothing of the batch was written; without it, some actions may
   *     have been (a replay of the batch finds them {@code ALREADY_APPLIED})
   */
  List<ActionOutcome> apply(List<RepairAction> actions);

  /**
   * Blocks until every write this store acknowledged (every batch whose {@link #apply} returned) is
   * visible to its reads, or until {@code timeout} has passed. The engine calls it before it
   * verifies repaired ranges, and reports them not verified when it returns false.
   *
   * <p>The default answers at once, without waiting: true when the store declares {@link
   * Capability#READ_YOUR_WRITES} (its writes are visible as soon as {@code apply} returns) or lacks
   * {@link Capability#WRITE} (it acknowledged no writes), false otherwise — it cannot tell. A store
   * whose writes become visible some time after {@code apply} returns (an index fed from a log, a
   * replica) overrides it to wait for them.
   *
   * @param timeout how long to wait at most; {@link Duration#ZERO} asks without waiting
   * @return true if every acknowledged write is visible to reads, false if the timeout passed
   *     first, the calling thread was interrupted (its interrupt status is then set), or the store
   *     found that a write did not land as acknowledged (a log store that finds it overwrote another
   *     writer's record, which it could not see when it decided the write)
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws ReconcileException.StoreUnavailableException if the store failed while waiting
   */
  default boolean awaitVisible(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(
          "store '" + id() + "' cannot wait a negative time (" + timeout + ") for its writes; pass zero or more");
    }
    Set<Capability> c = capabilities();
    return c.contains(Capability.READ_YOUR_WRITES) || !c.contains(Capability.WRITE);
  }

  /**
   * Opens this store's own {@link ChangeFeed}: the keys written or deleted after {@code after}
   * (every write, this store's repairs included), or, when empty, after the end of the history the
   * store has now. A position this store's feed cannot resume after (expired, of another store,
   * malformed) opens the feed with a {@link ChangeBatch#gap() gap}. As a {@link
   * ChangeFeedSource}: {@code store::changes}.
   *
   * @throws UnsupportedOperationException unless the store has {@link Capability#CHANGE_FEED}
   * @throws io.reconcile.api.ReconcileException.StoreUnavailableException if the store is closed
   */
  default ChangeFeed changes(Optional<FeedPosition> after) {
    throw new UnsupportedOperationException(
        "store '" + id() + "' has no change feed; check capabilities() for CHANGE_FEED first");
  }

  /** Releases the store's resources. Idempotent. */
  @Override
  void close();
}
