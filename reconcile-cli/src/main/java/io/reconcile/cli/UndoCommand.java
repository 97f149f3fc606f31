package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reconcile undo}: reverses an applied repair run from its audit records. */
@Command(
    name = "undo",
    header = "Reverse an applied repair run from its audit records.",
    mixinStandardHelpOptions = true,
    description = {
      "Reverses a repair run from its audit records, newest write first, each only if the row still",
      "holds what the run wrote (a row changed since is left alone and counted as refused). Give the",
      "same databases and table options as the repair. The undo is itself audited, as RUN_ID-undo.",
      "Exit status: 0 everything reversed, 1 some rows had changed since, 2 an error."
    },
    footerHeading = "%nExample:%n",
    footer = "  reconcile undo URI1 URI2 -t orders -k id --audit audit.jsonl --run run-18f2c3a4b5d-1a2b3c")
final class UndoCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Mixin private JobOptions options;

  @Option(names = "--audit", required = true, paramLabel = "FILE",
      description = "the audit log the run was recorded in: a file, or kafka://HOST:PORT/TOPIC")
  private String audit = "";

  @Option(names = "--run", required = true, paramLabel = "RUN_ID", description = "the run to reverse, as `repair --apply` printed it")
  private String runId = "";

  @Option(names = "--json", description = "the result as one JSON object")
  private boolean json;

  @Option(names = "--stats", description = "add how long the undo took")
  private boolean stats;

  @Option(names = "--guarded-writes",
      description = "let the undo write to a store that cannot write conditionally (a Kafka topic), as the repair did")
  private boolean guardedWrites;

  @Override
  public Integer call() {
    Job job = options.job(System.getenv());
    if (job.tables().size() != 1) {
      throw new ConfigurationException(
          "a run repairs one table; give the run's table alone with -t, not " + job.tables().size() + " tables");
    }
    Job.Table t = job.tables().get(0);
    PrintWriter out = spec.commandLine().getOut();
    ReconcileReport r;
    try (AuditLog log = AuditLocation.parse(audit, Path.of("")).open();
        Job.Both both = job.open(t, false)) {
      Reconciler.Builder b = Reconciler.newBuilder().stores(both.first(), both.second()).auditLog(log);
      if (guardedWrites) {
        b.guardedWrites();
      }
      r = b.build().undo(runId);
    }
    long millis = java.time.Duration.between(r.startedAt(), r.finishedAt()).toMillis();
    if (json) {
      var o = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
          .put("table", t.name()).put("run", runId).put("undo", r.runId())
          .put("reversed", r.repairs().applied()).put("alreadyReversed", r.repairs().alreadyApplied()).put("refused", r.repairs().refused());
      if (stats) {
        o.put("millis", millis);
      }
      out.println(DiffFormat.write(o));
    } else {
      out.printf("%s: undid run %s: %d reversed, %d already reversed, %d refused (changed since the run); audited as %s%n",
          t.name(), runId, r.repairs().applied(), r.repairs().alreadyApplied(), r.repairs().refused(), r.runId());
      if (stats) {
        out.printf("%s: undo took %d ms%n", t.name(), millis);
      }
    }
    out.flush();
    return r.repairs().refused() == 0 ? 0 : 1;
  }
}
