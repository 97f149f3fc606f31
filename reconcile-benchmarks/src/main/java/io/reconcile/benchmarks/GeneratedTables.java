package io.reconcile.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import javax.sql.DataSource;

/**
 * The end-to-end benchmarks' data and baselines: a table {@value #TABLE} generated inside embedded
 * PostgreSQL or MariaDB ({@code id bigint} key, {@code name text}, {@code amount numeric(12,2)},
 * {@code created timestamptz}/{@code datetime(6)}, {@code active boolean}, {@code qty int}),
 * differences planted in it and taken out again, the floors (one full scan hashing every row) and
 * the naive full-fetch ordered merge.
 */
final class GeneratedTables {

  /** The generated table's name. */
  static final String TABLE = "orders";

  /** Rows generated per statement: one transaction of 10M rows is slower than ten of 1M. */
  private static final long CHUNK = 1_000_000;

  private GeneratedTables() {}

  /** The servers a benchmark can compare. */
  enum Product {
    PG,
    MARIA;

    /** A new, empty database on this product's embedded server. */
    TestDatabase newDatabase() {
      return this == PG ? TestServers.postgres() : TestServers.mariaDb();
    }

    /** {@code pg-pg}, {@code maria-maria} or {@code pg-maria}: the first and second product. */
    static Product[] pair(String pair) {
      return switch (pair) {
        case "pg-pg" -> new Product[] {PG, PG};
        case "maria-maria" -> new Product[] {MARIA, MARIA};
        case "pg-maria" -> new Product[] {PG, MARIA};
        default -> throw new IllegalArgumentException(
            "the pair is pg-pg, maria-maria or pg-maria, but was '" + pair + "'");
      };
    }
  }

  /**
   * The differences planted in a copy of the table, a third each: keys deleted, keys whose amount
   * was changed, keys inserted; spread over the key space.
   */
  record Planted(long[] deleted, long[] updated, long[] inserted) {

    /** Every planted key, ascending. */
    long[] keys() {
      return LongStream.concat(LongStream.concat(Arrays.stream(deleted), Arrays.stream(updated)), Arrays.stream(inserted))
          .sorted().toArray();
    }

    /** d, the number of planted differences. */
    int count() {
      return deleted.length + updated.length + inserted.length;
    }
  }

  /** Connections as an application would hold them: pooled. */
  static HikariDataSource pool(TestDatabase db, int size) {
    HikariConfig c = new HikariConfig();
    c.setDataSource(db.dataSource());
    c.setMaximumPoolSize(size);
    return new HikariDataSource(c);
  }

  /** (Re)creates the table with keys 1 to {@code rows}, the same rows on every product. */
  static void generate(Product p, TestDatabase db, long rows) {
    db.exec("DROP TABLE IF EXISTS " + TABLE);
    if (p == Product.PG) {
      // the primary key is built after the rows: faster than keeping the index up to date
      db.exec("CREATE TABLE " + TABLE + " (id bigint NOT NULL, name text, amount numeric(12,2),"
          + " created timestamptz, active boolean, qty int)");
    } else {
      db.exec("CREATE TABLE " + TABLE + " (id bigint PRIMARY KEY, name varchar(40), amount decimal(12,2),"
          + " created datetime(6), active boolean, qty int)");
    }
    for (long from = 1; from <= rows; from += CHUNK) {
      long to = Math.min(rows, from + CHUNK - 1);
      db.exec(insertGenerated(p, p == Product.PG
          ? "generate_series(" + from + "::bigint, " + to + ") g"
          : "seq_" + from + "_to_" + to));
    }
    if (p == Product.PG) {
      db.exec("ALTER TABLE " + TABLE + " ADD PRIMARY KEY (id)");
    }
  }

