package io.reconcile.core.check;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Compares row counts: splits the range into parts at the reference store's {@link
 * Store#segments segment} boundaries, has every store {@link Store#digest(List, HashScheme)
 * digest} the parts (only counts and sums travel, never rows), and reports each part whose counts
 * differ.
 *
 * <p>One divergence per differing part, in key order: keyed by the part's lower bound, or for a
 * part with an open lower bound by the smallest key any store holds in it; of kind {@link
 * Kind#MISSING} if some store holds fewer rows than the reference, else {@link Kind#EXTRA}; with
 * every store as a side (reference first), each with a null entry, since a count names no row; and
 * a detail such as {@code row counts differ in [10, 20): a=10, b=12}. A part whose counts differ
 * but where, by the time its first key is looked up, no store holds any key (the data changed
 * meanwhile) is not reported.
 *
 * <p>It is an observer: {@link #repairable()} is false, because a count names no row to repair;
 * follow up with a row-level checker on the reported parts. Equal counts do not mean equal data —
 * a changed row keeps the count. Immutable and thread-safe.
 */
public final class CountChecker implements Checker {

  /** The name divergences carry: {@value}. */
  public static final String NAME = "row-count";

  /** The number of parts {@link #CountChecker()} splits a range into: {@value}. */
  public static final int DEFAULT_PARTS = 16;

  private final int parts;

  /** A checker splitting each range into at most {@value #DEFAULT_PARTS} parts. */
  public CountChecker() {
    this(DEFAULT_PARTS);
  }

  /**
   * A checker splitting each range into at most {@code parts} parts (fewer when the reference
   * holds fewer rows or its statistics say so). More parts locate a difference more closely, at the
   * cost of more digest work per store.
   *
   * @param parts the most parts per range, at least 1
   * @throws IllegalArgumentException if {@code parts < 1}
   */
  public CountChecker(int parts) {
    if (parts < 1) {
      throw new IllegalArgumentException("a count checker needs parts >= 1, but was " + parts);
    }
    this.parts = parts;
  }

  /**
   * The most parts a range is split into.
   *
   * @return at least 1
   */
  public int parts() {
    return parts;
  }

  /** {@value #NAME}. */
  @Override
  public String name() {
    return NAME;
  }

  /** False: a count names no row to repair. */
  @Override
  public boolean repairable() {
    return false;
  }

  /**
   * Counts each part of {@code range} in every store and reports each part whose counts differ, as
   * described on the class. With a single store there is nothing to compare and nothing is
   * reported. Costs one {@link Store#segments} call on the reference, one {@link Store#digest} call
   * per store, and for a differing part with an open lower bound one short scan per store.
   *
   * @throws ReconcileException if a store fails, or a store returns a number of digests other than
   *     the number of parts asked for
   */
  @Override
  public void check(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(found, "found");
    List<Store> stores = context.stores();
    if (stores.size() < 2) {
      return;
    }
    List<KeyRange> ranges = Parts.of(stores.get(0), range, parts);
    List<List<Digest>> digests = new ArrayList<>(stores.size());
    for (Store store : stores) {
      List<Digest> d = store.digest(ranges, HashScheme.CANONICAL_MD5);
      if (d.size() != ranges.size()) {
        throw new ReconcileException(
            "store '"
                + store.id()
                + "' returned "
                + d.size()
                + " digests for "
                + ranges.size()
                + " ranges; a store must return one digest per range asked for");
      }
      digests.add(d);
    }
    for (int i = 0; i < ranges.size(); i++) {
      long reference = digests.get(0).get(i).count();
      boolean differ = false;
      boolean fewer = false;
      for (int s = 1; s < stores.size(); s++) {
        long count = digests.get(s).get(i).count();
        differ |= count != reference;
        fewer |= count < reference;
      }
      if (!differ) {
        continue;
      }
      KeyRange part = ranges.get(i);
      Optional<Key> key = part.lo() != null ? Optional.of(part.lo()) : smallestKey(stores, part);
      if (key.isEmpty()) {
        continue;
      }
      List<Side> sides = new ArrayList<>(stores.size());
      StringBuilder detail = new StringBuilder("row counts differ in ").append(part).append(": ");
      for (int s = 0; s < stores.size(); s++) {
        sides.add(new Side(stores.get(s).id(), null));
        if (s > 0) {
          detail.append(", ");
        }
        detail.append(stores.get(s).id()).append('=').append(digests.get(s).get(i).count());
      }
      found.accept(
          new Divergence(
              key.get(),
              fewer ? Kind.MISSING : Kind.EXTRA,
              sides,
              NAME,
              context.clock().instant(),
              detail.toString()));
    }
  }

  private static Optional<Key> smallestKey(List<Store> stores, KeyRange part) {
    Key smallest = null;
    for (Store store : stores) {
      Optional<Key> k = Parts.firstKey(store, part);
      if (k.isPresent() && (smallest == null || k.get().compareTo(smallest) < 0)) {
        smallest = k.get();
      }
    }
    return Optional.ofNullable(smallest);
  }

  @Override
  public String toString() {
    return "CountChecker[parts=" + parts + "]";
  }
}
