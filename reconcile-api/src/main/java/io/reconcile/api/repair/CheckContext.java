package io.reconcile.api.repair;

import io.reconcile.api.store.Store;
import java.time.Clock;
import java.util.List;

/**
 * What a {@link Checker} may use: the stores to compare (the reference first) and a clock for
 * time-stamping what it finds. The engine provides it; tests may implement it directly.
 */
public interface CheckContext {

  /** The stores to compare, reference first; at least one. */
  List<Store> stores();

  /** The clock divergences are stamped with. */
  Clock clock();
}
