package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import net.jqwik.api.statistics.Statistics;
import org.jspecify.annotations.Nullable;

/**
 * The situations the laws are about, and the proof that a property met its own: each law counts
 * the tries in its situation in jqwik's statistics (printed with the property's report) and fails
 * when fewer than {@link #MIN_PERCENT} percent of its tries were in it — a law that never meets
 * its situation has checked nothing.
 */
final class Situations {

  /** The least share of tries, in percent, a law must meet its situation in. */
  static final double MIN_PERCENT = 10;

  private static final String OTHER = "not in the situation";

  private Situations() {}

  /**
   * Counts this try under {@code law}: in {@code situation} when {@code met}, and checks, once
   * the property has run, that at least {@link #MIN_PERCENT}% of its tries were.
   */
  static void count(String law, String situation, boolean met) {
    Statistics.label(law).collect(met ? situation : OTHER);
    Statistics.label(law).coverage(c -> c.check(situation).percentage(p -> p >= MIN_PERCENT));
  }

  /** Whether the sides do not all hold the same state (absence being one). */
  static boolean statesDiffer(Divergence d) {
    return distinctStates(d.sides()) > 1;
  }

  /** Whether every side holds the key and not all hold the same data. */
  static boolean allPresentAndDiffer(Divergence d) {
    return d.sides().stream().allMatch(Divergence.Side::present) && statesDiffer(d);
  }

  /** Whether the sides reordering moves (all but the reference, or all of them) hold different states. */
  static boolean reorderableStatesDiffer(Divergence d, boolean referenceMoves) {
    List<Divergence.Side> sides = d.sides();
    return distinctStates(referenceMoves ? sides : sides.subList(1, sides.size())) > 1;
  }

  /**
   * Whether every present side carries a timestamp and the latest of them is held by one side
   * only, or by sides holding the same data, while another present side holds other data.
   */
  static boolean aLatestWriteDiffers(Divergence d) {
    List<Divergence.Side> present = present(d);
    List<Divergence.Side> latest = latestSides(present);
    if (latest.isEmpty() || latest.stream().anyMatch(s -> !entry(s).sameData(entry(latest.get(0))))) {
      return false;
    }
    return present.stream().anyMatch(s -> !entry(s).sameData(entry(latest.get(0))));
  }

  /**
   * The present sides carrying the latest timestamp; empty when none is present or a present
   * side carries no timestamp.
   */
  static List<Divergence.Side> latestSides(List<Divergence.Side> present) {
    Instant max = null;
    for (Divergence.Side s : present) {
      Instant t = timestamp(s);
      if (t == null) {
        return List.of();
      }
      max = max == null || t.isAfter(max) ? t : max;
    }
    Instant latest = max;
    return present.stream().filter(s -> Objects.equals(timestamp(s), latest)).toList();
  }

  /** Whether every present side carries a vector and two versions no other supersedes differ. */
  static boolean concurrent(Divergence d) {
    return frontier(d).size() > 1;
  }

  /**
   * The distinct vectors of the present sides that no other present side's vector supersedes;
   * empty when a present side has none.
   */
  static List<VersionVector> frontier(Divergence d) {
    List<Divergence.Side> present = present(d);
    List<VersionVector> vectors = new ArrayList<>();
    for (Divergence.Side s : present) {
      VersionVector v = entry(s).version().vector();
      if (v == null) {
        return List.of();
      }
      vectors.add(v);
    }
    List<VersionVector> frontier = new ArrayList<>();
    for (VersionVector v : vectors) {
      boolean superseded = vectors.stream().anyMatch(o -> v.compare(o) == VersionVector.Order.BEFORE);
      if (!superseded && !frontier.contains(v)) {
        frontier.add(v);
      }
    }
    return frontier;
  }

  static List<Divergence.Side> present(Divergence d) {
    return d.sides().stream().filter(Divergence.Side::present).toList();
  }

  static Entry entry(Divergence.Side s) {
    return Objects.requireNonNull(s.entry());
  }

  private static @Nullable Instant timestamp(Divergence.Side s) {
    return entry(s).version().timestamp();
  }

  private static int distinctStates(List<Divergence.Side> sides) {
    Set<Object> states = new HashSet<>();
    for (Divergence.Side s : sides) {
      states.add(s.present() ? entry(s).fields() : "absent");
    }
    return states.size();
  }
}
