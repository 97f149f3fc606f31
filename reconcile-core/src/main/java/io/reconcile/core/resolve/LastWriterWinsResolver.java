package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** The present side with the latest timestamp wins; see {@link Resolvers#lastWriterWins()}. */
final class LastWriterWinsResolver implements Resolver {

  static final LastWriterWinsResolver INSTANCE = new LastWriterWinsResolver();

  private LastWriterWinsResolver() {}

  @Override
  public Optional<Resolution> resolve(Divergence divergence) {
    Side best = null;
    Instant bestAt = null;
    List<Side> tied = new ArrayList<>();
    // In store id order, so that on a tie the first id in that order stays the winner.
    for (Side s : Sides.presentByStore(divergence)) {
      Instant at = Objects.requireNonNull(s.entry()).version().timestamp();
      if (at == null) {
        // A write with no time cannot be placed before or after the others.
        return Optional.empty();
      }
      if (bestAt == null || at.isAfter(bestAt)) {
        best = s;
        bestAt = at;
        tied.clear();
      } else if (at.equals(bestAt)) {
        tied.add(s);
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    StringBuilder reason =
        new StringBuilder("latest write: store ").append(best.store()).append(" at ").append(bestAt);
    Entry winner = Objects.requireNonNull(best.entry());
    List<Side> conflicting =
        tied.stream().filter(s -> !winner.sameData(Objects.requireNonNull(s.entry()))).toList();
    if (!conflicting.isEmpty()) {
      reason
          .append(conflicting.size() == 1 ? " (tied with store " : " (tied with stores ")
          .append(Sides.stores(conflicting))
          .append("; ties go to the first store id in alphabetical order)");
    }
    return Optional.of(new Resolution.TakeSide(best.store(), reason.toString()));
  }

  @Override
  public String toString() {
    return "lastWriterWins()";
  }
}
