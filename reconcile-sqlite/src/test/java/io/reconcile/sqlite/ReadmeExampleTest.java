package io.reconcile.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.KeyRange;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testkit.internal.ReadmeExample.Given;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The opening example of reconcile-sqlite/README.md, taken from the README, compiled and run: a
 * central database (here another SQLite file) of 20 rows repairs an edge file that lost one and
 * changed another, and the edge then holds what the centre holds.
 */
class ReadmeExampleTest {

  private static final Path README = Path.of("README.md");
  private static final String DDL = "CREATE TABLE orders (id INTEGER PRIMARY KEY, total DECIMAL TEXT(10,2), note TEXT)";

  @Test
  void openingExampleRepairsTheEdge() throws Exception {
    String twenty = "INSERT INTO orders WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        + " WHERE i < 20) SELECT i, i || '.50', 'note ' || i FROM n";
    DataSource postgres = Sqlite.fresh(DDL, twenty);
    Path file = Files.createTempDirectory("reconcile-readme").resolve("edge.db");
    file.toFile().deleteOnExit();
    org.sqlite.SQLiteDataSource seed = new org.sqlite.SQLiteDataSource();
    seed.setUrl("jdbc:sqlite:" + file);
    Sqlite.exec(seed, DDL, twenty, "DELETE FROM orders WHERE id = 7", "UPDATE orders SET total = '9.99' WHERE id = 3");

    Map<String, Object> v = ReadmeExample.opening(README, "java").runAsMethodBody(
        List.of("org.sqlite.SQLiteDataSource", "io.reconcile.jdbc.JdbcStore", "io.reconcile.core.*",
            "io.reconcile.core.audit.AuditLog", "io.reconcile.core.resolve.Resolvers"),
        List.of(new Given("file", Path.class, file), new Given("postgres", DataSource.class, postgres)),
        "replica", "central", "converged", "report");

    assertThat(v.get("converged")).as(((io.reconcile.core.ReconcileReport) v.get("report")).summary()).isEqualTo(true);
    JdbcStore replica = (JdbcStore) v.get("replica");
    JdbcStore central = (JdbcStore) v.get("central");
    assertThat(replica.digest(KeyRange.all())).isEqualTo(central.digest(KeyRange.all()));
    assertThat(replica.digest(KeyRange.all()).count()).isEqualTo(20);
  }
}
