/**
 * The reconciliation engine: {@link io.reconcile.core.Reconciler} runs detect → decide → execute →
 * verify over two or more stores and returns a {@link io.reconcile.core.ReconcileReport}.
 */
@NullMarked
package io.reconcile.core;

import org.jspecify.annotations.NullMarked;
