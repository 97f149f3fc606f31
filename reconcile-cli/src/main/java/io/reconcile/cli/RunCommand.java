package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.core.Limits;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code reconcile run}: a diff or repair job described by a YAML run file. */
@Command(
    name = "run",
    header = "Run the diff or repair jobs of a YAML run file.",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the job described by a YAML run file: a diff, or a repair when the file has a repair",
      "section. Output and exit status are those of `reconcile diff` or `reconcile repair`.",
      "Relative paths in the file are resolved against its directory. Its shape:",
      "",
      "  first:  {url: \"jdbc:postgresql://db1:5432/shop\", user: app, password-env: PG_PASSWORD}",
      "  second: {url: \"jdbc:mariadb://db2:3306/shop\", user: app, password-file: db2.password}",
      "  tables:",
      "    - {name: orders, key: [id], normalize: [trim]}",
      "    - {name: customers, key: [id], columns: [name, email], where: \"active\"}",
      "    - {name: open_orders, key: [id], trust-key: true}   # a view: as --trust-key",
      "  threads: 4",
      "  output: {stats: true, json: false, limit: 1000}   # diff output",
      "  repair:                                           # optional",
      "    resolver: source-wins                           # or source-wins:second, lww:COLUMN",
      "    apply: false                                    # or --apply on the command line",
      "    max-changes: 1000",
      "    max-ratio: 0.2",
      "    audit: audit.jsonl",
      "    guarded-writes: false                           # true to repair a Kafka topic, as --guarded-writes"
    },
    footerHeading = "%nExamples:%n",
    footer = {"  reconcile run nightly.yaml", "  reconcile run nightly.yaml --apply"})
final class RunCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the run file (YAML)")
  private Path file = Path.of("");

  @Option(names = "--apply", description = "apply the repair section's plan (as its apply: true)")
  private boolean apply;

  @Option(names = {"-q", "--quiet"}, description = "no progress bar on stderr")
  private boolean quiet;

  @Override
  public Integer call() {
    RunFile f = RunFile.read(file);
    Job job = f.job(file, System.getenv(), quiet);
    var out = spec.commandLine().getOut();
    var err = spec.commandLine().getErr();
    RunFile.Repair r = f.repair();
    if (r == null) {
      if (apply) {
        throw new ConfigurationException("--apply needs a repair section in run file " + file + " (at least repair: {resolver: source-wins})");
      }
      RunFile.Output o = f.output() == null ? new RunFile.Output(false, false, null) : f.output();
      return DiffCommand.run(job, new DiffCommand.Output(o.stats(), o.json(), o.limit()), out, err);
    }
    if (r.resolver() == null) {
      throw new ConfigurationException("run file " + file + " lacks repair.resolver: give one of " + ResolverSpec.HELP);
    }
    RepairCommand.Settings s = new RepairCommand.Settings(
        ResolverSpec.parse(r.resolver()),
        apply || r.apply(),
        r.maxChanges() == null ? Limits.DEFAULTS.maxRepairsPerRun() : r.maxChanges(),
        r.maxRatio() == null ? Limits.DEFAULTS.maxDivergenceRatio() : r.maxRatio(),
        r.audit() == null ? null : AuditLocation.parse(r.audit(), RunFile.directoryOf(file)),
        null, false, false, r.guardedWrites());
    return RepairCommand.run(job, s, out, err);
  }
}
