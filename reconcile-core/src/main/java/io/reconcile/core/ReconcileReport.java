package io.reconcile.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What one run did: what was compared, what diverged, what was decided, what was repaired, skipped
 * or escalated, whether the repaired ranges converged, how long each stage took and how much each
 * store served. Immutable; {@link #toJson()} for machines, {@link #summary()} for people. Holds no
 * secrets: stores appear by id, values only in divergence details.
 *
 * @param runId the run's id (a resumed run keeps its id)
 * @param mode what the run was allowed to do
 * @param stores the store ids, reference first
 * @param startedAt when this attempt started
 * @param finishedAt when it finished
 * @param stageTimes time spent per stage: detect, decide, execute, verify
 * @param storeStats what each store served, by store id
 * @param segments top-level segments compared
 * @param segmentsDiffering segments in which some divergence was found
 * @param divergencesByKind divergences found, by {@link io.reconcile.api.repair.Divergence.Kind}
 * @param decisions resolutions made, by kind (take-side, merge, delete, skip, escalate, report)
 * @param applied repair actions written
 * @param alreadyApplied actions whose result was already in place (a replay)
 * @param refused actions refused because the target changed since detection
 * @param skipped actions not attempted (a limit, a read-only store, an open circuit)
 * @param escalated divergences left for a person
 * @param failed actions that could not be written because a store failed
 * @param unwritable actions refused before the first write because their target could never hold
 *     their values ({@link io.reconcile.api.store.Store#unwritable}); each finding's decision says
 *     why, and in APPLY each is a SKIPPED audit record
 * @param rangesVerified repaired ranges digested again after repair
 * @param rangesConverged of those, the ranges on which every store now agrees
 * @param unconverged the repaired ranges that still differ, with the reason when known
 * @param escalation why the whole run escalated instead of repairing, or null
 * @param problems store failures and other trouble met on the way
 * @param findings the first divergences found (at most 1,000), with their decisions
 * @param plan the repair plan, one line per action (DRY_RUN and APPLY; at most 10,000 lines)
 */
public record ReconcileReport(
    String runId,
    Mode mode,
    List<String> stores,
    Instant startedAt,
    Instant finishedAt,
    Map<String, Duration> stageTimes,
    Map<String, StoreStats> storeStats,
    int segments,
    int segmentsDiffering,
    Map<String, Long> divergencesByKind,
    Map<String, Long> decisions,
    long applied,
    long alreadyApplied,
    long refused,
    long skipped,
    long escalated,
    long failed,
    long unwritable,
    long rangesVerified,
    long rangesConverged,
    List<String> unconverged,
    @Nullable String escalation,
    List<String> problems,
    List<Finding> findings,
    List<String> plan) {

  /**
   * What one store served to the run.
   *
   * @param rowsRead rows read (scans and lookups)
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

  public ReconcileReport {
    stores = List.copyOf(stores);
    stageTimes = Map.copyOf(stageTimes);
    storeStats = Map.copyOf(storeStats);
    divergencesByKind = Map.copyOf(divergencesByKind);
    decisions = Map.copyOf(decisions);
    unconverged = List.copyOf(unconverged);
    problems = List.copyOf(problems);
    findings = List.copyOf(findings);
    plan = List.copyOf(plan);
  }

  /** Total divergences found. */
  public long divergences() {
    return divergencesByKind.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Whether the stores agree at the end of the run, as far as it knows. In {@link Mode#APPLY}: every
   * divergence found was repaired (none escalated, skipped, refused, failed, unwritable or only
   * reported, and the run itself did not escalate) and every repaired range, digested again, holds
   * the same data in every store. In {@link Mode#REPORT_ONLY} and {@link Mode#DRY_RUN}, which write
   * nothing: no divergence was found. A run that left divergences in place has not converged, even
   * when it left them on purpose; {@link #rangesConverged()} tells whether what it did write holds.
   */
  public boolean converged() {
    if (mode != Mode.APPLY) {
      return divergences() == 0;
    }
    long leftAlone = refused + skipped + escalated + failed + unwritable
        + decisions.getOrDefault("skip", 0L) + decisions.getOrDefault("report", 0L);
    return escalation == null && leftAlone == 0 && rangesConverged == rangesVerified;
  }

  /** Total rows read from all stores. */
  public long rowsRead() {
    return storeStats.values().stream().mapToLong(StoreStats::rowsRead).sum();
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
    new java.util.TreeMap<>(stageTimes).forEach((k, v) -> times.put(k, v.toMillis()));
    ObjectNode stats = o.putObject("stores_served");
    new java.util.TreeMap<>(storeStats)
        .forEach(
            (k, v) ->
                stats.putObject(k).put("rowsRead", v.rowsRead()).put("digestsComputed", v.digestsComputed()).put("bytesRead", v.bytesRead()));
    o.put("segments", segments);
    o.put("segmentsDiffering", segmentsDiffering);
    ObjectNode kinds = o.putObject("divergences");
    new java.util.TreeMap<>(divergencesByKind).forEach(kinds::put);
    ObjectNode dec = o.putObject("decisions");
    new java.util.TreeMap<>(decisions).forEach(dec::put);
    ObjectNode rep = o.putObject("repairs");
    rep.put("applied", applied).put("alreadyApplied", alreadyApplied).put("refused", refused)
        .put("skipped", skipped).put("escalated", escalated).put("failed", failed).put("unwritable", unwritable);
    ObjectNode ver = o.putObject("verify");
    ver.put("rangesVerified", rangesVerified).put("rangesConverged", rangesConverged).put("converged", converged());
    unconverged.forEach(ver.putArray("unconverged")::add);
    if (escalation != null) {
      o.put("escalation", escalation);
    }
    problems.forEach(o.putArray("problems")::add);
    ArrayNode f = o.putArray("findings");
    for (Finding x : findings) {
      f.addObject().put("key", x.key()).put("kind", x.kind()).put("checker", x.checker()).put("detail", x.detail()).put("decision", x.decision());
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
      sb.append(" ").append(new java.util.TreeMap<>(divergencesByKind));
    }
    sb.append('\n');
    sb.append("  repairs: ").append(applied).append(" applied, ").append(alreadyApplied).append(" already in place, ")
        .append(refused).append(" refused (changed since detection), ").append(skipped).append(" skipped, ")
        .append(escalated).append(" escalated, ").append(failed).append(" failed, ").append(unwritable)
        .append(" unwritable\n");
    if (escalation != null) {
      sb.append("  run escalated: ").append(escalation).append('\n');
    }
    if (rangesVerified > 0) {
      sb.append("  verify: ").append(rangesConverged).append('/').append(rangesVerified).append(" repaired ranges converged")
          .append(rangesConverged == rangesVerified ? "" : " — NOT CONVERGED: " + unconverged).append('\n');
    }
    for (String p : problems) {
      sb.append("  problem: ").append(p).append('\n');
    }
    return sb.toString();
  }
}
