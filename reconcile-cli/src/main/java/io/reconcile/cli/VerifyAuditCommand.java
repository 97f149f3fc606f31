package io.reconcile.cli;

import io.reconcile.core.audit.AuditLog;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code reconcile verify-audit}: checks an audit log's hash chain. */
@Command(
    name = "verify-audit",
    header = "Check the hash chain of an audit log.",
    mixinStandardHelpOptions = true,
    description = {
      "Checks the hash chain of an audit log: every line parses, its hash matches its content and",
      "links to the line before. Finds changed, removed or reordered records (it is not a signature:",
      "a rewrite of a line and every line after it, or lines cut from the end, go unnoticed).",
      "Exit status: 0 intact, 1 broken (the first problem is named), 2 an error (e.g. no such file)."
    },
    footerHeading = "%nExample:%n",
    footer = {"  reconcile verify-audit audit.jsonl", "  reconcile verify-audit kafka://127.0.0.1:9092/repairs-audit"})
final class VerifyAuditCommand implements Callable<Integer> {

  @Spec private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "the audit log: a file, or kafka://HOST:PORT/TOPIC")
  private String file = "";

  @Override
  public Integer call() {
    AuditLog.Verification v = AuditLocation.parse(file, Path.of("")).verify();
    PrintWriter out = spec.commandLine().getOut();
    if (v.intact()) {
      out.printf("%s: intact, %d records%n", file, v.records());
    } else {
      out.printf("%s: BROKEN after %d good records: %s%n", file, v.records(), v.problem());
    }
    out.flush();
    return v.intact() ? 0 : 1;
  }
}
