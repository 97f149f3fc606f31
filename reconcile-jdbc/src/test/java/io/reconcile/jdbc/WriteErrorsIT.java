package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.jdbc.CrossDialectIT.Product;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A failed repair batch is reported in one line naming the table, the key and the SQLState — never
 * a row value, neither in the message nor anywhere in the stack trace {@code --debug} prints.
 */
@DisplayName("write errors name table, key and SQLState, never row values")
class WriteErrorsIT {

  private static final String FORBIDDEN = "forbidden-7731";
  private static final String DEFAULT_CODE = "dup-code-4242";

  private static DataSource table(Product product) {
    String ddl = "CREATE TABLE t (id int PRIMARY KEY, v varchar(40),"
        + " code varchar(20) DEFAULT '" + DEFAULT_CODE + "',"
        + " CONSTRAINT no_forbidden CHECK (v <> '" + FORBIDDEN + "'))";
    String unique = "CREATE UNIQUE INDEX t_code ON t (code)";
    return product == Product.POSTGRES ? Postgres.fresh(ddl, unique) : MariaDb.fresh(ddl, unique);
  }

  private static RepairAction insert(long id, String v) {
    return RepairAction.upsert("t", Entry.of(Key.of(id), Map.of("v", v)), Expected.absent());
  }

  @ParameterizedTest(name = "{0}: a CHECK constraint violation")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void checkViolation(Product product) {
    DataSource ds = table(product);
    H2.exec(ds, "DROP INDEX t_code" + (product == Product.MARIADB ? " ON t" : ""));
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").columns("v").build();
    List<RepairAction> batch = new ArrayList<>();
    for (long id = 1; id <= 6; id++) {
      batch.add(insert(id, id == 4 ? FORBIDDEN : "value-" + id + "-zq"));
    }

    Throwable thrown = catchThrowable(() -> store.apply(batch));

    assertThat(thrown).isInstanceOf(StoreUnavailableException.class);
    assertThat(((StoreUnavailableException) thrown).isTransient()).isFalse();
    assertThat(thrown.getMessage())
        .doesNotContain("\n")
        .contains("table 't'", "key 4", product == Product.POSTGRES ? "23514" : "SQLState");
    if (product == Product.POSTGRES) {
      assertThat(thrown.getMessage()).contains("constraint 'no_forbidden'", "CHECK constraint");
    }
    assertNoValues(thrown, FORBIDDEN, "-zq");
    assertThat(H2.count(ds, "SELECT COUNT(*) FROM t")).isZero();
  }

  @ParameterizedTest(name = "{0}: a unique index on a column outside the comparison")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void uniqueViolationOutsideTheComparison(Product product) {
    DataSource ds = table(product);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").columns("v").build();

    // Both inserts take the default code: the second breaks the unique index.
    Throwable thrown = catchThrowable(() -> store.apply(List.of(insert(1, "one-zq"), insert(2, "two-zq"))));

    assertThat(thrown).isInstanceOf(StoreUnavailableException.class);
    assertThat(thrown.getMessage())
        .doesNotContain("\n")
        .contains("table 't'", "key 2", product == Product.POSTGRES ? "23505" : "23000");
    assertNoValues(thrown, DEFAULT_CODE, "-zq");
  }

  private static void assertNoValues(Throwable thrown, String... values) {
    StringWriter trace = new StringWriter();
    thrown.printStackTrace(new PrintWriter(trace));
    assertThat(trace.toString()).contains("SQLState").doesNotContain(values);
  }
}
