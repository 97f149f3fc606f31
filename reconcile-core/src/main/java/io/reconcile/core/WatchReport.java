package io.reconcile.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Where a {@link Watch} stands: what it checked, what it found and did, and how quickly, since it
 * started (totals of a watch that resumed include the runs before, latencies only this process's).
 * Immutable; {@link Watch#status()} takes one, and {@link ReconcileListener#watchCycleFinished}
 * receives one after every cycle. Holds no keys and no row values.
 *
 * @param name the watch's name
 * @param mode what the watch's cycles may do: report, plan or repair
 * @param stores the store ids, reference first
 * @param at when this report was taken
 * @param cycles cycles run (in every process of this watch)
 * @param sweeps full sweeps (every leaf checked), including the first
 * @param lastSweepReason why the last sweep ran (first start, a feed's gap, an unclean shutdown,
 *     the sweep interval), or empty before any
 * @param leaves the leaves the key space is cut into
 * @param leavesChecked leaves digested on every store, in total
 * @param rowsChecked rows those digests covered, summed over the stores: what the stores read for
 *     the checks (the rows a run then reads where leaves differ are in the cycles' run reports)
 * @param spotChecks clean leaves checked at random
 * @param unreportedChanges leaves a spot check found changed in a store whose feed then told of no
 *     change in them within the settle window (or two intervals): a feed that drops events, or a
 *     store written without a feed
 * @param gaps gaps the feeds reported (each forces a sweep)
 * @param feedFailures times a feed failed and was opened again from its last saved position
 * @param divergences divergences reported (and, in {@link Mode#APPLY}, decided and repaired): those
 *     that outlasted the settle window
 * @param settled divergences seen while their key had changed recently that were gone when
 *     re-read after the settle window (replication lag, not drift)
 * @param repairs what became of the repairs, over every cycle
 * @param dirtyLeaves leaves changed and not yet checked, after the last cycle
 * @param settling divergences waiting for their settle window, after the last cycle
 * @param timeToDetect from a change (its commit time where the feed gives it, else first sight)
 *     to its divergence being reported
 * @param convergenceLag from a change to the stores agreeing on the key again: settled by itself,
 *     or repaired
 * @param lastCycle how long the last cycle took
 */
public record WatchReport(
    String name,
    Mode mode,
    List<String> stores,
    Instant at,
    long cycles,
    long sweeps,
    String lastSweepReason,
    int leaves,
    long leavesChecked,
    long rowsChecked,
    long spotChecks,
    long unreportedChanges,
    long gaps,
    long feedFailures,
    long divergences,
    long settled,
    ReconcileReport.Repairs repairs,
    long dirtyLeaves,
    long settling,
    Latency timeToDetect,
    Latency convergenceLag,
    Duration lastCycle) {

  /**
   * A latency distribution.
   *
   * @param samples how many were measured
   * @param p50 the median
   * @param p99 the 99th percentile
   * @param max the largest
   */
  public record Latency(long samples, Duration p50, Duration p99, Duration max) {
    /** No samples yet. */
    public static final Latency NONE = new Latency(0, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  public WatchReport {
    stores = List.copyOf(stores);
    Objects.requireNonNull(repairs, "repairs");
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One line for a terminal: cycles, backlog, divergences, settled, time to detect, and — for a
   * watch that repairs — what became of the repairs.
   */
  public String statusLine() {
    String repaired = mode == Mode.APPLY
        ? String.format(", %d repaired, %d refused, %d escalated", repairs.applied(), repairs.refused(), repairs.escalated())
        : "";
    return String.format(
        "watch %s: cycle %d, %d dirty leaves, %d settling, %d divergences (%d settled by themselves)%s;"
            + " time to detect p99 %s; %d sweeps, %d gaps",
        name, cycles, dirtyLeaves, settling, divergences, settled, repaired, millis(timeToDetect.p99()), sweeps, gaps);
  }

  /** The report as one line of JSON (durations in milliseconds), e.g. for a JSONL event stream. */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("event", "watch-status").put("name", name).put("mode", mode.name()).put("at", at.toString());
    stores.forEach(o.putArray("stores")::add);
    o.put("cycles", cycles).put("sweeps", sweeps).put("lastSweepReason", lastSweepReason).put("leaves", leaves)
        .put("leavesChecked", leavesChecked).put("rowsChecked", rowsChecked).put("spotChecks", spotChecks)
        .put("unreportedChanges", unreportedChanges).put("gaps", gaps).put("feedFailures", feedFailures)
        .put("divergences", divergences).put("settled", settled).put("dirtyLeaves", dirtyLeaves).put("settling", settling)
        .put("lastCycleMillis", lastCycle.toMillis());
    o.putObject("repairs").put("applied", repairs.applied()).put("alreadyApplied", repairs.alreadyApplied())
        .put("refused", repairs.refused()).put("skipped", repairs.skipped()).put("escalated", repairs.escalated())
        .put("failed", repairs.failed()).put("unwritable", repairs.unwritable());
    latency(o.putObject("timeToDetectMillis"), timeToDetect);
    latency(o.putObject("convergenceLagMillis"), convergenceLag);
    return o.toString();
  }

  private static void latency(ObjectNode o, Latency l) {
    o.put("samples", l.samples()).put("p50", l.p50().toMillis()).put("p99", l.p99().toMillis()).put("max", l.max().toMillis());
  }

  private static String millis(Duration d) {
    return d.toMillis() + " ms";
  }
}
