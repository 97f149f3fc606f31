package io.reconcile.api.repair;

import io.reconcile.api.KeyRange;
import java.util.function.Consumer;

/**
 * One kind of check over a key range, across the stores of a {@link CheckContext}: counting rows,
 * comparing digests and bisecting, sampling, or validating field rules.
 *
 * <p>A checker only reads (detection never writes) and reports each difference once, to {@code
 * found}, as soon as it knows it, so that memory stays flat however many there are.
 * Implementations must be safe to call from several threads for disjoint ranges.
 */
public interface Checker {

  /** A short, stable name that divergences carry, e.g. {@code digest-bisection}. */
  String name();

  /**
   * Whether this checker's divergences name concrete rows that a resolver may repair. Checkers
   * that only observe (counts per range, field rules) return false; the engine reports their
   * divergences and never repairs them.
   */
  default boolean repairable() {
    return true;
  }

  /**
   * Checks one range and reports every divergence found in it.
   *
   * @throws io.reconcile.api.ReconcileException if a store fails; divergences already reported
   *     stay valid
   */
  void check(CheckContext context, KeyRange range, Consumer<Divergence> found);
}
