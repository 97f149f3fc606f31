package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Store;
import io.reconcile.core.Limits;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.FileAuditLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code reconcile repair}: decides which side wins and prints (dry run) or applies the repairs. */
@Command(
    name = "repair",
    mixinStandardHelpOptions = true,
    description = {
      "Compares a table in two databases, decides with a resolver what each row should be, and",
      "prints the statements that would repair the losing side (--dry-run, the default) or runs them",
      "(--apply): each only if the row still holds what the comparison saw, in batched transactions,",
      "recorded in the audit file before and after, then verified by comparing the repaired ranges again.",
      "Resolvers: source-wins (the first database wins: its rows are copied, rows it lacks are deleted",
      "from the second), source-wins:second, lww:COLUMN (the row with the latest timestamp in COLUMN",
      "wins; never deletes).",
      "Exit status: 0 nothing to repair (dry run) or everything repaired and verified (apply),",
      "1 differences remain (planned, escalated, refused or skipped), 2 an error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  reconcile repair URI1 URI2 -t orders -k id --resolver source-wins",
      "  reconcile repair URI1 URI2 -t orders -k id --resolver lww:updated_at --apply --audit audit.jsonl",
      "  reconcile undo URI1 URI2 -t orders -k id --audit audit.jsonl --run RUN_ID"
    })
final class RepairCommand implements Callable<Integer> {

  /**
   * How to repair.
   *
   * @param resolver who wins
   * @param apply write (true) or only print the plan (false)
   * @param maxChanges at most this many repair actions per table
   * @param maxRatio above this share of rows differing, nothing is repaired (the run escalates)
   * @param audit the audit file; required to apply
   */
  record Settings(ResolverSpec resolver, boolean apply, long maxChanges, double maxRatio, @Nullable Path audit) {}

  @Spec private CommandSpec spec;

  @Mixin private JobOptions options;

  @Option(names = "--resolver", required = true, paramLabel = "RESOLVER", description = "who wins: " + ResolverSpec.HELP)
  private String resolver = "";

  @ArgGroup(exclusive = true)
  private @Nullable ModeFlags mode;

  static final class ModeFlags {
    @Option(names = "--dry-run", description = "print the statements, write nothing (the default)")
    boolean dryRun;

    @Option(names = "--apply", description = "run the statements (needs --audit)")
    boolean apply;
  }

  @Option(names = "--max-changes", paramLabel = "N", defaultValue = "100000",
      description = "repair at most N rows per table (default: ${DEFAULT-VALUE}); the rest are skipped and reported")
  private long maxChanges;

  @Option(names = "--max-ratio", paramLabel = "FRACTION", defaultValue = "0.2",
      description = "repair nothing when more than this share of rows differ (default: ${DEFAULT-VALUE}): "
          + "that more likely means a wrong table or key than drift")
  private double maxRatio;

  @Option(names = "--audit", paramLabel = "FILE", description = "the audit log (hash-chained JSON lines) every write is recorded in")
  private @Nullable Path audit;

  @Override
  public Integer call() {
    Settings s = new Settings(ResolverSpec.parse(resolver), mode != null && mode.apply, maxChanges, maxRatio, audit);
    return run(options.job(System.getenv()), s, spec.commandLine().getOut(), spec.commandLine().getErr());
  }

  /** Repairs (or plans the repair of) every table of the job; returns the exit status. */
  static int run(Job job, Settings s, PrintWriter out, PrintWriter err) {
    Limits limits;
    try {
      limits = new Limits(s.maxChanges(), s.maxChanges(), s.maxRatio());
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(e.getMessage() + " (--max-changes, --max-ratio)");
    }
    Path auditFile = s.audit();
    if (s.apply() && auditFile == null) {
      throw new ConfigurationException("--apply records every write in an audit log; give one with --audit FILE");
    }
    boolean clean = true;
    try (AuditLog log = s.apply() ? FileAuditLog.open(auditFile) : AuditLog.inMemory()) {
      for (Job.Table t : job.tables()) {
        ProgressBar bar = ProgressBar.onTerminal(err, job.quiet(), t.name());
        Findings findings = new Findings(bar);
        ReconcileReport r;
        try (Store a = job.first().open(t, !s.apply()); Store b = job.second().open(t, !s.apply())) {
          r = Reconciler.newBuilder()
              .stores(bar.observe(s.resolver().prepare(a)), s.resolver().prepare(b))
              .resolver(s.resolver().resolver(job, t))
              .mode(s.apply() ? Mode.APPLY : Mode.DRY_RUN)
              .limits(limits)
              .auditLog(log)
              .parallelism(job.threads())
              .listener(findings)
              .build()
              .run();
        }
        clean &= s.apply() ? applied(t, r, auditFile, out) : planned(t, r, findings, out);
      }
    }
    out.flush();
    return clean ? 0 : 1;
  }

  /** Prints the plan; returns whether there was nothing to repair. */
  private static boolean planned(Job.Table t, ReconcileReport r, Findings findings, PrintWriter out) {
    List<Findings.Planned> plan = findings.planned();
    out.printf("-- %s: %d difference(s), %d statement(s) planned; dry run, nothing was written%n",
        t.name(), r.divergences(), plan.size());
    for (Findings.Planned p : plan) {
      SqlPlan.render(t, p).forEach(out::println);
    }
    unresolved(t, r, out, "-- ");
    return r.divergences() == 0;
  }

  /** Prints what was applied; returns whether the table now agrees. */
  private static boolean applied(Job.Table t, ReconcileReport r, @Nullable Path audit, PrintWriter out) {
    out.printf("%s: run %s: %d applied, %d already in place, %d refused (changed since), %d skipped, %d escalated, %d failed%n",
        t.name(), r.runId(), r.applied(), r.alreadyApplied(), r.refused(), r.skipped(), r.escalated(), r.failed());
    if (r.rangesVerified() > 0) {
      out.printf("%s: verified: %d of %d repaired ranges now agree%n", t.name(), r.rangesConverged(), r.rangesVerified());
    }
    unresolved(t, r, out, "");
    r.unconverged().forEach(u -> out.println(t.name() + ": NOT CONVERGED " + u));
    r.problems().forEach(p -> out.println(t.name() + ": problem: " + p));
    if (r.applied() > 0) {
      out.printf("%s: undo with: reconcile undo URI1 URI2 -t %s -k %s --audit %s --run %s%n",
          t.name(), t.name(), String.join(",", t.keys()), audit, r.runId());
    }
    return r.escalation() == null && r.refused() == 0 && r.skipped() == 0 && r.escalated() == 0
        && r.failed() == 0 && r.converged();
  }

  /** Prints the run's escalation and every divergence left undecided. */
  private static void unresolved(Job.Table t, ReconcileReport r, PrintWriter out, String prefix) {
    if (r.escalation() != null) {
      out.println(prefix + t.name() + ": nothing repaired: " + r.escalation() + " (--max-ratio)");
      return;
    }
    for (ReconcileReport.Finding f : r.findings()) {
      if (f.decision().startsWith("escalate") || f.decision().startsWith("skip")) {
        out.println(prefix + t.name() + ": key " + f.key() + " left alone: " + f.decision());
      }
    }
  }
}
