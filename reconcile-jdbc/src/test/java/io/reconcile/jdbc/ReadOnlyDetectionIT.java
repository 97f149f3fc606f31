package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Detection cannot write, whatever the filter: on real PostgreSQL and MariaDB and on H2, a filter
 * that is not one boolean expression is refused at build, and one that calls something with side
 * effects fails every read with the database's read-only error (H2: the store's own check) —
 * while a checksum of every table of the database stays as it was.
 */
@DisplayName("Detection is read-only even under a malicious filter")
public class ReadOnlyDetectionIT { // public: H2 calls sneaky(Connection) through CREATE ALIAS

  enum Product { POSTGRES, MARIADB, H2 }

  private static final String[] COMMON = {
    "CREATE TABLE t (id int PRIMARY KEY, v varchar(20))",
    "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c'), (5, 'e'), (8, 'h')",
    "CREATE TABLE x (id int PRIMARY KEY)",
    "INSERT INTO x VALUES (1)",
    "CREATE TABLE side (id int)",
  };

  static DataSource database(Product p) {
    return switch (p) {
      case POSTGRES -> Postgres.fresh(concat(COMMON,
          "CREATE SEQUENCE s",
          "CREATE FUNCTION sneaky() RETURNS boolean LANGUAGE plpgsql AS $$"
              + " BEGIN INSERT INTO side VALUES (1); RETURN true; END $$"));
      case MARIADB -> MariaDb.fresh(concat(COMMON,
          "CREATE FUNCTION sneaky() RETURNS int MODIFIES SQL DATA"
              + " BEGIN INSERT INTO side VALUES (1); RETURN 1; END"));
      case H2 -> H2.fresh(concat(COMMON,
          "CREATE SEQUENCE s",
          "CREATE ALIAS sneaky FOR \"" + ReadOnlyDetectionIT.class.getName() + ".sneaky\""));
    };
  }

