package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import java.time.temporal.ChronoUnit;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** The example of reconcile-jdbc/README.md, kept compiling and true. */
class ReadmeExampleTest {

  @Test
  void readmeExample() {
    String pw = "pw";
    JdbcDataSource h2 = new JdbcDataSource();
    h2.setURL("jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1");
    h2.setUser("sa");
    h2.setPassword(pw);
    DataSource dataSource = h2;
    H2.exec(dataSource,
        "CREATE SCHEMA IF NOT EXISTS sales",
        "CREATE TABLE IF NOT EXISTS sales.orders (region VARCHAR(2), id BIGINT, total DECIMAL(10,2),"
            + " placed TIMESTAMP(9), PRIMARY KEY (region, id))",
        "MERGE INTO sales.orders VALUES ('eu', 1, 9.90, TIMESTAMP '2024-01-01 10:00:00.123456789')");

    // --- README example starts
    JdbcStore orders = JdbcStore.newBuilder(dataSource)            // any javax.sql.DataSource
        .id("orders-replica")                                   // default: the table name
        .table("sales.orders")                                  // or just "orders"
        .keyColumns("region", "id")                             // default: the primary key
        .normalization(Normalization.newBuilder().timestampPrecision(ChronoUnit.MICROS).build())
        .build();                                               // validates against the catalog, reads no rows
    Digest d = orders.digest(KeyRange.all());                   // comparable with any other store's
    // or by URI, through ServiceLoader:
    Store same = Stores.open("jdbc:h2:mem:shop", StoreOptions.newBuilder()
        .dataset("sales.orders").property("user", "sa").property("password", pw).build());
    // --- README example ends

    assertThat(d.count()).isEqualTo(1);
    assertThat(same.id()).isEqualTo("sales.orders");
    assertThat(same.digest(KeyRange.all())).isNotEqualTo(d); // no MICROS truncation there
    assertThat(Stores.open("jdbc:h2:mem:shop", StoreOptions.newBuilder().dataset("sales.orders")
            .property("user", "sa").property("password", pw)
            .normalization(Normalization.newBuilder().timestampPrecision(ChronoUnit.MICROS).build()).build())
        .digest(KeyRange.all())).isEqualTo(d);
  }
}
