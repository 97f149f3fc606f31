package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testkit.internal.ReadmeExample.Given;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/**
 * The opening example of reconcile-jdbc/README.md, taken from the README, compiled and run against
 * an in-memory H2 database: the store it builds reads the table, and the store it opens by URI is
 * the same table without the example's normalisation.
 */
class ReadmeExampleTest {

  private static final Path README = Path.of("README.md");

  @Test
  void openingExampleRunsOnH2() {
    String pw = "pw";
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    h2.setPassword(pw);
    H2.exec(h2,
        "CREATE SCHEMA IF NOT EXISTS sales",
        "CREATE TABLE IF NOT EXISTS sales.orders (region VARCHAR(2), id BIGINT, total DECIMAL(10,2),"
            + " placed TIMESTAMP(9), PRIMARY KEY (region, id))",
        "MERGE INTO sales.orders VALUES ('eu', 1, 9.90, TIMESTAMP '2024-01-01 10:00:00.123456789')");

    Map<String, Object> v = ReadmeExample.opening(README, "java").runAsMethodBody(
        List.of("io.reconcile.api.*", "io.reconcile.api.store.*", "io.reconcile.jdbc.JdbcStore",
            "java.time.temporal.ChronoUnit"),
        List.of(new Given("dataSource", DataSource.class, h2), new Given("pw", String.class, pw)),
        "orders", "d", "same");

    assertThat(((JdbcStore) v.get("orders")).id()).isEqualTo("orders-replica");
    Digest d = (Digest) v.get("d");
    assertThat(d.count()).isEqualTo(1);
    Store same = (Store) v.get("same");
    assertThat(same.id()).as("by URI, the id defaults to the table").isEqualTo("sales.orders");
    assertThat(same.digest(KeyRange.all())).as("nanoseconds count there").isNotEqualTo(d);
    Store truncated = Stores.open("jdbc:h2:mem:shop", StoreOptions.newBuilder().dataset("sales.orders")
        .property("user", "sa").property("password", pw)
        .normalization(Normalization.newBuilder().timestampPrecision(ChronoUnit.MICROS).build()).build());
    assertThat(truncated.digest(KeyRange.all())).as("comparable with any other store's").isEqualTo(d);
  }
}
