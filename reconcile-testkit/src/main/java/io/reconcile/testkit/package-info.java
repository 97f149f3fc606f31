/**
 * Test support for reconcile users, added with test scope. Two kits, and a helper ({@link
 * io.reconcile.testkit.DecoratorCheck}) for store decorators:
 *
 * <ul>
 *   <li>{@link io.reconcile.testkit.StoreCompatibilityKit}: the JUnit 5 tests every {@link
 *       io.reconcile.api.store.Store} plugin passes; a plugin's test class extends it and says how to
 *       open an empty store.
 *   <li>Law contracts for jqwik — {@link io.reconcile.testkit.ResolverContract}, {@link
 *       io.reconcile.testkit.VersionVectorResolverContract}, {@link
 *       io.reconcile.testkit.MergeContract} and {@link io.reconcile.testkit.RepairPlanContract} — that
 *       a test class implements to check a merge rule, with the generators of {@link
 *       io.reconcile.testkit.ReconcileArbitraries}.
 * </ul>
 */
@NullMarked
package io.reconcile.testkit;

import org.jspecify.annotations.NullMarked;
