package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.StoreOptions;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A store's fingerprint names where its data lives, without secrets: equal for the same table opened
 * twice, different for the same table name in another database of the same server, or for other
 * compared columns.
 */
@DisplayName("A JDBC store's fingerprint says which server, database, table and columns it is")
class FingerprintIT {

  enum Product { POSTGRES, MARIADB, H2 }

  private static final String H2_PASSWORD = "h2-pass-Secret";
  private static final String DDL = "CREATE TABLE orders (id int PRIMARY KEY, a int, b varchar(10))";

  private static DataSource database(Product p) {
    return switch (p) {
      case POSTGRES -> Postgres.fresh(DDL);
      case MARIADB -> MariaDb.fresh(DDL);
      case H2 -> {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(H2.freshUrl());
        ds.setUser("owner");
        ds.setPassword(H2_PASSWORD);
        H2.exec(ds, DDL);
        yield ds;
      }
    };
  }

  private static Map<String, String> fingerprint(DataSource ds, String... columns) {
    return JdbcStore.newBuilder(ds).table("orders").columns(columns).build().fingerprint();
  }

  @ParameterizedTest
  @EnumSource(Product.class)
  @DisplayName("same table twice: equal; another database of the server: other database; other columns: other fields")
  void identifiesTheTable(Product p) {
    DataSource one = database(p);
    DataSource other = database(p);

    Map<String, String> first = fingerprint(one);
    Map<String, String> again = fingerprint(one);
    Map<String, String> elsewhere = fingerprint(other);
    Map<String, String> fewer = fingerprint(one, "b");

    assertThat(first).isEqualTo(again)
        .containsEntry("dataset", p == Product.H2 ? "ORDERS" : "orders")
        .containsEntry("key", p == Product.H2 ? "\"ID\"" : "\"id\"")
        .containsEntry("fields", p == Product.H2 ? "\"A\", \"B\"" : "\"a\", \"b\"")
        .containsKeys("product", "server", "database");
    assertThat(first.get("product")).startsWith(
        switch (p) { case POSTGRES -> "PostgreSQL 17"; case MARIADB -> "MariaDB 11.4"; case H2 -> "H2 2."; });
    assertThat(elsewhere.get("database")).isNotEqualTo(first.get("database"));
    assertThat(fewer).containsEntry("fields", p == Product.H2 ? "\"B\"" : "\"b\"");
    if (p != Product.H2) {
      // One server: the same identity (H2's embedded databases each name their own URL).
      assertThat(elsewhere.get("server")).isEqualTo(first.get("server"));
    }
    for (Map<String, String> f : new Map[] {first, elsewhere, fewer}) {
      assertThat(String.join("\n", f.values()))
          .doesNotContain(TestServers.MARIADB_PASSWORD)
          .doesNotContain(H2_PASSWORD)
          .doesNotContainIgnoringCase("password");
    }
  }

  @Test
  @DisplayName("PostgreSQL names the cluster by pg_control_system()'s system identifier")
  void postgresSystemIdentifier() {
    Map<String, String> f = fingerprint(database(Product.POSTGRES));

    assertThat(f.get("server")).matches("system_identifier \\d+");
    assertThat(f).containsEntry("schema", "public");
  }

  @Test
  @DisplayName("PostgreSQL, when the user may not call pg_control_system(): address, port and database OID")
  void postgresFallback() {
    TestDatabase db = TestServers.postgres().exec(DDL,
        "REVOKE EXECUTE ON FUNCTION pg_catalog.pg_control_system() FROM PUBLIC",
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'plain') THEN"
            + " CREATE ROLE plain LOGIN; END IF; END $$",
        "GRANT SELECT ON orders TO plain");
    Function<String, StoreOptions> options =
        user -> StoreOptions.newBuilder().dataset("orders").property("user", user).build();

    Map<String, String> plain = new JdbcStoreProvider().open(db.jdbcUrl().replace("user=postgres", "user=plain"),
        options.apply("plain")).fingerprint();

    assertThat(plain.get("server")).matches("address \\S+:\\d+, database oid \\d+");
  }

  @Test
  @DisplayName("MariaDB names the server by its server_uid and has no schema")
  void mariaDbServerUid() {
    Map<String, String> f = fingerprint(database(Product.MARIADB));

    assertThat(f.get("server")).startsWith("server_uid ").hasSizeGreaterThan(15);
    assertThat(f).doesNotContainKey("schema");
  }
}
