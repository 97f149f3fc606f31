package io.reconcile.core;

/**
 * Guards on the blast radius of one run. Beyond a limit the run does not repair: divergences over a
 * repair limit are skipped (and reported), and when the share of diverging rows exceeds {@code
 * maxDivergenceRatio} the whole run escalates instead of repairing anything — a replica that
 * differs in half its rows more likely points at a wrong configuration than at drift.
 *
 * @param maxRepairsPerRun at most this many repair actions in one run
 * @param maxRepairsPerSegment at most this many repair actions in one top-level segment
 * @param maxDivergenceRatio repairable divergences divided by the largest store's row count; above
 *     it nothing is repaired (0 to 1)
 */
public record Limits(long maxRepairsPerRun, long maxRepairsPerSegment, double maxDivergenceRatio) {

  /** 100,000 repairs per run, 10,000 per segment, and at most 20% of rows diverging. */
  public static final Limits DEFAULTS = new Limits(100_000, 10_000, 0.2);

  /** No limits at all; for tests and deliberate bulk copies. */
  public static final Limits NONE = new Limits(Long.MAX_VALUE, Long.MAX_VALUE, 1.0);

  /** @throws IllegalArgumentException for a negative limit or a ratio outside [0, 1] */
  public Limits {
    if (maxRepairsPerRun < 0 || maxRepairsPerSegment < 0) {
      throw new IllegalArgumentException(
          "repair limits must be >= 0, but were " + maxRepairsPerRun + " per run and " + maxRepairsPerSegment + " per segment");
    }
    if (!(maxDivergenceRatio >= 0 && maxDivergenceRatio <= 1)) {
      throw new IllegalArgumentException(
          "maxDivergenceRatio is a fraction of rows between 0 and 1, but was " + maxDivergenceRatio);
    }
  }
}
