package io.reconcile.api.store;

/** A registration of a {@link ChangeListener}; closing it stops further calls. Idempotent. */
public interface Subscription extends AutoCloseable {
  @Override
  void close();
}
