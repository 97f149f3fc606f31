package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * The built-in {@link Resolver resolvers}: pick a side by role (source of truth, ownership), by
 * time (last writer wins), by causality (version vectors), merge field by field, or always skip or
 * escalate. Compose them with {@link Resolver#firstOf(Resolver...)} and {@link
 * Resolver#orElse(Resolver)}, e.g. {@code firstOf(versionVectors(), lastWriterWins(),
 * escalate("no version metadata"))}.
 *
 * <p>Every resolver returned here is immutable and thread-safe, and deterministic: the same
 * divergence gets the same decision, with the same reason, whatever the order of its sides (not
 * only of the non-reference ones). Wherever a rule leaves a tie, the side whose store id comes
 * first in {@link String#compareTo} order wins; this is the one tie-break used throughout. A
 * resolver only ever takes a side that took part or merges from what the sides hold. Store ids
 * among one divergence's sides are assumed distinct.
 *
 * <p>A resolver returns {@link Optional#empty()} (abstains) when it has no opinion, so that the
 * next one in a chain decides; each method says when that happens. Every decision carries a reason
 * that says why, e.g. {@code "latest write: store b at 2024-01-01T00:00:00Z"}.
 *
 * <p><b>Deletes.</b> Only {@link #sourceOfTruth} and {@link #ownership} can propagate an absence
 * (they take the winning side even when it does not hold the key, which deletes the key
 * elsewhere). {@link #lastWriterWins()} and {@link #versionVectors()} never pick an absent side:
 * an absence carries no time and no version, so to them a deleted row is indistinguishable from
 * one never written, and they copy the surviving entry back. Stores that must propagate deletes
 * under these rules keep tombstones (a present entry marking the deletion, with its timestamp or
 * vector).
 */
public final class Resolvers {

  private Resolvers() {}

  /**
   * Store {@code storeId} always wins: {@link Resolution.TakeSide TakeSide(storeId)} with the
   * reason "store X is the source of truth". If that store does not hold the key, taking its side
   * deletes the key from the others. Abstains when the store is not among the divergence's sides.
   *
   * @param storeId the {@link io.reconcile.api.store.Store#id() id} of the authoritative store
   * @return the resolver, never null
   * @throws NullPointerException if {@code storeId} is null
   * @throws IllegalArgumentException if {@code storeId} is blank
   */
  public static Resolver sourceOfTruth(String storeId) {
    return new SourceOfTruthResolver(checkStore(storeId, "sourceOfTruth"));
  }

  /**
   * The store that owns the key's range wins: {@link Resolution.TakeSide TakeSide(owner)}, which
   * deletes the key elsewhere if the owner does not hold it. Abstains when no range holds the key
   * or its owner is not among the divergence's sides. The map is copied; a look-up costs O(log n)
   * in the number of ranges.
   *
   * @param owners key ranges and the id of the store owning each; the ranges must not overlap
   * @return the resolver, never null
   * @throws NullPointerException if the map, a range or a store id is null
   * @throws IllegalArgumentException if two ranges overlap (the message names both and their
   *     owners) or a store id is blank
   */
  public static Resolver ownership(Map<KeyRange, String> owners) {
    return OwnershipResolver.byRanges(owners);
  }

  /**
   * The store that owns the key wins, as told by {@code ownerOf}: {@link Resolution.TakeSide
   * TakeSide(owner)}. Abstains when the function returns empty or names a store that is not among
   * the divergence's sides. The function must be deterministic and thread-safe.
   *
   * @param ownerOf the id of the store owning a key, or empty if none does; never returns null
   * @return the resolver, never null
   * @throws NullPointerException if {@code ownerOf} is null; the resolver throws it when {@code
   *     ownerOf} returns null
   */
  public static Resolver ownership(Function<Key, Optional<String>> ownerOf) {
    return OwnershipResolver.byFunction(ownerOf);
  }

  /**
   * Last writer wins: the present side whose entry has the latest {@link
   * io.reconcile.api.Version#timestamp() timestamp} wins ({@link Resolution.TakeSide TakeSide}),
   * and is copied to the stores that lack the key or hold other data. Among sides with the same
   * latest timestamp, the first store id in {@link String#compareTo} order wins.
   *
   * <p>Absent sides have no timestamp and never win, so this resolver never deletes (see the class
   * description on tombstones). Abstains when no side holds the key, and when some present side has
   * no timestamp: a write with no time cannot be placed before or after the others, so guessing
   * would risk overwriting the newer row.
   *
   * <p>The reason reads {@code "latest write: store b at 2024-01-01T00:00:00Z"}, and mentions a
   * tie with sides holding other data.
   *
   * @return the resolver, never null
   */
  public static Resolver lastWriterWins() {
    return LastWriterWinsResolver.INSTANCE;
  }

  /**
   * Version-vector dominance without a merge function: as {@link #versionVectors(BinaryOperator)},
   * except that concurrent versions are {@link Resolution.Escalate escalated} with a reason naming
   * each version and its store.
   *
   * @return the resolver, never null
   */
  public static Resolver versionVectors() {
    return new VersionVectorResolver(null);
  }

  /**
   * Version-vector dominance, using each present side's {@link
   * io.reconcile.api.Version#vector()}. Absent sides take no part (so this resolver never deletes;
   * see the class description).
   *
   * <ul>
   *   <li>If one present side's vector {@link io.reconcile.api.VersionVector#dominates dominates}
   *       every other present side's ({@code AFTER} or {@code EQUAL}), that side wins: {@link
   *       Resolution.TakeSide TakeSide}. Among several such sides with equal vectors and the same
   *       data, the first store id in {@link String#compareTo} order is taken.
   *   <li>If the versions not superseded by another are concurrent, they are folded left with
   *       {@code merge} in store id order, {@code merge(merge(a, b), c)}, each distinct version
   *       once; superseded versions are never merged. The result, with version vector = the
   *       {@link io.reconcile.api.VersionVector#merge merge} of all vectors and timestamp = the
   *       latest timestamp any side carries (or none), is a {@link Resolution.Merge Merge}.
   *   <li>Two sides holding different data under equal vectors, neither superseded, are
   *       escalated: their history was not recorded, so no vector can order them.
   * </ul>
   *
   * <p>A dominated (older) version is never picked. Abstains when no side holds the key or some
   * present side has no vector.
   *
   * @param merge combines two concurrent entries of the same key into one; it should be
   *     deterministic and thread-safe and must return an entry of that key (its version is
   *     replaced as described)
   * @return the resolver, never null
   * @throws NullPointerException if {@code merge} is null
   * @throws IllegalStateException from the resolver, if {@code merge} returns null or an entry of
   *     another key
   */
  public static Resolver versionVectors(BinaryOperator<Entry> merge) {
    return new VersionVectorResolver(Objects.requireNonNull(merge, "merge"));
  }

  /**
   * A field-by-field merge: every field any side holds is taken as {@code rules} says for that
   * field (see {@link FieldRule}), or from {@code defaultStore} when it has no rule; a field absent
   * from the side a rule takes is absent from the result. The result is a {@link Resolution.Merge
   * Merge} of an entry with those fields and the version: vector = the merge of every side's vector
   * (none if no side has one), timestamp = the latest timestamp (none if no side has one).
   *
   * <p>Abstains when some side does not hold the key (a merge needs every side's data), when
   * {@code defaultStore} or a store named by {@link FieldRule#fromStore} is not among the sides, or
   * when a {@link FieldRule#latest()} rule is configured and some side has no timestamp. Escalates
   * when a side holds data a rule cannot use (a non-number for {@link FieldRule#max()} or {@link
   * FieldRule#min()}, a non-list for {@link FieldRule#union()}), naming the field and the store.
   * The rules are copied.
   *
   * @param rules field name to rule
   * @param defaultStore the id of the store that fields without a rule come from
   * @return the resolver, never null
   * @throws NullPointerException if an argument, a field name or a rule is null
   * @throws IllegalArgumentException if {@code defaultStore} is blank
   */
  public static Resolver perField(Map<String, FieldRule> rules, String defaultStore) {
    return new PerFieldResolver(rules, defaultStore);
  }

  /**
   * Always {@link Resolution.Escalate Escalate(reason)}: report and ask a person. Useful last in
   * a {@link Resolver#firstOf} chain.
   *
   * @param reason why, for the report
   * @return the resolver, never null
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException if {@code reason} is blank
   */
  public static Resolver escalate(String reason) {
    return new ConstantResolver(new Resolution.Escalate(checkReason(reason, "escalate")));
  }

  /**
   * Always {@link Resolution.Skip Skip(reason)}: accept the divergence and write nothing.
   *
   * @param reason why, for the report
   * @return the resolver, never null
   * @throws NullPointerException if {@code reason} is null
   * @throws IllegalArgumentException if {@code reason} is blank
   */
  public static Resolver skip(String reason) {
    return new ConstantResolver(new Resolution.Skip(checkReason(reason, "skip")));
  }

  private static String checkStore(String storeId, String method) {
    Objects.requireNonNull(storeId, "storeId");
    if (storeId.isBlank()) {
      throw new IllegalArgumentException(method + " needs a store id, but it was blank");
    }
    return storeId;
  }

  private static String checkReason(String reason, String method) {
    Objects.requireNonNull(reason, "reason");
    if (reason.isBlank()) {
      throw new IllegalArgumentException(
          method + " needs a reason a person can read, but it was blank");
    }
    return reason;
  }
}
