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
