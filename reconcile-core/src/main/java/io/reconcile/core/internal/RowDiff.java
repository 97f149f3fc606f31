package io.reconcile.core.internal;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Decides whether, and how, the stores' entries for one key differ: the one classification every
 * row-comparing checker (and the engine) shares, so a difference has the same kind and the same
 * detail whichever checker found it.
 *
 * <p>Stateless and thread-safe. Internal: in a package no module exports, for the engine and the
 * built-in checkers.
 */
public final class RowDiff {

  /** At most this many differing fields are listed in a detail. */
  static final int MAX_FIELDS = 5;

  private RowDiff() {}

  /**
   * Compares what each store holds for {@code key}.
   *
   * <p>Returns empty when every side holds the same data ({@link Entry#sameData}; versions do not
   * matter) or no side holds the key. Otherwise the divergence's kind is, in this order:
   *
   * <ol>
   *   <li>{@link Kind#EXTRA} if the reference (first) side does not hold the key;
   *   <li>{@link Kind#MISSING} if the reference holds it and another side does not;
   *   <li>{@link Kind#CONCURRENT} if every side holds it and two sides with different data carry
   *       version vectors that are {@link VersionVector.Order#CONCURRENT concurrent};
   *   <li>{@link Kind#MISMATCH} otherwise.
   * </ol>
   *
   * <p>The detail says which stores lack the key, lists the concurrent versions, and names the
   * fields whose values differ among the present sides with each side's value, e.g. {@code fields
   * differ: amount (a: 10, b: 12)}; values are cut to about 40 characters and at most {@value
   * #MAX_FIELDS} fields are listed, then {@code and N more}. A field an entry lacks shows as
   * {@code (no field)}. Costs O(sides² + fields × sides).
   *
   * @param key the key compared; every present side's entry must hold it
   * @param sides what each store holds, reference first; at least one
   * @param checker the name of the checker, carried by the divergence
   * @param now when the difference was found
   * @return the divergence, or empty if the sides agree
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code sides} is empty or an entry holds another key
   */
  public static Optional<Divergence> compare(
      Key key, List<Side> sides, String checker, Instant now) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(sides, "sides");
    Objects.requireNonNull(checker, "checker");
    Objects.requireNonNull(now, "now");
    if (sides.isEmpty()) {
      throw new IllegalArgumentException("RowDiff.compare needs at least one side, but had none");
    }
    List<Side> present = new ArrayList<>();
    List<Side> absent = new ArrayList<>();
    boolean sameData = true;
    for (Side s : sides) {
      Entry e = s.entry();
      if (e == null) {
        absent.add(s);
      } else {
        if (!present.isEmpty() && !Objects.requireNonNull(present.get(0).entry()).sameData(e)) {
          sameData = false;
        }
        present.add(s);
      }
    }
    if (present.isEmpty() || (absent.isEmpty() && sameData)) {
      return Optional.empty();
    }
    Side reference = sides.get(0);
    Kind kind;
    StringBuilder detail = new StringBuilder();
    if (!reference.present()) {
      kind = Kind.EXTRA;
      detail
          .append("absent in reference ")
          .append(reference.store())
          .append("; present in ")
          .append(stores(present));
    } else if (!absent.isEmpty()) {
      kind = Kind.MISSING;
      detail
          .append("missing in ")
          .append(stores(absent))
          .append("; present in ")
          .append(stores(present));
    } else if (concurrent(present)) {
      kind = Kind.CONCURRENT;
      detail
          .append("concurrent versions ")
          .append(
              present.stream()
                  .filter(s -> vector(s) != null)
                  .map(s -> s.store() + ": " + Objects.requireNonNull(vector(s)).toText())
                  .collect(Collectors.joining(", ")));
    } else {
      kind = Kind.MISMATCH;
    }
    if (!sameData) {
      if (detail.length() > 0) {
        detail.append("; ");
      }
      detail.append(fieldsDiffer(present));
    }
    return Optional.of(new Divergence(key, kind, sides, checker, now, detail.toString()));
  }

  private static @Nullable VersionVector vector(Side s) {
    return Objects.requireNonNull(s.entry()).version().vector();
  }

  /** Whether two sides holding different data carry concurrent vectors. */
  private static boolean concurrent(List<Side> present) {
    for (int i = 0; i < present.size(); i++) {
      VersionVector a = vector(present.get(i));
      if (a == null) {
        continue;
      }
      for (int j = i + 1; j < present.size(); j++) {
        VersionVector b = vector(present.get(j));
        if (b != null
            && a.compare(b) == VersionVector.Order.CONCURRENT
            && !Objects.requireNonNull(present.get(i).entry())
                .sameData(Objects.requireNonNull(present.get(j).entry()))) {
          return true;
        }
      }
    }
    return false;
  }

  private static String fieldsDiffer(List<Side> present) {
    Set<String> names = new TreeSet<>();
    for (Side s : present) {
      names.addAll(Objects.requireNonNull(s.entry()).fields().fields().keySet());
    }
    List<String> differing = new ArrayList<>();
    for (String name : names) {
      @Nullable Value first = field(present.get(0), name);
      boolean differs = false;
      for (Side s : present) {
        if (!Objects.equals(first, field(s, name))) {
          differs = true;
          break;
        }
      }
      if (differs) {
        differing.add(name);
      }
    }
    if (differing.isEmpty()) {
      // Equal field values can still hash differently, e.g. under a scale-significant number.
      return "data differs (row hashes "
          + present.stream()
              .map(s -> s.store() + ": " + Objects.requireNonNull(s.entry()).hash())
              .collect(Collectors.joining(", "))
          + ")";
    }
    StringBuilder out = new StringBuilder("fields differ: ");
    for (int i = 0; i < Math.min(differing.size(), MAX_FIELDS); i++) {
      String name = differing.get(i);
      if (i > 0) {
        out.append(", ");
      }
      out.append(name)
          .append(" (")
          .append(
              present.stream()
                  .map(s -> s.store() + ": " + Show.value(field(s, name)))
                  .collect(Collectors.joining(", ")))
          .append(')');
    }
    if (differing.size() > MAX_FIELDS) {
      out.append(" and ").append(differing.size() - MAX_FIELDS).append(" more");
    }
    return out.toString();
  }

  private static @Nullable Value field(Side s, String name) {
    return Objects.requireNonNull(s.entry()).fields().fields().get(name);
  }

  private static String stores(List<Side> sides) {
    return sides.stream().map(Side::store).collect(Collectors.joining(", "));
  }
}
