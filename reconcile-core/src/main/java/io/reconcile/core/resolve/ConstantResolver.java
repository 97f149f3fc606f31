package io.reconcile.core.resolve;

import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.util.Optional;

/** Always the same decision. */
final class ConstantResolver implements Resolver {

  private final Optional<Resolution> decision;

  ConstantResolver(Resolution decision) {
    this.decision = Optional.of(decision);
  }

  @Override
  public Optional<Resolution> resolve(Divergence divergence) {
    return decision;
  }

  @Override
  public String toString() {
    Resolution r = decision.orElseThrow();
    return (r instanceof Resolution.Skip ? "skip(" : "escalate(") + r.reason() + ")";
  }
}
