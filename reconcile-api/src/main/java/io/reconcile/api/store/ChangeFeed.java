package io.reconcile.api.store;

import java.time.Duration;

/**
 * The keys that changed in one store, as they change, from a position on: a store's own feed
 * ({@link Store#changes}) or one attached from outside ({@link ChangeFeedSource}, e.g. a Debezium
 * change-event topic for a table). The engine polls it, marks the ranges of the changed keys dirty,
 * records that durably, and only then {@link #commit commits} the batch's position; so a crash can
 * make it check a change twice but never miss one.
 *
 * <p>Delivery is at least once: a change may come more than once, and changes of different keys
 * may come in any order. A feed that cannot vouch for what happened (history lost, position
 * expired, restarted from scratch, schema changed) says so with a {@link ChangeBatch#gap() gap}
 * rather than going quiet.
 *
 * <p>Used by one thread at a time; {@link #close} may be called from any thread and makes a
 * waiting {@link #poll} return.
 */
public interface ChangeFeed extends AutoCloseable {

  /**
   * The changes seen since the previous batch (or since the position the feed was opened after),
   * waiting up to {@code timeout} for at least one. The first batch of a feed carries its position
   * even when empty, and a gap if the feed could not resume where it was asked to.
   *
   * @param timeout how long to wait for a change; {@link Duration#ZERO} returns at once
   * @return a batch, possibly empty; never null
   * @throws InterruptedException if the calling thread was interrupted while waiting
   * @throws io.reconcile.api.ReconcileException.StoreUnavailableException if the feed's source
   *     failed or the feed was closed; opening it again after the last committed position resumes
   */
  ChangeBatch poll(Duration timeout) throws InterruptedException;

  /**
   * Tells the feed that every change up to {@code position} (a position one of its batches carried)
   * is durably recorded by the caller, so the source may release that history (commit consumer
   * offsets, acknowledge a replication slot). The default does nothing: a feed whose source keeps
   * its history regardless need not.
   */
  default void commit(FeedPosition position) {}

  /** Stops the feed and releases its resources. Idempotent. */
  @Override
  void close();
}
