package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The CLI contract on two MariaDB databases, which check passwords. */
class MariaDbCliIT extends CliContract {
  @Override
  TestDatabase newFirst() {
    return TestServers.mariaDb();
  }

  @Override
  TestDatabase newSecond() {
    return TestServers.mariaDb();
  }

  @Test
  @DisplayName("a wrong or missing password is one line on stderr, exit 2, and no password is ever shown")
  void passwords() {
    String wrong = "wrong-" + second.password();
    Cli.Result r = Cli.run(
        Map.of("P1", first.password(), "P2", wrong),
        List.of("diff", first.jdbcUrl(), second.jdbcUrl(), "-t", "accounts", "-k", "id",
            "--user1", first.user(), "--password-env1", "P1", "--user2", second.user(), "--password-env2", "P2"));
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines()).singleElement().asString()
        .startsWith("reconcile: error: store 'accounts@second' could not connect")
        .contains("Access denied");
    assertThat(r.err()).doesNotContain(wrong).doesNotContain(first.password());

    String url = second.jdbcUrl() + "?user=" + second.user() + "&password=" + wrong;
    Cli.Result inUrl = Cli.run(Map.of("P1", first.password()),
        List.of("diff", first.jdbcUrl(), url, "-t", "accounts", "-k", "id", "--user1", first.user(), "--password-env1", "P1"));
    assertThat(inUrl.exit()).as(inUrl.toString()).isEqualTo(2);
    assertThat(inUrl.err().lines()).singleElement().asString().contains("could not connect", "password=***");
    assertThat(inUrl.err()).doesNotContain(wrong);

    Cli.Result unset = Cli.run(
        Map.of(),
        List.of("diff", first.jdbcUrl(), second.jdbcUrl(), "-t", "accounts", "-k", "id", "--password-env1", "NOT_SET_ANYWHERE"));
    assertThat(unset.exit()).isEqualTo(2);
    assertThat(unset.err()).isEqualTo(
        "reconcile: error: environment variable NOT_SET_ANYWHERE is not set; export it with the password, or use a password file\n");
  }
}
