package io.reconcile.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.core.checkpoint.CheckpointStore;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A run's progress as its checkpoint keeps it: a versioned record of the plan's ranges, which of
 * them are done, and the run's totals so far (numbers only), so that a resumed run carries on where
 * the crashed attempt stopped and reports the whole run.
 *
 * <pre>{@code
 * {"format": 2,
 *  "ranges": [[null, "0a…"], ["0a…", null]],         // the plan: key encodings in hex, null = open
 *  "done": [[0, 57], [60, 61]],                       // done segment indexes, as [from, to) runs
 *  "counts": {"applied": 3, …, "divergencesByKind": {"MISSING": 2}, "decisions": {…}},
 *  "escalation": null}
 * }</pre>
 *
 * @param plan the ranges and which are done
 * @param counts the totals of the attempts so far
 */
record Checkpoint(Plan plan, Counts counts) {

  /** The format this version writes and reads. */
  static final int FORMAT = 2;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HexFormat HEX = HexFormat.of();

  /** Saves the run's progress, replacing what was saved before. */
  void save(CheckpointStore store, String runId) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    ArrayNode ranges = o.putArray("ranges");
    for (KeyRange r : plan.segments()) {
      ArrayNode pair = ranges.addArray();
      pair.add(r.lo() == null ? null : HEX.formatHex(r.lo().encode()));
      pair.add(r.hi() == null ? null : HEX.formatHex(r.hi().encode()));
    }
    ArrayNode done = o.putArray("done");
    BitSet bits = plan.done();
    for (int from = bits.nextSetBit(0); from >= 0; from = bits.nextSetBit(bits.nextClearBit(from))) {
      done.addArray().add(from).add(bits.nextClearBit(from));
    }
    ObjectNode c = o.putObject("counts");
    c.put("segments", counts.segments).put("segmentsDiffering", counts.segmentsDiffering)
        .put("applied", counts.applied).put("alreadyApplied", counts.alreadyApplied).put("refused", counts.refused)
        .put("skipped", counts.skipped).put("unwritable", counts.unwritable).put("escalated", counts.escalated)
        .put("failed", counts.failed).put("rangesVerified", counts.rangesVerified)
        .put("rangesConverged", counts.rangesConverged).put("repairsPlanned", counts.repairsPlanned);
    counts.divergencesByKind.forEach(c.putObject("divergencesByKind")::put);
    counts.decisions.forEach(c.putObject("decisions")::put);
    o.put("escalation", counts.escalation);
    store.save(runId, o.toString());
  }

  /**
   * The progress a run saved, if any.
   *
   * @throws ReconcileException.ConfigurationException if the checkpoint cannot be read or was
   *     written in another format
   */
  static Optional<Checkpoint> load(CheckpointStore store, String runId) {
    Optional<String> saved = store.load(runId);
    if (saved.isEmpty()) {
      return Optional.empty();
    }
    try {
      JsonNode o = JSON.readTree(saved.get());
      int format = o.path("format").asInt(1);
      if (format != FORMAT) {
        throw new ReconcileException.ConfigurationException(
            "the checkpoint of run " + runId + " is in format " + format + ", this version reads format " + FORMAT
                + "; resume the run with the version that started it, or delete the checkpoint to start afresh");
      }
      List<KeyRange> ranges = new ArrayList<>();
      for (JsonNode pair : o.get("ranges")) {
        ranges.add(KeyRange.of(key(pair.get(0)), key(pair.get(1))));
      }
      BitSet done = new BitSet(ranges.size());
      for (JsonNode run : o.get("done")) {
        done.set(run.get(0).asInt(), run.get(1).asInt());
      }
      JsonNode c = o.get("counts");
      Counts counts = new Counts();
      counts.segments = c.get("segments").asInt();
      counts.segmentsDiffering = c.get("segmentsDiffering").asInt();
      counts.applied = c.get("applied").asLong();
      counts.alreadyApplied = c.get("alreadyApplied").asLong();
      counts.refused = c.get("refused").asLong();
      counts.skipped = c.get("skipped").asLong();
      counts.unwritable = c.get("unwritable").asLong();
      counts.escalated = c.get("escalated").asLong();
      counts.failed = c.get("failed").asLong();
      counts.rangesVerified = c.get("rangesVerified").asLong();
      counts.rangesConverged = c.get("rangesConverged").asLong();
      counts.repairsPlanned = c.get("repairsPlanned").asLong();
      for (Map.Entry<String, JsonNode> e : iterable(c.path("divergencesByKind"))) {
        counts.divergencesByKind.put(e.getKey(), e.getValue().asLong());
      }
      for (Map.Entry<String, JsonNode> e : iterable(c.path("decisions"))) {
        counts.decisions.put(e.getKey(), e.getValue().asLong());
      }
      JsonNode escalation = o.get("escalation");
      counts.escalation = escalation == null || escalation.isNull() ? null : escalation.asText();
      return Optional.of(new Checkpoint(Plan.resumed(ranges, done), counts));
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      if (e instanceof ReconcileException.ConfigurationException ce) {
        throw ce;
      }
      throw new ReconcileException.ConfigurationException(
          "the checkpoint of run " + runId + " cannot be read (" + e.getMessage() + "); delete it to start the run afresh", e);
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
    return object::fields;
  }

  private static @Nullable Key key(@Nullable JsonNode n) {
    return n == null || n.isNull() ? null : Key.decode(HEX.parseHex(n.asText()));
  }
}
