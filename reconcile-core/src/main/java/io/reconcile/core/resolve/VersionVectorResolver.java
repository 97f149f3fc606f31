package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/** Version-vector dominance; see {@link Resolvers#versionVectors(BinaryOperator)}. */
final class VersionVectorResolver implements Resolver {

  private final @Nullable BinaryOperator<Entry> merge;

  VersionVectorResolver(@Nullable BinaryOperator<Entry> merge) {
    this.merge = merge;
  }

  @Override
  public Optional<Resolution> resolve(Divergence divergence) {
    List<Side> present = Sides.presentByStore(divergence);
    if (present.isEmpty()) {
      return Optional.empty();
    }
    for (Side s : present) {
      if (entry(s).version().vector() == null) {
        return Optional.empty();
      }
    }
    // The frontier: versions no other side has superseded. Only these may win or be merged.
    List<Side> frontier = new ArrayList<>();
    for (Side s : present) {
      boolean superseded = false;
      for (Side t : present) {
        if (vector(s).compare(vector(t)) == VersionVector.Order.BEFORE) {
          superseded = true;
          break;
        }
      }
      if (!superseded) {
        frontier.add(s);
      }
    }
    // Each distinct version once, from the first store in id order that holds it. Equal versions
    // with different data mean the history was not recorded; no vector can order them.
    List<Side> distinct = new ArrayList<>();
    for (Side s : frontier) {
      Side same = null;
      for (Side d : distinct) {
        if (vector(d).equals(vector(s))) {
          same = d;
          break;
        }
      }
      if (same == null) {
        distinct.add(s);
      } else if (!entry(same).sameData(entry(s))) {
        return Optional.of(
            new Resolution.Escalate(
                "stores "
                    + same.store()
                    + " and "
                    + s.store()
                    + " hold different data under the same version "
                    + vector(s).toText()
                    + "; a version vector cannot order them, so a person must decide"));
      }
    }
    if (distinct.size() == 1) {
      Side winner = distinct.get(0);
      List<Side> others = present.stream().filter(s -> s != winner).toList();
      String reason =
          "store "
              + winner.store()
              + " holds version "
              + vector(winner).toText()
              + ", which includes every other version"
              + (others.isEmpty() ? "" : " (" + versions(others) + ")");
      return Optional.of(new Resolution.TakeSide(winner.store(), reason));
    }
    if (merge == null) {
      return Optional.of(
          new Resolution.Escalate(
              "concurrent versions "
                  + versions(distinct)
                  + ": neither includes the other and no merge function is configured"));
    }
    Entry merged = entry(distinct.get(0));
    VersionVector vector = vector(distinct.get(0));
    for (int i = 1; i < distinct.size(); i++) {
      Entry next = entry(distinct.get(i));
      Entry out = merge.apply(merged, next);
      if (out == null || !out.key().equals(divergence.key())) {
        throw new IllegalStateException(
            "the merge function must return an entry for key "
                + divergence.key()
                + ", but returned "
                + (out == null ? "null" : "one for key " + out.key()));
      }
      merged = out;
      vector = vector.merge(vector(distinct.get(i)));
    }
    Instant latest = null;
    for (Side s : present) {
      Instant at = entry(s).version().timestamp();
      if (at != null && (latest == null || at.isAfter(latest))) {
        latest = at;
      }
    }
    return Optional.of(
        new Resolution.Merge(
            merged.withVersion(new Version(vector, latest)),
            "merged concurrent versions " + versions(distinct) + " into " + vector.toText()));
  }

  private static Entry entry(Side s) {
    return Objects.requireNonNull(s.entry());
  }

  private static VersionVector vector(Side s) {
    return Objects.requireNonNull(entry(s).version().vector());
  }

  private static String versions(List<Side> sides) {
    return sides.stream()
        .map(s -> vector(s).toText() + " on " + s.store())
        .collect(Collectors.joining(", "));
  }

  @Override
  public String toString() {
    return merge == null ? "versionVectors()" : "versionVectors(" + merge + ")";
  }
}
