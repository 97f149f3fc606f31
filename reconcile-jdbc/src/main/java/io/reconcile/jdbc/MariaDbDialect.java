package io.reconcile.jdbc;

import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The MariaDB and MySQL dialect: {@code LIMIT n} paging, text and UUID keys ordered and compared as
 * bytes, and — when every key and compared column can be — canonical digests computed inside the
 * server.
 *
 * <p><b>Key order.</b> {@link io.reconcile.api.Key} orders text by code point, which is the byte
 * order of UTF-8. MariaDB's {@code utf8mb4_bin} is a PAD SPACE collation ({@code 'a' = 'a '} and
 * {@code 'a\t' < 'a'}), and {@code _ci} collations fold case, so a text key column is compared as
 * {@code CAST(x AS BINARY)} (its UTF-8 bytes) unless its collation already is a NO PAD byte order
 * ({@code utf8mb4_nopad_bin}, MySQL's {@code utf8mb4_0900_bin}), in which case the bare column is
 * used and its index serves range scans. A cast key cannot use the index, so large tables with text
 * keys should declare the key column {@code COLLATE utf8mb4_nopad_bin}. A UUID key (MariaDB 10.7+
 * type {@code uuid}, which sorts time-based UUIDs by their swapped time fields) is compared by its
 * text form, whose byte order is the unsigned order {@code Key} uses. Point reads and writes use
 * the bare column ({@code x = ?}), which the unique key makes exact.
 *
 * <p><b>Server-side digests.</b> Per row, SQL builds exactly the bytes of {@link
 * Canonical#encodeRow} with {@code CONCAT} over binary strings (so no collation can interfere): the
 * key parts, then {@code m<len>:} and the fields in code point order of their dataset names, each
 * name a hex literal of its encoding, each value as:
 *
 * <ul>
 *   <li>tinyint(n&gt;1)/smallint/mediumint/int/bigint (signed or not): {@code n<len>:} and {@code
 *       CAST(x AS CHAR)};
 *   <li>decimal/numeric: the same over {@code CAST(x AS CHAR)} with trailing fractional zeros and a
 *       trailing point trimmed, zero as {@code 0} (by value: {@code 1.50} is {@code 1.5});
 *   <li>char/varchar/text types in a UTF-8 (utf8mb4, utf8mb3) or ASCII character set: {@code
 *       s<octet_length>:} and the bytes, trailing spaces included as stored in varchar/text; {@code
 *       char(n)} without its trailing spaces (as MariaDB reads it, and as every product's reads of
 *       char(n) drop them);
 *   <li>tinyint(1)/boolean and bit(1): {@code b1:1} when non-zero, else {@code b1:0} — the JDBC
 *       driver reads {@code tinyint(1)} as a boolean, so the client side does the same;
 *   <li>date: {@code d10:} and {@code DATE_FORMAT(x, '%Y-%m-%d')};
 *   <li>datetime/timestamp: {@code TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', x)} times
 *       {@code 0.000001}, trimmed like a decimal — the wall time read as UTC, as the client side
 *       reads it. A {@code timestamp} column is shown in the session's {@code time_zone}, so the
 *       store sets every session it uses to {@code +00:00} for a table with one ({@link
 *       #enterSession}) and puts the session's own zone back afterwards;
 *   <li>uuid: {@code u36:} and {@code CAST(x AS CHAR)} (lowercase); compared as text, {@code
 *       s36:} and the same;
 *   <li>binary/varbinary/blob types: {@code x<2·octet_length>:} and {@code LOWER(HEX(x))};
 *   <li>NULL: {@code N}.
 * </ul>
 *
 * <p>MariaDB has no 128-bit integers, so each row's {@code MD5} is summed as two unsigned 64-bit
 * halves ({@code CONV(…, 16, 10)} into {@code DECIMAL(20,0)}; the sums are exact decimals), combined
 * client-side into a {@link Digest}: one query per group of up to {@value #RANGES_PER_QUERY} ranges,
 * rows bucketed by a binary search over the ranges' lower bounds ({@code INTERVAL(k, …)} for one
 * integer key and adjacent ranges, else {@link Queries#bucket}'s nested {@code CASE}: about ten
 * comparisons a row for 512 ranges) and grouped in a temporary table without a sort ({@code ORDER
 * BY NULL}). To compute each row's field encoding and {@code MD5} once, the query keeps them
 * in the session variables {@code @reconcile_f} and {@code @reconcile_h} as it goes, and each
 * value text it must frame with its length in {@code @reconcile_<n>} (a derived table
 * would be merged and evaluate them twice, or materialised into a temporary table — measured 2.6×
 * and 1.5× slower); they hold the last row's values until the session ends or the next digest.
 *
 * <p>Everything else hashes client-side, exactly as the generic dialect does: float/double (their
 * text forms differ between products), JSON columns (compared as documents), enum/set/year/time/bit(n&gt;1),
 * text in other character sets, and any normalisation rule that changes values (renames, ignored
 * fields, UUIDs compared as text and NULL treated as absent — the field left out of a row where it
 * is NULL, {@code IF(x IS NULL, '', CONCAT(name, value))} — are fine). MySQL is handled by the same SQL (it has no {@code uuid} type); only MariaDB
 * 11.4 is tested here.
 *
 * <p><b>Native digests.</b> Wherever canonical digests are pushed down on MariaDB (not MySQL), the
 * cross-product {@link TypedColumns} scheme that PostgreSQL computes too ({@link #typedValue}); from
 * MariaDB 10.8 on, the typed-row and canonical-row CRC schemes for two MariaDB stores.
 */
final class MariaDbDialect implements Dialect {

  /** Ranges bucketed by one query: the CASE costs a comparison per range per row. */
  static final int RANGES_PER_QUERY = 512;

  /** Collations whose order is the bytes of UTF-8 with no padding: the bare column orders as Key. */
  private static final Set<String> BYTE_ORDER_COLLATIONS =
      Set.of("utf8mb4_nopad_bin", "utf8mb3_nopad_bin", "utf8_nopad_bin", "utf8mb4_0900_bin", "binary");

  /** Kinds whose printed values never hold a comma nor the letter N (the typed row's NULL). */
  private static final Set<Column.Kind> PRINTED_WITHOUT_COMMAS =
      java.util.EnumSet.of(Column.Kind.LONG, Column.Kind.DECIMAL, Column.Kind.BOOLEAN,
          Column.Kind.DATE, Column.Kind.TIMESTAMP, Column.Kind.TIMESTAMP_TZ);

  private static final Set<String> INTEGER_TYPES =
      Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint");
  private static final Set<String> TEXT_TYPES =
      Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext");
  private static final Set<String> BINARY_TYPES =
      Set.of("binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob");

  /** What {@code SHOW FULL COLUMNS} says of a column: its full type and collation. */
  record ServerColumn(String type, @Nullable String collation) {
    /** The type's name without length, scale or attributes, e.g. {@code decimal}. */
    String baseType() {
      String t = type.toLowerCase(Locale.ROOT);
      int end = t.length();
      for (int i = 0; i < t.length(); i++) {
        if (t.charAt(i) == '(' || t.charAt(i) == ' ') {
          end = i;
          break;
        }
      }
      return t.substring(0, end);
    }

    /** The declared scale of a decimal, e.g. 2 for {@code decimal(12,2)}. */
    int scale() {
      int comma = type.indexOf(',');
      return comma < 0 ? 0 : Integer.parseInt(type.substring(comma + 1, type.indexOf(')', comma)).trim());
    }

    boolean isUtf8OrAscii() {
      String c = collation == null ? "" : collation.toLowerCase(Locale.ROOT);
      return c.startsWith("utf8mb4_") || c.startsWith("utf8mb3_") || c.startsWith("utf8_")
          || c.startsWith("ascii_");
    }
  }

  private final Map<String, ServerColumn> columns;
  /**
   * The native scheme: CRC32 and CRC32C of the canonical row bytes side by side (64 bits), summed.
   * It needs no product version in its name: the bytes are the canonical encoding, the same for
   * every column type that holds the same values.
   */
  static final HashScheme CRC_SCHEME = new HashScheme("mariadb/canonical-crc32-crc32c", 64);

  private final @Nullable Pushdown pushdown;
  private final @Nullable String noPushdownReason;
  private final List<NativeDigest> nativeDigests;
  /** Whether the table has a {@code timestamp} column, read and written in the session's zone. */
  private final boolean utcSessions;

  private MariaDbDialect(
      Map<String, ServerColumn> columns,
      @Nullable Pushdown pushdown,
      @Nullable String noPushdownReason,
      List<NativeDigest> nativeDigests) {
    this.columns = columns;
    this.pushdown = pushdown;
    this.nativeDigests = nativeDigests;
    this.noPushdownReason = noPushdownReason;
    this.utcSessions = columns.values().stream().anyMatch(c -> c.baseType().equals("timestamp"));
  }

  /** The dialect for reading the catalog (see {@link Dialect#forCatalogRead}). */
  static MariaDbDialect forCatalogRead() {
    return new MariaDbDialect(Map.of(), null, "catalog read", List.of());
  }

  /** Whether the connection is to MariaDB or MySQL (either driver reports either product). */
  static boolean isMariaDbOrMySql(DatabaseMetaData md) throws SQLException {
    String product = md.getDatabaseProductName();
    return "MariaDB".equalsIgnoreCase(product) || "MySQL".equalsIgnoreCase(product);
  }

  /** DATE: from 1000-01-01 to 9999-12-31. */
  private static final Limits.Bounds<LocalDate> DATES =
      Limits.Bounds.between(LocalDate.of(1000, 1, 1), LocalDate.of(9999, 12, 31));

  /** DATETIME: from 1000 to 9999, to the microsecond. */
  private static final Limits.Bounds<Instant> DATETIMES = Limits.Bounds.between(
      Instant.parse("1000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999Z"));

  /** TIMESTAMP: seconds since the epoch in 32 bits, to the microsecond. */
  private static final Limits.Bounds<Instant> TIMESTAMPS = Limits.Bounds.between(
      Instant.parse("1970-01-01T00:00:01Z"), Instant.parse("2038-01-19T03:14:07.999999Z"));

  /**
   * The standard kind, but YEAR is a number and BIT(n > 1) a bit field (unsupported); precision,
   * length and fractional digits from the catalog; ENUM and SET labels from {@link #nativeTypes}.
   */
  @Override
  public Column.@Nullable Typing typing(Table.ColumnInfo info) {
    String t = info.typeName().toLowerCase(Locale.ROOT);
    Column.Kind kind = t.equals("year") ? Column.Kind.LONG // the driver says DATE; it holds a year number
        : t.equals("bit") && info.size() > 1 ? null
        : info.nativeType().name().equals("json") || t.equals("json") ? Column.Kind.JSON
        : Column.Kind.of(info.jdbcType(), info.typeName());
    if (kind == null) {
      return null;
    }
    boolean decimal = kind == Column.Kind.DECIMAL;
    int length = t.equals("varchar") || t.equals("char") ? info.size() : 0;
    // the display width: "yyyy-mm-dd hh:mm:ss" and ".ffffff"
    int fraction = kind == Column.Kind.TIMESTAMP ? info.size() > 19 ? info.size() - 20 : 0 : -1;
    return new Column.Typing(kind, null, new Limits(info.notNull(), Math.max(0, length),
        decimal ? info.size() : 0, decimal ? info.digits() : 0, fraction, info.nativeType().labels(),
        t.equals("set"), DATES, t.startsWith("timestamp") ? TIMESTAMPS : DATETIMES));
  }

  /** NaN and the infinities, which MariaDB's floating-point types cannot hold. */
  @Override
  public @Nullable String refusal(Column c, Value v) {
    return v instanceof Value.NonFinite ? "finite numbers only (MariaDB has no NaN or infinity)" : null;
  }

  /**
   * The dialect for a table: reads its columns' full types and collations, and computes digests in
   * the server when those and the normalisation allow it bit-identically.
   */
  static MariaDbDialect forTable(
      Connection conn, Table table, Normalization normalization, boolean allowPushdown)
      throws SQLException {
    Map<String, ServerColumn> columns = new HashMap<>();
    try (Statement s = conn.createStatement();
        ResultSet rs = s.executeQuery("SHOW FULL COLUMNS FROM " + table.quoted())) {
      while (rs.next()) {
        columns.put(rs.getString("Field"), new ServerColumn(rs.getString("Type"), rs.getString("Collation")));
      }
    }
    String reason = allowPushdown
        ? Dialect.whyNotPushable(table, normalization, c -> pushable(c, columns.get(c.catalogName())))
        : "disabled";
    if (reason != null) {
      return new MariaDbDialect(columns, null, reason, List.of());
    }
    MariaDbDialect encoder = new MariaDbDialect(columns, null, null, List.of());
    // CRC32C() came with MariaDB 10.8; MySQL has none.
    DatabaseMetaData md = conn.getMetaData();
    boolean crc32c =
        "MariaDB".equalsIgnoreCase(md.getDatabaseProductName())
            && md.getDatabaseMajorVersion() * 100 + md.getDatabaseMinorVersion() >= 1008;
    List<NativeDigest> natives = new ArrayList<>();
    if ("MariaDB".equalsIgnoreCase(md.getDatabaseProductName())) {
      // Tested on MariaDB only; MySQL would need its own proof of the same bits.
      natives.add(Digests.typedColumns(encoder, table, normalization));
    }
    if (crc32c) {
      Digests rows = Digests.typedRows(conn, table, normalization, columns, encoder.utcSessions);
      if (rows != null) {
        natives.add(rows);
      }
      natives.add(Digests.canonical(encoder, table, normalization, true));
    }
    return new MariaDbDialect(
        columns, Digests.canonical(encoder, table, normalization, false), null, List.copyOf(natives));
  }

  /** ENUM and SET columns' full types and labels, from {@code information_schema.COLUMNS}. */
  @Override
  public Map<String, Table.NativeType> nativeTypes(Connection c, Table.Ref table, String quotedTable)
      throws SQLException {
    Map<String, Table.NativeType> natives = new HashMap<>();
    if (table.catalog() == null) {
      return natives;
    }
    String sql = "SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS"
        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
    Set<String> json = jsonColumns(c, table);
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.catalog());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String type = rs.getString(2);
          String lower = json.contains(rs.getString(1)) ? "json" : type.toLowerCase(Locale.ROOT);
          List<String> labels =
              lower.startsWith("enum(") || lower.startsWith("set(") ? quotedList(type) : List.of();
          natives.put(rs.getString(1), new Table.NativeType(type, ' ', lower, ' ', labels));
        }
      }
    }
    return natives;
  }

  /**
   * MariaDB's {@code json} columns: a {@code json} column is a {@code longtext} that MariaDB checks
   * with {@code json_valid}, a constraint named after the column; MySQL's have the type {@code
   * json} itself (and no such table, whose absence is no error).
   */
  private static Set<String> jsonColumns(Connection c, Table.Ref table) throws SQLException {
    Set<String> out = new HashSet<>();
    String sql = "SELECT CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS"
        + " WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, table.catalog());
      ps.setString(2, table.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          if (("json_valid(`" + name.replace("`", "``") + "`)").equalsIgnoreCase(rs.getString(2))) {
            out.add(name);
          }
        }
      }
    } catch (SQLException e) {
      if (!"42S02".equals(e.getSQLState()) && !"42S22".equals(e.getSQLState())) {
        throw e;
      }
    }
    return out;
  }

  /** The strings of a list of SQL string literals such as {@code enum('a','it''s')}. */
  private static List<String> quotedList(String type) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = null;
    for (int i = type.indexOf('('); i >= 0 && i < type.length(); i++) {
      char ch = type.charAt(i);
      if (cur == null) {
        if (ch == '\'') {
          cur = new StringBuilder();
        }
      } else if (ch == '\'' && i + 1 < type.length() && type.charAt(i + 1) == '\'') {
        cur.append('\'');
        i++;
      } else if (ch == '\'') {
        out.add(cur.toString());
        cur = null;
      } else {
        cur.append(ch);
      }
    }
    return List.copyOf(out);
  }

  /** Whether the column's kind (how the client reads it) and server type have an exact encoding. */
  private static boolean pushable(Column c, @Nullable ServerColumn sc) {
    if (sc == null) {
      return false;
    }
    String base = sc.baseType();
    String type = sc.type().toLowerCase(Locale.ROOT);
    return switch (c.kind()) {
      // A LONG decimal is an integral key column, decimal(p,0): printed as an integer.
      case LONG -> INTEGER_TYPES.contains(base) || base.equals("decimal") || base.equals("numeric");
      case DECIMAL -> base.equals("decimal") || base.equals("numeric");
      case TEXT -> TEXT_TYPES.contains(base) && sc.isUtf8OrAscii();
      case BOOLEAN -> type.startsWith("tinyint(1)") || type.equals("bit(1)") || base.equals("boolean");
      case DATE -> base.equals("date");
      case TIMESTAMP -> base.equals("datetime") || base.equals("timestamp");
      case UUID, UUID_TEXT -> base.equals("uuid");
      case BYTES -> BINARY_TYPES.contains(base);
      case REAL, DOUBLE, TIMESTAMP_TZ, JSON, JSON_TEXT -> false;
    };
  }

  /** {@code INTERVAL(k, b1, b2, …)}: MariaDB's binary search over sorted bounds. */
  /**
   * With the key's unique index forced: InnoDB locks every row a locking read scans, and for a long
   * list of keys on a small table the optimizer may choose to scan the whole table — a repair batch
   * would then lock every row until it commits, and stall the application's writers.
   */
  @Override
  public String lockedReadFrom(Table table) {
    String index = table.keyIndex();
    return index == null ? table.quoted() : table.quoted() + " FORCE INDEX (" + Table.quote("`", index, table.name()) + ")";
  }

  @Override
  public boolean searchesBounds() {
    return true;
  }

  @Override
  public String searchBounds(Column key, List<Long> bounds, List<Queries.Bound> params) {
    StringBuilder sql = new StringBuilder("INTERVAL(").append(key.quoted());
    for (Long b : bounds) {
      sql.append(", ?");
      params.add(new Queries.Bound(key, b));
    }
    return sql.append(')').toString();
  }

  /** The optimizer's row estimate for a full scan ({@code EXPLAIN}; InnoDB keeps one always). */
  @Override
  public @Nullable Long estimatedRows(Connection c, Table table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("EXPLAIN SELECT 1 FROM " + table.quoted())) {
      long rows = rs.next() ? rs.getLong("rows") : 0;
      return rows > 0 ? rows : null;
    }
  }

  /**
   * {@code server}: MariaDB's {@code server_uid} ({@code server_uid <value>}, a hash the server
   * derives from its address, port and data directory), MySQL's {@code server_uuid}, or else
   * {@code hostname <host>:<port>}; {@code database}: the table's database. MariaDB has no schemas
   * within a database, so there is no {@code schema}.
   */
  @Override
  public Map<String, String> location(Connection c, Table table) throws SQLException {
    Map<String, String> vars = new HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW GLOBAL VARIABLES WHERE Variable_name IN"
            + " ('server_uid', 'server_uuid', 'hostname', 'port')")) {
      while (rs.next()) {
        vars.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(2));
      }
    }
    Map<String, String> out = new java.util.LinkedHashMap<>();
    out.put("server",
        vars.get("server_uid") != null ? "server_uid " + vars.get("server_uid")
            : vars.get("server_uuid") != null ? "server_uuid " + vars.get("server_uuid")
            : "hostname " + vars.get("hostname") + ":" + vars.get("port"));
    String database = table.ref().catalog() != null ? table.ref().catalog() : c.getCatalog();
    if (database != null) {
      out.put("database", database);
    }
    return out;
  }

  /**
   * For a table with a {@code timestamp} column: the session's {@code time_zone} set to {@code
   * +00:00} (the previous one kept in {@code @reconcile_time_zone}), since MariaDB shows and takes
   * {@code timestamp} values in the session's zone — a session in {@code +02:00} would read every
   * instant two hours off, client-side and in the digest SQL alike, and write them so.
   */
  @Override
  public void enterSession(Connection c) throws SQLException {
    if (utcSessions) {
      try (Statement s = c.createStatement()) {
        s.execute("SET @reconcile_time_zone = @@session.time_zone, time_zone = '+00:00'");
      }
    }
  }

  @Override
  public void leaveSession(Connection c) throws SQLException {
    if (utcSessions) {
      try (Statement s = c.createStatement()) {
        s.execute("SET time_zone = @reconcile_time_zone");
      }
    }
  }

  /** A statement list must fail to parse: the driver then sends no multi-statement flag. */
  @Override
  public void refuseStatementLists(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT 1; SELECT 1");
    } catch (SQLException e) {
      if ("42000".equals(e.getSQLState())) {
        return; // a syntax error: statement lists are off
      }
      throw e;
    }
    throw new io.reconcile.api.ReconcileException.ConfigurationException(
        "the store's connections run several statements sent as one (MariaDB/MySQL connection"
            + " option allowMultiQueries=true), which would let a filter run statements of its own;"
            + " connect without allowMultiQueries");
  }

  /**
   * Repeatable read and read only for this transaction, which begins at once with its snapshot
   * (nothing to restore afterwards).
   */
  @Override
  public int beginSnapshot(Connection c) throws SQLException {
    int unchanged = Dialect.snapshotThisTransaction(c);
    // SET TRANSACTION waits for the session's next transaction: begin it now, so the snapshot is
    // taken here and the read-only setting is used up even by a read that runs no statement — on
    // a connection kept for reuse, it would otherwise make the next user's transaction read-only.
    try (Statement s = c.createStatement()) {
      s.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY");
    }
    return unchanged;
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
    return pushdown != null ? "mariadb" : "mariadb (client-side digests: " + noPushdownReason + ")";
  }

  @Override
  public String keyExpression(Column c) {
    String x = c.quoted();
    if (c.kind() == Column.Kind.UUID || c.kind() == Column.Kind.UUID_TEXT) {
      return "CAST(CAST(" + x + " AS CHAR) AS BINARY)";
    }
    if (c.kind() != Column.Kind.TEXT) {
      return x; // integers by value, binary strings bytewise unsigned: already Key order
    }
    ServerColumn sc = columns.get(c.catalogName());
    String collation = sc == null || sc.collation() == null ? "" : sc.collation().toLowerCase(Locale.ROOT);
    if (BYTE_ORDER_COLLATIONS.contains(collation)) {
      return x;
    }
    return sc != null && sc.isUtf8OrAscii()
        ? "CAST(" + x + " AS BINARY)"
        : "CAST(CONVERT(" + x + " USING utf8mb4) AS BINARY)";
  }

  @Override
  public String limit(int rows) {
    return " LIMIT " + rows;
  }

  @Override
  public void bindJson(PreparedStatement ps, int index, String json) throws SQLException {
    ps.setString(index, json); // MariaDB's json is longtext; MySQL's parses a string parameter
  }

  @Override
  public List<NativeDigest> nativeDigests() {
    return nativeDigests;
  }

  @Override
  public @Nullable Pushdown pushdown() {
    return pushdown;
  }

  /**
   * The SQL expression of a column's canonical value encoding (a binary string), NULL as {@code N};
   * a value whose text is computed keeps it in the session variable {@code @reconcile_<slot>}
   * between its length and itself, so it is computed once per row.
   */
  String encode(Column c, int slot) {
    String x = c.quoted();
    String held = "@reconcile_" + slot;
    String e =
        switch (c.kind()) {
          case LONG -> framed("n", "CAST(" + x + " AS CHAR)", held);
          case DECIMAL ->
              columns.get(c.catalogName()).scale() == 0
                  ? framed("n", "CAST(" + x + " AS CHAR)", held)
                  : framed("n", "CASE WHEN " + x + " = 0 THEN '0' ELSE "
                      + trimFraction("CAST(" + x + " AS CHAR)") + " END", held);
          case TEXT -> {
            // char(n) reads trimmed unless sql_mode has PAD_CHAR_TO_FULL_LENGTH: trim it anyway.
            String t = c.padded() ? "TRIM(TRAILING ' ' FROM " + x + ")" : x;
            yield "CONCAT('s', OCTET_LENGTH(" + t + "), ':', CAST(" + t + " AS BINARY))";
          }
          case BOOLEAN -> "CASE WHEN " + x + " <> 0 THEN 'b1:1' ELSE 'b1:0' END";
          case DATE -> "CONCAT('d10:', DATE_FORMAT(" + x + ", '%Y-%m-%d'))";
          case TIMESTAMP ->
              // Seconds since the epoch with the fraction's trailing zeros dropped: from 1970 on
              // as whole seconds and microseconds (cheap), before it through a decimal product.
              framed("t", "CASE WHEN " + x + " >= '1970-01-01 00:00:00' THEN CONCAT(TO_SECONDS(" + x
                  + ") - 62167219200, IF(MICROSECOND(" + x + ") = 0, '', TRIM(TRAILING '0' FROM"
                  + " CONCAT('.', LPAD(MICROSECOND(" + x + "), 6, '0'))))) ELSE "
                  + trimFraction("CAST(CAST(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', "
                      + x + ") AS DECIMAL(30,0)) * 0.000001 AS CHAR)") + " END", held);
          case UUID -> "CONCAT('u36:', CAST(" + x + " AS CHAR))";
          case UUID_TEXT -> "CONCAT('s36:', CAST(" + x + " AS CHAR))";
          case BYTES -> "CONCAT('x', 2 * OCTET_LENGTH(" + x + "), ':', LOWER(HEX(" + x + ")))";
          default -> throw new IllegalStateException("no SQL encoding for " + c);
        };
    return "CASE WHEN " + x + " IS NULL THEN 'N' ELSE " + e + " END";
  }

  /**
   * The SQL expression (a binary string) of a column's value in the {@link TypedColumns} framing,
   * {@code N} for NULL: what PostgreSQL's send functions give, built from integers ({@code HEX}
   * writes a negative one as its 64-bit two's complement) and the stored bytes.
   */
  String typedValue(Column c) {
    String x = c.quoted();
    String e =
        switch (c.kind()) {
          case LONG -> "CONCAT('n', " + x + ")";
          case DECIMAL ->
              columns.get(c.catalogName()).scale() == 0
                  ? "CONCAT('n', " + x + ")"
                  : "CONCAT('n', CASE WHEN " + x + " = 0 THEN '0' ELSE " + trimFraction(x) + " END)";
          case TEXT -> {
            String t = c.padded() ? "TRIM(TRAILING ' ' FROM " + x + ")" : x;
            yield "CONCAT('s', " + bigEndian("OCTET_LENGTH(" + t + ")", 8) + ", CAST(" + t + " AS BINARY))";
          }
          case BOOLEAN -> "CASE WHEN " + x + " IS NULL THEN NULL WHEN " + x + " <> 0 THEN X'6201' ELSE X'6200' END";
          // Days since 2000-01-01 (TO_DAYS 730485), as 32 bits.
          case DATE -> "CONCAT('d', " + bigEndian("(TO_DAYS(" + x + ") - 730485) & 4294967295", 8) + ")";
          // Microseconds since 2000-01-01 00:00:00 (TO_SECONDS 63113904000), as 64 bits.
          case TIMESTAMP -> "CONCAT('t', " + bigEndian("(TO_SECONDS(" + x + ") - 63113904000) * 1000000 + MICROSECOND("
              + x + ")", 16) + ")";
          case UUID -> "CONCAT('u', UNHEX(REPLACE(CAST(" + x + " AS CHAR), '-', '')))";
          case BYTES -> "CONCAT('x', " + bigEndian("OCTET_LENGTH(" + x + ")", 8) + ", " + x + ")";
          default -> throw new IllegalStateException("no typed-columns encoding for " + c);
        };
    // CONCAT of a NULL is NULL.
    return "COALESCE(" + e + ", 'N')";
  }

  /** The integer {@code n} as {@code hexDigits / 2} big-endian bytes. */
  private static String bigEndian(String n, int hexDigits) {
    return "UNHEX(LPAD(HEX(" + n + "), " + hexDigits + ", '0'))";
  }

  /**
   * {@code tag}, the byte length of the ASCII text {@code v}, a colon, then {@code v}, computed once
   * into the session variable {@code held} (CONCAT evaluates its arguments left to right).
   */
  private static String framed(String tag, String v, String held) {
    return "CONCAT('" + tag + "', OCTET_LENGTH(" + held + " := " + v + "), ':', " + held + ")";
  }

  /** A decimal text that has a point, without trailing fractional zeros and then the point. */
  private static String trimFraction(String text) {
    return "TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM " + text + "))";
  }

  /**
   * Computes digests in the server from one string per row: canonical MD5 digests of the canonical
   * row bytes, the native {@link #CRC_SCHEME} or typed-row ones, or the cross-product {@link
   * TypedColumns} ones.
   */
  static final class Digests implements NativeDigest {
    /** How a row's string is hashed into the sums a digest query returns. */
    private enum Hash {
      /** MD5, 128 bits: its two halves summed as unsigned decimals. */
      MD5,
      /** CRC32 and CRC32C side by side, 64 bits. */
      CRC,
      /** The first 64 bits of the MD5, unsigned. */
      MD5_64
    }

    private final String row;
    private final HashScheme scheme;
    private final Hash hash;

    private Digests(String row, HashScheme scheme, Hash hash) {
      this.row = row;
      this.scheme = scheme;
      this.hash = hash;
    }

    /**
     * Over the canonical row bytes: canonical MD5 digests, or with {@code crc} the {@link
     * #CRC_SCHEME} ones, which any two MariaDB stores share whatever their column types.
     */
    static Digests canonical(MariaDbDialect dialect, Table table, Normalization normalization, boolean crc) {
      List<String> k = new ArrayList<>();
      for (Column c : table.keys()) {
        k.add(dialect.encode(c, k.size()));
      }
      Map<String, Column> byName = table.comparedByDatasetName(normalization);
      List<String> f = new ArrayList<>();
      for (Map.Entry<String, Column> e : byName.entrySet()) {
        // The name's encoding as a hex literal: exact bytes, whatever the SQL mode does to quotes.
        String name = "X'" + HexFormat.of().formatHex(Canonical.encode(Value.of(e.getKey()))) + "'";
        if (normalization.ruleFor(e.getKey()).nullAsAbsent()) {
          // NULL as absent: the field is left out of a row where it is NULL, name and all.
          f.add("IF(" + e.getValue().quoted() + " IS NULL, '', CONCAT(" + name + ", "
              + dialect.encode(e.getValue(), k.size() + f.size()) + "))");
        } else {
          f.add(name);
          f.add(dialect.encode(e.getValue(), k.size() + f.size()));
        }
      }
      String rowKey = k.size() == 1 ? k.get(0) : "CONCAT(" + String.join(", ", k) + ")";
      String rowFields = f.isEmpty() ? "''" : "CONCAT(" + String.join(", ", f) + ")";
      return new Digests(
          "CONCAT(" + rowKey + ", 'm', OCTET_LENGTH(@reconcile_f := " + rowFields + "), ':', @reconcile_f)",
          crc ? CRC_SCHEME : HashScheme.CANONICAL_MD5, crc ? Hash.CRC : Hash.MD5);
    }

    /**
     * Over the {@link TypedColumns} bytes of the row, which PostgreSQL builds too: the cross-product
     * digest, the first 64 bits of each row's MD5 summed.
     */
    static Digests typedColumns(MariaDbDialect dialect, Table table, Normalization normalization) {
      List<String> parts = new ArrayList<>();
      for (Column c : table.keys()) {
        parts.add(dialect.typedValue(c));
      }
      for (Column c : table.comparedByDatasetName(normalization).values()) {
        parts.add(dialect.typedValue(c));
      }
      return new Digests("CONCAT(" + String.join(", ", parts) + ")",
          TypedColumns.scheme(table, normalization), Hash.MD5_64);
    }

    /**
     * Over the row's values as MariaDB prints them, comma-separated: numbers, booleans, dates and
     * timestamps as printed ({@code N} for NULL: they never print a comma or a letter N), other
     * values after their length ({@code -1} for NULL), so the string still decodes one way. No
     * canonical encoding built, so cheaper than a CRC of the raw row computed twice. Two stores share its
     * scheme only when the printing is the same: same server version and time zone, same compared
     * fields in the same order, same column types and collations (a {@code decimal(12,2)} prints
     * {@code 1.50} where a {@code decimal(20,6)} prints {@code 1.500000}). Its name sorts before
     * {@link #CRC_SCHEME}'s, so the engine prefers it when both stores declare both.
     */
    static @Nullable Digests typedRows(
        Connection conn, Table table, Normalization normalization, Map<String, ServerColumn> columns,
        boolean utcSessions)
        throws SQLException {
      StringBuilder signature = new StringBuilder();
      List<Column> parts = new ArrayList<>();
      for (Column c : table.keys()) {
        signature.append("key ").append(columns.get(c.catalogName())).append(';');
        parts.add(c);
      }
      for (Map.Entry<String, Column> e : table.comparedByDatasetName(normalization).entrySet()) {
        if (!normalization.ruleFor(e.getKey()).equals(Normalization.Rule.IDENTITY)) {
          return null; // the database prints stored values, not normalised ones
        }
        signature.append(e.getKey()).append(' ').append(columns.get(e.getValue().catalogName())).append(';');
        parts.add(e.getValue());
      }
      String zone;
      String version;
      try (Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT @@session.time_zone, @@version")) {
        rs.next();
        zone = rs.getString(1);
        version = rs.getString(2);
      }
      signature.append(utcSessions ? "+00:00" : zone); // the zone the store's sessions print in
      StringBuilder row = new StringBuilder("CONCAT_WS(','");
      for (Column c : parts) {
        String x = c.quoted();
        if (PRINTED_WITHOUT_COMMAS.contains(c.kind())) {
          row.append(", IFNULL(").append(x).append(", 'N')");
        } else {
          row.append(", IFNULL(OCTET_LENGTH(").append(x).append("), -1), ").append(x);
        }
      }
      String major = version.replaceFirst("^(\\d+\\.\\d+).*", "$1");
      return new Digests(row.append(')').toString(),
          new HashScheme("mariadb-" + major + "/typed-row-crc32-crc32c/" + Dialect.fingerprint(signature.toString()), 64),
          Hash.CRC);
    }

    @Override
    public HashScheme scheme() {
      return scheme;
    }

    @Override
    public List<Digest> digest(Connection connection, Queries queries, List<KeyRange> ranges)
        throws SQLException {
      return Pushdown.inGroups(connection, queries, ranges, RANGES_PER_QUERY,
          (group, params) -> sql(queries, group, params),
          rs -> {
            BigInteger sum = rs.getBigDecimal(3).toBigIntegerExact();
            if (hash != Hash.MD5) {
              return Digest.of(rs.getLong(2), sum);
            }
            return Digest.of(rs.getLong(2), sum.shiftLeft(64).add(rs.getBigDecimal(4).toBigIntegerExact()));
          });
    }

    /** The SQL of one group's query; its parameters go to {@code params}. */
    String sql(Queries queries, List<KeyRange> group, List<Queries.Bound> params) {
      StringBuilder sql = new StringBuilder("SELECT ");
      String bucket = queries.bucket(group, params);
      sql.append(bucket).append(", COUNT(*), ");
      if (hash == Hash.CRC) {
        // Unsigned 64-bit per row; SUM over BIGINT UNSIGNED is an exact DECIMAL.
        sql.append("SUM((CRC32(@reconcile_h := ").append(row).append(") << 32) | CRC32C(@reconcile_h)), 0");
      } else if (hash == Hash.MD5_64) {
        sql.append("SUM(").append(md5High(row)).append("), 0");
      } else {
        // Left to right: the fields' encoding once into @reconcile_f, the row's MD5 once into
        // @reconcile_h, whose halves the two sums read.
        sql.append("SUM(CAST(CONV(SUBSTR(@reconcile_h := MD5(").append(row)
            .append("), 1, 16), 16, 10) AS DECIMAL(20,0))),")
            .append(" SUM(CAST(CONV(SUBSTR(@reconcile_h, 17, 16), 16, 10) AS DECIMAL(20,0)))");
      }
      sql.append(" FROM ").append(queries.table().quoted());
      sql.append(queries.whereInRanges(group, params));
      if (!Queries.contiguous(group)) {
        // Rows in the gaps between ranges are not hashed at all.
        sql.append(" AND ").append(queries.bucket(group, params)).append(" IS NOT NULL");
      }
      // By position: an alias would lose to a table column of the same name.
      sql.append(" GROUP BY 1 ORDER BY NULL");
      return sql.toString();
    }

    /** The page's rows, each hashed as the digests hash it (the same session variables, in order). */
    @Override
    public Queries.Sql rowHashPage(Queries queries, List<KeyRange> ranges, @Nullable Key after, int rows) {
      String columns = switch (hash) {
        case CRC -> ", 0, (CRC32(@reconcile_h := " + row + ") << 32) | CRC32C(@reconcile_h)";
        case MD5_64 -> ", 0, " + md5High(row);
        case MD5 -> ", CAST(CONV(SUBSTR(@reconcile_h := MD5(" + row + "), 1, 16), 16, 10) AS DECIMAL(20,0)),"
            + " CAST(CONV(SUBSTR(@reconcile_h, 17, 16), 16, 10) AS DECIMAL(20,0))";
      };
      return queries.page(ranges, after, queries.keyAliases() + columns, rows);
    }

    /** The first 64 bits of the MD5 of {@code text}, unsigned. */
    private static String md5High(String text) {
      return "CAST(CONV(SUBSTR(MD5(" + text + "), 1, 16), 16, 10) AS DECIMAL(20,0))";
    }

  }
}
