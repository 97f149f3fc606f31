package io.reconcile.api.store;

/**
 * What a {@link Store} can do beyond reading its entries. A store declares in {@link
 * Store#capabilities()} exactly the capabilities it has — never one it lacks — and the engine plans
 * around what each store declares, never assuming more. The testkit's store compatibility kit checks
 * every declared capability.
 *
 * <p>Write semantics come in four capabilities: {@link #WRITE} says whether {@link Store#apply}
 * writes at all; {@link #COMPARE_AND_SET}, {@link #ATOMIC_BATCH} and {@link #READ_YOUR_WRITES} say
 * how safely. A relational database has all four; a document store typically has compare-and-set
 * per document but atomic batches only inside transactions; a log such as a compacted topic has
 * none of the last three. A store without {@link #WRITE} declares none of them.
 */
public enum Capability {

  /**
   * Digests and row hashes are computed where the data lives (an SQL aggregate): only digests
   * travel, not rows. Without it, the store hashes what it reads in the JVM, and the engine plans
   * coarser segments and reads the rows of a differing range instead of comparing their row hashes
   * first.
   */
  SERVER_SIDE_DIGEST,

  /**
   * {@link Store#scan} returns entries in key order. Without it, scans return them in any order,
   * and the engine gathers such a store's entries of a range by key in memory instead of merging
   * ordered streams.
   */
  ORDERED_SCAN,

  /**
   * Reads of a key range cost about the entries in it, not the whole store: {@link Store#digest},
   * {@link Store#scan}, {@link Store#rowHashes} and {@link Store#get} find ranges and keys by an
   * index (a table's primary key, a sorted map). Without it every such call is taken to cost a full
   * pass over the store whatever it asks for (a topic read from start to end, a view without an
   * index), and the engine plans a run in few calls: one digest of every leaf range per store, one
   * scan of the leaves that differ, one digest of the repaired ranges to verify them.
   */
  KEY_INDEX,

  /**
   * {@link Store#apply} writes. Without it the store is read-only: {@code apply} throws {@link
   * io.reconcile.api.ReconcileException.RepairRefusedException} and writes nothing, and the engine
   * records the actions planned for it as skipped.
   */
  WRITE,

  /**
   * Each action is written only if the target holds its {@link RepairAction#expected() expected}
   * state, checked and written atomically per entry: between the check and the write, no other
   * writer can change the entry. An action whose target changed since detection is {@link
   * ActionOutcome.Status#REFUSED REFUSED} and changes nothing, and of two actions racing from the
   * same state exactly one applies. Implies {@link #WRITE}.
   *
   * <p>Without it, {@code apply} still decides each action with {@link RepairAction#statusFor}
   * against what it reads of the entry, but not atomically with the write: a write made by someone
   * else in between may be overwritten. The engine refuses {@code Mode.APPLY} on such a store unless
   * the caller opts into guarded repair — each target re-read just before it is written, and every
   * repaired range verified after — which narrows the window but cannot close it.
   */
  COMPARE_AND_SET,

  /**
   * A batch given to {@link Store#apply} commits whole or not at all, and readers never see part
   * of it: a read that starts while the batch is applied sees every write of it or none. When
   * {@code apply} throws, nothing of the batch was written. Implies {@link #WRITE}.
   *
   * <p>Without it, a batch that fails may have written some of its actions, and a concurrent read
   * may see part of a batch. The engine then records every action of a failed batch as failed and
   * keeps its inverse for undo (an inverse is conditional: for an action that was not written it
   * finds the original in place and changes nothing); a resumed or later run finds the actions that
   * were written {@link ActionOutcome.Status#ALREADY_APPLIED ALREADY_APPLIED}.
   */
  ATOMIC_BATCH,

  /**
   * Once {@link Store#apply} returns, every later read of this store — {@link Store#scan}, {@link
   * Store#get}, {@link Store#digest}, {@link Store#rowHashes}, through any handle of the store —
   * sees the batch's writes. A relational store has it once its transaction commits. {@link
   * Store#awaitVisible} of such a store returns true at once. Implies {@link #WRITE}.
   *
   * <p>Without it, writes become visible to reads some time after {@code apply} returns (an index
   * built from a log, a replica). Before it verifies repaired ranges the engine calls {@link
   * Store#awaitVisible}, which such a store overrides to wait for its writes; when that times out,
   * the ranges are reported as not verified rather than as diverging.
   */
  READ_YOUR_WRITES,

  /**
   * Entries carry {@link io.reconcile.api.Version version metadata}: {@link Store#apply} writes the
   * result's version with its data, and reads return it. A store that keeps only part of a version
   * (a table's one version column: a timestamp or a version vector) reads back that part. Without
   * it, entries read carry {@link io.reconcile.api.Version#NONE}, versions given to {@code apply}
   * are dropped, and a replay that differs from the stored entry only in its version is {@link
   * ActionOutcome.Status#ALREADY_APPLIED ALREADY_APPLIED}. Resolvers that need versions
   * (last-writer-wins) are refused over such a store when a run starts.
   */
  VERSIONS,

  /**
   * {@link Store#changes} opens a {@link ChangeFeed} of the keys written or deleted, resumable from
   * a {@link FeedPosition}. Without it, {@code changes} throws {@link
   * UnsupportedOperationException}, and continuous reconciliation needs a feed from elsewhere (a
   * {@link ChangeFeedSource}) or finds drift by sweeps only.
   */
  CHANGE_FEED
}
