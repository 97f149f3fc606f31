/**
 * Built-in {@link io.reconcile.api.repair.Checker checkers}: {@link
 * io.reconcile.core.check.DigestBisectionChecker digest bisection}, the one every run uses, {@link
 * io.reconcile.core.check.CountChecker row counts} per part of a range, a {@link
 * io.reconcile.core.check.SampledChecker sample} of keys with a statistical bound on how many rows
 * differ, and {@link io.reconcile.core.check.FieldRuleChecker field rules} such as "amount is not
 * null". Each works alone with any {@link io.reconcile.api.repair.CheckContext}.
 */
@NullMarked
package io.reconcile.core.check;

import org.jspecify.annotations.NullMarked;
