package io.reconcile.cli;

import io.reconcile.api.ReconcileException;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * The {@code reconcile} command. Exit status: 0 success (equal, nothing to do), 1 differences or
 * problems remain, 2 an error — usage errors included — reported as one line without secrets;
 * {@code --debug} adds the stack trace.
 */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = {
      "Finds where copies of the same data have drifted apart, decides which version",
      "wins, and repairs the losers. Databases are JDBC URLs (PostgreSQL, MariaDB/MySQL,",
      "H2 and SQLite drivers are included), Kafka topics (kafka://HOST:PORT/TOPIC) or",
      "MongoDB collections (mongodb://HOST:PORT/DATABASE.COLLECTION). Passwords come from",
      "an environment variable or a file, never from the command line; URLs are shown redacted.",
      ""
    },
    subcommands = {
      DemoCommand.class,
      DiffCommand.class,
      RepairCommand.class,
      UndoCommand.class,
      VerifyAuditCommand.class,
      RunCommand.class,
      WatchCommand.class,
      CommandLine.HelpCommand.class
    },
    footerHeading = "%nExamples:%n",
    footer = {
      "  reconcile demo",
      "  reconcile diff jdbc:postgresql://db1/shop jdbc:mariadb://db2/shop -t orders -k id \\",
      "      --user1 app --password-env1 PG_PASSWORD --user2 app --password-env2 MARIADB_PASSWORD",
      "  reconcile repair URI1 URI2 -t orders -k id --resolver source-wins              # dry run: prints the SQL",
      "  reconcile repair URI1 URI2 -t orders -k id --resolver source-wins --apply --audit audit.jsonl",
      "  reconcile undo URI1 URI2 -t orders -k id --audit audit.jsonl --run RUN_ID",
      "  reconcile verify-audit audit.jsonl",
      "  reconcile run nightly.yaml",
      "  reconcile watch URI1 URI2 -t orders -k id --state watch-orders --feed1 debezium --feed2 debezium",
      "Exit status: 0 equal / done, 1 different / left undone, 2 error (--debug for the stack trace)."
    })
public final class Main implements Runnable {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  // Declared once for every subcommand; the error handler reads it from the parse result, where
  // it was matched, rather than from this field.
  @CommandLine.Option(
      names = "--debug",
      scope = CommandLine.ScopeType.INHERIT,
      description = "on an error, print the stack trace too")
  private boolean debug;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    CommandLine cli = commandLine();
    // Standard output in blocks, not a system call per line: a diff may print a million lines.
    // Commands flush where a line must be seen at once (as each unit of a run is done, a repair's
    // run id before its first write); what is left is flushed before the exit.
    PrintWriter out = new PrintWriter(new BufferedWriter(cli.getOut(), 1 << 16));
    cli.setOut(out);
    int status = cli.execute(args);
    out.flush();
    System.exit(status);
  }

  /** The command line with its error handling: one line per error, exit status 2. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new Main());
    cli.setExecutionExceptionHandler(
        (e, cmd, parsed) -> {
          PrintWriter err = cmd.getErr();
          String message = e.getMessage();
          boolean expected = e instanceof ReconcileException && message != null;
          err.println("reconcile: error: " + oneLine(expected ? message : e.toString())
              + (expected || debug(parsed) ? "" : " (--debug shows where)"));
          if (debug(parsed)) {
            java.io.StringWriter stack = new java.io.StringWriter();
            e.printStackTrace(new PrintWriter(stack));
            err.print(Secrets.scrub(stack.toString()));
          }
          err.flush();
          return 2;
        });
    cli.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine cmd = e.getCommandLine();
          PrintWriter err = cmd.getErr();
          err.println(cmd.getCommandName().equals("reconcile")
              ? "reconcile: " + oneLine(e.getMessage()) + " (see reconcile --help)"
              : "reconcile " + cmd.getCommandName() + ": " + oneLine(e.getMessage())
                  + " (see reconcile " + cmd.getCommandName() + " --help)");
          err.flush();
          return 2;
        });
    return cli;
  }

  /** Collapsed to one line, scrubbed of every password the CLI read, hints in CLI words. */
  static String oneLine(String message) {
    return CliWords.of(Secrets.scrub(message.strip().replaceAll("\\s*\\R\\s*", " ")));
  }

  private static boolean debug(ParseResult parsed) {
    for (ParseResult p = parsed; p != null; p = p.subcommand()) {
      if (p.hasMatchedOption("--debug")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. `reconcile demo` or `reconcile diff`");
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"reconcile " + (v == null ? "development" : v)};
    }
  }
}
