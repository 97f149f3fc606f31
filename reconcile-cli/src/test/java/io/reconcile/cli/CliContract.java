package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reconcile.testservers.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end-to-end contract of {@code reconcile} on real databases: a table of 40 accounts in two
 * fresh databases, with one row missing from the second, one extra in it and one changed, compared
 * and repaired by the packaged jar run as a process. Subclasses give the databases.
 */
abstract class CliContract {

  /** The planted differences, exactly as {@code reconcile diff} prints them. */
  static final String DIFF =
      "- 7 balance=7.5, name=\"name 7\", updated_at=2026-01-01T00:07:00Z\n"
          + "~ 12 name: \"name 12\" → \"renamed\", updated_at: 2026-01-01T00:12:00Z → 2026-06-01T00:00:00Z\n"
          + "+ 41 balance=0, name=\"ghost\", updated_at=2026-01-01T00:41:00Z\n";

  static final String PASSWORD_VAR = "RECONCILE_TEST_PASSWORD";

  @TempDir Path dir;

  TestDatabase first;
  TestDatabase second;

  /** A fresh, empty database for the first side. */
  abstract TestDatabase newFirst();

  /** A fresh, empty database for the second side. */
  abstract TestDatabase newSecond();

  /** The DDL of the accounts table on this database. */
  static String createTable(TestDatabase db) {
    String timestamp = db.jdbcUrl().startsWith("jdbc:mariadb:") ? "DATETIME(3)" : "TIMESTAMP(3)";
    return "CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(10,2) NOT NULL, updated_at "
        + timestamp + " NOT NULL)";
  }

  @BeforeEach
  void plant() {
    first = newFirst();
    second = newSecond();
    for (TestDatabase db : List.of(first, second)) {
      StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES ");
      for (int i = 1; i <= 40; i++) {
        rows.append(i == 1 ? "" : ", ")
            .append(String.format("(%d, 'name %d', %d.50, '2026-01-01 00:%02d:00')", i, i, i, i));
      }
      db.exec(createTable(db), rows.toString());
    }
    second.exec(
        "DELETE FROM accounts WHERE id = 7",
        "INSERT INTO accounts VALUES (41, 'ghost', 0, '2026-01-01 00:41:00')",
        "UPDATE accounts SET name = 'renamed', updated_at = '2026-06-01 00:00:00' WHERE id = 12");
  }

  /** The command, then both URIs with users and passwords (from the environment), the table and key, then {@code more}. */
  Cli.Result run(String command, String... more) {
    return runOn("accounts", "id", command, more);
  }

  /** The environment that holds the databases' passwords, as {@link #runOn} names them. */
  Map<String, String> passwordEnvironment() {
    Map<String, String> env = new HashMap<>();
    if (!first.password().isEmpty()) {
      env.put(PASSWORD_VAR + "1", first.password());
    }
    if (!second.password().isEmpty()) {
      env.put(PASSWORD_VAR + "2", second.password());
    }
    return env;
  }

