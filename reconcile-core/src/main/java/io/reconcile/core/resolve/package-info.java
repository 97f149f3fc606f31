/**
 * Built-in {@link io.reconcile.api.repair.Resolver resolvers}: source of truth, ownership,
 * last-writer-wins, version-vector dominance, per-field merge, and constant escalate/skip. Start
 * from {@link io.reconcile.core.resolve.Resolvers}; compose them with {@link
 * io.reconcile.api.repair.Resolver#firstOf} and {@link io.reconcile.api.repair.Resolver#orElse}.
 */
@NullMarked
package io.reconcile.core.resolve;

import org.jspecify.annotations.NullMarked;
