package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconcile repair --apply}, run as a process, when things go wrong in the middle: the
 * process is killed with SIGKILL, the database drops its connections, another client writes a row
 * the repair is about to write. The repair is held at a known point without sleeping: a trigger on
 * the target table waits for an advisory lock the test holds, for rows from key 200 on, so the rows
 * below are repaired (and checkpointed) first. Afterwards the stores converge (after a resume where
 * the process died) and undo restores the target's checksum exactly.
 */
class PostgresRepairFaultsIT {

  private static final int LOCK = 4242;
  private static final int HELD_FROM = 200;

  @TempDir Path dir;

  TestDatabase first;
  TestDatabase second;
  Connection holder;

  @BeforeEach
  void plant() throws SQLException {
    first = TestServers.postgres();
    second = TestServers.postgres();
    StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES (1, 'name 1', 1.50, 'kept 1')");
    for (int i = 2; i <= 2000; i++) {
      rows.append(String.format(", (%d, 'name %d', %d.50, 'kept %d')", i, i, i, i));
    }
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(10,2) NOT NULL,"
          + " note TEXT)", rows.toString());
    }
    // Drift all over the key range: changed rows, a missing one and an extra one on each side of the hold.
    second.exec("UPDATE accounts SET name = 'drifted' WHERE id % 50 = 0", "DELETE FROM accounts WHERE id IN (7, 777)",
        "INSERT INTO accounts VALUES (2001, 'ghost', 0, 'extra'), (150, 'x', 0, 'x') ON CONFLICT DO NOTHING",
        "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF COALESCE(NEW.id, OLD.id) >= " + HELD_FROM + " THEN PERFORM pg_advisory_xact_lock(" + LOCK + "); END IF;"
            + " RETURN COALESCE(NEW, OLD); END $$",
        "CREATE TRIGGER hold BEFORE INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION hold()");
    holder = second.dataSource().getConnection();
    try (Statement s = holder.createStatement()) {
      s.execute("SELECT pg_advisory_lock(" + LOCK + ")");
    }
  }

  @AfterEach
  void release() throws SQLException {
    holder.close();
  }

  private List<String> args(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, first.jdbcUrl(), second.jdbcUrl(), "-t", "accounts", "-k", "id",
        "-c", "name,balance"));
    args.addAll(List.of(more));
    return args;
  }

  private List<String> apply(String... more) {
    List<String> a = args("repair", "--resolver", "source-wins", "--apply", "--audit", dir.resolve("audit.jsonl").toString());
    a.addAll(List.of(more));
    return a;
  }

  /** Starts the repair and waits until it is held by the trigger; returns the process and its run id. */
  private Held startHeld() throws Exception {
    Process p = Cli.start(Map.of(), apply());
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    assertThat(first).as("the first line names the run before anything is written").contains(": run ");
    String runId = first.replaceAll(".*: run (\\S+) started.*", "$1");
    CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
      StringBuilder sb = new StringBuilder(first).append('\n');
      out.lines().forEach(l -> sb.append(l).append('\n'));
      return sb.toString();
    });
    awaitTrue("the repair waits on the held rows", () -> waiting() == 1);
    return new Held(p, runId, rest);
  }

  private record Held(Process process, String runId, CompletableFuture<String> output) {}

  private long waiting() {
    return Long.parseLong(second.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").strip());
  }

  private void unhold() throws SQLException {
    try (Statement s = holder.createStatement()) {
      s.execute("SELECT pg_advisory_unlock(" + LOCK + ")");
    }
  }

  /** Waits for a condition the test can observe, polling it; fails after a minute. */
  private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
    Instant until = Instant.now().plus(Duration.ofMinutes(1));
    while (!condition.getAsBoolean()) {
      assertThat(Instant.now()).as("still waiting: " + what).isBefore(until);
      Thread.sleep(20); // between polls of the condition, not as a guess at a duration
    }
  }

  private String table(TestDatabase db) {
    return db.query("SELECT id, name, balance, note FROM accounts ORDER BY id");
  }

  @Test
  @DisplayName("kill -9 in the middle of a repair, then --resume: the stores converge and undo restores the checksum")
  void killedThenResumed() throws Exception {
    String before = second.checksum();
    Held held = startHeld();
    held.process().destroyForcibly();
    assertThat(held.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    second.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
    unhold();
    assertThat(second.checksum()).as("the rows below the hold were repaired before the kill").isNotEqualTo(before);

    Cli.Result resumed = Cli.run(Map.of(), apply("--resume", held.runId()));
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    Cli.Result diff = Cli.run(Map.of(), args("diff"));
    assertThat(diff.exit()).as(diff.toString()).isZero();

    Cli.Result undo = Cli.run(Map.of(), args("undo", "--audit", dir.resolve("audit.jsonl").toString(), "--run", held.runId()));
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(second.checksum()).isEqualTo(before);
  }

  @Test
  @DisplayName("the database drops the repair's connection: the batch is retried, the run finishes and undo restores the checksum")
  void connectionDroppedMidRun() throws Exception {
    String before = second.checksum();
    Held held = startHeld();
    second.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        + " AND pid <> " + backendPid());
    unhold();
    assertThat(held.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = held.output().get(30, TimeUnit.SECONDS);
    assertThat(held.process().exitValue()).as(output).isZero();
    assertThat(Cli.run(Map.of(), args("diff")).exit()).isZero();

    Cli.Result undo = Cli.run(Map.of(), args("undo", "--audit", dir.resolve("audit.jsonl").toString(), "--run", held.runId()));
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(second.checksum()).isEqualTo(before);
  }

  @Test
  @DisplayName("a row written by another client after detection is refused and reported, never overwritten")
  void concurrentWriterWins() throws Exception {
    Held held = startHeld();
    try (Statement s = holder.createStatement()) {
      s.execute("UPDATE accounts SET name = 'written meanwhile' WHERE id = 1000"); // the holder's own lock lets it through
    }
    unhold();
    assertThat(held.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
    String output = held.output().get(30, TimeUnit.SECONDS);
    assertThat(held.process().exitValue()).as(output).isEqualTo(1);
    assertThat(output).contains("1 refused (changed since)");
    assertThat(second.query("SELECT name FROM accounts WHERE id = 1000")).isEqualTo("written meanwhile\n");
    Cli.Result diff = Cli.run(Map.of(), args("diff"));
    assertThat(diff.out()).isEqualTo("~ 1000 name: \"name 1000\" → \"written meanwhile\"\n");
  }

  private long backendPid() throws SQLException {
    try (Statement s = holder.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
