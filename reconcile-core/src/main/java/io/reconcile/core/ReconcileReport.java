package io.reconcile.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What one run (or undo) did: what was compared, what diverged, what was decided, what became of
 * each repair, whether the repaired ranges converged, how long each stage took and how much each
 * store served. Immutable and thread-safe; {@link #toJson()} for machines, {@link #summary()} for
 * people. Holds no secrets: stores appear by id, row values only in the details of the {@link
 * #findings() findings}.
 *
 * <p>A resumed run reports the whole run, the attempts before it included, except for the samples
 * ({@link #findings()}, {@link #plan()}, {@link Verification#unconverged()}, {@link #problems()}),
 * which hold what the last attempt saw.
 */
public final class ReconcileReport {

  /**
   * What one store served to the run.
   *
   * @param rowsRead rows read (scans and look-ups)
   * @param digestsComputed range digests computed
   * @param bytesRead estimated bytes moved from the store to the library
   */
  public record StoreStats(long rowsRead, long digestsComputed, long bytesRead) {}

  /**
   * One divergence, as reported.
   *
   * @param key the key, printed
   * @param kind the divergence kind
   * @param checker the checker that found it
   * @param detail what differs
   * @param decision what was decided, with the reason
   */
  public record Finding(String key, String kind, String checker, String detail, String decision) {}

  /**
   * What became of the repairs.
   *
   * @param applied repair actions written
   * @param alreadyApplied actions whose result was already in place (a replay)
   * @param refused actions refused because the target changed since detection
   * @param skipped actions not attempted (a limit, a read-only store, an open circuit)
   * @param escalated divergences left for a person
   * @param failed actions that could not be written because a store failed
   * @param unwritable actions refused before the first write because their target could never
   *     hold their values ({@link io.reconcile.api.store.Store#unwritable}); each finding's decision
   *     says why, and in APPLY each is a SKIPPED audit record
   */
  public record Repairs(
      long applied, long alreadyApplied, long refused, long skipped, long escalated, long failed, long unwritable) {

    /** Actions or divergences left as they were, whatever the reason. */
    public long leftAlone() {
      return refused + skipped + escalated + failed + unwritable;
    }
  }

  /**
   * The check after repair.
   *
   * @param rangesVerified repaired ranges digested again after repair
   * @param rangesConverged of those, the ranges on which every store now agrees (differences left
   *     only on keys deliberately left alone)
   * @param unconverged the repaired ranges that still differ, with where (at most 100)
   */
  public record Verification(long rangesVerified, long rangesConverged, List<String> unconverged) {
    public Verification {
      unconverged = List.copyOf(unconverged);
    }
  }

  private final String runId;
  private final Mode mode;
  private final List<String> stores;
  private final Instant startedAt;
  private final Instant finishedAt;
  private final Map<String, Duration> stageTimes;
  private final Map<String, StoreStats> storeStats;
  private final int segments;
  private final int segmentsDiffering;
  private final Map<String, Long> divergencesByKind;
  private final Map<String, Long> decisions;
  private final Repairs repairs;
  private final Verification verification;
  private final @Nullable String escalation;
  private final List<String> problems;
  private final List<Finding> findings;
  private final List<String> plan;

  private ReconcileReport(
      String runId, Mode mode, List<String> stores, Instant startedAt, Instant finishedAt,
      Map<String, Duration> stageTimes, Map<String, StoreStats> storeStats, Counts c) {
    this.runId = runId;
    this.mode = mode;
    this.stores = List.copyOf(stores);
    this.startedAt = startedAt;
    this.finishedAt = finishedAt;
    this.stageTimes = Map.copyOf(stageTimes);
    this.storeStats = Map.copyOf(storeStats);
    this.segments = c.segments;
    this.segmentsDiffering = c.segmentsDiffering;
    this.divergencesByKind = Map.copyOf(c.divergencesByKind);
    this.decisions = Map.copyOf(c.decisions);
    this.repairs = new Repairs(c.applied, c.alreadyApplied, c.refused, c.skipped, c.escalated, c.failed, c.unwritable);
    this.verification = new Verification(c.rangesVerified, c.rangesConverged, c.unconverged);
    this.escalation = c.escalation;
    this.problems = List.copyOf(c.problems);
    this.findings = List.copyOf(c.findings);
    this.plan = List.copyOf(c.plan);
  }

  /** The report of a run (or an undo) from its counts. */
  static ReconcileReport of(
      String runId, Mode mode, List<String> stores, Instant startedAt, Instant finishedAt,
      Map<String, Duration> stageTimes, Map<String, StoreStats> storeStats, Counts counts) {
    return new ReconcileReport(runId, mode, stores, startedAt, finishedAt, stageTimes, storeStats, counts);
  }

  /** The run's id (a resumed run keeps its id; an undo is {@code RUNID-undo}). */
  public String runId() {
    return runId;
  }

  /** What the run was allowed to do. */
  public Mode mode() {
    return mode;
  }

  /** The store ids, reference first. */
  public List<String> stores() {
    return stores;
  }

  /** When this attempt started. */
  public Instant startedAt() {
    return startedAt;
  }

  /** When it finished. */
  public Instant finishedAt() {
    return finishedAt;
  }

  /** Time spent per stage of this attempt: {@code detect}, {@code decide}, {@code execute}, {@code verify}. */
  public Map<String, Duration> stageTimes() {
    return stageTimes;
  }

  /** What each store served to this attempt, by store id. */
  public Map<String, StoreStats> storeStats() {
    return storeStats;
  }

  /** Top-level segments compared. */
  public int segments() {
    return segments;
  }

  /** Segments in which some divergence was found. */
  public int segmentsDiffering() {
    return segmentsDiffering;
  }

  /** Divergences found, by {@link io.reconcile.api.repair.Divergence.Kind} name. */
  public Map<String, Long> divergencesByKind() {
    return divergencesByKind;
  }

  /** Total divergences found. */
  public long divergences() {
    return divergencesByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Resolutions made, by kind: take-side, merge, delete, skip, escalate, report. */
  public Map<String, Long> decisions() {
    return decisions;
  }

  /** What became of the repairs. */
  public Repairs repairs() {
    return repairs;
  }

  /** The check after repair. */
  public Verification verification() {
    return verification;
  }

  /** Why the whole run escalated instead of repairing, if it did. */
  public Optional<String> escalation() {
    return Optional.ofNullable(escalation);
  }

  /** Store failures and other trouble met on the way (at most 100, each once). */
  public List<String> problems() {
    return problems;
  }

  /** The first divergences found (at most 1,000), in key order, with their decisions. */
  public List<Finding> findings() {
    return findings;
  }

  /** The repair plan, one line per action (DRY_RUN and APPLY; at most 10,000 lines). */
  public List<String> plan() {
    return plan;
  }

  /** Total rows read from all stores. */
  public long rowsRead() {
    return storeStats.values().stream().mapToLong(StoreStats::rowsRead).sum();
  }

  /**
   * Whether the stores agree at the end of the run, as far as it knows. In {@link Mode#APPLY}: every
   * divergence found was repaired (none escalated, skipped, refused, failed, unwritable or only
   * reported, and the run itself did not escalate) and every repaired range, digested again, holds
   * the same data in every store. In {@link Mode#REPORT_ONLY} and {@link Mode#DRY_RUN}, which write
   * nothing: no divergence was found. A run that left divergences in place has not converged, even
   * when it left them on purpose; {@link Verification#rangesConverged()} tells whether what it did
   * write holds.
   */
  public boolean converged() {
    if (mode != Mode.APPLY) {
      return divergences() == 0;
    }
    long leftAlone = repairs.leftAlone() + decisions.getOrDefault("skip", 0L) + decisions.getOrDefault("report", 0L);
    return escalation == null && leftAlone == 0 && verification.rangesConverged() == verification.rangesVerified();
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  /** The report as a JSON object (durations in milliseconds, instants in ISO-8601). */
  public String toJson() {
    ObjectNode o = JSON.createObjectNode();
    o.put("runId", runId);
    o.put("mode", mode.name());
    stores.forEach(o.putArray("stores")::add);
    o.put("startedAt", startedAt.toString());
    o.put("finishedAt", finishedAt.toString());
    ObjectNode times = o.putObject("stageMillis");
    new TreeMap<>(stageTimes).forEach((k, v) -> times.put(k, v.toMillis()));
    ObjectNode stats = o.putObject("stores_served");
    new TreeMap<>(storeStats).forEach((k, v) -> stats.putObject(k)
        .put("rowsRead", v.rowsRead()).put("digestsComputed", v.digestsComputed()).put("bytesRead", v.bytesRead()));
    o.put("segments", segments);
    o.put("segmentsDiffering", segmentsDiffering);
    ObjectNode kinds = o.putObject("divergences");
    new TreeMap<>(divergencesByKind).forEach(kinds::put);
    ObjectNode dec = o.putObject("decisions");
    new TreeMap<>(decisions).forEach(dec::put);
    o.putObject("repairs").put("applied", repairs.applied()).put("alreadyApplied", repairs.alreadyApplied())
        .put("refused", repairs.refused()).put("skipped", repairs.skipped()).put("escalated", repairs.escalated())
        .put("failed", repairs.failed()).put("unwritable", repairs.unwritable());
    ObjectNode ver = o.putObject("verify");
    ver.put("rangesVerified", verification.rangesVerified()).put("rangesConverged", verification.rangesConverged())
        .put("converged", converged());
    verification.unconverged().forEach(ver.putArray("unconverged")::add);
    if (escalation != null) {
      o.put("escalation", escalation);
    }
    problems.forEach(o.putArray("problems")::add);
    ArrayNode f = o.putArray("findings");
    for (Finding x : findings) {
      f.addObject().put("key", x.key()).put("kind", x.kind()).put("checker", x.checker()).put("detail", x.detail())
          .put("decision", x.decision());
    }
    plan.forEach(o.putArray("plan")::add);
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a report always serialises", e);
    }
  }

  /** A few lines for people: what diverged, what was done, whether it converged. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append("run ").append(runId).append(" (").append(mode).append(") over ").append(String.join(", ", stores)).append('\n');
    sb.append("  compared ").append(segments).append(" segments, ").append(segmentsDiffering).append(" differing; read ")
        .append(rowsRead()).append(" rows\n");
    sb.append("  divergences: ").append(divergences());
    if (!divergencesByKind.isEmpty()) {
      sb.append(" ").append(new TreeMap<>(divergencesByKind));
    }
    sb.append('\n');
    sb.append("  repairs: ").append(repairs.applied()).append(" applied, ").append(repairs.alreadyApplied())
        .append(" already in place, ").append(repairs.refused()).append(" refused (changed since detection), ")
        .append(repairs.skipped()).append(" skipped, ").append(repairs.escalated()).append(" escalated, ")
        .append(repairs.failed()).append(" failed, ").append(repairs.unwritable()).append(" unwritable\n");
    if (escalation != null) {
      sb.append("  run escalated: ").append(escalation).append('\n');
    }
    if (verification.rangesVerified() > 0) {
      sb.append("  verify: ").append(verification.rangesConverged()).append('/').append(verification.rangesVerified())
          .append(" repaired ranges converged")
          .append(verification.rangesConverged() == verification.rangesVerified() ? "" : " — NOT CONVERGED: " + verification.unconverged())
          .append('\n');
    }
    for (String p : problems) {
      sb.append("  problem: ").append(p).append('\n');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return summary();
  }
}
