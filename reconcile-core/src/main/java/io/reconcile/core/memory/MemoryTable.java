package io.reconcile.core.memory;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.RowHash;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The data behind one or more {@link MemoryStore} handles: a sorted map of keys to short version
 * chains, so that readers see a consistent snapshot while writers commit whole batches.
 *
 * <p>Writers are serialised. A batch is staged, written under a new commit number, then published
 * by advancing {@link #committed}; a reader takes the committed number as its snapshot and, for
 * each key, reads the newest version at or before it, so it never sees part of a batch. Versions
 * older than every open snapshot are pruned as keys are written.
 */
final class MemoryTable {

  /** One version of one key; {@code entry == null} is a deletion. */
  static final class Node {
    final long commit;
    final @Nullable Entry entry;
    volatile @Nullable Node older;

    /**
     * The {@link io.reconcile.api.HashScheme#CANONICAL_XXH3_128} row hash of {@code entry} as
     * stored, once {@link #xxh3Known}; an entry keeps its canonical MD5 itself. Two longs rather
     * than a {@link RowHash}: 16 bytes more per node (48 instead of 32) where a hash object costs
     * 32, and a first digest pass stores no new object into long-lived nodes — with an object per
     * node, a whole run's first pass over new stores took about twice as long (docs/benchmarks.md).
     */
    private long xxh3Hi;

    private long xxh3Lo;

    /** Set after both halves: a reader that sees it true sees them (any racing writer writes the same). */
    private volatile boolean xxh3Known;

    Node(long commit, @Nullable Entry entry, @Nullable Node older) {
      this.commit = commit;
      this.entry = entry;
      this.older = older;
    }

    /** The XXH3-128 row hash of the stored entry, computed by {@code hash} the first time. */
    RowHash xxh3(java.util.function.Function<Entry, RowHash> hash) {
      if (xxh3Known) {
        return new RowHash(xxh3Hi, xxh3Lo);
      }
      RowHash h = hash.apply(Objects.requireNonNull(entry));
      xxh3Hi = h.hi();
      xxh3Lo = h.lo();
      xxh3Known = true;
      return h;
    }

    /** The newest version at or before the snapshot (possibly a deletion), or null if none. */
    @Nullable Node versionAt(long snapshot) {
      Node n = this;
      while (n != null && n.commit > snapshot) {
        n = n.older;
      }
      return n;
    }

    @Nullable Entry visibleAt(long snapshot) {
      Node n = versionAt(snapshot);
      return n == null ? null : n.entry;
    }
  }

  private static final String JVM = java.util.UUID.randomUUID().toString();
  private static final java.util.concurrent.atomic.AtomicLong TABLES = new java.util.concurrent.atomic.AtomicLong();

  /** Names this table among every table of every JVM: this JVM's random id and a serial number. */
  final String instance = JVM + "/" + TABLES.incrementAndGet();

  private final ConcurrentSkipListMap<Key, Node> rows = new ConcurrentSkipListMap<>();
  private final Object writeLock = new Object();
  private volatile long committed;

  /** Open snapshots and how many readers hold each; guarded by itself. */
  private final TreeMap<Long, Integer> openSnapshots = new TreeMap<>();

  /** The changed keys, for {@link MemoryFeed}s. */
  final ChangeLog changes = new ChangeLog(ChangeLog.RETAINED);

  /** Entries in the latest committed state; guarded by writeLock for writes. */
  private volatile long size;

  /** The number of entries in the latest committed state (a snapshot may differ slightly). */
  long size() {
    return size;
  }

  /** Takes a snapshot; the caller must {@link #release(long)} it. */
  long acquire() {
    synchronized (openSnapshots) {
      long s = committed;
      openSnapshots.merge(s, 1, Integer::sum);
      return s;
    }
  }

  void release(long snapshot) {
    synchronized (openSnapshots) {
      openSnapshots.computeIfPresent(snapshot, (k, n) -> n == 1 ? null : n - 1);
    }
  }

  private long oldestNeeded() {
    synchronized (openSnapshots) {
      return openSnapshots.isEmpty() ? committed : Math.min(openSnapshots.firstKey(), committed);
    }
  }

  /** The rows of a range, as version chains; read them with {@link Node#visibleAt(long)}. */
  NavigableMap<Key, Node> rows(KeyRange range) {
    Key lo = range.lo();
    Key hi = range.hi();
    if (lo == null && hi == null) {
      return rows;
    }
    if (lo == null) {
      return rows.headMap(hi, false);
    }
    return hi == null ? rows.tailMap(lo, true) : rows.subMap(lo, true, hi, false);
  }

  @Nullable Entry get(Key key, long snapshot) {
    Node n = rows.get(key);
    return n == null ? null : n.visibleAt(snapshot);
  }

  /**
   * Stages a batch against the latest state and commits what it returns, atomically.
   *
   * @param stage given a lookup of the current (latest, including earlier staged writes) entry of a
   *     key, returns the writes to commit: key to new entry, or to null for a deletion
   */
  <R> R write(Function<Function<Key, @Nullable Entry>, Staged<R>> stage) {
    R result;
    synchronized (writeLock) {
      long latest = committed;
      Map<Key, Node> before = new TreeMap<>();
      Function<Key, @Nullable Entry> current =
          k -> {
            Node n = rows.get(k);
            return n == null ? null : n.visibleAt(latest);
          };
      Staged<R> staged = stage.apply(current);
      result = staged.result();
      if (staged.writes().isEmpty()) {
        return result;
      }
      long commit = latest + 1;
      long keepFrom = oldestNeeded();
      long newSize = size;
      for (Map.Entry<Key, @Nullable Entry> w : staged.writes().entrySet()) {
        boolean existed = current.apply(w.getKey()) != null;
        newSize += (w.getValue() != null ? 1 : 0) - (existed ? 1 : 0);
        Node head =
            rows.compute(w.getKey(), (k, old) -> prune(new Node(commit, w.getValue(), old), keepFrom));
        before.put(w.getKey(), Objects.requireNonNull(head));
      }
      committed = commit;
      size = newSize;
      if (oldestNeeded() == commit) {
        // No reader can see an older version: a deletion needs no tombstone any more.
        before.forEach(
            (k, head) -> {
              if (head.entry == null) {
                rows.remove(k, head);
              }
            });
      }
      changes.append(staged.writes().keySet(), java.time.Instant.now());
    }
    return result;
  }

  /** Drops versions no open snapshot can read: everything older than the newest at or before keepFrom. */
  private static Node prune(Node head, long keepFrom) {
    Node n = head;
    while (n != null && n.commit > keepFrom) {
      n = n.older;
    }
    if (n != null) {
      n.older = null;
    }
    return head;
  }

  /** What a staging function decided: writes to commit (ordered by key) and a result. */
  record Staged<R>(TreeMap<Key, @Nullable Entry> writes, R result) {}

  /** Iterates the entries of a range visible at a snapshot, skipping deletions. */
  static Iterator<Entry> visible(NavigableMap<Key, Node> rows, long snapshot) {
    Iterator<Node> versions = visibleVersions(rows, snapshot);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return versions.hasNext();
      }

      @Override
      public Entry next() {
        return Objects.requireNonNull(versions.next().entry);
      }
    };
  }

  /** Iterates the versions of a range visible at a snapshot, skipping deletions: each has an entry. */
  static Iterator<Node> visibleVersions(NavigableMap<Key, Node> rows, long snapshot) {
    Iterator<Node> nodes = rows.values().iterator();
    return new Iterator<>() {
      private @Nullable Node next = advance();

      private @Nullable Node advance() {
        while (nodes.hasNext()) {
          Node n = nodes.next().versionAt(snapshot);
          if (n != null && n.entry != null) {
            return n;
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Node next() {
        Node n = next;
        if (n == null) {
          throw new java.util.NoSuchElementException();
        }
        next = advance();
        return n;
      }
    };
  }
}
