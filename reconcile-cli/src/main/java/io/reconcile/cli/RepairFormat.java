package io.reconcile.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Entry;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.ReconcileReport;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * How {@code repair} and {@code undo} report as JSON lines and {@code --stats} lines: one object
 * per planned action (a dry run), one when a run starts (before anything is written) and one
 * summary per table. Values are shown as {@code diff --json} shows them. Stateless.
 */
final class RepairFormat {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RepairFormat() {}

  /** A planned action: {@code table}, {@code target}, {@code op}, {@code key}, {@code values}, {@code expected}, {@code decision}. */
  static String planned(Job.Table t, RunEvents.Planned p) {
    RepairAction a = p.action();
    Entry result = a.result();
    Entry expected = a.expected().entry();
    ObjectNode o = NODES.objectNode();
    o.put("table", t.name()).put("target", a.target())
        .put("op", result == null ? "delete" : expected == null ? "insert" : "update");
    o.set("key", DiffFormat.key(t.keys(), a.key()));
    o.set("values", result == null ? NODES.nullNode() : DiffFormat.value(result.fields()));
    o.set("expected", expected == null ? NODES.nullNode() : DiffFormat.value(expected.fields()));
    o.put("decision", p.decision());
    return DiffFormat.write(o);
  }

  /** The line telling a run's id before it writes: {@code {"table":…,"event":"started","run":…,"resume":…}}. */
  static String started(Job.Table t, String runId, String resume) {
    return DiffFormat.write(NODES.objectNode().put("table", t.name()).put("event", "started").put("run", runId).put("resume", resume));
  }

  /** A table's summary: counts of every outcome, verification, time, and the undo command if anything was written. */
  static String summary(Job.Table t, ReconcileReport r, String mode, @Nullable String undo) {
    ObjectNode o = NODES.objectNode();
    o.put("table", t.name()).put("run", r.runId()).put("mode", mode);
    o.put("differences", r.divergences()).put("applied", r.repairs().applied()).put("alreadyApplied", r.repairs().alreadyApplied())
        .put("refused", r.repairs().refused()).put("skipped", r.repairs().skipped()).put("escalated", r.repairs().escalated()).put("failed", r.repairs().failed())
        .put("unwritable", r.repairs().unwritable()).put("rangesVerified", r.verification().rangesVerified()).put("rangesConverged", r.verification().rangesConverged())
        .put("rowsRead", r.rowsRead()).put("millis", millis(r));
    if (r.escalation().isPresent()) {
      o.put("escalation", r.escalation().get());
    }
    o.putArray("problems").addAll(r.problems().stream().map(NODES::textNode).toList());
    if (undo != null) {
      o.put("undo", undo);
    }
    return DiffFormat.write(o);
  }

  /** A table's {@code --stats} line. */
  static String statsText(Job.Table t, ReconcileReport r) {
    return String.format("%s: %d difference(s); %d segments (%d differing), %,d rows read, %,d digests; %d ms",
        t.name(), r.divergences(), r.segments(), r.segmentsDiffering(), r.rowsRead(),
        r.storeStats().values().stream().mapToLong(ReconcileReport.StoreStats::digestsComputed).sum(), millis(r));
  }

  private static long millis(ReconcileReport r) {
    return r.stageTimes().values().stream().mapToLong(Duration::toMillis).sum();
  }
}
