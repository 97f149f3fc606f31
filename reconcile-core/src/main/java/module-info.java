/**
 * The reconciliation engine ({@link io.reconcile.core.Reconciler}), its built-in checkers and
 * resolvers, the audit log, checkpoints, and the in-memory store it provides for the {@code mem:}
 * scheme. {@code io.reconcile.core.internal} holds engine internals and is not exported.
 */
module io.reconcile.core {
  requires transitive io.reconcile.api;
  requires com.dynatrace.hash4j;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static transitive org.jspecify;

  exports io.reconcile.core;
  exports io.reconcile.core.audit;
  exports io.reconcile.core.check;
  exports io.reconcile.core.checkpoint;
  exports io.reconcile.core.memory;
  exports io.reconcile.core.resolve;

  provides io.reconcile.api.store.StoreProvider with io.reconcile.core.memory.MemoryStoreProvider;
}
