package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JdbcStoreProviderTest {

  private static final String URL = "jdbc:h2:mem:provider;DB_CLOSE_DELAY=-1";
  private static final String SECRET = "s3cret-Pa55";

  @BeforeAll
  static void database() throws Exception {
    try (Connection c = DriverManager.getConnection(URL, "sa", SECRET);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS orders (id BIGINT PRIMARY KEY, region VARCHAR(2), total DECIMAL(10,2))");
      s.execute("MERGE INTO orders VALUES (1, 'eu', 9.90), (2, 'us', 5.00), (3, 'eu', 1.00)");
    }
  }

  private static StoreOptions.Builder options() {
    return StoreOptions.newBuilder().dataset("orders").property("user", "sa");
  }

  @Test
  @DisplayName("Stores.open finds the provider by the jdbc scheme and honours the options")
  void opens() {
    Store s =
        Stores.open(URL, options().property("password", SECRET).property("fetchSize", "2")
            .filter("region = 'eu'").fields("total").readOnly(true).build());
    assertThat(s).isInstanceOf(JdbcStore.class);
    assertThat(s.id()).isEqualTo("orders");
    assertThat(s.capabilities()).containsExactly(Capability.ORDERED_SCAN, Capability.KEY_INDEX);
    try (var rows = s.scan(KeyRange.all())) {
      assertThat(rows.map(Entry::key)).containsExactly(Key.of(1), Key.of(3));
    }
    assertThat(s.get(List.of(Key.of(1))).get(Key.of(1))).isEqualTo(
        Entry.of(Key.of(1), Map.of("total", new java.math.BigDecimal("9.9"))));
    Store named = Stores.open(URL + ";USER=sa;PASSWORD=" + SECRET, StoreOptions.newBuilder().id("orders-h2").dataset("orders").build());
    assertThat(named.id()).isEqualTo("orders-h2");
    assertThat(named.digest(KeyRange.all()).count()).isEqualTo(3);
  }

  @Test
  @DisplayName("no message ever shows the password, whether it came in the URL or the properties")
  void secretsStayOut() {
    String wrong = "wr0ng-" + SECRET;
    Throwable inUrl = catchThrowable(() -> Stores.open(URL + ";USER=sa;PASSWORD=" + wrong, StoreOptions.newBuilder().dataset("orders").build()));
    assertThat(inUrl).isInstanceOf(ReconcileException.StoreUnavailableException.class);
    assertThat(inUrl.getMessage()).contains("PASSWORD=***").doesNotContain(wrong).doesNotContain(SECRET);
    assertThat(inUrl.getCause()).isNull();

    Throwable inProps = catchThrowable(() -> Stores.open(URL, options().property("password", wrong).build()));
    assertThat(inProps).isInstanceOf(ReconcileException.StoreUnavailableException.class);
    assertThat(inProps.getMessage()).contains("Wrong user name or password").doesNotContain(wrong);

    Throwable badTable = catchThrowable(() -> Stores.open(URL + ";PASSWORD=" + SECRET + ";USER=sa", StoreOptions.newBuilder().dataset("nope").build()));
    assertThat(badTable).isInstanceOf(ReconcileException.ConfigurationException.class);
    assertThat(badTable.getMessage()).contains("table 'nope' was not found").contains("PASSWORD=***").doesNotContain(SECRET);
  }

  @Test
  @DisplayName("missing or unsupported options are rejected with what to do")
  void badOptions() {
    assertThatThrownBy(() -> Stores.open(URL + ";PASSWORD=" + SECRET, StoreOptions.defaults()))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("needs the table: set StoreOptions.dataset")
        .hasMessageNotContaining(SECRET);
    assertThatThrownBy(() -> Stores.open(URL, options().property("password", SECRET).versionField("total").build()))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("version column 'total' of table 'orders' has type DECIMAL")
        .hasMessageContaining("a version column holds a timestamp");
    assertThatThrownBy(() -> Stores.open(URL, options().property("password", SECRET).property("fetchSize", "0").build()))
        .hasMessageContaining("fetchSize must be a positive integer, but was '0'");
    assertThatThrownBy(() -> new JdbcStoreProvider().open("jdbc:", StoreOptions.defaults()))
        .hasMessageContaining("a JDBC store URI is a JDBC URL");
  }
}
