package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconcile repair --apply}, run as a process, when things go wrong in the middle: the
 * process is killed with SIGKILL, the database ends the repair's session, the database server is
 * stopped and started again (soon enough for the retries, or not), another client writes a row the
 * repair is about to write. The target's server is this class's own ({@link TestServer}), so it
 * can be restarted; the source is on the shared server; both log in with a password where the
 * product asks for one.
 *
 * <p>The repair is held at a known point without sleeping: triggers on the target table wait for a
 * lock the test holds ({@link #holdSql()}) before writing a row from key {@value #HELD_FROM} on, so
 * the rows below are repaired (and checkpointed) first — the engine writes unit after unit, and a
 * unit reads at most 16,384 rows, so the table has {@value #ROWS} — and the test sees the repair
 * waiting ({@link #sessionsWaiting}). After each case: the stores agree (after a resume where the run stopped),
 * undo restores the target's checksum exactly, and no password is in any output, audit or
 * checkpoint. Subclasses give the product of the target.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RepairFaultsContract {

  static final int ROWS = 40_000;
  static final int HELD_FROM = ROWS / 2;
  /**
   * A drifted key above the hold, which a concurrent writer changes while the repair waits: in a
   * later unit than the held batch, whose locked read has not reached it.
   */
  static final int MEANWHILE = ROWS - 5_000;
  static final String PASSWORD_VAR = "RECONCILE_TEST_PASSWORD";

  TestServer server;
  Path dir;
  TestDatabase first;
  TestDatabase second;
  Connection holder;
  private final List<String> outputs = new ArrayList<>();
  private final List<Process> started = new ArrayList<>();

  /** A server of this class's own for the target, of the product under test. */
  abstract TestServer newServer();

  /** A new database for the source, on a shared server. */
  abstract TestDatabase newSource();

  /**
   * Statements that make every insert, update and delete of a row of {@code accounts} with id >=
   * {@value #HELD_FROM} wait until it can take the lock of {@link #holdSql()} (a session holding it
   * passes).
   */
  abstract List<String> createHold();

  /** Takes the lock the triggers wait for, in the holder's session (the target database). */
  abstract String holdSql();

  /** Releases it. */
  abstract String unholdSql();

  /** How many sessions of {@code db} wait for the lock. */
  abstract long sessionsWaiting(TestDatabase db);

  /** Ends the sessions of {@code db} that wait for the lock (the server would not notice a killed client). */
  abstract void endWaitingSessions(TestDatabase db);

  /** Ends every session of {@code db} but the test's own: {@code keep} and the one that does it. */
  abstract void endSessionsExcept(TestDatabase db, Connection keep) throws SQLException;

  @BeforeAll
  void startServer() {
    server = newServer();
  }

  @AfterAll
  void closeServer() {
    if (server != null) {
      server.close();
    }
  }

  @BeforeEach
  void plant(@TempDir Path dir) throws SQLException {
    this.dir = dir;
    outputs.clear();
    started.clear();
    holder = null;
    first = newSource();
    second = server.newDatabase();
    StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES (1, 'name 1', 1.50, 'kept 1')");
    for (int i = 2; i <= ROWS; i++) {
      rows.append(String.format(", (%d, 'name %d', %d.50, 'kept %d')", i, i, i, i));
    }
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(10,2) NOT NULL,"
          + " note TEXT)", rows.toString());
    }
    // Drift all over the key range: changed rows, missing ones on each side of the hold, an extra one.
    second.exec("UPDATE accounts SET name = 'drifted' WHERE id % 50 = 0",
        "DELETE FROM accounts WHERE id IN (7, " + (HELD_FROM + 777) + ")",
        "INSERT INTO accounts VALUES (" + (ROWS + 1) + ", 'ghost', 0, 'extra')");
    second.exec(createHold().toArray(String[]::new));
    holder = second.dataSource().getConnection();
    try (Statement s = holder.createStatement()) {
      s.execute(holdSql());
    }
  }

  @AfterEach
  void noSecretAnywhere() throws IOException, SQLException {
    started.forEach(Process::destroyForcibly); // a case that failed half-way leaves no repair behind
    if (holder != null) {
      holder.close();
    }
    if (!server.isRunning()) {
      server.start();
    }
    List<String> texts = new ArrayList<>(outputs);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        texts.add(f + ":\n" + Files.readString(f));
      }
    }
    assertThat(outputs).as("no stack trace without --debug").noneMatch(t -> t.contains("\tat "));
    for (String password : List.of(first.password(), second.password())) {
      if (!password.isEmpty()) {
        assertThat(texts).as("outputs, audit and checkpoints").noneMatch(t -> t.contains(password));
      }
    }
  }

  // ---------------------------------------------------------------- running the command

  List<String> args(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, first.jdbcUrl(), second.jdbcUrl(), "-t", "accounts", "-k", "id",
        "-c", "name,balance", "--user1", first.user(), "--user2", second.user()));
    if (!first.password().isEmpty()) {
      args.addAll(List.of("--password-env1", PASSWORD_VAR + "1"));
    }
    if (!second.password().isEmpty()) {
      args.addAll(List.of("--password-env2", PASSWORD_VAR + "2"));
    }
    args.addAll(List.of(more));
    return args;
  }

  private Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put(PASSWORD_VAR + "1", first.password());
    env.put(PASSWORD_VAR + "2", second.password());
    return env;
  }

  private Path audit() {
    return dir.resolve("audit.jsonl");
  }

  private List<String> apply(String... more) {
    List<String> a = args("repair", "--resolver", "source-wins", "--apply", "--audit", audit().toString());
    a.addAll(List.of(more));
    return a;
  }

  private Cli.Result run(List<String> args) {
    Cli.Result r = Cli.run(environment(), args);
    outputs.add(r.toString());
    return r;
  }

  /** Starts the repair and waits until the triggers hold it; returns the process and its run id. */
  private Held startHeld() throws Exception {
    Process p = Cli.start(environment(), apply());
    started.add(p);
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    assertThat(line).as("the first line names the run before anything is written").contains(": run ");
    String runId = line.replaceAll(".*: run (\\S+) started.*", "$1");
    CompletableFuture<String> rest = CompletableFuture.supplyAsync(() -> {
      StringBuilder sb = new StringBuilder(line).append('\n');
      out.lines().forEach(l -> sb.append(l).append('\n'));
      return sb.toString();
    });
    await("the repair waits on the held rows").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(20))
        .until(() -> sessionsWaiting(second) == 1);
    return new Held(p, runId, rest);
  }

  private record Held(Process process, String runId, CompletableFuture<String> output) {}

  /** Waits for the held repair to exit (at most {@code limit}); returns its exit status and output. */
  private Cli.Result finish(Held held, Duration limit) throws Exception {
    assertThat(held.process().waitFor(limit.toSeconds(), TimeUnit.SECONDS)).as("the repair exits within " + limit).isTrue();
    String output = held.output().get(30, TimeUnit.SECONDS);
    outputs.add(output);
    return new Cli.Result(held.process().exitValue(), output, "");
  }

  private void unhold() throws SQLException {
    try (Statement s = holder.createStatement()) {
      s.execute(unholdSql());
    }
  }

  /** The stores agree: diff exits 0 and reports nothing. */
  private void assertConverged() {
    Cli.Result diff = run(args("diff", "--json"));
    assertThat(diff.exit()).as(diff.toString()).isZero();
    assertThat(diff.out()).as(diff.toString()).isEmpty();
  }

  /** Undoes the run; the target's checksum is then {@code before}. */
  private void assertUndoRestores(String runId, String before) {
    Cli.Result undo = run(args("undo", "--audit", audit().toString(), "--run", runId));
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(undo.out()).as(undo.toString()).contains("undid run " + runId, " 0 refused");
    assertThat(second.checksum()).isEqualTo(before);
  }

  // ---------------------------------------------------------------- the cases

  @Test
  @DisplayName("kill -9 in the middle of a repair, then --resume: the stores converge and undo restores the checksum")
  void killedThenResumed() throws Exception {
    String before = second.checksum();
    Held held = startHeld();
    held.process().destroyForcibly();
    assertThat(held.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
    outputs.add(held.output().get(30, TimeUnit.SECONDS));
    endWaitingSessions(second);
    unhold();
    assertThat(second.checksum()).as("the rows below the hold were repaired before the kill").isNotEqualTo(before);

    Cli.Result resumed = run(apply("--resume", held.runId()));
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    assertConverged();
    assertUndoRestores(held.runId(), before);
  }

  @Test
  @DisplayName("the database ends the repair's session: the batch is retried, the run finishes and undo restores the checksum")
  void sessionEndedMidRun() throws Exception {
    String before = second.checksum();
    Held held = startHeld();
    endSessionsExcept(second, holder);
    unhold();
    Cli.Result r = finish(held, Duration.ofMinutes(1));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains(" 0 failed");
    assertConverged();
    assertUndoRestores(held.runId(), before);
  }

  @Test
  @DisplayName("the database server restarts while a batch waits: the retries carry the run through, undo restores the checksum")
  void serverRestartedMidRun() throws Exception {
    String before = second.checksum();
    Held held = startHeld();
    server.stop(); // ends every session, the waiting batch's and the holder's
    server.start();
    assertThat(holder.isValid(5)).as("the holder's session did not survive the restart").isFalse();
    Cli.Result r = finish(held, Duration.ofMinutes(1));
    assertThat(r.exit()).as(r.toString()).isZero();
    assertThat(r.out()).contains(" 0 refused (changed since), 0 skipped, 0 escalated, 0 failed");
    assertConverged();
    assertUndoRestores(held.runId(), before);
  }

  @Test
  @DisplayName("the database server stays down past the retries: the repair gives up with the resume command, which then"
      + " finishes the run; undo restores the checksum")
  void serverDownPastTheRetries() throws Exception {
    String before = second.checksum();
    Held held = startHeld();
    server.stop();
    Cli.Result gaveUp = finish(held, Duration.ofMinutes(3));
    server.start();
    assertThat(gaveUp.exit()).as(gaveUp.toString()).isEqualTo(2);
    assertThat(gaveUp.out().lines().filter(l -> l.startsWith("reconcile: error: ")).toList()).as(gaveUp.toString())
        .singleElement().asString()
        .contains("was still unavailable after " + RepairCommand.RETRY.maxAttempts() + " attempts",
            "run " + held.runId() + " stopped before it finished");
    String resume = gaveUp.out().lines().filter(l -> l.contains("resume it with: ")).findFirst()
        .map(l -> l.substring(l.indexOf("resume it with: ") + "resume it with: ".length()))
        .orElseThrow(() -> new AssertionError("no resume command in:\n" + gaveUp));
    assertThat(resume).contains("--resume " + held.runId());

    Cli.Result resumed = Cli.shell(environment(), resume);
    outputs.add(resumed.toString());
    assertThat(resumed.exit()).as(resumed.toString()).isZero();
    assertConverged();
    assertUndoRestores(held.runId(), before);
  }

  @Test
  @DisplayName("a row written by another client after detection is refused and reported, never overwritten; undo leaves it")
  void concurrentWriterWins() throws Exception {
    String before = second.checksum();
    String meanwhile = second.query("SELECT name FROM accounts WHERE id = " + MEANWHILE);
    Held held = startHeld();
    try (Statement s = holder.createStatement()) {
      s.execute("UPDATE accounts SET name = 'written meanwhile' WHERE id = " + MEANWHILE); // the holder's own lock lets it through
    }
    unhold();
    Cli.Result r = finish(held, Duration.ofMinutes(1));
    assertThat(r.exit()).as(r.toString()).isEqualTo(1);
    assertThat(r.out()).contains("1 refused (changed since)");
    assertThat(second.query("SELECT name FROM accounts WHERE id = " + MEANWHILE)).isEqualTo("written meanwhile\n");
    Cli.Result diff = run(args("diff"));
    assertThat(diff.out()).isEqualTo("~ " + MEANWHILE + " name: \"name " + MEANWHILE + "\" → \"written meanwhile\"\n");

    Cli.Result undo = run(args("undo", "--audit", audit().toString(), "--run", held.runId()));
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(second.query("SELECT name FROM accounts WHERE id = " + MEANWHILE)).isEqualTo("written meanwhile\n");
    second.exec("UPDATE accounts SET name = '" + meanwhile.strip() + "' WHERE id = " + MEANWHILE);
    assertThat(second.checksum()).as("undo restored every row but the one it never wrote").isEqualTo(before);
  }
}
