/**
 * How a run finds and decides: {@link io.reconcile.api.repair.Checker checkers} find {@link
 * io.reconcile.api.repair.Divergence divergences} across the stores of a {@link
 * io.reconcile.api.repair.CheckContext}, {@link io.reconcile.api.repair.Resolver resolvers} turn them
 * into {@link io.reconcile.api.repair.Resolution resolutions}, which the engine carries out as
 * {@link io.reconcile.api.store.RepairAction repair actions}. This package builds on {@link
 * io.reconcile.api.store}, never the other way round.
 */
@NullMarked
package io.reconcile.api.repair;

import org.jspecify.annotations.NullMarked;
