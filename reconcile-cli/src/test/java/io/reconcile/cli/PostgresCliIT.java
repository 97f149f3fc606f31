package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CLI contract on two PostgreSQL databases, and what does not depend on the product. */
class PostgresCliIT extends CliContract {
  @Override
  TestDatabase newFirst() {
    return TestServers.postgres();
  }

  @Override
  TestDatabase newSecond() {
    return TestServers.postgres();
  }

  @Test
  @DisplayName("a missing table or an unknown key column is one line on stderr and exit 2")
  void configurationErrors() {
    Cli.Result table = runOn("nosuch", "id", "diff");
    assertThat(table.exit()).as(table.toString()).isEqualTo(2);
    assertThat(table.out()).isEmpty();
    assertThat(table.err().lines()).singleElement().asString().startsWith("reconcile: error: ").contains("nosuch");

    Cli.Result key = runOn("accounts", "nosuch", "diff");
    assertThat(key.exit()).as(key.toString()).isEqualTo(2);
    assertThat(key.err().lines()).singleElement().asString().startsWith("reconcile: error: ").contains("nosuch");
  }

  @Test
  @DisplayName("a view compares with --trust-key and is refused without it, naming --trust-key; its repair's undo line carries it")
  void trustedKeyOnAView() {
    for (TestDatabase db : List.of(first, second)) {
      db.exec("CREATE VIEW accounts_v AS SELECT id, name, balance, updated_at FROM accounts");
    }
    String before = second.query("SELECT * FROM accounts ORDER BY id");

    Cli.Result refused = runOn("accounts_v", "id", "diff");
    assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.out()).isEmpty();
    assertThat(refused.err().lines()).singleElement().asString()
        .startsWith("reconcile: error: ")
        .contains("key columns [id] of table 'accounts_v'", "trust them with --trust-key (duplicate keys are then looked for once")
        .doesNotContain("trustKey", "StoreOptions");

    Cli.Result diff = runOn("accounts_v", "id", "diff", "--trust-key");
    assertThat(diff.out()).as(diff.toString()).isEqualTo(DIFF);
    assertThat(diff.exit()).isEqualTo(1);

    Path audit = dir.resolve("audit.jsonl");
    Cli.Result apply = runOn("accounts_v", "id", "repair", "--trust-key", "--resolver", "source-wins", "--apply",
        "--audit", audit.toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(runOn("accounts_v", "id", "diff", "--trust-key").exit()).isZero();
    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    assertThat(undoLine).startsWith("reconcile undo ").contains(" -t accounts_v -k id ", " --trust-key ");
    Cli.Result undo = Cli.shell(passwordEnvironment(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(second.query("SELECT * FROM accounts ORDER BY id")).isEqualTo(before);
  }

  @Test
  @DisplayName("a run file does the same job as the flags")
  void runFile() throws Exception {
    Path file = dir.resolve("job.yaml");
    StringBuilder yaml = new StringBuilder();
    for (String side : List.of("first", "second")) {
      TestDatabase db = side.equals("first") ? first : second;
      yaml.append(side).append(": {url: \"").append(db.jdbcUrl()).append("\", user: ").append(db.user());
      if (!db.password().isEmpty()) {
        Files.writeString(dir.resolve(side + ".password"), db.password() + "\n");
        yaml.append(", password-file: ").append(side).append(".password");
      }
      yaml.append("}\n");
    }
    yaml.append("tables:\n  - {name: accounts, key: [id]}\n");
    Files.writeString(file, yaml);
    Cli.Result r = Cli.run("run", file.toString());
    assertThat(r.out()).as(r.toString()).isEqualTo(DIFF);
    assertThat(r.exit()).isEqualTo(1);
  }
}