  /** The generated rows of the keys {@code source} yields ({@code g} on PostgreSQL, {@code seq} on MariaDB). */
  private static String insertGenerated(Product p, String source) {
    if (p == Product.PG) {
      return "INSERT INTO " + TABLE + " SELECT g, 'customer-' || (g * 7919 % 900000 + 100000),"
          + " (g * 104729 % 10000000) / 100.0,"
          + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1.000001 second',"
          + " g % 3 = 0, g % 1000 FROM " + source;
    }
    return "INSERT INTO " + TABLE + " SELECT seq, CONCAT('customer-', seq * 7919 % 900000 + 100000),"
        + " (seq * 104729 % 10000000) / 100.0,"
        + " TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq * 1000001 MICROSECOND,"
        + " seq % 3 = 0, seq % 1000 FROM " + source;
  }

  /** Plants {@code d} differences in a table of {@code rows} generated rows. */
  static Planted plant(Product p, TestDatabase db, long rows, int d) {
    long[][] byKind = new long[3][];
    for (int kind = 0; kind < 3; kind++) {
      int first = kind;
      byKind[kind] = LongStream.range(0, d).filter(k -> k % 3 == first)
          .map(k -> first == 2 ? rows + k + 1 : rows * k / d + rows / (2L * d) + 1).toArray();
    }
    Planted planted = new Planted(byKind[0], byKind[1], byKind[2]);
    if (planted.deleted().length > 0) {
      db.exec("DELETE FROM " + TABLE + " WHERE id IN (" + list(planted.deleted()) + ")");
    }
    if (planted.updated().length > 0) {
      db.exec("UPDATE " + TABLE + " SET amount = amount + 1 WHERE id IN (" + list(planted.updated()) + ")");
    }
    if (planted.inserted().length > 0) {
      StringBuilder values = new StringBuilder();
      for (long key : planted.inserted()) {
        values.append(values.length() == 0 ? "" : ",").append('(').append(key).append(", 'new', 1.00, ")
            .append(p == Product.PG ? "now()" : "NOW(6)").append(", true, 1)");
      }
      db.exec("INSERT INTO " + TABLE + " VALUES " + values);
    }
    return planted;
  }

  /** Takes the planted differences out again: the table holds the generated rows only. */
  static void unplant(Product p, TestDatabase db, long rows, Planted planted) {
    db.exec("DELETE FROM " + TABLE + " WHERE id > " + rows
        + (planted.updated().length > 0 ? " OR id IN (" + list(planted.updated()) + ")" : ""));
    long[] restore = LongStream.concat(Arrays.stream(planted.deleted()), Arrays.stream(planted.updated())).toArray();
    if (restore.length > 0) {
      db.exec(insertGenerated(p, p == Product.PG
          ? "unnest('{" + list(restore) + "}'::bigint[]) g"
          : "seq_1_to_" + rows + " WHERE seq IN (" + list(restore) + ")"));
    }
  }

  static String list(long[] keys) {
    StringBuilder out = new StringBuilder();
    for (long k : keys) {
      out.append(out.length() == 0 ? "" : ",").append(k);
    }
    return out.toString();
  }

  /** Fresh statistics: the stores size their plans by them. */
  static void analyze(Product p, TestDatabase db) {
    db.exec(p == Product.PG ? "VACUUM ANALYZE " + TABLE : "ANALYZE TABLE " + TABLE);
  }

  /** One full scan hashing every row: MD5, or the cheapest native hash of at least 64 bits. */
  static String floor(Product p, TestDatabase db, boolean nativeHash) {
    String sql;
    if (p == Product.PG) {
      sql = nativeHash
          ? "SELECT count(*), sum(hash_record_extended(t, 0)) FROM " + TABLE + " t"
          : "SELECT count(*), sum(('x' || substr(md5(t::text), 1, 16))::bit(64)::int8) FROM " + TABLE + " t";
    } else {
      String row = "CONCAT_WS('|', id, name, amount, created, active, qty)";
      sql = nativeHash
          ? "SELECT COUNT(*), SUM((CRC32(" + row + ") << 32) | CRC32C(" + row + ")) FROM " + TABLE
          : "SELECT COUNT(*), SUM(CAST(CONV(SUBSTR(MD5(" + row + "), 1, 16), 16, 10) AS DECIMAL(20,0))) FROM " + TABLE;
    }
    return db.query(sql);
  }

