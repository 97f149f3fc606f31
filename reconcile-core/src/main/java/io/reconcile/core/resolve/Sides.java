package io.reconcile.core.resolve;

import io.reconcile.api.Value;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Side;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Helpers shared by the resolvers: a side order that ignores input order, and short texts. */
final class Sides {

  /** Values longer than this are cut in reasons. */
  static final int MAX_VALUE_CHARS = 40;

  private Sides() {}

  /**
   * The sides ordered by store id ({@link String#compareTo}), so a decision never depends on the
   * order the sides came in.
   */
  static List<Side> byStore(Divergence d) {
    List<Side> sorted = new ArrayList<>(d.sides());
    sorted.sort(Comparator.comparing(Side::store));
    return sorted;
  }

  /** The present sides, ordered by store id. */
  static List<Side> presentByStore(Divergence d) {
    List<Side> out = new ArrayList<>();
    for (Side s : byStore(d)) {
      if (s.present()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Whether a store of that id is among the sides. */
  static boolean hasStore(Divergence d, String store) {
    return d.side(store).isPresent();
  }

  /** A value for a reason, cut to {@value #MAX_VALUE_CHARS} characters. */
  static String show(Value v) {
    return cut(v.toString());
  }

  static String cut(String s) {
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS - 1) + "…";
  }

  static String stores(List<Side> sides) {
    return sides.stream().map(Side::store).collect(Collectors.joining(", "));
  }
}
