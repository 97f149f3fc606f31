package io.reconcile.cli;

import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reconcile diff}: where two tables differ, git-style or as JSON lines. Reads only. */
@Command(
    name = "diff",
    header = "Print where a table differs between two databases (reads only).",
    mixinStandardHelpOptions = true,
    description = {
      "Compares a table in two databases and prints the rows that differ:",
      "  - KEY col=value, …      only in the first database",
      "  + KEY col=value, …      only in the second database",
      "  ~ KEY col: old → new    in both, with different values",
      "Only digests of key ranges travel until a range differs. Reads only; writes nothing.",
      "Exit status: 0 the tables are equal, 1 they differ, 2 an error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  reconcile diff jdbc:postgresql://db1/shop jdbc:mariadb://db2/shop -t orders -k id \\",
      "      --user1 app --password-env1 PG_PASSWORD --user2 app --password-file2 ~/.db2-password",
      "  reconcile diff URI1 URI2 -t orders,customers -k id --stats --json | jq .",
      "  reconcile diff URI1 URI2 -t orders -k region,id -c total,status -w \"created > '2026-01-01'\" --normalize trim"
    })
final class DiffCommand implements Callable<Integer> {

  /**
   * How differences are shown.
   *
   * @param stats a summary line per table
   * @param json JSON lines instead of text
   * @param limit print at most this many differences, or null for all
   */
  record Output(boolean stats, boolean json, @Nullable Integer limit) {}

  @Spec private CommandSpec spec;

  @Mixin private JobOptions options;

  @Option(names = "--stats", description = "a summary per table: differences by kind, segments, rows read, time")
  private boolean stats;

  @Option(names = "--json", description = "one JSON object per line: table, op, kind, key, first, second, changed")
  private boolean json;

  @Option(names = "--limit", paramLabel = "N", description = "print at most N differences (the exit status still counts all)")
  private @Nullable Integer limit;

  @Override
  public Integer call() {
    if (limit != null && limit < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--limit must be at least 0, but was " + limit);
    }
    return run(options.job(System.getenv()), new Output(stats, json, limit),
        spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /**
   * Diffs every table of the job, printing each difference as the run finds it (in key order);
   * returns the exit status (0 equal, 1 different).
   */
  static int run(Job job, Output output, PrintWriter out, PrintWriter err) {
    boolean differ = false;
    long[] shown = {0};
    long[] hidden = {0};
    for (Job.Table t : job.tables()) {
      ProgressBar bar = ProgressBar.onTerminal(err, job.quiet(), t.name());
      DiffFormat.Counts[] counts = {DiffFormat.Counts.NONE};
      RunEvents events = new RunEvents(bar, id -> {}, d -> {
        counts[0] = counts[0].plus(d);
        if (output.limit() != null && shown[0] >= output.limit()) {
          hidden[0]++;
          return;
        }
        bar.beforeOutput();
        if (!output.json() && job.tables().size() > 1 && counts[0].total() == 1) {
          out.println("@@ " + t.name() + " @@");
        }
        out.println(output.json() ? DiffFormat.json(t.name(), t.keys(), d) : DiffFormat.text(d));
        shown[0]++;
      }, planned -> {}, out);
      ReconcileReport report;
      try (Job.Both both = job.open(t, true)) {
        report = Reconciler.newBuilder()
            .stores(bar.observe(both.first()), both.second())
            .parallelism(job.threads())
            .listener(events)
            .build()
            .run();
      }
      if (output.stats()) {
        out.println(output.json() ? DiffFormat.statsJson(t.name(), counts[0], report) : DiffFormat.statsText(t.name(), counts[0], report));
      }
      differ |= report.divergences() > 0;
    }
    out.flush();
    if (hidden[0] > 0) {
      err.println(hidden[0] + " more difference(s) not shown (--limit " + output.limit() + ")");
      err.flush();
    }
    return differ ? 1 : 0;
  }
}