  /** Both tables' floors at once, each on its own product. */
  static void floors(ExecutorService two, Product pa, TestDatabase a, Product pb, TestDatabase b, boolean nativeHash)
      throws Exception {
    both(two, () -> floor(pa, a, nativeHash), () -> floor(pb, b, nativeHash));
  }

  /** The characters of every value's text in the table, about what a naive merge fetches. */
  static long textBytes(Product p, TestDatabase db) {
    String sql = p == Product.PG
        ? "SELECT sum(length(t::text) - 7) FROM " + TABLE + " t" // less the row's parentheses and commas
        : "SELECT SUM(LENGTH(CONCAT_WS('', id, name, amount, created, active, qty))) FROM " + TABLE;
    return Long.parseLong(db.query(sql).trim());
  }

  /**
   * The naive merge: both tables streamed in key order over JDBC, every value read as its Java type
   * and compared by value (numbers by value, timestamps as instants, a {@code datetime} taken as
   * UTC), so that it also compares PostgreSQL with MariaDB. Returns the keys that differ.
   *
   * @throws IllegalStateException if a side's keys do not come in ascending order
   */
  static long naiveMerge(Product pa, TestDatabase a, Product pb, TestDatabase b) throws SQLException {
    try (Ordered ra = new Ordered(pa, a);
        Ordered rb = new Ordered(pb, b)) {
      long diffs = 0;
      boolean hasA = ra.next();
      boolean hasB = rb.next();
      while (hasA || hasB) {
        long ka = hasA ? ra.key : Long.MAX_VALUE;
        long kb = hasB ? rb.key : Long.MAX_VALUE;
        if (ka != kb || !Arrays.equals(ra.values, rb.values)) {
          diffs++;
        }
        if (ka <= kb) {
          hasA = ra.next();
        }
        if (kb <= ka) {
          hasB = rb.next();
        }
      }
      return diffs;
    }
  }

  /** One table read in key order, a row at a time, values canonical. */
  private static final class Ordered implements AutoCloseable {
    private final Product product;
    private final Connection connection;
    private final PreparedStatement statement;
    private final ResultSet rows;
    private final Object[] values = new Object[5];
    private long key = Long.MIN_VALUE;

    Ordered(Product product, TestDatabase db) throws SQLException {
      this.product = product;
      connection = db.dataSource().getConnection();
      connection.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      statement = connection.prepareStatement(
          "SELECT id, name, amount, created, active, qty FROM " + TABLE + " ORDER BY id");
      statement.setFetchSize(10_000);
      rows = statement.executeQuery();
    }

    boolean next() throws SQLException {
      if (!rows.next()) {
        return false;
      }
      long k = rows.getLong(1);
      if (k <= key) {
        throw new IllegalStateException("keys out of order on " + product + ": " + k + " after " + key);
      }
      key = k;
      values[0] = rows.getString(2);
      BigDecimal amount = rows.getBigDecimal(3);
      values[1] = amount == null ? null : amount.stripTrailingZeros();
      if (product == Product.PG) {
        OffsetDateTime created = rows.getObject(4, OffsetDateTime.class);
        values[2] = created == null ? null : created.toInstant();
      } else {
        LocalDateTime created = rows.getObject(4, LocalDateTime.class);
        values[2] = created == null ? null : created.toInstant(ZoneOffset.UTC);
      }
      boolean active = rows.getBoolean(5);
      values[3] = rows.wasNull() ? null : active;
      int qty = rows.getInt(6);
      values[4] = rows.wasNull() ? null : qty;
      return true;
    }

    @Override
    public void close() throws SQLException {
      try (connection; statement; rows) {
        connection.rollback();
      }
    }
  }

  /** Runs both at once and waits for both. */
  static void both(ExecutorService pool, Callable<?> x, Callable<?> y) throws Exception {
    Future<?> fx = pool.submit(x);
    Future<?> fy = pool.submit(y);
    fx.get();
    fy.get();
  }
}
