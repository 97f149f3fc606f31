/**
 * The store SPI: what a backend offers ({@link io.reconcile.api.store.Store}), how it is found by
 * URI ({@link io.reconcile.api.store.StoreProvider}, {@link io.reconcile.api.store.Stores}), and the
 * writes it carries out ({@link io.reconcile.api.store.RepairAction}, conditional on an {@link
 * io.reconcile.api.store.Expected} state, each with an {@link io.reconcile.api.store.ActionOutcome}).
 */
@NullMarked
package io.reconcile.api.store;

import org.jspecify.annotations.NullMarked;
