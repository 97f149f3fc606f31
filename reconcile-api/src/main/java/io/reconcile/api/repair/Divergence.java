package io.reconcile.api.repair;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One difference found by a {@link Checker}, in the same shape whatever found it: the key, the
 * kind, what each store held at detection, which checker, when, and a human-readable detail.
 *
 * <p>Kinds are relative to the first side, the reference (a source of truth, or simply the first
 * store of the comparison): {@link Kind#MISSING} means the reference has the key and some other
 * store lacks it, {@link Kind#EXTRA} the reverse.
 *
 * @param key the key that differs
 * @param kind what sort of difference
 * @param sides each store's snapshot at detection, reference first; a side with a null entry does
 *     not hold the key
 * @param checker the {@link Checker#name() name} of the checker that found it
 * @param detectedAt when it was found
 * @param detail a short explanation for people, e.g. which fields differ or which rule failed
 */
public record Divergence(
    Key key, Kind kind, List<Side> sides, String checker, Instant detectedAt, String detail) {

  /** The kinds of difference. */
  public enum Kind {
    /** The reference holds the key; another store does not. */
    MISSING,
    /** Another store holds the key; the reference does not. */
    EXTRA,
    /** Every store holds the key, with different data. */
    MISMATCH,
    /** The data differs and the versions are concurrent: neither side's history contains the other. */
    CONCURRENT,
    /** An entry breaks a field rule (e.g. a required field is null); may involve a single store. */
    RULE_VIOLATION
  }

  /**
   * What one store held.
   *
   * @param store the store's {@link io.reconcile.api.store.Store#id() id}
   * @param entry the entry, or null if the store did not hold the key
   */
  public record Side(String store, @Nullable Entry entry) {
    public Side {
      Objects.requireNonNull(store, "store");
    }

    /** Whether the store held the key. */
    public boolean present() {
      return entry != null;
    }
  }

  /** @throws IllegalArgumentException if there are no sides, or a side holds another key */
  public Divergence {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    sides = List.copyOf(sides);
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(detectedAt, "detectedAt");
    Objects.requireNonNull(detail, "detail");
    if (sides.isEmpty()) {
      throw new IllegalArgumentException("a divergence needs at least one side, but had none");
    }
    for (Side s : sides) {
      if (s.entry() != null && !s.entry().key().equals(key)) {
        throw new IllegalArgumentException(
            "side '" + s.store() + "' holds key " + s.entry().key() + ", not " + key);
      }
    }
  }

  /** The reference side (the first). */
  public Side reference() {
    return sides.get(0);
  }

  /** The side of one store, if that store took part. */
  public Optional<Side> side(String store) {
    return sides.stream().filter(s -> s.store().equals(store)).findFirst();
  }

  /** What one store held: the entry, or empty if it did not hold the key or did not take part. */
  public Optional<Entry> entryIn(String store) {
    return side(store).map(Side::entry);
  }
}
