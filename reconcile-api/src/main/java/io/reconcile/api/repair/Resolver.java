package io.reconcile.api.repair;

import java.util.List;
import java.util.Optional;

/**
 * Decides what to do about a {@link Divergence}: which side wins, how to merge, or to escalate.
 *
 * <p>A resolver that has no opinion (say, last-writer-wins when neither side carries a timestamp)
 * returns {@link Optional#empty()}, so resolvers compose: {@link #orElse(Resolver)} asks another
 * when this one abstains, and {@link #firstOf(Resolver...)} asks a list in order. A resolver must
 * be deterministic (the same divergence gets the same decision, whatever the order of its sides
 * beyond the reference) and must only pick or merge from what the sides hold. Implementations
 * must be thread-safe.
 */
@FunctionalInterface
public interface Resolver {

  /** Decides, or returns empty to let the next resolver decide. */
  Optional<Resolution> resolve(Divergence divergence);

  /** This resolver, and {@code next} whenever this one abstains. */
  default Resolver orElse(Resolver next) {
    return d -> {
      Optional<Resolution> r = resolve(d);
      return r.isPresent() ? r : next.resolve(d);
    };
  }

  /** The first decision of the given resolvers, asked in order. */
  static Resolver firstOf(Resolver... resolvers) {
    List<Resolver> chain = List.of(resolvers);
    return d -> {
      for (Resolver r : chain) {
        Optional<Resolution> decision = r.resolve(d);
        if (decision.isPresent()) {
          return decision;
        }
      }
      return Optional.empty();
    };
  }
}
