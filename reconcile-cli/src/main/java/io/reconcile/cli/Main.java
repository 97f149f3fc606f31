package io.reconcile.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code reconcile} command. */
@Command(
    name = "reconcile",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Finds where copies of the same data have drifted apart, decides which version wins, and repairs the losers.",
    subcommands = {DemoCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  /** Runs the command line and exits with its code. */
  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a command, e.g. `reconcile demo`");
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
