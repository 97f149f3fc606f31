package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Normalization;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class JdbcStoreBuilderTest {

  private static final DataSource DS = H2.fresh("CREATE TABLE orders (id BIGINT PRIMARY KEY, v VARCHAR(10), ts TIMESTAMP)");

  @Test
  @DisplayName("a setter called twice throws, naming the setting and what it was set to")
  void setOnce() {
    Map<String, Consumer<JdbcStore.Builder>> twice = Map.ofEntries(
        Map.entry("id was already set to orders-replica", b -> b.id("orders-replica").id("other")),
        Map.entry("table was already set to orders", b -> b.table("orders").table("sales.orders")),
        Map.entry("keyColumns was already set to [id]", b -> b.keyColumns("id").keyColumns("v")),
        Map.entry("trustKey was already set to true", b -> b.trustKey(true).trustKey(false)),
        Map.entry("columns was already set to [v]", b -> b.columns("v").columns("v")),
        Map.entry("normalization was already set to " + Normalization.none(),
            b -> b.normalization(Normalization.none()).normalization(Normalization.none())),
        Map.entry("versionColumn was already set to ts", b -> b.versionColumn("ts").versionColumn("ts")),
        Map.entry("filter was already set to v <> 'x'", b -> b.filter("v <> 'x'").filter("true")),
        Map.entry("readOnly was already set to false", b -> b.readOnly(false).readOnly(true)),
        Map.entry("fetchSize was already set to 10", b -> b.fetchSize(10).fetchSize(20)),
        Map.entry("serverSideDigest was already set to false", b -> b.serverSideDigest(false).serverSideDigest(true)));
    twice.forEach((message, calls) ->
        assertThatThrownBy(() -> calls.accept(JdbcStore.newBuilder(DS)))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(message));
  }

  @Test
  @DisplayName("unset settings take their defaults: the table's name as id, its primary key, every other column, read-write")
  void defaults() {
    JdbcStore s = JdbcStore.newBuilder(DS).table("orders").build();
    assertThat(s.id()).isEqualTo("orders");
    assertThat(s.fingerprint()).containsEntry("key", "\"ID\"").containsEntry("fields", "\"V\", \"TS\"");
    assertThat(s.capabilities()).contains(io.reconcile.api.store.Capability.WRITE);
    assertThatThrownBy(() -> JdbcStore.newBuilder(DS).keyColumns("id", " ")).hasMessage("keyColumns name must not be blank");
    assertThatThrownBy(() -> JdbcStore.newBuilder(DS).fetchSize(0)).hasMessage("fetchSize must be >= 1, but was 0");
  }
}
