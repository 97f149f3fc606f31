package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CLI contract from PostgreSQL to MariaDB: the same rows read the same in both products. */
class CrossProductCliIT extends CliContract {
  @Override
  TestDatabase newFirst() {
    return TestServers.postgres();
  }

  @Override
  TestDatabase newSecond() {
    return TestServers.mariaDb();
  }

  /**
   * The opening example of reconcile-cli/README.md: its command line, taken from the README, run
   * from the repository root by a POSIX shell exactly as written but for the databases' URLs and
   * users, must print the lines that follow it in the README (the build has packaged the launcher,
   * and the passwords are in the environment, as the README's first two lines do).
   */
  @Test
  @DisplayName("the README's diff, run as written against PostgreSQL and MariaDB, prints the README's output")
  void readmeDiffRunsAsWritten() {
    List<String> block = ReadmeExample.opening(Path.of("README.md"), "bash").lines();
    int start = 0;
    while (start < block.size() && !block.get(start).startsWith("reconcile-cli/target/reconcile diff ")) {
      start++;
    }
    assertThat(start).as("a line starting 'reconcile-cli/target/reconcile diff ' in %s", block).isLessThan(block.size());
    int end = start;
    while (block.get(end).endsWith("\\")) {
      end++;
    }
    String command = String.join("\n", block.subList(start, end + 1));
    command = replaceOnce(command, "jdbc:postgresql://db1:5432/shop", first.jdbcUrl());
    command = replaceOnce(command, "jdbc:mariadb://db2:3306/shop", second.jdbcUrl());
    command = replaceOnce(command, "--user1 app", "--user1 " + first.user());
    command = replaceOnce(command, "--user2 app", "--user2 " + second.user());
    Map<String, String> env = Map.of(
        "PG_PASSWORD", first.password().isEmpty() ? "unused" : first.password(), "MARIADB_PASSWORD", second.password());

    Cli.Result r = Cli.shellIn(Path.of(".."), env, command);

    assertThat(r.out()).as(r.toString()).isEqualTo(String.join("\n", block.subList(end + 1, block.size())) + "\n");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).as("different").isEqualTo(1);
  }

  /** {@code text} with {@code part}, which it must hold exactly once, replaced. */
  private static String replaceOnce(String text, String part, String replacement) {
    assertThat(text.split(Pattern.quote(part), -1)).as("'%s' once in %s", part, text).hasSize(2);
    return text.replace(part, replacement);
  }

  private static final String A = "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9";
  private static final String B = "ffffffff-0000-4000-8000-000000000001";
  private static final String C = "7fffffff-ffff-ffff-ffff-ffffffffffff";

  @Test
  @DisplayName("a uuid key and column against char(36): refused naming --normalize text=COLUMN; compared and repaired with it")
  void uuidAgainstChar36() {
    first.exec("CREATE TABLE refs (id uuid PRIMARY KEY, ref uuid, note text)",
        "INSERT INTO refs VALUES ('" + A + "', '" + B + "', 'a'), ('" + B + "', NULL, 'b'), ('" + C + "', '" + A + "', 'c')");
    second.exec("CREATE TABLE refs (id char(36) PRIMARY KEY, ref char(36), note varchar(20))",
        "INSERT INTO refs VALUES ('" + A + "', '" + B.toUpperCase() + "', 'a'), ('" + C + "', '" + A + "', 'c'),"
            + " ('not-a-uuid', NULL, 'x')");

    Cli.Result key = runOn("refs", "id", "diff");
    assertThat(key.exit()).as(key.toString()).isEqualTo(2);
    assertThat(key.err()).as(key.toString()).contains(
        "key part 1 'id' holds UUID in store", "compare 'id' as text in store", "(--normalize text=id)")
        .doesNotContain("Normalization");
    Cli.Result field = runOn("refs", "id", "diff", "--normalize", "text=id");
    assertThat(field.exit()).as(field.toString()).isEqualTo(2);
    assertThat(field.err()).as(field.toString())
        .contains("field 'ref' holds UUID in store", "(--normalize text=ref)").doesNotContain("Normalization");

    Cli.Result diff = runOn("refs", "id", "diff", "--normalize", "text=id,text=ref");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).as(diff.toString()).isEqualTo(
        "~ \"" + A + "\" ref: \"" + B + "\" → \"" + B.toUpperCase() + "\"\n"
            + "- \"" + B + "\" note=\"b\", ref=NULL\n"
            + "+ \"not-a-uuid\" note=\"x\", ref=NULL\n");

    // From the char(36) side, text that spells no UUID in canonical form cannot be written; the
    // rest is (the row the second side lacks is deleted).
    Cli.Result refused = runOn("refs", "id", "repair", "--normalize", "text=id,text=ref",
        "--resolver", "source-wins:second", "--max-ratio", "1", "--apply", "--audit", dir.resolve("back.jsonl").toString());
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.out()).as(refused.toString()).contains(", 0 failed, 2 unwritable\n",
        "refs: 2 action(s) not written: the target cannot hold their values exactly; the first: not written to refs@first: key ",
        "accepts UUIDs only, or their canonical text").doesNotContain(B.toUpperCase());
    assertThat(first.query("SELECT id, ref FROM refs ORDER BY id"))
        .isEqualTo(A + "|" + B + "\n" + C + "|" + A + "\n");

    // From the uuid side, the char(36) column and key take the canonical text.
    Cli.Result repair = runOn("refs", "id", "repair", "--normalize", "text=id,text=ref",
        "--resolver", "source-wins", "--max-ratio", "1", "--apply", "--audit", dir.resolve("audit.jsonl").toString());
    assertThat(repair.exit()).as(repair.toString()).isZero();
    assertThat(second.query("SELECT id, ref, note FROM refs ORDER BY id")).isEqualTo(
        A + "|" + B + "|a\n" + C + "|" + A + "|c\n");
    Cli.Result again = runOn("refs", "id", "diff", "--normalize", "text=id,text=ref");
    assertThat(again.exit()).as(again.toString()).isZero();
  }
}
