package io.reconcile.core.resolve;

import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.util.Optional;

/** One store always wins. */
final class SourceOfTruthResolver implements Resolver {

  private final String store;
  private final Optional<Resolution> decision;

  SourceOfTruthResolver(String store) {
    this.store = store;
    this.decision =
        Optional.of(new Resolution.TakeSide(store, "store " + store + " is the source of truth"));
  }

  @Override
  public Optional<Resolution> resolve(Divergence divergence) {
    return Sides.hasStore(divergence, store) ? decision : Optional.empty();
  }

  @Override
  public String toString() {
    return "sourceOfTruth(" + store + ")";
  }
}
