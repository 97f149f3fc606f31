package io.reconcile.cli;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Store;
import io.reconcile.core.Limits;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.core.Reconciler;
import io.reconcile.core.RetryPolicy;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.checkpoint.CheckpointStore;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
    header = "Print (dry run) or apply the repairs of the losing side.",
    mixinStandardHelpOptions = true,
    description = {
      "Compares a table in two databases, decides with a resolver what each row should be, and",
      "prints the statements that would repair the losing side (--dry-run, the default; for a topic the",
      "records, for a MongoDB collection the document writes) or runs them",
      "(--apply): each only if the row still holds what the comparison saw, in batched transactions,",
      "recorded in the audit log before and after, then verified by comparing the repaired ranges again.",
      "Resolvers: source-wins (the first database wins: its rows are copied, rows it lacks are deleted",
      "from the second), source-wins:second, lww:COLUMN (the row with the latest timestamp in COLUMN",
      "wins; never deletes).",
      "With --apply the run id is printed before anything is written; a run that was interrupted",
      "(a crash, a lost connection) is finished with --resume RUN_ID and the same options.",
      "Exit status: 0 nothing to repair (dry run) or everything repaired and verified (apply),",
      "1 differences remain (planned, escalated, refused or skipped), 2 an error."
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  reconcile repair URI1 URI2 -t orders -k id --resolver source-wins",
      "  reconcile repair URI1 URI2 -t orders -k id --resolver lww:updated_at --apply --audit audit.jsonl",
      "  reconcile repair URI1 URI2 -t orders -k id --resolver source-wins --apply --audit audit.jsonl --resume RUN_ID",
      "  reconcile undo URI1 URI2 -t orders -k id --audit audit.jsonl --run RUN_ID"
    })
final class RepairCommand implements Callable<Integer> {

