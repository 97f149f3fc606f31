package io.reconcile.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.WatchReport;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;

/**
 * What {@code reconcile watch} prints as its cycles run: one JSON object per line on stdout for
 * each divergence reported (as {@code diff --json} prints it, with the event and the cycle's run
 * id), each repair written or left alone, and the watch's status every so often; the status as a
 * line of text on stderr at the same pace. Output is flushed after every cycle that printed.
 */
final class WatchEvents implements ReconcileListener {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Job.Table table;
  private final PrintWriter out;
  private final PrintWriter err;
  private final long statusEveryMillis;
  private final Clock clock;
  private long lastStatus;
  private boolean anyStatus;
  private boolean printed;

  WatchEvents(Job.Table table, PrintWriter out, PrintWriter err, Duration statusEvery, Clock clock) {
    this.table = table;
    this.out = out;
    this.err = err;
    this.statusEveryMillis = statusEvery.toMillis();
    this.clock = clock;
  }

  @Override
  public synchronized void divergenceFound(String runId, Divergence d) {
    ObjectNode o = NODES.objectNode().put("event", "divergence").put("run", runId);
    o.setAll(DiffFormat.node(table.name(), table.keys(), d));
    line(o);
  }

  @Override
  public synchronized void repairApplied(String runId, ActionOutcome outcome) {
    ObjectNode o = action("repair", runId, outcome.action());
    o.put("status", outcome.status().name());
    line(o);
  }

  @Override
  public synchronized void repairSkipped(String runId, RepairAction action, String reason) {
    line(action("repair-skipped", runId, action).put("reason", reason));
  }

  @Override
  public synchronized void watchCycleFinished(WatchReport status) {
    long now = clock.millis();
    if (!anyStatus || now - lastStatus >= statusEveryMillis) {
      anyStatus = true;
      lastStatus = now;
      out.println(status.toJson());
      err.println(status.statusLine());
      err.flush();
      printed = true;
    }
    if (printed) {
      out.flush();
      printed = false;
    }
  }

  /** The last status, whatever the pace: when the watch stops. */
  synchronized void stopped(WatchReport status) {
    out.println(status.toJson().replaceFirst("\"event\":\"watch-status\"", "\"event\":\"watch-stopped\""));
    out.flush();
    err.println(status.statusLine() + "; stopped, state saved");
    err.flush();
  }

  private ObjectNode action(String event, String runId, RepairAction action) {
    ObjectNode o = NODES.objectNode().put("event", event).put("run", runId).put("table", table.name())
        .put("target", action.target());
    o.set("key", DiffFormat.key(table.keys(), action.key()));
    o.put("action", action instanceof RepairAction.Delete ? "delete" : "upsert");
    return o;
  }

  private void line(ObjectNode o) {
    out.println(DiffFormat.write(o));
    printed = true;
  }
}
