package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code reconcile} jar, run as a process, against input a careful adversary would type:
 * filters that try to end the statement, comment out the rest, commit, stack statements or call
 * functions that write; table and column names with quotes, semicolons, unicode and reserved
 * words. After every read-only command, a checksum of every table of both databases is what it
 * was; nothing prints a stack trace without {@code --debug}; every refusal is one line.
 * Subclasses give the product.
 */
abstract class HostileInputContract {

  static final String PASSWORD_VAR = "RECONCILE_TEST_PASSWORD";

  @TempDir Path dir;

  TestDatabase first;
  TestDatabase second;

  /** A fresh, empty database of the product under test. */
  abstract TestDatabase newDatabase();

  /** A function {@code side_effect()} returning an integer that inserts a row into table x when called. */
  abstract String createSideEffectFunction();

  /** {@code name} quoted as an identifier of this product. */
  abstract String quote(String name);

  /** Filters that are product-specific attempts to write (sequences, locks, …). */
  abstract List<String> productFilters();

  @BeforeEach
  void plant() {
    first = newDatabase();
    second = newDatabase();
    StringBuilder rows = new StringBuilder("INSERT INTO accounts VALUES (1, 'name 1', 1.50)");
    for (int i = 2; i <= 300; i++) {
      rows.append(String.format(", (%d, 'name %d', %d.50)", i, i, i));
    }
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, balance DECIMAL(10,2) NOT NULL)",
          rows.toString(), "CREATE TABLE x (id INT)", "INSERT INTO x VALUES (1)", createSideEffectFunction());
    }
    second.exec("DELETE FROM accounts WHERE id = 7", "UPDATE accounts SET name = 'renamed' WHERE id IN (12, 250)",
        "INSERT INTO accounts VALUES (301, 'ghost', 0)");
  }

  /** The command over both databases with their credentials, then {@code more}. */
  Cli.Result run(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, first.jdbcUrl(), second.jdbcUrl()));
    args.addAll(credentials());
    args.addAll(List.of(more));
    return Cli.run(environment(), args);
  }

  List<String> credentials() {
    List<String> args = new ArrayList<>(List.of("--user1", first.user(), "--user2", second.user()));
    if (!first.password().isEmpty()) {
      args.addAll(List.of("--password-env1", PASSWORD_VAR + "1"));
    }
    if (!second.password().isEmpty()) {
      args.addAll(List.of("--password-env2", PASSWORD_VAR + "2"));
    }
    return args;
  }

  Map<String, String> environment() {
    Map<String, String> env = new HashMap<>();
    env.put(PASSWORD_VAR + "1", first.password());
    env.put(PASSWORD_VAR + "2", second.password());
    return env;
  }

  /** Both databases' checksums, every table. */
  String checksums() {
    return "first:\n" + first.checksum() + "second:\n" + second.checksum();
  }

  static Stream<String> hostileFilters() {
    return Stream.of(
        "1=1) ; DROP TABLE x; --",
        "1=1; DROP TABLE x",
        "1=1); COMMIT; DROP TABLE x; SELECT (1",
        "id > 0 -- and the rest is a comment",
        "id > 0 /* a comment */ OR 1=1",
        "1=1) OR (1=1",
        "COMMIT",
        "id > 0; COMMIT",
        "id IN (SELECT id FROM x)",
        "side_effect() > 0",
        "id > (SELECT side_effect())",
        "'unterminated",
        "name = 'a'';DROP TABLE x;--'",
        "(((id > 0)");
  }

  @ParameterizedTest(name = "-w \"{0}\"")
  @MethodSource("hostileFilters")
  @DisplayName("a hostile filter writes nothing, in diff and in a dry-run repair, and fails in one line")
  void hostileFilterWritesNothing(String filter) {
    assertReadOnly(filter);
  }

  @Test
  @DisplayName("product-specific filters that try to write write nothing")
  void productFiltersWriteNothing() {
    for (String filter : productFilters()) {
      assertReadOnly(filter);
    }
  }

  private void assertReadOnly(String filter) {
    String before = checksums();
    for (Cli.Result r : List.of(
        run("diff", "-t", "accounts", "-k", "id", "-w", filter),
        run("repair", "-t", "accounts", "-k", "id", "--resolver", "source-wins", "-w", filter))) {
      assertThat(checksums()).as("checksums after -w \"%s\"\n%s", filter, r).isEqualTo(before);
      assertThat(r.out() + r.err()).as(r.toString()).doesNotContain("\tat ", "Exception");
      if (r.exit() == 2) {
        assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
        assertThat(r.err()).startsWith("reconcile: error: ");
      }
    }
  }

  static Stream<String> hostileNames() {
    return Stream.of("select", "we\"ird", "semi;colon", "Ünïcödé", "x; DROP TABLE x; --", "back`tick", "it's");
  }

  @ParameterizedTest(name = "-t \"{0}\"")
  @MethodSource("hostileNames")
  @DisplayName("tables and columns with hostile names are diffed and repaired exactly, touching nothing else")
  void hostileNamesAreJustNames(String name) {
    String column = name + " col";
    for (TestDatabase db : List.of(first, second)) {
      StringBuilder rows = new StringBuilder("INSERT INTO " + quote(name) + " VALUES (1, 'a')");
      for (int i = 2; i <= 20; i++) {
        rows.append(", (").append(i).append(", '").append((char) ('a' + i - 1)).append("')");
      }
      db.exec("CREATE TABLE " + quote(name) + " (id INT PRIMARY KEY, " + quote(column) + " VARCHAR(20))", rows.toString());
    }
    second.exec("UPDATE " + quote(name) + " SET " + quote(column) + " = 'changed' WHERE id = 2");
    String before = checksums();
    Cli.Result diff = run("diff", "-t", name, "-k", "id");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).as(diff.toString()).isEqualTo("~ 2 " + column + ": \"b\" → \"changed\"\n");
    assertThat(checksums()).isEqualTo(before);

    Cli.Result apply = run("repair", "-t", name, "-k", "id", "--resolver", "source-wins", "--apply",
        "--audit", dir.resolve("audit.jsonl").toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(run("diff", "-t", name, "-k", "id").exit()).isZero();
    assertThat(second.query("SELECT id FROM x")).isEqualTo("1\n");
    assertThat(second.query("SELECT count(*) FROM accounts")).isEqualTo("300\n");
  }

  @Test
  @DisplayName("an unknown or hostile column name is refused in one line, before anything runs")
  void hostileColumnsAreRefused() {
    String before = checksums();
    for (String column : List.of("name; DROP TABLE x", "name\" FROM accounts; --", "nosuch")) {
      Cli.Result r = run("diff", "-t", "accounts", "-k", "id", "-c", column);
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.err().lines().toList()).as(r.toString()).hasSize(1);
    }
    assertThat(checksums()).isEqualTo(before);
  }
}