  /**
   * Retries of a failed write batch: a lost connection or a restarting database gets 8 to 16
   * seconds (seven waits doubling from 200 ms to at most 5 s, each shortened by jitter) to come
   * back; then the run stops, unfinished, and prints how to resume it.
   */
  static final RetryPolicy RETRY = new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(5), 3);

  /**
   * How to repair.
   *
   * @param resolver who wins
   * @param apply write (true) or only print the plan (false)
   * @param maxChanges at most this many repair actions per table
   * @param maxRatio above this share of rows differing, nothing is repaired (the run escalates)
   * @param audit the audit log; required to apply
   * @param resume the id of an interrupted run to finish, or null for a new run
   * @param json JSON lines instead of text
   * @param stats a summary line per table
   * @param guardedWrites whether a target that cannot write conditionally (a Kafka topic) may be
   *     written, each batch guarded by a re-read and every repaired range verified
   */
  record Settings(
      ResolverSpec resolver,
      boolean apply,
      long maxChanges,
      double maxRatio,
      @Nullable AuditLocation audit,
      @Nullable String resume,
      boolean json,
      boolean stats,
      boolean guardedWrites) {

    /** The options that give these settings to another {@code repair} (for the resume line). */
    List<String> options() {
      List<String> out = new ArrayList<>(List.of("--resolver", resolver.text(), "--max-changes", Long.toString(maxChanges),
          "--max-ratio", Double.toString(maxRatio)));
      if (apply) {
        out.add("--apply");
      }
      if (guardedWrites) {
        out.add("--guarded-writes");
      }
      if (audit != null) {
        out.addAll(List.of("--audit", audit.toString()));
      }
      return out;
    }
  }

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

  @Option(names = "--audit", paramLabel = "FILE",
      description = "the audit log every write is recorded in: a file (hash-chained JSON lines), or kafka://HOST:PORT/TOPIC")
  private @Nullable String audit;

  @Option(names = "--resume", paramLabel = "RUN_ID",
      description = "finish an interrupted --apply run (as its first line printed it), with the same options")
  private @Nullable String resume;

  @Option(names = "--json", description = "JSON lines: each planned statement (dry run), the run's start, a summary per table")
  private boolean json;

  @Option(names = "--stats", description = "a summary line per table: differences, segments, rows read, time")
  private boolean stats;

  @Option(names = "--guarded-writes",
      description = "let --apply write to a target that cannot write conditionally (a Kafka topic): each batch"
          + " re-reads its keys first and leaves alone those that changed, and every repaired range is compared again")
  private boolean guardedWrites;

  @Override
  public Integer call() {
    Settings s = new Settings(ResolverSpec.parse(resolver), mode != null && mode.apply, maxChanges, maxRatio,
        audit == null ? null : AuditLocation.parse(audit, Path.of("")),
        resume, json, stats, guardedWrites);
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
    AuditLocation auditLog = s.audit();
    if (s.apply() && auditLog == null) {
      throw new ConfigurationException("--apply records every write in an audit log; give one with --audit FILE");
    }
    if (s.resume() != null && (!s.apply() || job.tables().size() != 1)) {
      throw new ConfigurationException("--resume finishes one table's --apply run: give it with --apply, --audit and that table alone (-t)");
    }
    boolean clean = true;
    try (AuditLog log = s.apply() ? auditLog.open() : AuditLog.inMemory()) {
      CheckpointStore checkpoints = s.apply() ? auditLog.checkpoints() : CheckpointStore.inMemory();
      if (s.resume() != null) {
        checkResumable(log, s.resume(), auditLog);
      }
      for (Job.Table t : job.tables()) {
        ProgressBar bar = ProgressBar.onTerminal(err, job.quiet(), t.name());
        long[] statements = {0};
        RunEvents events = new RunEvents(bar, id -> {
          if (s.apply()) {
            announce(job, t, s, id, out);
          }
        }, d -> {}, planned -> {
          if (!s.apply()) { // a dry run's plan, printed as it is decided
            bar.beforeOutput();
            if (s.json()) {
              out.println(RepairFormat.planned(t, planned));
            } else {
              String target = planned.action().target();
              (job.isTopic(target) ? TopicPlan.render(t, planned)
                  : job.isCollection(target) ? MongoPlan.render(job.side(target), t, planned)
                  : SqlPlan.render(t, planned))
                  .forEach(out::println);
            }
            statements[0]++;
          }
        }, out);
        ReconcileReport r;
        try (Job.Both both = job.open(t, !s.apply())) {
          if (s.apply() && !s.guardedWrites()) {
            refuseUnguarded(both.first());
            refuseUnguarded(both.second());
          }
          Reconciler.Builder builder = Reconciler.newBuilder();
          if (s.guardedWrites()) {
            builder.guardedWrites();
          }
          Reconciler reconciler = builder
              .stores(bar.observe(s.resolver().prepare(both.first())), s.resolver().prepare(both.second()))
              .resolver(s.resolver().resolver(job, t))
              .mode(s.apply() ? Mode.APPLY : Mode.DRY_RUN)
              .limits(limits)
              .auditLog(log)
              .checkpoints(checkpoints)
              .retry(RETRY)
              .parallelism(job.threads())
              .listener(events)
              .build();
          r = s.resume() != null ? reconciler.run(s.resume()) : reconciler.run();
        } catch (ReconcileException e) {
          String id = events.runId();
          if (s.apply() && id != null) {
            throw new ReconcileException(e.getMessage() + "; run " + id + " stopped before it finished: resume it with: "
                + resumeLine(job, t, s, id), e);
          }
          throw e;
        }
        if (s.json()) {
          out.println(RepairFormat.summary(t, r, s.apply() ? "apply" : "dry-run", undoLine(job, t, s, r)));
          clean &= s.apply() ? done(r) : r.divergences() == 0;
        } else {
          clean &= s.apply() ? applied(job, t, s, r, out) : planned(t, r, statements[0], out);
        }
        if (s.stats() && !s.json()) {
          out.println(RepairFormat.statsText(t, r));
        }
        out.flush();
      }
    }
    out.flush();
    return clean ? 0 : 1;
  }

  /** Refuses, before anything is read, to write unguarded to a store that cannot write conditionally. */
  private static void refuseUnguarded(Store store) {
    Set<Capability> c = store.capabilities();
    if (c.contains(Capability.WRITE) && !c.contains(Capability.COMPARE_AND_SET)) {
      throw new ConfigurationException("store '" + store.id() + "' cannot write conditionally (a Kafka topic has no"
          + " compare-and-set), so a write made there after the comparison could be overwritten; give --guarded-writes"
          + " to repair it with each batch re-reading its keys first and every repaired range compared again");
    }
  }

  /** Refuses to resume a run the audit log does not hold, or one that finished. */
  private static void checkResumable(AuditLog log, String runId, AuditLocation auditFile) {
    List<AuditRecord> records = log.records(runId);
    if (records.isEmpty()) {
      throw new ConfigurationException("audit log " + auditFile + " holds no run " + runId
          + "; check --resume against the run id the repair printed, and --audit");
    }
    if (records.stream().anyMatch(rec -> rec.type() == AuditRecord.Type.RUN_FINISHED)) {
      throw new ConfigurationException("run " + runId + " finished, so there is nothing to resume; run the repair again"
          + " without --resume for a new run");
    }
  }

  /** Prints the run id and how to resume it, before the run writes anything. */
  private static void announce(Job job, Job.Table t, Settings s, String runId, PrintWriter out) {
    String resume = resumeLine(job, t, s, runId);
    out.println(s.json() ? RepairFormat.started(t, runId, resume)
        : t.name() + ": run " + runId + " started; if it is interrupted, finish it with: " + resume);
    out.flush();
  }

  private static String resumeLine(Job job, Job.Table t, Settings s, String runId) {
    List<String> more = new ArrayList<>(s.options());
    more.addAll(List.of("--resume", runId));
    return job.commandLine("repair", t, more.toArray(String[]::new));
  }

  /** The command that reverses the run, if it wrote anything. */
  private static @Nullable String undoLine(Job job, Job.Table t, Settings s, ReconcileReport r) {
    if (!s.apply() || r.repairs().applied() == 0 || s.audit() == null) {
      return null;
    }
    return s.guardedWrites()
        ? job.commandLine("undo", t, "--audit", s.audit().toString(), "--run", r.runId(), "--guarded-writes")
        : job.commandLine("undo", t, "--audit", s.audit().toString(), "--run", r.runId());
  }

  /** Prints what the plan's statements (printed as they were planned) come to; returns whether there was nothing to repair. */
  private static boolean planned(Job.Table t, ReconcileReport r, long statements, PrintWriter out) {
    out.printf("-- %s: %d difference(s), %d statement(s) planned; dry run, nothing was written%n",
        t.name(), r.divergences(), statements);
    unresolved(t, r, out, "-- ");
    return r.divergences() == 0;
  }

  /** Prints what was applied; returns whether the table now agrees. */
  private static boolean applied(Job job, Job.Table t, Settings s, ReconcileReport r, PrintWriter out) {
    out.printf("%s: run %s: %d applied, %d already in place, %d refused (changed since), %d skipped, %d escalated, %d failed, %d unwritable%n",
        t.name(), r.runId(), r.repairs().applied(), r.repairs().alreadyApplied(), r.repairs().refused(), r.repairs().skipped(), r.repairs().escalated(), r.repairs().failed(),
        r.repairs().unwritable());
    if (r.verification().rangesVerified() > 0) {
      out.printf("%s: verified: %d of %d repaired ranges now agree%n", t.name(), r.verification().rangesConverged(), r.verification().rangesVerified());
    }
    unresolved(t, r, out, "");
    r.verification().unconverged().forEach(u -> out.println(t.name() + ": NOT CONVERGED " + u));
    r.problems().forEach(p -> out.println(t.name() + ": problem: " + Main.oneLine(p)));
    if (r.repairs().failed() > 0) {
      out.println(t.name() + ": " + r.repairs().failed() + " action(s) failed and wrote nothing; run the repair again to retry them");
    }
    if (r.repairs().unwritable() > 0) {
      String first = r.findings().stream().map(ReconcileReport.Finding::decision)
          .filter(d -> d.contains("; not written to ")).findFirst()
          .map(d -> "; the first: " + d.substring(d.indexOf("; not written to ") + 2)).orElse("");
      out.println(t.name() + ": " + r.repairs().unwritable() + " action(s) not written: the target cannot hold their values"
          + " exactly" + CliWords.of(first));
    }
    String undo = undoLine(job, t, s, r);
    if (undo != null) {
      out.println(t.name() + ": undo with: " + undo);
    }
    return done(r);
  }

  /** Whether an applied run left nothing undone. */
  private static boolean done(ReconcileReport r) {
    return r.escalation().isEmpty() && r.repairs().refused() == 0 && r.repairs().skipped() == 0 && r.repairs().escalated() == 0
        && r.repairs().failed() == 0 && r.repairs().unwritable() == 0 && r.converged();
  }

  /** Prints the run's escalation and a summary of the divergences left undecided. */
  private static void unresolved(Job.Table t, ReconcileReport r, PrintWriter out, String prefix) {
    if (r.escalation().isPresent()) {
      out.println(prefix + t.name() + ": nothing repaired: " + CliWords.of(r.escalation().get()));
      return;
    }
    java.util.Map<String, Long> reasons = new java.util.TreeMap<>();
    for (ReconcileReport.Finding f : r.findings()) {
      if (f.decision().startsWith("escalate") || f.decision().startsWith("skip")) {
        reasons.merge(f.decision(), 1L, Long::sum);
      }
    }
    reasons.forEach((reason, n) -> out.println(prefix + t.name() + ": " + n + " row(s) left alone: " + CliWords.of(reason)
        + (reason.contains("repair limit") ? " (--max-changes)" : "")));
  }
}
