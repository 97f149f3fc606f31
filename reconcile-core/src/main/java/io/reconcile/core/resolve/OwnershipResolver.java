package io.reconcile.core.resolve;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** The store that owns the divergence's key wins. */
final class OwnershipResolver implements Resolver {

  /** An owner, and the sentence that says why it owns the key. */
  record Owner(String store, String why) {}

  /** Orders lower bounds with the open bound (null) first. */
  private static final Comparator<@Nullable Key> LO_ORDER =
      Comparator.nullsFirst(Comparator.naturalOrder());

  private final Function<Key, Optional<Owner>> ownerOf;
  private final String description;

  private OwnershipResolver(Function<Key, Optional<Owner>> ownerOf, String description) {
    this.ownerOf = ownerOf;
    this.description = description;
  }

  /** Owners looked up by a caller's function. */
  static OwnershipResolver byFunction(Function<Key, Optional<String>> ownerOf) {
    Objects.requireNonNull(ownerOf, "ownerOf");
    return new OwnershipResolver(
        key -> {
          Optional<String> owner =
              Objects.requireNonNull(
                  ownerOf.apply(key),
                  () -> "the ownership function returned null for key " + key + "; return Optional.empty() for no owner");
          return owner.map(s -> new Owner(s, "key " + key + " is owned by store " + s));
        },
        "ownership(" + ownerOf + ")");
  }

  /** Owners by key range; the ranges must not overlap. */
  static OwnershipResolver byRanges(Map<KeyRange, String> owners) {
    Objects.requireNonNull(owners, "owners");
    List<Map.Entry<KeyRange, String>> sorted = new ArrayList<>(owners.size());
    for (Map.Entry<KeyRange, String> e : owners.entrySet()) {
      KeyRange range = Objects.requireNonNull(e.getKey(), "owners holds a null key range");
      String store =
          Objects.requireNonNull(e.getValue(), () -> "owners holds a null store for range " + range);
      if (store.isBlank()) {
        throw new IllegalArgumentException("the owner of range " + range + " is a blank store id");
      }
      sorted.add(Map.entry(range, store));
    }
    sorted.sort(Comparator.comparing(e -> e.getKey().lo(), LO_ORDER));
    // Pairwise, so that the message names the first overlapping pair in key order; owner lists
    // are configuration, small enough for O(n^2).
    for (int i = 0; i < sorted.size(); i++) {
      for (int j = i + 1; j < sorted.size(); j++) {
        if (sorted.get(i).getKey().overlaps(sorted.get(j).getKey())) {
          throw new IllegalArgumentException(
              "owner ranges must not overlap, but "
                  + sorted.get(i).getKey()
                  + " (owned by store "
                  + sorted.get(i).getValue()
                  + ") overlaps "
                  + sorted.get(j).getKey()
                  + " (owned by store "
                  + sorted.get(j).getValue()
                  + "); give each key at most one owner");
        }
      }
    }
    KeyRange[] ranges = new KeyRange[sorted.size()];
    String[] stores = new String[sorted.size()];
    for (int i = 0; i < ranges.length; i++) {
      ranges[i] = sorted.get(i).getKey();
      stores[i] = sorted.get(i).getValue();
    }
    return new OwnershipResolver(key -> lookup(ranges, stores, key), "ownership(" + sorted + ")");
  }

  /**
   * Ranges sorted by lower bound and not overlapping are also sorted by upper bound, so only the
   * last range starting at or before the key can hold it.
   */
  private static Optional<Owner> lookup(KeyRange[] ranges, String[] stores, Key key) {
    int lo = 0;
    int hi = ranges.length - 1;
    int found = -1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      Key start = ranges[mid].lo();
      if (start == null || start.compareTo(key) <= 0) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0 || !ranges[found].contains(key)) {
      return Optional.empty();
    }
    String store = stores[found];
    return Optional.of(
        new Owner(store, "key " + key + " lies in " + ranges[found] + ", owned by store " + store));
  }

  @Override
  public Optional<Resolution> resolve(Divergence divergence) {
    Optional<Owner> owner = ownerOf.apply(divergence.key());
    if (owner.isEmpty() || !Sides.hasStore(divergence, owner.get().store())) {
      return Optional.empty();
    }
    return Optional.of(new Resolution.TakeSide(owner.get().store(), owner.get().why()));
  }

  @Override
  public String toString() {
    return description;
  }
}
