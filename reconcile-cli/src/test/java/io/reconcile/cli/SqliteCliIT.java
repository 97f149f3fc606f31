package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a process on two SQLite files, through the SQLite dialect the jar carries:
 * compared, repaired, compared again and undone, as an operator would.
 */
class SqliteCliIT {

  @TempDir Path dir;

  private String first;
  private String second;

  private static void exec(String url, String... sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  @BeforeEach
  void plant() throws SQLException {
    first = "jdbc:sqlite:" + dir.resolve("first.db");
    second = "jdbc:sqlite:" + dir.resolve("second.db");
    for (String url : new String[] {first, second}) {
      StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES ");
      for (int i = 1; i <= 40; i++) {
        rows.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'name ").append(i).append("', ").append(i).append(".50)");
      }
      exec(url, "CREATE TABLE accounts (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(10,2) NOT NULL)",
          rows.toString());
    }
    exec(second,
        "DELETE FROM accounts WHERE id = 7",
        "INSERT INTO accounts VALUES (41, 'ghost', 0)",
        "UPDATE accounts SET name = 'renamed', balance = 99 WHERE id = 12");
  }

  @Test
  @DisplayName("diff, repair --apply, diff again and the printed undo line, on two SQLite files")
  void diffRepairUndo() {
    String diffOut = "- 7 balance=7.5, name=\"name 7\"\n"
        + "~ 12 balance: 12.5 → 99, name: \"name 12\" → \"renamed\"\n"
        + "+ 41 balance=0, name=\"ghost\"\n";
    Cli.Result diff = Cli.run("diff", first, second, "-t", "accounts", "-k", "id");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).isEqualTo(diffOut);

    Path audit = dir.resolve("audit.jsonl");
    Cli.Result apply = Cli.run("repair", first, second, "-t", "accounts", "-k", "id",
        "--resolver", "source-wins", "--apply", "--audit", audit.toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("undo with: reconcile undo ");

    Cli.Result clean = Cli.run("diff", first, second, "-t", "accounts", "-k", "id");
    assertThat(clean.exit()).as(clean.toString()).isZero();
    assertThat(clean.out()).isEmpty();

    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    Cli.Result undo = Cli.shell(java.util.Map.of(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    Cli.Result again = Cli.run("diff", first, second, "-t", "accounts", "-k", "id");
    assertThat(again.exit()).as(again.toString()).isEqualTo(1);
    assertThat(again.out()).isEqualTo(diffOut);
  }

  @Test
  @DisplayName("a diff against a mistyped SQLite path is one line and exit 2, and creates no file")
  void missingFileIsNotCreated() {
    Path typo = dir.resolve("secnod.db");
    Cli.Result diff = Cli.run("diff", first, "jdbc:sqlite:" + typo, "-t", "accounts", "-k", "id");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(2);
    assertThat(diff.err().lines()).singleElement().asString().startsWith("reconcile: error: ").contains("does not exist");
    assertThat(typo).doesNotExist();
  }
}
