package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import io.reconcile.testservers.TestServers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reconcile watch} as a process between two PostgreSQL databases, each side's changes read
 * from its WAL through Debezium: drift is reported once the settle window passed, a restart
 * resumes from the saved positions without comparing everything again, and {@code --apply}
 * repairs as it goes.
 */
class WatchCliIT {

  private static final long WAIT_SECONDS = 90;

  private static TestServer server;

  @TempDir Path dir;

  private TestDatabase first;
  private TestDatabase second;

  @BeforeAll
  static void start() {
    server = TestServers.logicalPostgres();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @BeforeEach
  void plant() {
    first = server.newDatabase();
    second = server.newDatabase();
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE TABLE orders (id bigint PRIMARY KEY, status text NOT NULL, amount numeric(10,2) NOT NULL)",
          "INSERT INTO orders SELECT i, 'new', i * 1.5 FROM generate_series(1, 500) i");
    }
  }

  /** The watch's name: Debezium's replication slots, named after it, are per server, so one per test. */
  private String name = "";

  @BeforeEach
  void name(org.junit.jupiter.api.TestInfo test) {
    name = test.getTestMethod().orElseThrow().getName().toLowerCase(java.util.Locale.ROOT);
  }

  private List<String> args(String... more) {
    List<String> a = new ArrayList<>(List.of("watch", first.jdbcUrl(), second.jdbcUrl(), "-t", "orders", "-k", "id",
        "--user1", first.user(), "--password-env1", "PW", "--user2", second.user(), "--password-env2", "PW",
        "--state", dir.resolve("state").toString(), "--name", name,
        "--settle", "1s", "--interval", "200ms", "--status-every", "1s", "-q"));
    a.addAll(List.of(more));
    return a;
  }

  /** A running watch and the lines it printed. */
  private static final class Running implements AutoCloseable {
    final Process process;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final List<String> seen = new ArrayList<>();
    private final Thread reader;

    Running(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      reader.setDaemon(true);
      reader.start();
    }

    /** Waits for a line that matches, failing with what was printed if none comes. */
    String await(String what, Predicate<String> match) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
      while (System.nanoTime() < deadline) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line != null) {
          seen.add(line);
          if (match.test(line)) {
            return line;
          }
        } else if (!process.isAlive() && lines.isEmpty()) {
          break;
        }
      }
      throw new AssertionError("no " + what + " within " + WAIT_SECONDS + " s; printed:\n" + String.join("\n", seen));
    }

    /** Stops it as Ctrl-C or a service manager would, reads the rest of what it printed, and returns the exit status. */
    int interrupt() throws InterruptedException {
      // SIGTERM through the handle: Process.destroy() would also close the pipe the rest comes through.
      process.toHandle().destroy();
      assertThat(process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("the watch stopped").isTrue();
      reader.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      lines.drainTo(seen);
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private Running watch(String... more) {
    List<String> feeds = new ArrayList<>(List.of("--feed1", "debezium", "--feed2", "debezium"));
    feeds.addAll(List.of(more));
    return new Running(Cli.start(Map.of("PW", first.password()), args(feeds.toArray(String[]::new))));
  }

  @Test
  @DisplayName("drift is reported after the settle window; stopped and started again, the watch resumes without a sweep")
  void reportsAndResumes() throws Exception {
    try (Running w = watch()) {
      w.await("first sweep", l -> l.contains("\"event\":\"watch-status\"") && l.contains("\"sweeps\":1"));
      second.exec("UPDATE orders SET status = 'drifted' WHERE id = 42");
      String found = w.await("divergence on 42", l -> l.contains("\"event\":\"divergence\""));
      assertThat(found).contains("\"key\":{\"id\":\"42\"}").contains("\"changed\":[\"status\"]");
      first.exec("UPDATE orders SET amount = 1 WHERE id = 7", "UPDATE orders SET amount = 1 WHERE id = 7");
      second.exec("UPDATE orders SET amount = 1 WHERE id = 7"); // replicated: never a divergence
      assertThat(w.interrupt()).isIn(0, 130, 143);
      assertThat(w.seen).anyMatch(l -> l.contains("\"event\":\"watch-stopped\""));
    }
    second.exec("DELETE FROM orders WHERE id = 99"); // while no watch runs
    try (Running again = watch()) {
      String found = again.await("divergence on 99", l -> l.contains("\"event\":\"divergence\""));
      assertThat(found).contains("\"key\":{\"id\":\"99\"}").contains("\"op\":\"-\"");
      String status = again.await("status", l -> l.contains("\"event\":\"watch-status\""));
      assertThat(status).as("no sweep after a clean stop").contains("\"sweeps\":1");
      again.interrupt();
      assertThat(again.seen).noneMatch(l -> l.contains("\"event\":\"divergence\"") && l.contains("\"id\":\"7\"}"));
    }
  }

  @Test
  @DisplayName("--apply repairs the second database from the first as it drifts, audited, and the tables agree")
  void appliesRepairs() throws Exception {
    Path audit = dir.resolve("audit.jsonl");
    try (Running w = watch("--apply", "--resolver", "source-wins", "--audit", audit.toString())) {
      w.await("first sweep", l -> l.contains("\"event\":\"watch-status\"") && l.contains("\"sweeps\":1"));
      second.exec("UPDATE orders SET status = 'drifted' WHERE id = 10", "DELETE FROM orders WHERE id = 11",
          "INSERT INTO orders VALUES (9999, 'ghost', 0)");
      for (int i = 0; i < 3; i++) {
        w.await("a repair", l -> l.contains("\"event\":\"repair\"") && l.contains("\"status\":\"APPLIED\""));
      }
      w.interrupt();
    }
    assertThat(second.checksum()).isEqualTo(first.checksum());
    assertThat(Cli.run("verify-audit", audit.toString()).exit()).isZero();
  }

  @Test
  @DisplayName("bad options fail at once with one line naming the option")
  void badOptions() throws java.io.IOException {
    Cli.Result noState = Cli.run(Map.of(), List.of("watch", first.jdbcUrl(), second.jdbcUrl(), "-t", "orders", "-k", "id"));
    assertThat(noState.exit()).isEqualTo(2);
    assertThat(noState.err()).contains("--state");
    Cli.Result feed = Cli.run(Map.of("PW", first.password()), args("--feed2", "kafka://x"));
    assertThat(feed.exit()).isEqualTo(2);
    assertThat(feed.err()).contains("--feed2 takes one of");
    Cli.Result apply = Cli.run(Map.of("PW", first.password()), args("--apply"));
    assertThat(apply.exit()).isEqualTo(2);
    assertThat(apply.err()).contains("--resolver").contains("--audit");
    java.nio.file.Files.writeString(dir.resolve("a-file"), "");
    List<String> onAFile = new ArrayList<>(args());
    onAFile.set(onAFile.indexOf("--state") + 1, dir.resolve("a-file").toString());
    Cli.Result file = Cli.run(Map.of("PW", first.password()), onAFile);
    assertThat(file.exit()).isEqualTo(2);
    assertThat(file.err()).contains("--state").contains("is a file");
    Cli.Result settle = Cli.run(Map.of("PW", first.password()), args("--settle", "soon"));
    assertThat(settle.exit()).isEqualTo(2);
    assertThat(settle.err()).contains("a duration is");
  }
}
