package io.reconcile.core;

import java.time.Duration;

/** Waits; behind an interface so simulations run on virtual time. */
@FunctionalInterface
interface Sleeper {
  Sleeper REAL = d -> Thread.sleep(d.toMillis(), (int) (d.toNanosPart() % 1_000_000));

  void sleep(Duration duration) throws InterruptedException;
}
