package io.reconcile.core.resolve;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How {@link Resolvers#perField} picks the value of one field. The set is small and closed:
 *
 * <ul>
 *   <li>{@link #fromStore(String)} — the value one store holds;
 *   <li>{@link #latest()} — the value of the side whose entry has the latest {@link
 *       io.reconcile.api.Version#timestamp() timestamp};
 *   <li>{@link #max()} / {@link #min()} — the largest / smallest number any side holds;
 *   <li>{@link #union()} — every distinct element of the lists the sides hold.
 * </ul>
 *
 * <p>Ties (equal timestamps, numerically equal numbers) go to the side whose store id comes first
 * in {@link String#compareTo} order, so the result never depends on the order of the sides.
 * Whenever a rule "takes the value" of a side and that side's entry lacks the field, the merged
 * entry lacks it too. Immutable and thread-safe; equal rules are {@code equals}.
 */
public final class FieldRule {

  /** The kinds of rule. */
  enum Kind {
    FROM_STORE,
    LATEST,
    MAX,
    MIN,
    UNION
  }

  private static final FieldRule LATEST = new FieldRule(Kind.LATEST, null);
  private static final FieldRule MAX = new FieldRule(Kind.MAX, null);
  private static final FieldRule MIN = new FieldRule(Kind.MIN, null);
  private static final FieldRule UNION = new FieldRule(Kind.UNION, null);

  private final Kind kind;
  private final @Nullable String store;

  private FieldRule(Kind kind, @Nullable String store) {
    this.kind = kind;
    this.store = store;
  }

  /**
   * The field takes the value store {@code storeId} holds. {@link Resolvers#perField} abstains
   * when that store is not among a divergence's sides.
   *
   * @param storeId the {@link io.reconcile.api.store.Store#id() id} of the store
   * @return the rule, never null
   * @throws NullPointerException if {@code storeId} is null
   * @throws IllegalArgumentException if {@code storeId} is blank
   */
  public static FieldRule fromStore(String storeId) {
    Objects.requireNonNull(storeId, "storeId");
    if (storeId.isBlank()) {
      throw new IllegalArgumentException("FieldRule.fromStore needs a store id, but it was blank");
    }
    return new FieldRule(Kind.FROM_STORE, storeId);
  }

  /**
   * The field takes the value of the side whose entry was written last, by {@link
   * io.reconcile.api.Version#timestamp()}; ties go to the first store id. {@link Resolvers#perField}
   * abstains when this rule is configured and some side has no timestamp.
   *
   * @return the rule, never null
   */
  public static FieldRule latest() {
    return LATEST;
  }

  /**
   * The field takes the numerically largest {@link io.reconcile.api.Value.Num number} any side
   * holds (the value as that side holds it, so its scale is kept); ties go to the first store id.
   * Sides where the field is null or missing are ignored, as SQL's {@code MAX} does; if no side
   * holds a number, the field is taken from the default store. A side holding anything else
   * (text, NaN, an infinity, …) makes {@link Resolvers#perField} escalate.
   *
   * @return the rule, never null
   */
  public static FieldRule max() {
    return MAX;
  }

  /**
   * Like {@link #max()}, but the numerically smallest number.
   *
   * @return the rule, never null
   */
  public static FieldRule min() {
    return MIN;
  }

  /**
   * The field becomes a list of every distinct element of the lists the sides hold: the elements
   * of each side's list in order, sides visited in store id order, each element (by canonical
   * equality) kept at its first appearance. Sides where the field is null or missing are ignored;
   * if no side holds a list, the field is taken from the default store. A side holding anything
   * but a list makes {@link Resolvers#perField} escalate. A union never removes an element, so it
   * cannot propagate a removal.
   *
   * @return the rule, never null
   */
  public static FieldRule union() {
    return UNION;
  }

  Kind kind() {
    return kind;
  }

  /** The store of a {@link #fromStore} rule; null for the others. */
  @Nullable String store() {
    return store;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FieldRule r && r.kind == kind && Objects.equals(r.store, store);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Objects.hashCode(store);
  }

  /** {@code fromStore(a)}, {@code latest()}, {@code max()}, {@code min()} or {@code union()}. */
  @Override
  public String toString() {
    return switch (kind) {
      case FROM_STORE -> "fromStore(" + store + ")";
      case LATEST -> "latest()";
      case MAX -> "max()";
      case MIN -> "min()";
      case UNION -> "union()";
    };
  }
}
