package io.reconcile.api.store;

/** What a {@link Store} can do beyond reading. The engine plans around what each store declares. */
public enum Capability {
  /** Digests are computed where the data lives; only digests travel, not rows. */
  SERVER_SIDE_DIGEST,
  /** {@link Store#scan} returns entries in key order (otherwise in any order). */
  ORDERED_SCAN,
  /**
   * Reads of a key range cost about the entries in it, not the whole store: {@link Store#digest},
   * {@link Store#scan}, {@link Store#rowHashes} and {@link Store#get} find ranges and keys by an
   * index (a table's primary key, a sorted map). Without it every such call is taken to cost a full
   * pass over the store whatever it asks for (a topic read from start to end, a view without an
   * index), and the engine plans a run in few calls: one digest of every leaf range per store, one
   * scan of the leaves that differ, one digest to verify what it repaired.
   */
  KEY_INDEX,
  /** {@link Store#apply} writes; without it, the store is read-only. */
  WRITE,
  /**
   * Each action is written only if its target holds the action's expected state, checked and
   * written atomically per entry. Without it the engine writes to the store only when the caller
   * opted into writes guarded by a re-read (the state is read again just before the write, the
   * window between stays open) and verified after.
   */
  COMPARE_AND_SET,
  /** A batch given to {@link Store#apply} is written whole or not at all; readers never see part of it. */
  ATOMIC_BATCH,
  /**
   * Once {@link Store#apply} returns, every later read of this store sees the writes. Without it the
   * engine waits for {@link Store#awaitVisible} before it verifies what it repaired.
   */
  READ_YOUR_WRITES,
  /** Entries carry {@link io.reconcile.api.Version version metadata}. */
  VERSIONS,
  /** {@link Store#subscribe} reports changed keys as they happen. */
  CHANGE_FEED
}
