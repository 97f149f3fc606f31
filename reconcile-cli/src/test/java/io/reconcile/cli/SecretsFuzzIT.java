package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random passwords of every printable character through every way the CLI takes one — the URL's
 * user-info, a URL parameter, {@code --password-env}, {@code --password-file}, a run file — on the
 * success and the failure paths, with {@code --debug}, {@code --json} and {@code --stats}: no
 * password, in any form the user wrote it, appears on stdout, stderr, in the audit file or in the
 * checkpoints. MariaDB checks the passwords (a user is created for each); PostgreSQL trusts
 * local logins, so its side carries a password that is never checked but must never show either.
 */
class SecretsFuzzIT {

  private static final long SEED = 20261204L;
  private static final int PASSWORDS = 4;

  @TempDir Path dir;

  @Test
  @DisplayName("no password ever shows, whichever way it was given and whatever happened")
  void noPasswordEverShows() throws IOException {
    Random random = new Random(SEED);
    TestDatabase first = TestServers.postgres();
    TestDatabase second = TestServers.mariaDb();
    String rows = "INSERT INTO accounts VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e'), (6, 'f'), (7, 'g'), (8, 'h'), (9, 'i'), (10, 'j')";
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE TABLE accounts (id INT PRIMARY KEY, name VARCHAR(20) NOT NULL)", rows);
    }
    String host = second.jdbcUrl().replaceAll("jdbc:mariadb://([^/]+)/(.*)", "$1");
    String database = second.jdbcUrl().replaceAll("jdbc:mariadb://([^/]+)/(.*)", "$2");
    for (int n = 0; n < PASSWORDS; n++) {
      String password = printable(random);
      String ignored = printable(random); // PostgreSQL's, never checked
      String wrong = printable(random);
      String user = "fuzz" + n;
      String literal = "'" + password.replace("\\", "\\\\").replace("'", "''") + "'";
      for (String from : List.of("localhost", "127.0.0.1")) {
        second.exec("CREATE USER '" + user + "'@'" + from + "' IDENTIFIED BY " + literal,
            "GRANT ALL ON " + database + ".* TO '" + user + "'@'" + from + "'");
      }
      second.exec("UPDATE accounts SET name = 'changed " + n + "' WHERE id = 1");
      List<String> secrets = List.of(password, ignored, wrong);
      Path passwordFile = dir.resolve("password" + n);
      Files.writeString(passwordFile, password + "\n");
      Path audit = dir.resolve("audit" + n + ".jsonl");
      String pgUrl = first.jdbcUrl() + "&password=" + URLEncoder.encode(ignored, StandardCharsets.UTF_8);
      String mariaUrl = "jdbc:mariadb://" + host + "/" + database;
      Map<String, String> env = Map.of("PW", password, "WRONG", wrong);
      List<Cli.Result> results = new ArrayList<>();

      // --password-env, success: a repair that writes, audited.
      results.add(expect(0, env, "repair", pgUrl, mariaUrl, "-t", "accounts", "-k", "id", "--user2", user,
          "--password-env2", "PW", "--resolver", "source-wins", "--apply", "--audit", audit.toString(), "--debug", "--stats"));
      // --password-file, success: a diff as JSON.
      results.add(expect(0, env, "diff", pgUrl, mariaUrl, "-t", "accounts", "-k", "id", "--user2", user,
          "--password-file2", passwordFile.toString(), "--json", "--stats", "--debug"));
      // a wrong password: refused by the server.
      results.add(expect(2, env, "diff", pgUrl, mariaUrl, "-t", "accounts", "-k", "id", "--user2", user,
          "--password-env2", "WRONG", "--debug"));
      // the password in the URL's user-info, which no JDBC driver here takes.
      results.add(expect(2, env, "diff", pgUrl, "jdbc:mariadb://" + user + ":" + password + "@" + host + "/" + database,
          "-t", "accounts", "-k", "id", "--debug"));
      // the password as a URL parameter, encoded.
      results.add(Cli.run(env, List.of("diff", pgUrl, mariaUrl + "?user=" + user + "&password="
          + URLEncoder.encode(password, StandardCharsets.UTF_8), "-t", "accounts", "-k", "id", "--debug")));
      // a run file naming the password file.
      Path runFile = dir.resolve("run" + n + ".yaml");
      Files.writeString(runFile, "first: {url: \"" + pgUrl.replace("\"", "\\\"") + "\"}\n"
          + "second: {url: \"" + mariaUrl + "\", user: " + user + ", password-file: " + passwordFile.getFileName() + "}\n"
          + "tables:\n  - {name: accounts, key: [id]}\n");
      results.add(expect(0, env, "run", runFile.toString(), "--debug"));

      for (Cli.Result r : results) {
        for (String s : secrets) {
          for (String form : forms(s)) {
            assertThat(r.out() + r.err()).as("password %s in the output of\n%s", form, r).doesNotContain(form);
          }
        }
      }
      for (Path f : filesIn(dir)) {
        if (!f.getFileName().toString().matches("(password|run).*")) { // the inputs that hold them
          String text = Files.readString(f);
          for (String s : secrets) {
            forms(s).forEach(form -> assertThat(text).as("password in " + f).doesNotContain(form));
          }
        }
      }
    }
  }

  private static Cli.Result expect(int exit, Map<String, String> env, String... args) {
    Cli.Result r = Cli.run(env, List.of(args));
    assertThat(r.exit()).as(r.toString()).isEqualTo(exit);
    return r;
  }

  /**
   * 12 to 20 printable ASCII characters, space included but not at either end (a password file's
   * line is taken without trailing white space).
   */
  private static String printable(Random random) {
    StringBuilder sb = new StringBuilder();
    int length = 12 + random.nextInt(9);
    for (int i = 0; i < length; i++) {
      char c = (char) (' ' + random.nextInt(95));
      sb.append(c == ' ' && (i == 0 || i == length - 1) ? '_' : c);
    }
    return sb.toString();
  }

  /** How a password may be shown: as given, and URL-encoded. */
  private static List<String> forms(String secret) {
    return List.of(secret, URLEncoder.encode(secret, StandardCharsets.UTF_8));
  }

  private static List<Path> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).toList();
    }
  }
}
