/**
 * The three stages of a run as contracts: {@link io.reconcile.api.repair.Checker checkers} find
 * {@link io.reconcile.api.repair.Divergence divergences}, {@link io.reconcile.api.repair.Resolver
 * resolvers} turn them into {@link io.reconcile.api.repair.Resolution resolutions}, and {@link
 * io.reconcile.api.repair.RepairAction repair actions} carry out the decisions conditionally.
 */
@NullMarked
package io.reconcile.api.repair;

import org.jspecify.annotations.NullMarked;
