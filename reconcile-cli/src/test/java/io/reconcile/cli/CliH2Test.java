package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands in this JVM against two H2 databases: fast checks of output, exit codes and errors. */
class CliH2Test {

  private static final AtomicInteger DB = new AtomicInteger();

  private record Result(int exit, String out, String err) {}

  private String first;
  private String second;

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  private static void exec(String url, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @BeforeEach
  void plant() throws SQLException {
    int n = DB.incrementAndGet();
    first = "jdbc:h2:mem:first" + n + ";DB_CLOSE_DELAY=-1";
    second = "jdbc:h2:mem:second" + n + ";DB_CLOSE_DELAY=-1";
    for (String url : new String[] {first, second}) {
      exec(url, "CREATE TABLE accounts (id BIGINT PRIMARY KEY, name VARCHAR(40), balance DECIMAL(10,2))");
      StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES ");
      for (int i = 1; i <= 40; i++) {
        rows.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'name ").append(i).append("', ").append(i).append(".50)");
      }
      exec(url, rows.toString());
    }
    exec(second,
        "DELETE FROM accounts WHERE id = 7",
        "INSERT INTO accounts VALUES (41, 'ghost', 0.00)",
        "UPDATE accounts SET name = 'renamed', balance = 99.00 WHERE id = 12");
  }

  private String[] args(String command, String... more) {
    String[] base = {command, first, second, "-t", "accounts", "-k", "id", "--user1", "sa", "--user2", "sa"};
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void diffPrintsEachDifferenceGitStyleAndExitsOne() {
    Result r = run(args("diff"));
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(
        "- 7 balance=7.5, name=\"name 7\"\n"
            + "~ 12 balance: 12.5 → 99, name: \"name 12\" → \"renamed\"\n"
            + "+ 41 balance=0, name=\"ghost\"\n");
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  void limitAndStatsAndJson() {
    Result r = run(args("diff", "--limit", "1", "--stats"));
    assertThat(r.out()).startsWith("- 7 ").contains("accounts: 1 only in first, 1 only in second, 1 changed;");
    assertThat(r.err()).isEqualTo("2 more difference(s) not shown (--limit 1)\n");
    Result j = run(args("diff", "--json", "-c", "name"));
    assertThat(j.out().lines()).containsExactly(
        "{\"table\":\"accounts\",\"op\":\"-\",\"kind\":\"MISSING\",\"key\":{\"id\":\"7\"},\"first\":{\"name\":\"name 7\"},\"second\":null}",
        "{\"table\":\"accounts\",\"op\":\"~\",\"kind\":\"MISMATCH\",\"key\":{\"id\":\"12\"},\"first\":{\"name\":\"name 12\"},"
            + "\"second\":{\"name\":\"renamed\"},\"changed\":[\"name\"]}",
        "{\"table\":\"accounts\",\"op\":\"+\",\"kind\":\"EXTRA\",\"key\":{\"id\":\"41\"},\"first\":null,\"second\":{\"name\":\"ghost\"}}");
  }

  @Test
  void dryRunPrintsStatementsAndWritesNothingThenApplyAndUndo(@TempDir Path dir) {
    Result dry = run(args("repair", "--resolver", "source-wins"));
    assertThat(dry.exit()).isEqualTo(1);
    assertThat(dry.out()).contains(
        "INSERT INTO accounts (id, balance, name) VALUES (?, ?, ?);\n--   binds: 7, 7.5, \"name 7\"\n--   only if key 7 is still absent",
        "UPDATE accounts SET balance = ?, name = ? WHERE id = ?;\n--   binds: 12.5, \"name 12\", 12\n",
        "DELETE FROM accounts WHERE id = ?;\n--   binds: 41\n--   only if key 41 still holds balance=0, name=\"ghost\"");
    assertThat(run(args("diff")).exit()).as("the dry run wrote nothing").isEqualTo(1);

    Path audit = dir.resolve("audit.jsonl");
    Result apply = run(args("repair", "--resolver", "source-wins", "--apply", "--audit", audit.toString()));
    assertThat(apply.exit()).as(apply.out() + apply.err()).isZero();
    assertThat(apply.out()).contains("3 applied", "verified: ");
    assertThat(run(args("diff")).exit()).isZero();
    assertThat(run("verify-audit", audit.toString()).exit()).isZero();

    String runId = apply.out().replaceAll("(?s).*--run (\\S+).*", "$1");
    Result undo = run(args("undo", "--audit", audit.toString(), "--run", runId));
    assertThat(undo.exit()).as(undo.out() + undo.err()).isZero();
    assertThat(undo.out()).contains("3 reversed");
    assertThat(run(args("diff")).out()).startsWith("- 7 ");
  }

  @Test
  void tablesNamedDifferentlyOnTheTwoSides() throws SQLException {
    exec(second, "ALTER TABLE accounts RENAME TO accounts_copy");
    String[] both = {first, second, "-t", "accounts,accounts_copy", "-k", "id", "--user1", "sa", "--user2", "sa"};
    Result diff = run(concat("diff", both));
    assertThat(diff.exit()).as(diff.err()).isEqualTo(1);
    assertThat(diff.out()).startsWith("- 7 ").contains("~ 12 ", "+ 41 ");
    Result dry = run(concat("repair", concat("--resolver", concat("source-wins", both))));
    assertThat(dry.err()).isEmpty();
    assertThat(dry.out()).contains("DELETE FROM accounts_copy WHERE id = ?;");
    Result bad = run("diff", first, second, "-t", "a,b,c", "-k", "id");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.err()).contains("-t takes TABLE or TABLE,TABLE2");
  }

  private static String[] concat(String command, String... rest) {
    String[] all = new String[rest.length + 1];
    all[0] = command;
    System.arraycopy(rest, 0, all, 1, rest.length);
    return all;
  }

  @Test
  void errorsAreOneLineWithExitTwo() {
    Result missing = run("diff", first, second, "-t", "nosuch", "-k", "id", "--user1", "sa", "--user2", "sa");
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err().lines()).hasSize(1);
    assertThat(missing.err()).startsWith("reconcile: error: ").containsIgnoringCase("nosuch");

    Result usage = run("diff", first);
    assertThat(usage.exit()).isEqualTo(2);
    assertThat(usage.err().lines()).hasSize(1);
    assertThat(usage.err()).startsWith("reconcile diff: ").endsWith("(see reconcile diff --help)\n");

    Result debug = run(args("diff", "-k", "nosuch", "--debug"));
    assertThat(debug.exit()).isEqualTo(2);
    assertThat(debug.err().lines().count()).isGreaterThan(3);
    assertThat(debug.err()).contains("\tat io.reconcile.");
  }

