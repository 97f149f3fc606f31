package io.reconcile.api.store;

import java.util.Optional;

/**
 * Opens a {@link ChangeFeed} of one store: the store's own ({@code store::changes}) or a feed that
 * comes from elsewhere, such as a Debezium change-event topic for a table, attached to the store
 * when continuous reconciliation is configured.
 */
@FunctionalInterface
public interface ChangeFeedSource {

  /**
   * Opens the feed after {@code after}: every change that follows it is delivered, at least once.
   * Empty opens it at the end of the history the source has now, for a watcher that first checks
   * everything. A position the feed cannot resume after (expired, of another source, malformed)
   * is not an error: the feed's first batch reports a {@link ChangeBatch#gap() gap}.
   *
   * @throws io.reconcile.api.ReconcileException.StoreUnavailableException if the source cannot be
   *     reached
   */
  ChangeFeed open(Optional<FeedPosition> after);
}
