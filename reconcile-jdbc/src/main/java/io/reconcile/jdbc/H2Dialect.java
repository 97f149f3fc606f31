package io.reconcile.jdbc;

import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The H2 (2.x) dialect: text keys ordered and compared by their UTF-8 bytes, and — when every key
 * and compared column can be — canonical digests computed by H2's SQL.
 *
 * <p><b>Key order.</b> H2 compares {@code VARCHAR} by UTF-16 unit, which differs from the code
 * point order of {@link io.reconcile.api.Key} between supplementary characters (U+10000 and up,
 * e.g. emoji) and U+E000–U+FFFF. So text key columns are compared as {@code CAST(x AS VARBINARY)}
 * against {@code CAST(? AS VARBINARY)} — H2 2 converts text to its UTF-8 bytes and compares bytes
 * unsigned, which is code point order. The cost: such a comparison cannot use the key's index, so a
 * keyset page over a text key scans the table (integer, UUID and binary keys are unaffected).
 *
 * <p><b>Server-side digests.</b> Per row, SQL builds exactly the bytes of {@link
 * Canonical#encodeRow} — integers {@code 'n' || CHAR_LENGTH(s) || ':' || s} over {@code CAST(x AS
 * VARCHAR)}; NUMERIC/DECIMAL by value (trailing fractional zeros and point trimmed, zero as {@code
 * 0}; H2 prints numerics without exponent); character types {@code 's' || OCTET_LENGTH(x) || ':' ||
 * x} (UTF-8 bytes; {@code CHAR(n)} over {@code RTRIM(x)}, without its pad spaces); BOOLEAN {@code b1:1}/{@code b1:0};
 * DATE {@code 'd10:' || CAST(x AS VARCHAR)}; TIMESTAMP and TIMESTAMP WITH TIME ZONE {@code EXTRACT(EPOCH
 * FROM x)} trimmed like a decimal (a TIMESTAMP read as UTC, as the client side reads it); UUID
 * {@code 'u36:' || CAST(x AS VARCHAR)} (compared as text: {@code 's36:' || …}); binary types {@code 'x' || 2·OCTET_LENGTH(x) || ':' ||
 * RAWTOHEX(x)}; NULL {@code N} — and hashes it with {@code HASH('MD5', …)} (over the UTF-8 bytes).
 * Each MD5 is split into two signed 64-bit halves ({@code CAST(SUBSTRING(h FROM 1 FOR 8) AS
 * BIGINT)}), summed per range with the count of negative low halves, and combined client-side into
 * a {@link Digest}: one query per group of up to {@value #RANGES_PER_QUERY} ranges. REAL, DOUBLE,
 * DECFLOAT, JSON, TIME, INTERVAL and other types, and normalisation rules that change values, hash
 * client-side as the generic dialect does (NULL treated as absent pushes down: such a field is left
 * out of a row where it is NULL).
 *
 * <p>Only a remote H2 ({@code jdbc:h2:tcp:}, {@code jdbc:h2:ssl:}) digests in SQL, where it saves
 * moving the rows. An embedded H2 shares the JVM with the store, and its interpreted SQL is the
 * slower hasher: 200,000 rows of six columns took 8.3 s as SQL against 1.1 s hashed client-side.
 */
final class H2Dialect implements Dialect {

  /** Ranges bucketed by one query. */
  static final int RANGES_PER_QUERY = 64;

  private static final Set<String> INTEGER_TYPES = Set.of("tinyint", "smallint", "integer", "bigint");
  private static final Set<String> TEXT_TYPES =
      Set.of("character varying", "character", "character large object", "varchar_ignorecase");
  private static final Set<String> BINARY_TYPES =
      Set.of("binary varying", "binary", "binary large object");

  private final @Nullable Pushdown pushdown;
  private final @Nullable String noPushdownReason;

  private H2Dialect(@Nullable Pushdown pushdown, @Nullable String noPushdownReason) {
    this.pushdown = pushdown;
    this.noPushdownReason = noPushdownReason;
  }

  /** The dialect for reading the catalog (see {@link Dialect#forCatalogRead}). */
  static H2Dialect forCatalogRead() {
    return new H2Dialect(null, "catalog read");
  }

  /** Whether the connection is to H2. */
  static boolean isH2(DatabaseMetaData md) throws SQLException {
    return "H2".equalsIgnoreCase(md.getDatabaseProductName()) && md.getDatabaseMajorVersion() >= 2;
  }

  /** The standard kind, with precision, length and fractional digits from the catalog. */
  @Override
  public Column.@Nullable Typing typing(Table.ColumnInfo info) {
    Column.Kind kind = Column.Kind.of(info.jdbcType(), info.typeName());
    if (kind == null) {
      return null;
    }
    String t = info.typeName().toLowerCase(Locale.ROOT);
    boolean decimal = kind == Column.Kind.DECIMAL && info.size() > 0;
    int length = (t.equals("character varying") || t.equals("character")) && info.size() < Integer.MAX_VALUE
        ? Math.max(0, info.size()) : 0;
    int fraction = kind == Column.Kind.TIMESTAMP || kind == Column.Kind.TIMESTAMP_TZ ? info.digits() : -1;
    return new Column.Typing(kind, null, new Limits(info.notNull(), length, decimal ? info.size() : 0,
        decimal ? info.digits() : 0, fraction, List.of(), false, Limits.ANY_DATE, Limits.ANY_LOCAL_TIMESTAMP));
  }

  /**
   * The dialect for a table: digests in the database when it is a remote H2 server ({@code
   * jdbc:h2:tcp:} or {@code ssl:}) and the types and normalisation allow; an embedded H2 runs in
   * this JVM, where hashing the rows directly is several times faster than H2's interpreted SQL.
   */
  static H2Dialect forTable(
      Connection conn, Table table, Normalization normalization, boolean allowPushdown)
      throws SQLException {
    String url = conn.getMetaData().getURL();
    boolean remote = url != null && (url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:"));
    String reason =
        !allowPushdown ? "disabled"
            : !remote ? "embedded, where hashing in the JVM is faster"
            : Dialect.whyNotPushable(table, normalization, H2Dialect::pushable);
    if (reason != null) {
      return new H2Dialect(null, reason);
    }
    return new H2Dialect(new Digests(table, normalization), null);
  }

  private static boolean pushable(Column c) {
    String t = c.typeName().toLowerCase(Locale.ROOT);
    return switch (c.kind()) {
      // A LONG decimal is an integral key column, NUMERIC(p,0): printed as an integer.
      case LONG -> INTEGER_TYPES.contains(t) || t.equals("numeric") || t.equals("decimal");
      case DECIMAL -> t.equals("numeric") || t.equals("decimal");
      case TEXT -> TEXT_TYPES.contains(t);
      case BOOLEAN -> t.equals("boolean");
      case DATE -> t.equals("date");
      case TIMESTAMP -> t.equals("timestamp");
      case TIMESTAMP_TZ -> t.equals("timestamp with time zone");
      case UUID, UUID_TEXT -> t.equals("uuid");
      case BYTES -> BINARY_TYPES.contains(t);
      case REAL, DOUBLE, JSON, JSON_TEXT -> false;
    };
  }

  /**
   * SERIALIZABLE: in H2 the level at which a transaction reads one snapshot taken at its start
   * (REPEATABLE READ lets rows committed meanwhile appear).
   */
  @Override
  public int beginSnapshot(Connection c) throws SQLException {
    int was = c.getTransactionIsolation();
    if (was == Connection.TRANSACTION_SERIALIZABLE) {
      return UNCHANGED;
    }
    c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
    return was;
  }

  /**
   * H2 has no read-only transactions (its {@code Connection.setReadOnly} is a no-op, and {@code
   * ACCESS_MODE_DATA=r} makes the whole database read-only for every session), so a read asks H2
   * whether its transaction holds uncommitted changes — rows written by a function or by a data
   * change delta table ({@code FROM FINAL TABLE (INSERT …)}) — before rolling it back, and fails if
   * so. Two things escape it: a sequence advanced ({@code NEXT VALUE FOR}, never rolled back and
   * not a change H2 reports), and DDL run by a Java function, which H2 commits at once.
   */
  @Override
  public boolean readWrote(Connection c) throws SQLException {
    try (java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(
            "SELECT CONTAINS_UNCOMMITTED FROM INFORMATION_SCHEMA.SESSIONS WHERE SESSION_ID = SESSION_ID()")) {
      return rs.next() && rs.getBoolean(1);
    }
  }

  @Override
  public String random() {
    return "RAND()";
  }

  @Override
  public boolean snapshotReads() {
    return true;
  }

  @Override
  public String name() {
    return pushdown != null ? "h2" : "h2 (client-side digests: " + noPushdownReason + ")";
  }

  @Override
  public String keyExpression(Column c) {
    return c.kind() == Column.Kind.TEXT ? "CAST(" + c.quoted() + " AS VARBINARY)" : c.quoted();
  }

  @Override
  public String keyParameter(Column c) {
    return c.kind() == Column.Kind.TEXT ? "CAST(? AS VARBINARY)" : "?";
  }

  @Override
  public @Nullable Pushdown pushdown() {
    return pushdown;
  }

  /** The SQL expression of a column's canonical value encoding, NULL as {@code N}. */
  static String encode(Column c) {
    String x = c.quoted();
    String e =
        switch (c.kind()) {
          case LONG -> framed("n", "CAST(" + x + " AS VARCHAR)");
          case DECIMAL -> framed("n", "CASE WHEN " + x + " = 0 THEN '0' ELSE " + byValue("CAST(" + x + " AS VARCHAR)") + " END");
          case TEXT -> {
            String t = c.padded() ? "RTRIM(" + x + ")" : x; // CHAR(n) without its pad spaces
            yield "'s' || OCTET_LENGTH(" + t + ") || ':' || " + t;
          }
          case BOOLEAN -> "CASE WHEN " + x + " THEN 'b1:1' ELSE 'b1:0' END";
          case DATE -> "'d10:' || CAST(" + x + " AS VARCHAR)";
          case TIMESTAMP, TIMESTAMP_TZ ->
              framed("t", byValue("CAST(EXTRACT(EPOCH FROM " + x + ") AS VARCHAR)"));
          case UUID -> "'u36:' || CAST(" + x + " AS VARCHAR)";
          case UUID_TEXT -> "'s36:' || CAST(" + x + " AS VARCHAR)";
          case BYTES -> "'x' || (2 * OCTET_LENGTH(" + x + ")) || ':' || RAWTOHEX(" + x + ")";
          default -> throw new IllegalStateException("no SQL encoding for " + c);
        };
    return "CASE WHEN " + x + " IS NULL THEN 'N' ELSE " + e + " END";
  }

  private static String framed(String tag, String text) {
    return "'" + tag + "' || CHAR_LENGTH(" + text + ") || ':' || " + text;
  }

  /** Decimal text by value: trailing fractional zeros and then a trailing point trimmed. */
  private static String byValue(String text) {
    return "CASE WHEN POSITION('.' IN " + text + ") > 0 THEN TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM "
        + text + ")) ELSE " + text + " END";
  }

  /** Computes canonical digests in the database. */
  static final class Digests implements Pushdown {
    private final String rowKey;
    private final String rowFields;

    Digests(Table table, Normalization normalization) {
      ConcatenatedRow row = ConcatenatedRow.of(table, normalization, c -> "(" + encode(c) + ")", Column::quoted);
      this.rowKey = row.key();
      this.rowFields = row.fields();
    }

    @Override
    public List<Digest> digest(Connection connection, Queries queries, List<KeyRange> ranges)
        throws SQLException {
      return Pushdown.inGroups(connection, queries, ranges, RANGES_PER_QUERY,
          (group, params) -> sql(queries, group, params), Pushdown::fromSignedHalves);
    }

    /** The SQL of one group's query; its parameters go to {@code params}. */
    String sql(Queries queries, List<KeyRange> group, List<Queries.Bound> params) {
      StringBuilder sql = new StringBuilder();
      sql.append("SELECT b, COUNT(*), SUM(hi), SUM(lo), SUM(CASE WHEN lo < 0 THEN 1 ELSE 0 END) FROM (")
          .append("SELECT b, CAST(SUBSTRING(h FROM 1 FOR 8) AS BIGINT) AS hi,")
          .append(" CAST(SUBSTRING(h FROM 9 FOR 8) AS BIGINT) AS lo FROM (")
          .append("SELECT b, HASH('MD5', k || 'm' || OCTET_LENGTH(f) || ':' || f) AS h FROM (SELECT ");
      sql.append(queries.bucket(group, params)).append(" AS b, ").append(rowKey).append(" AS k, ").append(rowFields).append(" AS f FROM ")
          .append(queries.table().quoted());
      sql.append(queries.whereInRanges(group, params));
      sql.append(") r WHERE b IS NOT NULL) m) c GROUP BY b");
      return sql.toString();
    }

    @Override
    public Queries.Sql rowHashPage(Queries queries, List<KeyRange> ranges, @Nullable Key after, int rows) {
      // Aliases the page's ORDER BY cannot take for a key column's name.
      Queries.Sql page = queries.page(ranges, after,
          queries.keyAliases() + ", " + rowKey + " AS reconcile_rk, " + rowFields + " AS reconcile_rf", rows);
      String k = queries.keyAliasNames();
      return new Queries.Sql("SELECT " + k + ", CAST(SUBSTRING(h FROM 1 FOR 8) AS BIGINT),"
          + " CAST(SUBSTRING(h FROM 9 FOR 8) AS BIGINT) FROM (SELECT " + k + ", HASH('MD5', reconcile_rk || 'm' ||"
          + " OCTET_LENGTH(reconcile_rf) || ':' || reconcile_rf) AS h FROM (" + page.text() + ") x) m",
          page.params());
    }

  }
}