  @Test
  void aFilterThatIsNotOneConditionIsRefusedInTheWordsOfTheCommandLine() {
    Result stacked = run(args("diff", "-w", "id > 0; DELETE FROM accounts"));
    assertThat(stacked.exit()).isEqualTo(2);
    assertThat(stacked.err().lines()).hasSize(1);
    assertThat(stacked.err())
        .startsWith("reconcile: error: ")
        .contains("-w/--where must be one SQL boolean expression, but it has ';'")
        .doesNotContain("filter");

    Result closing = run(args("diff", "-w", "1=1) OR (1=1"));
    assertThat(closing.err()).contains("the parentheses reconcile puts around -w").doesNotContain("filter");
  }

  @Test
  void lastWriterWinsNeedsAComparedTimestampColumn(@TempDir Path dir) {
    String audit = dir.resolve("audit.jsonl").toString();
    Result text = run(args("repair", "--resolver", "lww:name", "--apply", "--audit", audit));
    assertThat(text.exit()).isEqualTo(2);
    assertThat(text.err().lines()).hasSize(1);
    assertThat(text.err()).contains("--resolver lww:name needs a compared timestamp column 'name'", "holds TEXT");

    Result missing = run(args("repair", "--resolver", "lww:updated_at", "-c", "name"));
    assertThat(missing.exit()).isEqualTo(2);
    assertThat(missing.err()).contains("compares no such column (compared: [name])");
    assertThat(run(args("diff")).out()).startsWith("- 7 ");
  }

  @Test
  void verifyAuditFindsATamperedLine(@TempDir Path dir) throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    run(args("repair", "--resolver", "source-wins", "--apply", "--audit", audit.toString()));
    String text = Files.readString(audit);
    Files.writeString(audit, text.replaceFirst("\"name 7\"", "\"name 8\""));
    Result r = run("verify-audit", audit.toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("BROKEN after");
    assertThat(run("verify-audit", dir.resolve("none.jsonl").toString()).exit()).isEqualTo(2);
  }
}
