package io.reconcile.sqlite;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.jdbc.JdbcStore;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.sqlite.Function;

/**
 * Client-side canonical digests of SQLite against the one in-SQL form SQLite allows (it has no MD5:
 * a Java aggregate function registered through the driver, called back per row), over {@value
 * #ROWS} rows of the kit's table; both must give the same digest, and the times are printed. Not a
 * unit test (its name does not end in Test): run it on purpose with
 * {@code mvn -o -pl reconcile-sqlite -am test -Dtest=SqliteDigestBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false}. Figures are in docs/benchmarks.md.
 */
class SqliteDigestBenchmark {

  private static final int ROWS = Integer.getInteger("rows", 200_000);
  private static final int RUNS = 5;

  /** The canonical digest of the rows it is called with, as the store's own field mapping reads them. */
  public static final class CanonicalDigest extends Function.Aggregate {
    private Digest digest = Digest.EMPTY;

    @Override
    protected void xStep() throws SQLException {
      Map<String, Object> fields = new HashMap<>();
      fields.put("name", value_type(1) == org.sqlite.core.Codes.SQLITE_NULL ? null : value_text(1));
      fields.put("amount", value_type(2) == org.sqlite.core.Codes.SQLITE_NULL ? null : new BigDecimal(value_text(2)));
      fields.put("active", value_type(3) == org.sqlite.core.Codes.SQLITE_NULL ? null : value_int(3) != 0);
      digest = digest.plus(Entry.of(Key.of(value_long(0)), fields).hash());
    }

    @Override
    protected void xFinal() throws SQLException {
      result(digest.count() + ":" + digest.sum());
    }
  }

  @Test
  void clientSideAgainstJavaAggregateInSql() throws SQLException {
    DataSource ds = Sqlite.fresh("CREATE TABLE kit (id BIGINT PRIMARY KEY, name VARCHAR(200),"
        + " amount DECIMAL TEXT(18,2), active BOOLEAN)");
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO kit VALUES (?, ?, ?, ?)")) {
      c.setAutoCommit(false);
      for (int i = 0; i < ROWS; i++) {
        ps.setLong(1, i * 7L - ROWS);
        ps.setString(2, i % 10 == 0 ? null : "name " + i + " é😀");
        ps.setString(3, BigDecimal.valueOf(i * 1_000_003L, 2).toPlainString());
        ps.setBoolean(4, i % 2 == 0);
        ps.addBatch();
      }
      ps.executeBatch();
      c.commit();
    }
    JdbcStore store = JdbcStore.newBuilder(ds).table("kit").build();
    Digest clientSide = null;
    long clientBest = Long.MAX_VALUE;
    String inSql = null;
    long sqlBest = Long.MAX_VALUE;
    for (int run = 0; run < RUNS; run++) {
      long t0 = System.nanoTime();
      clientSide = store.digest(List.of(KeyRange.all()), HashScheme.CANONICAL_MD5).get(0);
      clientBest = Math.min(clientBest, System.nanoTime() - t0);
      try (Connection c = ds.getConnection()) {
        Function.create(c, "reconcile_digest", new CanonicalDigest());
        long t1 = System.nanoTime();
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT reconcile_digest(id, name, amount, active) FROM kit")) {
          rs.next();
          inSql = rs.getString(1);
        }
        sqlBest = Math.min(sqlBest, System.nanoTime() - t1);
      }
    }
    String[] countAndSum = inSql.split(":");
    assertThat(Digest.of(Long.parseLong(countAndSum[0]), new BigInteger(countAndSum[1]))).isEqualTo(clientSide);
    assertThat(clientSide.count()).isEqualTo(ROWS);
    System.out.printf("SQLite canonical MD5 digest of %d rows, best of %d: client-side %d ms, Java aggregate in SQL %d ms%n",
        ROWS, RUNS, clientBest / 1_000_000, sqlBest / 1_000_000);
  }
}
