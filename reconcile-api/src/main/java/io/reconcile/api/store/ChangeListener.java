package io.reconcile.api.store;

import io.reconcile.api.Key;

/**
 * Told about keys that changed in a store with a {@link Capability#CHANGE_FEED change feed}, so
 * that only dirty ranges need checking again. Called from the store's own threads; must be quick
 * and thread-safe.
 */
@FunctionalInterface
public interface ChangeListener {
  /** The entry under {@code key} was written or deleted. */
  void changed(Key key);
}
