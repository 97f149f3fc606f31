/**
 * The engine's internals shared across its packages: digest bisection, the classification of how
 * one key differs. No module exports this package; nothing here is API.
 */
@NullMarked
package io.reconcile.core.internal;

import org.jspecify.annotations.NullMarked;
