/**
 * The store SPI: what a backend offers ({@link io.reconcile.api.store.Store}), how it is found by
 * URI ({@link io.reconcile.api.store.StoreProvider}, {@link io.reconcile.api.store.Stores}), and
 * the values they exchange.
 */
@NullMarked
package io.reconcile.api.store;

import org.jspecify.annotations.NullMarked;