  /** H2's side-effecting function: inserts through the calling session's own connection. */
  public static boolean sneaky(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("INSERT INTO side VALUES (1)");
    }
    return true;
  }

  static Stream<Arguments> refused() {
    List<Arguments> out = new ArrayList<>();
    for (Product p : Product.values()) {
      out.add(Arguments.of(p, "1=1) ; DROP TABLE x; --"));
      out.add(Arguments.of(p, "1=1; DROP TABLE x"));
      out.add(Arguments.of(p, "1=1; COMMIT; DROP TABLE x"));
      out.add(Arguments.of(p, "1=1 -- a comment"));
      out.add(Arguments.of(p, "1=1 /* DROP TABLE x */"));
      out.add(Arguments.of(p, "1=1) OR (1=1"));
      out.add(Arguments.of(p, "v = 'unterminated"));
      out.add(Arguments.of(p, "(v = 'a'"));
      // A backslash before a quote: one literal where backslashes escape, a stacked DROP where not.
      out.add(Arguments.of(p, "v <> 'a\\' ; DROP TABLE x; SELECT '"));
    }
    out.add(Arguments.of(Product.MARIADB, "1=1 # DROP TABLE x"));
    out.add(Arguments.of(Product.MARIADB, "`id` = 1 ; DROP TABLE x"));
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refused")
  @DisplayName("a filter that is not one boolean expression is refused at build, before it runs")
  void refusedAtBuild(Product p, String filter) {
    DataSource ds = database(p);
    Map<String, String> before = checksums(ds);

    Throwable thrown = catchThrowable(() -> {
      JdbcStore store = JdbcStore.newBuilder(ds).table("t").filter(filter).build();
      readAsTheEngineDoes(store, e -> {});
    });

    assertThat(checksums(ds)).isEqualTo(before).containsKey("x");
    assertThat(thrown)
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageStartingWith("filter ");
    assertThat(thrown.getMessage()).doesNotContain("\n").hasSizeLessThan(400);
  }

  static Stream<Arguments> failsReadOnly() {
    return Stream.of(
        Arguments.of(Product.POSTGRES, "sneaky()"),
        Arguments.of(Product.POSTGRES, "nextval('s') > 0"),
        Arguments.of(Product.POSTGRES, "id IN (SELECT id FROM t WHERE sneaky())"),
        Arguments.of(Product.MARIADB, "sneaky() = 1"),
        Arguments.of(Product.MARIADB, "id IN (SELECT id FROM x WHERE sneaky() = 1) OR id > 0"),
        Arguments.of(Product.H2, "sneaky()"),
        Arguments.of(Product.H2, "id <> (SELECT COUNT(*) FROM FINAL TABLE (INSERT INTO side VALUES (7)))"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("failsReadOnly")
  @DisplayName("a filter with side effects fails every read, and nothing is written")
  void sideEffectsFail(Product p, String filter) {
    DataSource ds = database(p);
    Map<String, String> before = checksums(ds);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").filter(filter).build();
    List<Throwable> failures = new ArrayList<>();

    readAsTheEngineDoes(store, failures::add);

    assertThat(checksums(ds)).isEqualTo(before).containsKey("x");
    assertThat(failures).hasSize(6).allSatisfy(f -> assertThat(f)
        .isInstanceOf(ReconcileException.class)
        .message().containsAnyOf(
            "read-only transaction", "READ ONLY transaction", "changed data in the database"));
  }

  @org.junit.jupiter.api.Test
  @DisplayName("H2's documented gap: a sequence the filter advances stays advanced; tables do not change")
  void h2SequenceIsTheGap() {
    DataSource ds = database(Product.H2);
    Map<String, String> before = checksums(ds);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").filter("NEXT VALUE FOR s > 0").build();
    List<Throwable> failures = new ArrayList<>();

    readAsTheEngineDoes(store, failures::add);

    Map<String, String> after = checksums(ds);
    assertThat(failures).isEmpty();
    assertThat(after.remove("s")).isNotEqualTo(before.remove("s"));
    assertThat(after).isEqualTo(before);
  }

  static Stream<Arguments> allowed() {
    return Stream.of(
        Arguments.of(Product.POSTGRES, "id IN (SELECT id FROM x) OR v <> 'a;b'", 5),
        Arguments.of(Product.POSTGRES, "v <> $$a'; DROP TABLE x; --$$ AND v <> E'\\';'", 5),
        Arguments.of(Product.POSTGRES, "\"v\" IN ('a', 'b''c')", 1),
        Arguments.of(Product.MARIADB, "id IN (SELECT id FROM x) OR `v` <> 'a;b'", 5),
        Arguments.of(Product.MARIADB, "v <> \"it's; fine\"", 5),
        Arguments.of(Product.H2, "id IN (SELECT id FROM x) OR \"V\" <> 'a;b'", 5),
        Arguments.of(Product.H2, "id > 2", 3));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("allowed")
  @DisplayName("one boolean expression, subqueries and literals holding ; included, reads as usual")
  void allowedFilters(Product p, String filter, int rows) {
    DataSource ds = database(p);
    Map<String, String> before = checksums(ds);
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").filter(filter).build();
    List<Throwable> failures = new ArrayList<>();

    readAsTheEngineDoes(store, failures::add);

    assertThat(failures).isEmpty();
    assertThat(store.digest(KeyRange.all()).count()).isEqualTo(rows);
    assertThat(checksums(ds)).isEqualTo(before);
  }

  @org.junit.jupiter.api.Test
  @DisplayName("MariaDB connections that run statement lists are refused, by URL or data source")
  void statementListsRefused() throws SQLException {
    io.reconcile.testservers.TestDatabase db = MariaDb.database(COMMON);
    Map<String, String> before = checksums(db.dataSource());
    io.reconcile.api.store.StoreOptions options = io.reconcile.api.store.StoreOptions.newBuilder()
        .dataset("t").filter("1=1").property("user", db.user()).property("password", db.password())
        .build();
    org.mariadb.jdbc.MariaDbDataSource multi =
        new org.mariadb.jdbc.MariaDbDataSource(db.jdbcUrl() + "?allowMultiQueries=true");
    multi.setUser(db.user());
    multi.setPassword(db.password());

    Throwable byUrl = catchThrowable(() -> readAsTheEngineDoes(
        (JdbcStore) new JdbcStoreProvider().open(db.jdbcUrl() + "?allowMultiQueries=true", options),
        e -> {}));
    Throwable bySource = catchThrowable(() -> readAsTheEngineDoes(
        JdbcStore.newBuilder(multi).table("t").filter("1=1").build(), e -> {}));

    assertThat(byUrl).isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("allowMultiQueries=true lets one statement run several")
        .hasMessageNotContaining(db.password());
    assertThat(bySource).isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("connect without allowMultiQueries");
    assertThat(checksums(db.dataSource())).isEqualTo(before);
  }

  /** Every read the engine makes, each failure handed to {@code failed}. */
  private static void readAsTheEngineDoes(JdbcStore store, Consumer<Throwable> failed) {
    List<Runnable> reads = List.of(
        () -> store.segments(KeyRange.all(), 1),
        () -> store.segments(KeyRange.all(), 4),
        () -> store.digest(KeyRange.all()),
        () -> store.digest(List.of(KeyRange.of(null, Key.of(3L)), KeyRange.of(Key.of(3L), null)),
            HashScheme.CANONICAL_MD5),
        () -> {
          try (var s = store.scan(KeyRange.all())) {
            s.forEach(e -> {});
          }
        },
        () -> store.get(List.of(Key.of(1L), Key.of(2L))));
    for (Runnable r : reads) {
      try {
        r.run();
      } catch (RuntimeException e) {
        failed.accept(e);
      }
    }
  }

  /** Per table (and sequence) of the database's current schema, an MD5 of its sorted rows. */
  static Map<String, String> checksums(DataSource ds) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = ds.getConnection()) {
      DatabaseMetaData md = c.getMetaData();
      List<String> tables = new ArrayList<>();
      try (ResultSet rs = md.getTables(c.getCatalog(), c.getSchema(), "%", null)) {
        while (rs.next()) {
          if (List.of("TABLE", "BASE TABLE", "SEQUENCE").contains(rs.getString("TABLE_TYPE"))) {
            tables.add(rs.getString("TABLE_NAME"));
          }
        }
      }
      if (md.getDatabaseProductName().equals("H2")) {
        tables.add("s"); // H2 lists no sequences among its tables
      }
      for (String table : tables) {
        List<String> rows = new ArrayList<>();
        String sql = table.equalsIgnoreCase("s") && !md.getDatabaseProductName().equals("H2")
            ? "SELECT last_value, is_called FROM s"
            : table.equalsIgnoreCase("s")
                ? "SELECT BASE_VALUE FROM INFORMATION_SCHEMA.SEQUENCES WHERE SEQUENCE_NAME = 'S'"
                : "SELECT * FROM " + table;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              row.append(rs.getString(i)).append('|');
            }
            rows.add(row.toString());
          }
        }
        rows.sort(null);
        byte[] md5 = MessageDigest.getInstance("MD5").digest(String.join("\n", rows).getBytes());
        out.put(table.toLowerCase(java.util.Locale.ROOT), rows.size() + ":" + HexFormat.of().formatHex(md5));
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