  /** As {@link #run}, on another table or key. */
  Cli.Result runOn(String table, String key, String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, first.jdbcUrl(), second.jdbcUrl(), "-t", table, "-k", key));
    Map<String, String> env = new HashMap<>();
    args.addAll(List.of("--user1", first.user(), "--user2", second.user()));
    if (!first.password().isEmpty()) {
      args.addAll(List.of("--password-env1", PASSWORD_VAR + "1"));
      env.put(PASSWORD_VAR + "1", first.password());
    }
    if (!second.password().isEmpty()) {
      args.addAll(List.of("--password-env2", PASSWORD_VAR + "2"));
      env.put(PASSWORD_VAR + "2", second.password());
    }
    args.addAll(List.of(more));
    return Cli.run(env, args);
  }

  private String secondTable() {
    return second.query("SELECT id, name, balance, updated_at FROM accounts ORDER BY id");
  }

  @Test
  @DisplayName("diff prints exactly the planted differences, git-style, and exits 1")
  void diff() {
    Cli.Result r = run("diff");
    assertThat(r.out()).as(r.toString()).isEqualTo(DIFF);
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isEqualTo(1);
  }

  @Test
  @DisplayName("diff --json --stats prints one JSON object per difference, then the stats")
  void json() throws Exception {
    Cli.Result r = run("diff", "--json", "--stats");
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = r.out().lines().map(l -> {
      try {
        return json.readTree(l);
      } catch (Exception e) {
        throw new AssertionError("not JSON: " + l, e);
      }
    }).toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0).get("op").asText()).isEqualTo("-");
    assertThat(lines.get(0).get("key").get("id").asLong()).isEqualTo(7);
    assertThat(lines.get(0).get("key").get("id").isTextual()).isTrue();
    assertThat(lines.get(0).get("first").get("balance").asText()).isEqualTo("7.5");
    assertThat(lines.get(1).get("changed").toString()).isEqualTo("[\"name\",\"updated_at\"]");
    assertThat(lines.get(2).get("second").get("name").asText()).isEqualTo("ghost");
    assertThat(lines.get(3).get("stats").get("changed").asLong()).isEqualTo(1);
  }

  @Test
  @DisplayName("repair --dry-run prints the statements with their binds and changes nothing")
  void dryRun() {
    String before = secondTable();
    Cli.Result r = run("repair", "--resolver", "source-wins", "--dry-run");
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains(
        "-- accounts: 3 difference(s), 3 statement(s) planned; dry run, nothing was written\n",
        "INSERT INTO accounts (id, balance, name, updated_at) VALUES (?, ?, ?, ?);\n"
            + "--   binds: 7, 7.5, \"name 7\", 2026-01-01T00:07:00Z\n--   only if key 7 is still absent\n",
        "UPDATE accounts SET balance = ?, name = ?, updated_at = ? WHERE id = ?;\n"
            + "--   binds: 12.5, \"name 12\", 2026-01-01T00:12:00Z, 12\n",
        "DELETE FROM accounts WHERE id = ?;\n--   binds: 41\n");
    assertThat(secondTable()).isEqualTo(before);
  }

  @Test
  @DisplayName("repair --apply prints its run id first, makes diff exit 0, the audit verifies, and the printed undo line restores the table")
  void applyAndUndo() {
    String before = secondTable();
    Path audit = dir.resolve("audit.jsonl");
    Cli.Result apply = run("repair", "--resolver", "source-wins", "--apply", "--audit", audit.toString(), "-c", "name,balance,updated_at");
    assertThat(apply.exit()).as(apply.toString()).isZero();
    String runId = apply.out().replaceAll("(?s).*--run (\\S+)\n.*", "$1");
    assertThat(apply.out().lines().findFirst().orElseThrow())
        .startsWith("accounts: run " + runId + " started; if it is interrupted, finish it with: reconcile repair ")
        .endsWith(" --resume " + runId)
        .doesNotContain(first.password().isEmpty() ? "\u0000" : first.password());
    assertThat(apply.out()).contains("3 applied, 0 already in place, 0 refused");
    Cli.Result again = run("diff");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(again.out()).isEmpty();
    assertThat(Cli.run("verify-audit", audit.toString()).exit()).isZero();

    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    assertThat(undoLine).startsWith("reconcile undo ").contains(" -c name,balance,updated_at ", " --run " + runId);
    Cli.Result undo = Cli.shell(passwordEnvironment(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(undo.out()).contains("3 reversed");
    assertThat(secondTable()).isEqualTo(before);
    assertThat(run("diff").out()).isEqualTo(DIFF);
  }

  @Test
  @DisplayName("lww:COLUMN copies the newer row either way and never deletes")
  void lastWriterWins() {
    Path audit = dir.resolve("audit.jsonl");
    Cli.Result r = run("repair", "--resolver", "lww:updated_at", "--apply", "--audit", audit.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(first.query("SELECT name FROM accounts WHERE id = 12")).isEqualTo("renamed\n");
    assertThat(first.query("SELECT name FROM accounts WHERE id = 41")).isEqualTo("ghost\n");
    assertThat(second.query("SELECT name FROM accounts WHERE id = 7")).isEqualTo("name 7\n");
    assertThat(run("diff").exit()).isZero();
  }
}
