package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconcile undo}, run as a process from PostgreSQL to MariaDB, acts only on what the audit
 * proves: a tampered audit file, or a database the run never wrote to, is refused before the first
 * write; a run that compared some columns only is undone whole-row, every column as it was.
 */
class UndoSafetyIT {

  @TempDir Path dir;

  TestDatabase first;
  TestDatabase second;
  Path audit;

  @BeforeEach
  void plant() {
    first = TestServers.postgres();
    second = TestServers.mariaDb();
    StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES (1, 'name 1', 'kept 1')");
    for (int i = 2; i <= 100; i++) {
      rows.append(String.format(", (%d, 'name %d', 'kept %d')", i, i, i));
    }
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note VARCHAR(40))", rows.toString());
    }
    second.exec("UPDATE accounts SET name = 'renamed', note = 'only here' WHERE id = 12",
        "INSERT INTO accounts VALUES (101, 'ghost', 'its own note')");
    audit = dir.resolve("audit.jsonl");
  }

  private Cli.Result run(TestDatabase target, String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, first.jdbcUrl(), target.jdbcUrl(), "-t", "accounts", "-k", "id",
        "-c", "name", "--user2", target.user(), "--password-env2", "PW"));
    args.addAll(List.of(more));
    return Cli.run(Map.of("PW", target.password()), args);
  }

  private String applied() {
    Cli.Result r = run(second, "repair", "--resolver", "source-wins", "--apply", "--audit", audit.toString());
    assertThat(r.exit()).as(r.toString()).isZero();
    return r.out().replaceAll("(?s).*--run (\\S+)\n.*", "$1");
  }

  @Test
  @DisplayName("a run that compared one column is undone whole-row: the deleted row comes back with every column")
  void undoRestoresWholeRows() {
    String before = second.checksum();
    String runId = applied();
    assertThat(second.query("SELECT count(*) FROM accounts WHERE id = 101")).isEqualTo("0\n");
    Cli.Result undo = run(second, "undo", "--audit", audit.toString(), "--run", runId);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(second.query("SELECT id, name, note FROM accounts WHERE id IN (12, 101) ORDER BY id"))
        .isEqualTo("12|renamed|only here\n101|ghost|its own note\n");
    assertThat(second.checksum()).isEqualTo(before);
  }

  @Test
  @DisplayName("an audit file edited after the run: verify-audit says so and undo refuses, writing nothing")
  void tamperedAuditIsRefused() throws Exception {
    String runId = applied();
    String repaired = second.checksum();
    String text = Files.readString(audit);
    assertThat(text).contains("\"renamed\"");
    Files.writeString(audit, text.replace("\"renamed\"", "\"tampered\""));
    assertThat(Cli.run("verify-audit", audit.toString()).exit()).isEqualTo(1);

    Cli.Result undo = run(second, "undo", "--audit", audit.toString(), "--run", runId);
    assertThat(undo.exit()).as(undo.toString()).isEqualTo(2);
    assertThat(undo.err().lines().toList()).as(undo.toString()).hasSize(1);
    assertThat(second.checksum()).isEqualTo(repaired);
  }

  @Test
  @DisplayName("undo against a database the run never wrote to (same table, same product) is refused, writing nothing")
  void otherDatabaseIsRefused() {
    String runId = applied();
    TestDatabase other = TestServers.mariaDb();
    other.exec("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, note VARCHAR(40))",
        "INSERT INTO accounts VALUES (1, 'name 1', 'kept 1')");
    String untouched = other.checksum();
    Cli.Result undo = run(other, "undo", "--audit", audit.toString(), "--run", runId);
    assertThat(undo.exit()).as(undo.toString()).isEqualTo(2);
    assertThat(undo.err()).contains("accounts@second").contains("database");
    assertThat(other.checksum()).isEqualTo(untouched);
  }

  @Test
  @DisplayName("undo asks for every option the run used: -c differing from the run's is a store the run did not write")
  void otherColumnsAreRefused() {
    String runId = applied();
    String repaired = second.checksum();
    List<String> args = new ArrayList<>(List.of("undo", first.jdbcUrl(), second.jdbcUrl(), "-t", "accounts", "-k", "id",
        "--user2", second.user(), "--password-env2", "PW", "--audit", audit.toString(), "--run", runId));
    Cli.Result undo = Cli.run(Map.of("PW", second.password()), args);
    assertThat(undo.exit()).as(undo.toString()).isEqualTo(2);
    assertThat(undo.err()).contains("fields");
    assertThat(second.checksum()).isEqualTo(repaired);
  }
}
