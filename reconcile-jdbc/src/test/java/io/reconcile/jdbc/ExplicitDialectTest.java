package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.jdbc.spi.ColumnKind;
import io.reconcile.jdbc.spi.SqlColumn;
import io.reconcile.jdbc.spi.SqlDialect;
import io.reconcile.jdbc.spi.SqlTable;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A dialect of the public SPI chosen on the builder replaces H2's built-in one: its paging, locking,
 * type refusals and read and write hooks are what the store uses, and its digests (client-side)
 * equal the built-in dialect's (in SQL).
 */
class ExplicitDialectTest {

  /** H2 spoken through the SPI: {@code LIMIT n}, counted hooks, names of at most 5 characters. */
  static final class CountingDialect implements SqlDialect {
    final AtomicInteger readsBegun = new AtomicInteger();
    final AtomicInteger readsRestored = new AtomicInteger();
    final AtomicInteger writesBegun = new AtomicInteger();
    final AtomicInteger writesRestored = new AtomicInteger();

    @Override
    public String name() {
      return "counting";
    }

    @Override
    public boolean serves(String productName) {
      return false;
    }

    @Override
    public Optional<String> refusal(SqlColumn column, ColumnKind kind, Value value) {
      return column.name().equalsIgnoreCase("name") && value instanceof Value.Text t && t.value().length() > 5
          ? Optional.of("names of at most 5 characters")
          : Optional.empty();
    }

    @Override
    public Restore beginRead(Connection connection) throws SQLException {
      Restore isolation = SqlDialect.super.beginRead(connection);
      readsBegun.incrementAndGet();
      return () -> {
        isolation.restore();
        readsRestored.incrementAndGet();
      };
    }

    @Override
    public boolean snapshotReads() {
      return true;
    }

    @Override
    public Restore beginWrite(Connection connection) {
      writesBegun.incrementAndGet();
      return writesRestored::incrementAndGet;
    }

    @Override
    public String lockedTable(SqlTable table) {
      return table.quotedName() + " AS locked";
    }

    @Override
    public String limit(int rows) {
      return " LIMIT " + rows;
    }
  }

  private static final String DDL =
      "CREATE TABLE items (id BIGINT PRIMARY KEY, name VARCHAR(40), amount DECIMAL(10,2))";

  @Test
  @DisplayName("the builder's dialect is used, hashes client-side and digests as the built-in H2 one does")
  void explicitDialectWins() {
    DataSource ds = H2.fresh(DDL, "INSERT INTO items VALUES (1, 'ada', 1.50), (2, 'bob', NULL), (3, '', 0)");
    CountingDialect dialect = new CountingDialect();
    JdbcStore store = JdbcStore.newBuilder(ds).table("items").dialect(dialect).build();
    JdbcStore builtIn = JdbcStore.newBuilder(ds).table("items").build();

    assertThat(store.dialectName()).isEqualTo("counting");
    assertThat(builtIn.dialectName()).startsWith("h2");
    assertThat(store.capabilities()).doesNotContain(Capability.SERVER_SIDE_DIGEST).contains(Capability.ATOMIC_BATCH);
    assertThat(store.queries().page(List.of(KeyRange.all()), null, false, 7).text()).endsWith(" LIMIT 7");
    assertThat(store.queries().points(List.of(Key.of(1L)), true).text()).contains("\"ITEMS\" AS locked");

    assertThat(store.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5))
        .isEqualTo(builtIn.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5));
    assertThat(dialect.readsBegun.get()).isPositive().isEqualTo(dialect.readsRestored.get());
  }

  @Test
  @DisplayName("a conditional repair goes through the dialect's write hooks and its refusals")
  void repairsThroughTheDialect() {
    DataSource ds = H2.fresh(DDL, "INSERT INTO items VALUES (1, 'ada', 1.50)");
    CountingDialect dialect = new CountingDialect();
    JdbcStore store = JdbcStore.newBuilder(ds).table("items").dialect(dialect).build();
    Entry was = store.get(List.of(Key.of(1L))).get(Key.of(1L));
    Entry now = Entry.of(Key.of(1L), Map.of("name", "eve", "amount", new java.math.BigDecimal("2.5")));

    RepairAction tooLong = RepairAction.upsert(
        store.id(), Entry.of(Key.of(1L), Map.of("name", "evelyn", "amount", 1)), Expected.present(was));
    assertThat(store.unwritable(tooLong)).hasValueSatisfying(why -> assertThat(why)
        .contains("column 'NAME'").contains("names of at most 5 characters").doesNotContain("evelyn"));

    List<ActionOutcome> outcomes = store.apply(List.of(RepairAction.upsert(store.id(), now, Expected.present(was))));
    assertThat(outcomes).singleElement().extracting(ActionOutcome::status).isEqualTo(ActionOutcome.Status.APPLIED);
    assertThat(H2.query(ds, "SELECT name, amount FROM items")).isEqualToIgnoringNewLines("eve|2.50");
    assertThat(dialect.writesBegun.get()).isEqualTo(1).isEqualTo(dialect.writesRestored.get());

    List<ActionOutcome> stale = store.apply(List.of(RepairAction.upsert(store.id(), was, Expected.present(was))));
    assertThat(stale).singleElement().extracting(ActionOutcome::status).isNotEqualTo(ActionOutcome.Status.APPLIED);
  }
}
