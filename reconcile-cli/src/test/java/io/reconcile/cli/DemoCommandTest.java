package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

  private record Result(int exit, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  @Test
  void demoWalksEveryStageAndEndsConverged(@TempDir Path dir) throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    Result r = run("demo", "--rows", "5000", "--audit", audit.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("1. detect", "2. decide", "3. dry run", "4. apply", "5. verify")
        .contains("MISSING", "EXTRA", "MISMATCH", "CONCURRENT")
        .contains("8 divergences")
        .contains("9 applied, 0 refused, 0 escalated")
        .contains("a second run finds 0 divergences; digests now equal")
        .contains("audit chain intact")
        .endsWith("done: the stores agree.\n");
    assertThat(Files.readAllLines(audit)).hasSize(20);
    assertThat(r.err()).doesNotContain("segments"); // no progress bar when stderr is not a terminal
  }

  @Test
  void aTemporaryAuditLogIsDeletedAtTheEnd() throws Exception {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    java.util.Set<Path> before = demoLogs(tmp);
    Result r = run("demo", "--rows", "200");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("audit log (temporary, deleted at the end)");
    assertThat(demoLogs(tmp)).isSubsetOf(before);
  }

  private static java.util.Set<Path> demoLogs(Path dir) throws java.io.IOException {
    try (var files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("reconcile-demo-")).collect(java.util.stream.Collectors.toSet());
    }
  }

  @Test
  void helpListsEveryCommandWithAOneLineDescription() {
    Result r = run("--help");
    String commands = r.out().replaceAll("(?s).*Commands:\n(.*?)\n\n.*", "$1");
    assertThat(commands.lines().toList()).hasSize(8).allMatch(l -> l.matches("  [a-z-]+ +[A-Z].*[.)]"));
  }

  @Test
  void badOptionsExitWithUsage() {
    Result r = run("demo", "--rows", "3");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--rows must be at least 20, but was 3");
    assertThat(run().exit()).isEqualTo(2);
    assertThat(run("--version").out()).startsWith("reconcile ");
  }
}
