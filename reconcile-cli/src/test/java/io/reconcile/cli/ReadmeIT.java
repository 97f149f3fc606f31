package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedding example of the root README.md, taken from the README itself, compiled and run as a
 * program of its own against real PostgreSQL and MariaDB: only its first line, which names the
 * databases, is pointed at test databases. It must repair the replica and leave an audit log.
 */
class ReadmeIT {

  private static final Path README = Path.of("..", "README.md");

  @TempDir Path dir;

  @Test
  void embeddingExampleRunsAsWritten() throws Exception {
    TestDatabase primary = TestServers.postgres();
    TestDatabase replica = TestServers.mariaDb();
    StringBuilder rows = new StringBuilder("INSERT INTO orders VALUES (1, 'item 1', 1)");
    for (int i = 2; i <= 100; i++) {
      rows.append(", (").append(i).append(", 'item ").append(i).append("', ").append(i).append(')');
    }
    for (TestDatabase db : List.of(primary, replica)) {
      db.exec("CREATE TABLE orders (id INT PRIMARY KEY, item VARCHAR(20) NOT NULL, qty INT NOT NULL)", rows.toString());
    }
    replica.exec("UPDATE orders SET qty = 0 WHERE id = 2", "DELETE FROM orders WHERE id = 3",
        "INSERT INTO orders VALUES (101, 'extra', 1)");

    List<String> code = ReadmeExample.following(README, "## Embedding it", "java").lines();
    assertThat(code.get(0)).startsWith("String primaryUrl = ");
    String urls = "String primaryUrl = \"" + primary.jdbcUrl() + "\", replicaUrl = \"" + replica.jdbcUrl()
        + "?user=" + replica.user() + "\";";
    String program = String.join("\n",
        "import io.reconcile.api.store.*;",
        "import io.reconcile.core.*;",
        "import io.reconcile.core.audit.*;",
        "import io.reconcile.core.resolve.Resolvers;",
        "import java.nio.file.Path;",
        "public class Example { public static void main(String[] args) throws Exception {",
        urls,
        String.join("\n", code.subList(1, code.size())),
        "} }");
    Path source = dir.resolve("Example.java");
    Files.writeString(source, program);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    String classPath = System.getProperty("java.class.path");
    assertThat(javac.run(null, null, null, "-cp", classPath, "-d", dir.toString(), source.toString()))
        .as("the README example compiles").isZero();

    String java = ProcessHandle.current().info().command().orElseThrow();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", classPath + File.pathSeparator + dir, "Example")
        .directory(dir.toFile()).redirectErrorStream(true);
    pb.environment().put("PG_PASSWORD", primary.password().isEmpty() ? "unused" : primary.password());
    pb.environment().put("MARIADB_PASSWORD", replica.password());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isZero();

    assertThat(output).contains("(APPLY)", "divergences: 3", "3 applied", "2/2 repaired ranges converged");
    assertThat(replica.query("SELECT id, item, qty FROM orders ORDER BY id"))
        .isEqualTo(primary.query("SELECT id, item, qty FROM orders ORDER BY id"));
    assertThat(Files.readAllLines(dir.resolve("audit.jsonl"))).isNotEmpty();
  }
}
