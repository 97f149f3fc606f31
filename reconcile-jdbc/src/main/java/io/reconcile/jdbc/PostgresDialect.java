package io.reconcile.jdbc;

import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * The PostgreSQL dialect: text keys ordered and compared {@code COLLATE "C"} (byte order of UTF-8,
 * which is code point order, as {@link io.reconcile.api.Key} orders), JSON bound as {@code json},
 * and — when every compared column can be — canonical digests computed inside the server.
 *
 * <p><b>Server-side digests.</b> Per row, SQL builds exactly the bytes of {@link
 * Canonical#encodeRow}: the key parts, then {@code m<len>:} and the fields in code point order of
 * their (dataset) names, each name as a constant {@code s<len>:name} and each value as:
 *
 * <ul>
 *   <li>smallint/integer/bigint: {@code 'n' || length(x::text) || ':' || x::text};
 *   <li>numeric: the same over {@code trim_scale(x)::text} (by value, no trailing zeros; numeric has
 *       no negative zero);
 *   <li>text/varchar: {@code 's' || octet_length(x) || ':' || x} (UTF-8 database); char(n)
 *       (bpchar) the same over {@code x::text}, which drops the trailing pad spaces;
 *   <li>boolean: {@code b1:1} / {@code b1:0};
 *   <li>date: {@code 'd10:' || to_char(x, 'YYYY-MM-DD')} (years 1–9999); {@code infinity} and
 *       {@code -infinity} as {@link java.time.LocalDate#MAX} and {@code MIN} print;
 *   <li>timestamp/timestamptz: {@code trim_scale(extract(epoch from x))} — numeric since PostgreSQL
 *       14, so a plain decimal by value, integral seconds without a point (timestamp read as UTC);
 *       {@code infinity} and {@code -infinity} as the seconds of {@link java.time.Instant#MAX} and
 *       {@code MIN};
 *   <li>uuid: {@code 'u36:' || x::text}, compared as text {@code 's36:' || x::text}; bytea: {@code 'x' || 2*octet_length(x) || ':' ||
 *       encode(x, 'hex')}; NULL: {@code N}.
 * </ul>
 *
 * <p>The MD5 of each row is split into two signed 64-bit halves, summed per range with the count
 * of negative low halves (to undo the sign), and combined client-side into a {@link Digest}: one
 * query per group of up to {@value #RANGES_PER_QUERY} ranges, the rows bucketed by a binary search
 * over the ranges' key bounds ({@link Queries#bucket}) and aggregated by a hash aggregate. Server-side digests need
 * PostgreSQL 14 or later, a UTF-8 database, {@code standard_conforming_strings}, only the column
 * types above among the compared columns, and a normalisation that changes no values (renames and
 * ignored fields are fine, and so is comparing a UUID column as text, or treating NULL as absent —
 * such a field is left out of the encoding of a row where it is NULL, name and all). Otherwise — e.g. for real/double precision, json/jsonb, or
 * precision/trim rules — the store hashes client-side, as the generic dialect does.
 *
 * <p><b>Native digests.</b> With hash_record_extended (see {@link HashRecord}) for two PostgreSQL
 * stores; and wherever canonical digests are pushed down (and the client encoding is UTF-8, which
 * pgjdbc always sets), the cross-product {@link TypedColumns} scheme that MariaDB computes too,
 * from the values' send functions ({@link #typedValue}).
 */
final class PostgresDialect implements Dialect {

  /** Ranges digested by one query (each row finds its range in about log2 of this comparisons). */
  static final int RANGES_PER_QUERY = 512;

  private static final Set<String> PUSHABLE_TYPES =
      Set.of(
          "int2", "int4", "int8", "serial", "bigserial", "smallserial", "numeric", "text",
          "varchar", "bpchar", "bool", "date", "timestamp", "timestamptz", "uuid", "bytea");

  /**
   * Types whose values {@code hash_record_extended} hashes by value with a 64-bit extended hash
   * function (equal values, equal hashes — e.g. numeric 1.0 and 1.00).
   */
  private static final Set<String> NATIVE_TYPES =
      Set.of(
          "int2", "int4", "int8", "serial", "bigserial", "smallserial", "numeric", "text",
          "varchar", "bool", "date", "timestamp", "timestamptz", "uuid", "bytea", "float4",
          "float8");

  private final @Nullable Pushdown pushdown;
  private final @Nullable String noPushdownReason;
  private final List<NativeDigest> nativeDigests;

  private PostgresDialect(
      @Nullable Pushdown pushdown, @Nullable String noPushdownReason, List<NativeDigest> nativeDigests) {
    this.pushdown = pushdown;
    this.noPushdownReason = noPushdownReason;
    this.nativeDigests = nativeDigests;
  }

  /** The dialect for reading the catalog (see {@link Dialect#forCatalogRead}). */
  static PostgresDialect forCatalogRead() {
    return new PostgresDialect(null, "catalog read", List.of());
  }

  /** Whether the connection is to PostgreSQL. */
  static boolean isPostgres(DatabaseMetaData md) throws SQLException {
    return "PostgreSQL".equalsIgnoreCase(md.getDatabaseProductName());
  }

  /**
   * PostgreSQL types read as their text and written back through a cast from it, exactly: text
   * types of extensions, network addresses, intervals, money, bit strings, XML.
   */
  private static final Set<String> TEXT_FORM =
      Set.of("citext", "inet", "cidr", "macaddr", "macaddr8", "interval", "money", "bit", "varbit", "xml");

  /** Dates from 4713 BC to 5874897 AD, and infinity and -infinity (read as the extreme dates). */
  private static final Limits.Bounds<LocalDate> DATES = new Limits.Bounds<>(
      LocalDate.of(-4712, 1, 1), LocalDate.of(5874897, 12, 31), Set.of(LocalDate.MIN, LocalDate.MAX),
      "from 4713 BC to 5874897-12-31, infinity and -infinity");

  /** Timestamps from 4713 BC to 294276 AD, and infinity and -infinity. */
  private static final Limits.Bounds<Instant> TIMESTAMPS = new Limits.Bounds<>(
      Instant.parse("-4712-01-01T00:00:00Z"), Instant.parse("+294276-12-31T23:59:59.999999Z"),
      Set.of(Instant.MIN, Instant.MAX), "from 4713 BC to 294276 AD, infinity and -infinity");

  /**
   * The kind of a column by its type's name and {@code typtype} in {@code pg_type} (a domain's or
   * an enumeration's base), the cast its parameters need, and precision, length and fractional
   * digits from the catalog.
   */
  @Override
  public Column.@Nullable Typing typing(Table.ColumnInfo info) {
    Table.NativeType n = info.nativeType();
    Column.Kind kind = Column.Kind.of(info.jdbcType(), info.typeName());
    String cast = null;
    if (n.kind() == 'd' || n.kind() == 'e' || TEXT_FORM.contains(n.name())) {
      kind = kind(n.name(), n.baseKind());
      cast = n.type(); // PostgreSQL converts no text parameter to these by itself
    } else if (kind(n.name(), n.kind()) != null) {
      kind = kind(n.name(), n.kind());
    }
    if (kind == null) {
      return null;
    }
    String t = info.typeName().toLowerCase(Locale.ROOT);
    boolean decimal = kind == Column.Kind.DECIMAL && n.type().contains("(");
    int length = n.kind() != 'd' && (t.equals("varchar") || t.equals("bpchar")) && info.size() < Integer.MAX_VALUE
        ? info.size() : 0;
    int fraction = kind == Column.Kind.TIMESTAMP || kind == Column.Kind.TIMESTAMP_TZ
        ? n.kind() == 'd' ? 6 : info.digits() : -1;
    return new Column.Typing(kind, cast, new Limits(info.notNull(), length, decimal ? info.size() : 0,
        decimal ? info.digits() : 0, fraction, n.labels(), false, DATES, TIMESTAMPS));
  }

  /** Outside the comparison, any PostgreSQL type reads and writes back exactly as its text. */
  @Override
  public Column.Typing uncomparedTyping(Table.ColumnInfo info) {
    return new Column.Typing(Column.Kind.TEXT, info.nativeType().type(), Limits.of(false));
  }

  /** Text with a NUL character, which PostgreSQL cannot store. */
  @Override
  public @Nullable String refusal(Column c, Value v) {
    return v instanceof Value.Text t && t.value().indexOf('\0') >= 0
        ? "text without NUL characters (PostgreSQL cannot store them)"
        : null;
  }

  /** The kind of a PostgreSQL type by its name and {@code typtype}, or null if unsupported. */
  private static Column.@Nullable Kind kind(String name, char typtype) {
    if (typtype == 'e' || TEXT_FORM.contains(name)) {
      return Column.Kind.TEXT;
    }
    return switch (name) {
      case "int2", "int4", "int8" -> Column.Kind.LONG;
      case "numeric" -> Column.Kind.DECIMAL;
      case "float4" -> Column.Kind.REAL;
      case "float8" -> Column.Kind.DOUBLE;
      case "text", "varchar", "bpchar" -> Column.Kind.TEXT;
      case "bool" -> Column.Kind.BOOLEAN;
      case "date" -> Column.Kind.DATE;
      case "timestamp" -> Column.Kind.TIMESTAMP;
      case "timestamptz" -> Column.Kind.TIMESTAMP_TZ;
      case "uuid" -> Column.Kind.UUID;
      case "bytea" -> Column.Kind.BYTES;
      case "json", "jsonb" -> Column.Kind.JSON;
      default -> null;
    };
  }

  /**
   * The dialect for a table: with server-side digests when the server, the column types and the
   * normalisation allow them bit-identically, else hashing client-side.
   */
  static PostgresDialect forTable(
      Connection conn, Table table, Normalization normalization, boolean allowPushdown)
      throws SQLException {
    if (!allowPushdown) {
      return new PostgresDialect(null, "disabled", List.of());
    }
    String reason = whyNot(conn, table, normalization);
    List<NativeDigest> natives = new java.util.ArrayList<>();
    HashRecord hashRecord = HashRecord.forTable(conn, table, normalization);
    if (hashRecord != null) {
      natives.add(hashRecord);
    }
    if (reason == null) {
      natives.add(new Typed(table, normalization));
    }
    return new PostgresDialect(
        reason == null ? new Digests(table, normalization) : null, reason, List.copyOf(natives));
  }

  private static @Nullable String whyNot(Connection conn, Table table, Normalization normalization)
      throws SQLException {
    DatabaseMetaData md = conn.getMetaData();
    if (md.getDatabaseMajorVersion() < 14) {
      return "PostgreSQL " + md.getDatabaseProductVersion() + " < 14 (extract(epoch) is not numeric)";
    }
    try (Statement s = conn.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_encoding'),"
                    + " current_setting('standard_conforming_strings'), current_setting('client_encoding')")) {
      rs.next();
      if (!"UTF8".equalsIgnoreCase(rs.getString(1))) {
        return "database encoding " + rs.getString(1) + " is not UTF8";
      }
      if (!"on".equalsIgnoreCase(rs.getString(2))) {
        return "standard_conforming_strings is off";
      }
      if (!"UTF8".equalsIgnoreCase(rs.getString(3))) {
        // textsend, which the typed-columns digest frames text with, sends in the client encoding.
        return "client_encoding " + rs.getString(3) + " is not UTF8";
      }
    }
    return Dialect.whyNotPushable(
        table, normalization, c -> PUSHABLE_TYPES.contains(c.typeName().toLowerCase(Locale.ROOT)));
  }

  @Override
  public String random() {
    return "random()";
  }

  @Override
  public boolean snapshotReads() {
    return true;
  }

  @Override
  public String name() {
    return pushdown != null ? "postgresql" : "postgresql (client-side digests: " + noPushdownReason + ")";
  }

  @Override
  public String keyExpression(Column c) {
    return c.kind() == Column.Kind.TEXT ? c.quoted() + " COLLATE \"C\"" : c.quoted();
  }

  @Override
  public void bindJson(PreparedStatement ps, int index, String json) throws SQLException {
    ps.setObject(index, json, Types.OTHER);
  }

  @Override
  public @Nullable Pushdown pushdown() {
    return pushdown;
  }

  /**
   * {@code width_bucket} over the bounds bound as one {@code bigint[]} parameter (a typed array, so
   * nothing is parsed per row): a binary search in C.
   */
  @Override
  public boolean searchesBounds() {
    return true;
  }

  @Override
  public String searchBounds(Column key, List<Long> bounds, List<Queries.Bound> params) {
    params.add(Queries.Bound.bigints(bounds));
    return "width_bucket(" + key.quoted() + ", ?)";
  }

  /** {@code pg_class.reltuples}, as of the last {@code VACUUM} or {@code ANALYZE}; null before any. */
  @Override
  public @Nullable Long estimatedRows(Connection c, Table table) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT reltuples FROM pg_class WHERE oid = to_regclass(?)")) {
      ps.setString(1, table.quoted());
      try (ResultSet rs = ps.executeQuery()) {
        double rows = rs.next() ? rs.getDouble(1) : -1;
        return rows > 0 ? (long) rows : null;
      }
    }
  }

  /**
   * {@code server}: {@code system_identifier <n>} from {@code pg_control_system()} (the cluster's
   * identity, the same on every database of it and kept by physical replicas and restored base
   * backups), or — when the user may not call it — {@code address <host>:<port>, database oid <oid>}
   * as the server sees its own end of the connection ({@code local socket} for a Unix socket).
   * {@code database}: {@code current_database()}; {@code schema}: the table's.
   */
  @Override
  public Map<String, String> location(Connection c, Table table) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    String fallback;
    String database;
    boolean mayCall;
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT has_function_privilege('pg_catalog.pg_control_system()', 'EXECUTE'),"
                + " host(inet_server_addr()), inet_server_port(), current_database(),"
                + " (SELECT oid FROM pg_database WHERE datname = current_database())")) {
      rs.next();
      mayCall = rs.getBoolean(1);
      String address = rs.getString(2);
      fallback = "address " + (address == null ? "local socket" : address)
          + ":" + rs.getString(3) + ", database oid " + rs.getString(5);
      database = rs.getString(4);
    }
    String server = fallback;
    if (mayCall) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT system_identifier FROM pg_catalog.pg_control_system()")) {
        rs.next();
        server = "system_identifier " + rs.getString(1);
      }
    }
    out.put("server", server);
    out.put("database", database);
    if (table.ref().schema() != null) {
      out.put("schema", table.ref().schema());
    }
    return out;
  }

  /** Every column's {@code format_type}, {@code typtype}, base type of a domain and enum labels. */
  @Override
  public Map<String, Table.NativeType> nativeTypes(Connection c, Table.Ref table, String quotedTable)
      throws SQLException {
    Map<String, Table.NativeType> natives = new HashMap<>();
    String sql = "SELECT a.attname, format_type(a.atttypid, a.atttypmod), t.typtype,"
        + " COALESCE(b.typname, t.typname), COALESCE(b.typtype, t.typtype),"
        + " ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = COALESCE(b.oid, t.oid)"
        + " ORDER BY e.enumsortorder)"
        + " FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid"
        + " LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype"
        + " WHERE a.attrelid = CAST(? AS regclass) AND a.attnum > 0 AND NOT a.attisdropped";
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, quotedTable);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          String[] labels = (String[]) rs.getArray(6).getArray();
          natives.put(rs.getString(1), new Table.NativeType(rs.getString(2),
              rs.getString(3).charAt(0), rs.getString(4), rs.getString(5).charAt(0), List.of(labels)));
        }
      }
    }
    return natives;
  }

  /** {@code k = ANY(?)}, for a key column of a native integer type. */
  @Override
  public @Nullable String keyInArray(Column key) {
    return key.kind() == Column.Kind.LONG && INTEGER_KEY_TYPES.contains(key.typeName().toLowerCase(Locale.ROOT))
        ? key.quoted() + " = ANY(?)"
        : null;
  }

  /** {@code unnest(?) WITH ORDINALITY}, ordered by the ordinality. */
  @Override
  public ArrayRows arrayRows() {
    return ARRAY_ROWS;
  }

  private static final ArrayRows ARRAY_ROWS = new ArrayRows("u.p", " FROM unnest(?) WITH ORDINALITY AS u(p, n) ORDER BY u.n");

  /** The integer types a {@code bigint[]} parameter compares with on an index. */
  private static final Set<String> INTEGER_KEY_TYPES =
      Set.of("int2", "int4", "int8", "serial", "bigserial", "smallserial");

  @Override
  public int beginSnapshot(Connection c) throws SQLException {
    return Dialect.snapshotThisTransaction(c);
  }

  @Override
  public List<NativeDigest> nativeDigests() {
    return nativeDigests;
  }

  /**
   * The SQL expression of a column's value as the text its canonical encoding frames (NULL stays
   * NULL): computed once per row in an inner query, so the framing can take its length and then
   * itself without computing it twice.
   */
  static String valueText(Column c) {
    String x = c.quoted();
    return switch (c.typeName().toLowerCase(Locale.ROOT)) {
      case "int2", "int4", "int8", "serial", "bigserial", "smallserial", "uuid" -> x + "::text";
      case "numeric" -> "trim_scale(" + x + ")::text";
      case "bpchar" -> x + "::text"; // char(n) to text drops the trailing pad spaces
      // infinity and -infinity read as the ends of Java's time line (see Values.read): so here.
      case "date" -> "CASE WHEN " + x + " = 'infinity' THEN '" + LocalDate.MAX + "' WHEN " + x
          + " = '-infinity' THEN '" + LocalDate.MIN + "' ELSE to_char(" + x + ", 'YYYY-MM-DD') END";
      case "timestamp", "timestamptz" -> "CASE WHEN " + x + " = 'infinity' THEN '"
          + epochText(Instant.MAX) + "' WHEN " + x + " = '-infinity' THEN '" + epochText(Instant.MIN)
          + "' ELSE trim_scale(extract(epoch from " + x + "))::text END";
      case "text", "varchar", "bool", "bytea" -> x;
      default -> throw new IllegalStateException("no SQL encoding for " + c);
    };
  }

  /**
   * The SQL expression of a column's canonical value encoding, NULL as {@code N}, from {@code v}:
   * the column's {@link #valueText} under that name.
   */
  static String encode(Column c, String v) {
    String e =
        switch (c.typeName().toLowerCase(Locale.ROOT)) {
          case "int2", "int4", "int8", "serial", "bigserial", "smallserial", "numeric" ->
              "'n' || length(" + v + ") || ':' || " + v;
          case "text", "varchar", "bpchar" -> "'s' || octet_length(" + v + ") || ':' || " + v;
          case "bool" -> "CASE WHEN " + v + " THEN 'b1:1' ELSE 'b1:0' END";
          case "date" -> "'d' || length(" + v + ") || ':' || " + v;
          case "timestamp", "timestamptz" -> "'t' || length(" + v + ") || ':' || " + v;
          case "uuid" -> (c.kind() == Column.Kind.UUID_TEXT ? "'s36:' || " : "'u36:' || ") + v;
          case "bytea" -> "'x' || (2 * octet_length(" + v + ")) || ':' || encode(" + v + ", 'hex')";
          default -> throw new IllegalStateException("no SQL encoding for " + c);
        };
    return "CASE WHEN " + v + " IS NULL THEN 'N' ELSE " + e + " END";
  }

  /** Seconds since the epoch as the canonical encoding writes them: no trailing fraction zeros. */
  private static String epochText(Instant t) {
    return BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9))
        .stripTrailingZeros().toPlainString();
  }

  /** Unicode code point order (UTF-16 order differs above U+FFFF), as field names are sorted. */
  static int compareCodePoints(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  /** Computes canonical digests in the server. */
  static final class Digests implements Pushdown {
    private final String valueTexts;
    private final String rowKey;
    private final String rowFields;

    Digests(Table table, Normalization normalization) {
      Map<Column, String> names = new LinkedHashMap<>();
      java.util.function.Function<Column, String> alias =
          c -> names.computeIfAbsent(c, k -> "reconcile_v" + names.size());
      ConcatenatedRow row = ConcatenatedRow.of(table, normalization, c -> encode(c, alias.apply(c)), alias);
      StringBuilder texts = new StringBuilder();
      names.forEach((c, name) -> texts.append(", ").append(valueText(c)).append(" AS ").append(name));
      this.valueTexts = texts.toString();
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
      sql.append("SELECT b, count(*), sum(hi), sum(lo), count(*) FILTER (WHERE lo < 0) FROM (")
          .append("SELECT b, ('x' || substr(h, 1, 16))::bit(64)::int8 AS hi,")
          .append(" ('x' || substr(h, 17, 16))::bit(64)::int8 AS lo FROM (")
          .append("SELECT b, md5(k || 'm' || octet_length(f) || ':' || f) AS h FROM (")
          .append("SELECT b, ").append(rowKey).append(" AS k, ").append(rowFields).append(" AS f FROM (SELECT ")
          .append(queries.bucket(group, params)).append(" AS b").append(valueTexts).append(" FROM ")
          .append(queries.table().quoted());
      sql.append(queries.whereInRanges(group, params));
      // OFFSET 0 keeps each layer a subquery, so the value texts, f and the md5 are computed once
      // per row.
      sql.append(" OFFSET 0) x WHERE b IS NOT NULL OFFSET 0) r OFFSET 0) m) c GROUP BY b");
      return sql.toString();
    }

    /**
     * The page's value texts, then each row's framing and MD5 computed once, layer by layer as in
     * the digests; the layers keep the page's key order.
     */
    @Override
    public Queries.Sql rowHashPage(Queries queries, List<KeyRange> ranges, @Nullable Key after, int rows) {
      Queries.Sql page = queries.page(ranges, after, queries.keyAliases() + valueTexts, rows);
      String k = queries.keyAliasNames();
      return new Queries.Sql("SELECT " + k + ", ('x' || substr(h, 1, 16))::bit(64)::int8,"
          + " ('x' || substr(h, 17, 16))::bit(64)::int8 FROM (SELECT " + k
          + ", md5(k || 'm' || octet_length(f) || ':' || f) AS h FROM (SELECT " + k + ", " + rowKey
          + " AS k, " + rowFields + " AS f FROM (" + page.text() + ") x OFFSET 0) r OFFSET 0) m",
          page.params());
    }

  }

  /**
   * The SQL expression (a {@code bytea}) of a column's value in the {@link TypedColumns} framing,
   * {@code N} for NULL: built from the values' send functions (their binary forms), so nothing is
   * printed but numbers, and no computed text is measured.
   */
  static String typedValue(Column c) {
    String x = c.quoted();
    String e =
        switch (c.typeName().toLowerCase(Locale.ROOT)) {
          // Digits, sign and point only: the cast from text to bytea reads them as themselves.
          case "int2", "int4", "int8", "serial", "bigserial", "smallserial" -> "'n'::bytea || " + x + "::text::bytea";
          case "numeric" -> "'n'::bytea || trim_scale(" + x + ")::text::bytea";
          case "text", "varchar" -> "'s'::bytea || int4send(octet_length(" + x + ")) || textsend(" + x + ")";
          // char(n) to text drops the trailing pad spaces
          case "bpchar" -> "'s'::bytea || int4send(octet_length(" + x + "::text)) || textsend(" + x + "::text)";
          case "bool" -> "'b'::bytea || boolsend(" + x + ")";
          case "date" -> "'d'::bytea || date_send(" + x + ")";
          case "timestamp" -> "'t'::bytea || timestamp_send(" + x + ")";
          case "timestamptz" -> "'t'::bytea || timestamptz_send(" + x + ")";
          case "uuid" -> "'u'::bytea || uuid_send(" + x + ")";
          case "bytea" -> "'x'::bytea || int4send(octet_length(" + x + ")) || " + x;
          default -> throw new IllegalStateException("no typed-columns encoding for " + c);
        };
    // Every function above is strict: a NULL value makes the whole expression NULL.
    return "COALESCE(" + e + ", 'N'::bytea)";
  }

  /**
   * The cross-product native digest ({@link TypedColumns}): per row the MD5 of the typed-columns
   * bytes, its first 64 bits as a signed {@code int8}, summed per range with the count of negative
   * ones (to undo the sign) — one expression per row, no layers of subqueries.
   */
  static final class Typed implements NativeDigest {
    private final HashScheme scheme;
    private final String hash;

    Typed(Table table, Normalization normalization) {
      this.scheme = TypedColumns.scheme(table, normalization);
      StringBuilder row = new StringBuilder();
      for (Column c : table.keys()) {
        row.append(row.length() == 0 ? "" : " || ").append(typedValue(c));
      }
      for (Column c : table.comparedByDatasetName(normalization).values()) {
        row.append(" || ").append(typedValue(c));
      }
      this.hash = "('x' || substr(md5(" + row + "), 1, 16))::bit(64)::int8";
    }

    @Override
    public HashScheme scheme() {
      return scheme;
    }

    @Override
    public List<Digest> digest(Connection connection, Queries queries, List<KeyRange> ranges)
        throws SQLException {
      return Pushdown.inGroups(connection, queries, ranges, RANGES_PER_QUERY,
          (group, params) -> sql(queries, group, params), Pushdown::fromSignedHalves);
    }

    /** The SQL of one group's query; its parameters go to {@code params}. */
    String sql(Queries queries, List<KeyRange> group, List<Queries.Bound> params) {
      StringBuilder sql =
          new StringBuilder("SELECT b, count(*), 0, sum(h), count(*) FILTER (WHERE h < 0) FROM (SELECT ")
              .append(queries.bucket(group, params)).append(" AS b, ").append(hash).append(" AS h FROM ")
              .append(queries.table().quoted());
      sql.append(queries.whereInRanges(group, params));
      // OFFSET 0 computes each row's hash once for its two uses, and keeps the aggregate a hash
      // aggregate (as in HashRecord).
      return sql.append(" OFFSET 0) r WHERE b IS NOT NULL GROUP BY b").toString();
    }

    @Override
    public Queries.Sql rowHashPage(Queries queries, List<KeyRange> ranges, @Nullable Key after, int rows) {
      return queries.page(ranges, after, queries.keyAliases() + ", 0, " + hash, rows);
    }
  }

  /**
   * The native digest: {@code hash_record_extended(ROW(key columns, compared columns), 0)} — 64
   * bits per row, hashing typed values without turning them into text — summed per range with the
   * count. Its scheme names the PostgreSQL major version, the server encoding, and the compared
   * fields with their types in hashing order (key columns, then fields by dataset name), so two
   * stores share it only when their hashes are comparable.
   */
  static final class HashRecord implements NativeDigest {
    private final HashScheme scheme;
    private final String row;

    private HashRecord(HashScheme scheme, String row) {
      this.scheme = scheme;
      this.row = row;
    }

    /** The native digest of the table, or null when a type or a normalisation rule rules it out. */
    static @Nullable HashRecord forTable(Connection conn, Table table, Normalization normalization)
        throws SQLException {
      DatabaseMetaData md = conn.getMetaData();
      if (md.getDatabaseMajorVersion() < 14) {
        return null;
      }
      StringBuilder signature = new StringBuilder();
      StringBuilder row = new StringBuilder("ROW(");
      for (Column c : table.keys()) {
        if (!NATIVE_TYPES.contains(c.typeName().toLowerCase(Locale.ROOT))) {
          return null;
        }
        signature.append("key ").append(c.typeName()).append(';');
        row.append(row.length() == 4 ? "" : ", ").append(c.quoted());
      }
      Map<String, Column> byName = new TreeMap<>(PostgresDialect::compareCodePoints);
      for (Column c : table.columns()) {
        String dataset = normalization.datasetName(c.fieldName());
        if (normalization.isIgnored(dataset)) {
          continue;
        }
        if (!NATIVE_TYPES.contains(c.typeName().toLowerCase(Locale.ROOT))
            || !normalization.ruleFor(dataset).equals(Normalization.Rule.IDENTITY)) {
          return null;
        }
        byName.put(dataset, c);
      }
      for (Map.Entry<String, Column> e : byName.entrySet()) {
        signature.append(e.getKey()).append(' ').append(e.getValue().typeName()).append(';');
        row.append(", ").append(e.getValue().quoted());
      }
      String encoding;
      try (Statement s = conn.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_setting('server_encoding')")) {
        rs.next();
        encoding = rs.getString(1);
      }
      String name =
          "postgresql-" + md.getDatabaseMajorVersion() + "/" + encoding + "/hash-record-extended/"
              + Dialect.fingerprint(signature.toString());
      return new HashRecord(new HashScheme(name, 64), row.append(')').toString());
    }

    @Override
    public HashScheme scheme() {
      return scheme;
    }

    @Override
    public List<Digest> digest(Connection connection, Queries queries, List<KeyRange> ranges)
        throws SQLException {
      return Pushdown.inGroups(connection, queries, ranges, RANGES_PER_QUERY,
          (group, params) -> sql(queries, group, params), Pushdown::fromSignedHalves);
    }

    /**
     * The SQL of one group's query; its parameters go to {@code params}. A row hash is the 64 bits
     * of the int8 read unsigned (as {@link #rowHashPage} gives them), so the digest adds 2^64 for
     * each negative one: the sum of a range's row hashes is its digest.
     */
    String sql(Queries queries, List<KeyRange> group, List<Queries.Bound> params) {
      StringBuilder sql =
          new StringBuilder("SELECT b, count(*), 0, sum(h), count(*) FILTER (WHERE h < 0) FROM (SELECT ")
              .append(queries.bucket(group, params))
              .append(" AS b, hash_record_extended(").append(row).append(", 0) AS h FROM ")
              .append(queries.table().quoted());
      sql.append(queries.whereInRanges(group, params));
      // OFFSET 0 fences the subquery: the planner then assumes few buckets and hash-aggregates
      // instead of sorting every row by an expression it takes for nearly unique.
      return sql.append(" OFFSET 0) r WHERE b IS NOT NULL GROUP BY b").toString();
    }

    @Override
    public Queries.Sql rowHashPage(Queries queries, List<KeyRange> ranges, @Nullable Key after, int rows) {
      return queries.page(ranges, after, queries.keyAliases() + ", 0, hash_record_extended(" + row + ", 0)", rows);
    }
  }
}
