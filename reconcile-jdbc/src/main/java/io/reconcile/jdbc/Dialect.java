package io.reconcile.jdbc;

import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.jdbc.spi.SqlDialect;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What differs between database products in the SQL a {@link JdbcStore} sends. The generic dialect
 * uses standard SQL and hashes client-side; product dialects ({@link PostgresDialect}, {@link
 * MariaDbDialect} for MariaDB and MySQL, {@link H2Dialect}) override the ordering of text keys and
 * push digests into the database through {@link #pushdown()}.
 */
interface Dialect {

  /**
   * The dialect for a table, chosen by the product name in the connection's metadata: PostgreSQL,
   * MariaDB or MySQL, H2, else {@linkplain #generic() generic}. A product dialect computes digests in
   * the database only when {@code allowPushdown} and the table's types and normalisation allow it
   * bit-identically; otherwise it hashes client-side and says why in its {@link #name()}.
   */
  static Dialect detect(
      Connection conn, Table table, io.reconcile.api.Normalization normalization, boolean allowPushdown)
      throws SQLException {
    java.sql.DatabaseMetaData md = conn.getMetaData();
    if (PostgresDialect.isPostgres(md)) {
      return PostgresDialect.forTable(conn, table, normalization, allowPushdown);
    }
    if (MariaDbDialect.isMariaDbOrMySql(md)) {
      return MariaDbDialect.forTable(conn, table, normalization, allowPushdown);
    }
    if (H2Dialect.isH2(md)) {
      return H2Dialect.forTable(conn, table, normalization, allowPushdown);
    }
    return generic();
  }

  /**
   * The dialect to read the catalog with, before the table is known: the product's read-only
   * transaction and session handling (see {@link SnapshotRead}), nothing table-specific.
   */
  static Dialect forCatalogRead(java.sql.DatabaseMetaData md) throws SQLException {
    if (PostgresDialect.isPostgres(md)) {
      return PostgresDialect.forCatalogRead();
    }
    if (MariaDbDialect.isMariaDbOrMySql(md)) {
      return MariaDbDialect.forCatalogRead();
    }
    if (H2Dialect.isH2(md)) {
      return H2Dialect.forCatalogRead();
    }
    return generic();
  }

  /** The generic dialect: SQL:2008 paging, {@code FOR UPDATE} locking, client-side hashing. */
  static Dialect generic() {
    return Generic.INSTANCE;
  }

  /** A short name for messages, e.g. {@code generic}. */
  String name();

  /**
   * The expression to order and compare a key column by. Must order as {@link io.reconcile.api.Key}
   * does (text by code point, bytes and UUIDs unsigned); a dialect adds e.g. {@code COLLATE "C"}.
   */
  default String keyExpression(Column c) {
    return c.quoted();
  }

  /**
   * The parameter placeholder a key bound is compared through, matching {@link #keyExpression}:
   * e.g. {@code CAST(? AS VARBINARY)} when the column is compared as bytes.
   */
  default String keyParameter(Column c) {
    return "?";
  }

  /** The clause appended to an ordered query to return at most {@code rows} rows. */
  default String limit(int rows) {
    return " FETCH FIRST " + rows + " ROWS ONLY";
  }

  /** The clause appended to a point read that locks the row until the transaction ends. */
  default String lockForUpdate() {
    return " FOR UPDATE";
  }

  /**
   * The table of a locking point read (a repair batch's read of its keys), with whatever makes the
   * database lock the rows read and no others; by default the quoted table.
   */
  default String lockedReadFrom(Table table) {
    return table.quoted();
  }

  /** Binds JSON text to a parameter of a JSON column. */
  default void bindJson(PreparedStatement ps, int index, String json) throws SQLException {
    // As UTF-8 bytes: H2 parses bytes as JSON text but would store a string as a JSON string value.
    ps.setBytes(index, json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether the database can find, for contiguous ranges over one integer key column, the range
   * holding a row's key with a search built into it ({@link #searchBounds}).
   */
  default boolean searchesBounds() {
    return false;
  }

  /**
   * Where {@link #searchesBounds}: an expression giving the index of the range holding the row's
   * key — the number of {@code bounds} (the lower bounds of every range but the first, ascending)
   * at or below it — with its parameters appended to {@code params}.
   */
  default String searchBounds(Column key, List<Long> bounds, List<Queries.Bound> params) {
    throw new UnsupportedOperationException(name() + " does not search bounds");
  }

  /**
   * The database's estimate of the number of rows in {@code table}, from its statistics and without
   * reading the table; null when it keeps none (e.g. never analysed).
   */
  default @Nullable Long estimatedRows(Connection c, Table table) throws SQLException {
    return null;
  }

  /**
   * A SQL expression giving a uniformly random number in [0, 1), new for every row, to sample
   * rows by; null when the dialect knows none.
   */
  default @Nullable String random() {
    return null;
  }

  /**
   * The types of {@code table}'s columns as the product's own catalog spells them, by column name,
   * where the JDBC catalog says less (PostgreSQL's domains, enums and type modifiers; MariaDB's
   * ENUM and SET labels); empty (the default) where the JDBC catalog says enough.
   */
  default Map<String, Table.NativeType> nativeTypes(Connection c, Table.Ref table, String quotedTable)
      throws SQLException {
    return Map.of();
  }

  /**
   * Where the product binds a list of integer keys as one array parameter ({@link
   * Queries.Bound#bigints}): the condition that the single key column {@code key} holds one of
   * them, e.g. {@code k = ANY(?)}; null (the default) where it does not, or not for this column's
   * type — keys are then looked up by an {@code OR} of equalities.
   */
  default @Nullable String keyInArray(Column key) {
    return null;
  }

  /**
   * Where the product turns an array parameter of integers ({@link Queries.Bound#bigints}) into
   * rows, one per element in the array's order: how a row's element is named, and the clause to
   * select from and order by; null (the default) where it does not.
   */
  default @Nullable ArrayRows arrayRows() {
    return null;
  }

  /**
   * An array parameter as rows: {@code element} names the row's element in the select list, and
   * {@code fromInOrder} (with its leading space) is the {@code FROM … ORDER BY …} that gives one row
   * per element, in order.
   */
  record ArrayRows(String element, String fromInOrder) {}

  /**
   * 64 bits of the MD5 of a native scheme's signature (what its hashes depend on), in hex: short,
   * and equal only for equal signatures.
   */
  static String fingerprint(String signature) {
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(signature.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md5, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has MD5", e);
    }
  }

  /**
   * A {@link #beginSnapshot} by SQL for the current transaction only ({@code SET TRANSACTION
   * ISOLATION LEVEL REPEATABLE READ, READ ONLY}, which PostgreSQL and MariaDB/MySQL share), so
   * there is nothing to restore afterwards.
   */
  static int snapshotThisTransaction(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
    }
    return UNCHANGED;
  }

  /**
   * Whether a field's rule changes values the SQL encoding of its column does not already account
   * for: comparing as text does not (a UUID column compared so is a {@link Column.Kind#UUID_TEXT}
   * column, encoded as text; a text column is unchanged by it), nor does treating NULL as absent
   * (the canonical encodings leave such a field out, see {@link ConcatenatedRow}); any other rule
   * does.
   */
  static boolean changesValues(Normalization.Rule rule) {
    return !rule.withAsText(false).withNullAsAbsent(false).equals(Normalization.Rule.IDENTITY);
  }

  /**
   * Why the table's digests cannot be computed in the database bit-identically, or null when they
   * can: a key column, or a compared column, of a type {@code pushable} rejects, or a compared
   * field whose normalisation rule {@linkplain #changesValues changes values}. Every product's
   * pushdown asks this one question, with its own {@code pushable}.
   */
  static @Nullable String whyNotPushable(Table table, Normalization normalization, Predicate<Column> pushable) {
    for (Column c : table.keys()) {
      if (!pushable.test(c)) {
        return "key column " + c + " has no bit-identical SQL encoding";
      }
    }
    for (Column c : table.columns()) {
      String dataset = normalization.datasetName(c.fieldName());
      if (normalization.isIgnored(dataset)) {
        continue;
      }
      if (!pushable.test(c)) {
        return "column " + c + " has no bit-identical SQL encoding";
      }
      if (changesValues(normalization.ruleFor(dataset))) {
        return "field '" + dataset + "' has a normalisation rule";
      }
    }
    return null;
  }

  /** A SQL string literal where only quotes need doubling (no backslash escapes). */
  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /**
   * The canonical row as SQL text concatenation, as PostgreSQL and H2 build it: the key columns'
   * encodings joined by {@code ||}, and the compared fields in canonical order, each its name's
   * encoding as a constant then its value's {@code encode}-ing ({@code ''} for none). A field whose
   * rule treats {@linkplain Normalization.Rule#nullAsAbsent NULL as absent} is left out of a row
   * where it is NULL — {@code CASE WHEN v IS NULL THEN '' ELSE name || value END}, {@code v} the
   * expression {@code value} gives, NULL exactly when the column is — as the map encoding leaves out
   * an absent field.
   */
  record ConcatenatedRow(String key, String fields) {
    static ConcatenatedRow of(
        Table table, Normalization normalization, Function<Column, String> encode,
        Function<Column, String> value) {
      StringBuilder k = new StringBuilder();
      for (Column c : table.keys()) {
        k.append(k.length() == 0 ? "" : " || ").append(encode.apply(c));
      }
      StringBuilder f = new StringBuilder();
      for (Map.Entry<String, Column> e : table.comparedByDatasetName(normalization).entrySet()) {
        String name = new String(Canonical.encode(Value.of(e.getKey())), StandardCharsets.UTF_8);
        String field = literal(name) + " || " + encode.apply(e.getValue());
        if (normalization.ruleFor(e.getKey()).nullAsAbsent()) {
          field = "CASE WHEN " + value.apply(e.getValue()) + " IS NULL THEN '' ELSE " + field + " END";
        }
        f.append(f.length() == 0 ? "" : " || ").append(field);
      }
      return new ConcatenatedRow(k.toString(), f.length() == 0 ? "''" : f.toString());
    }
  }

  /**
   * Whether every statement of one {@link #beginSnapshot snapshot} read sees the same committed
   * state, so that a read made of several statements never sees part of a batch that committed
   * meanwhile: true for the multi-version snapshots of PostgreSQL, MariaDB/MySQL (InnoDB) and H2.
   * The default is false: a product's REPEATABLE READ may be lock-based and let rows that a batch
   * inserted appear between two statements of one read.
   */
  default boolean snapshotReads() {
    return false;
  }

  /**
   * Whether a read sets {@link Connection#setReadOnly} before it begins (and clears it after): true
   * for the built-in dialects; see {@link SqlDialect#setsReadOnly}.
   */
  default boolean setsReadOnly() {
    return true;
  }

  /**
   * Begins a snapshot read on {@code c} as {@link SqlDialect#beginRead} promises: by default through
   * {@link #beginSnapshot}, restoring the isolation level it returns.
   */
  default SqlDialect.Restore beginRead(Connection c) throws SQLException {
    int was = beginSnapshot(c);
    return was == UNCHANGED ? SqlDialect.Restore.NOTHING : () -> c.setTransactionIsolation(was);
  }

  /** Prepares a connection in autocommit for a repair's transaction; see {@link SqlDialect#beginWrite}. */
  default SqlDialect.Restore beginWrite(Connection c) throws SQLException {
    return SqlDialect.Restore.NOTHING;
  }

  /**
   * How a catalog column reads and writes in this product, or null when reconcile cannot read and
   * write its type exactly (then it can only be left out of the comparison). The generic mapping:
   * the standard JDBC kind, no cast, and limits that know only whether it takes NULL.
   */
  default Column.@Nullable Typing typing(Table.ColumnInfo info) {
    Column.Kind kind = Column.Kind.of(info.jdbcType(), info.typeName());
    return kind == null ? null : new Column.Typing(kind, null, Limits.of(info.notNull()));
  }

  /**
   * How a column that {@link #typing} cannot compare still reads and writes back exactly while it
   * stays out of the comparison (so a repair's insert can carry it), or null (the default) when it
   * cannot.
   */
  default Column.@Nullable Typing uncomparedTyping(Table.ColumnInfo info) {
    return null;
  }

  /**
   * Why a non-null value of the column's kind, which the catalog's {@link Limits} accept, still
   * cannot be written exactly, or null; see {@link SqlDialect#refusal}. The built-in dialects' limits
   * say it all.
   */
  default @Nullable String refusal(Column c, Value v) {
    return null;
  }

  /** What {@link #beginSnapshot} returns when it left the session's isolation level alone. */
  int UNCHANGED = -1;

  /**
   * Makes the transaction just begun on {@code c} (autocommit off, {@link Connection#setReadOnly}
   * already set) read one snapshot, and read-only where the product has read-only transactions: the
   * default raises the session to REPEATABLE READ when it is lower and relies on the driver's
   * read-only hint. Returns the isolation level to restore when the read ends, or {@link #UNCHANGED}.
   */
  default int beginSnapshot(Connection c) throws SQLException {
    int was = c.getTransactionIsolation();
    if (was == Connection.TRANSACTION_REPEATABLE_READ || was == Connection.TRANSACTION_SERIALIZABLE) {
      return UNCHANGED;
    }
    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    return was;
  }

  /**
   * Whether the read-only transaction on {@code c}, about to be rolled back, changed anything: for
   * products whose transactions cannot be made read-only (H2), so that a filter that writes fails
   * instead of passing unnoticed. The default answers false: the database refused every write.
   */
  default boolean readWrote(Connection c) throws SQLException {
    return false;
  }

  /**
   * Sets what the store needs of a session on a connection it just took, before any statement of
   * its own (MariaDB: the UTC time zone); {@link #leaveSession} puts it back before the connection
   * is released. The default changes nothing.
   */
  default void enterSession(Connection c) throws SQLException {}

  /** Undoes {@link #enterSession} on a connection about to be released. */
  default void leaveSession(Connection c) throws SQLException {}

  /**
   * Refuses connections that execute a statement list ({@code a; b}) as several statements where
   * the product lets a connection option switch that on (MariaDB/MySQL {@code allowMultiQueries}):
   * with it, a filter could carry statements of its own past the read-only transaction. The default
   * checks nothing: PostgreSQL's and H2's drivers always run statement lists, so there {@link
   * FilterCheck} is what keeps a filter one expression.
   *
   * @throws io.reconcile.api.ReconcileException.ConfigurationException if the connection runs them
   */
  default void refuseStatementLists(Connection c) throws SQLException {}

  /**
   * Where the table lives, for the store's {@linkplain JdbcStore#fingerprint() fingerprint}, read
   * in the catalog read of {@code build()}: {@code server} (an identity of the server), {@code
   * database} and, where the product has schemas, {@code schema} — never a secret. The default
   * names the server by the connection's URL without its query or settings (and user-info masked),
   * the database by the table's catalog (or the connection's), the schema by the table's.
   */
  default Map<String, String> location(Connection c, Table table) throws SQLException {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    String url = c.getMetaData().getURL();
    if (url != null) {
      out.put("server", io.reconcile.api.Redaction.uri(url.replaceFirst("[?;].*", "")));
    }
    String catalog = table.ref().catalog() != null ? table.ref().catalog() : c.getCatalog();
    if (catalog != null) {
      out.put("database", catalog);
    }
    if (table.ref().schema() != null) {
      out.put("schema", table.ref().schema());
    }
    return out;
  }

  /** Digests computed inside the database, or null when rows are hashed client-side. */
  default @Nullable Pushdown pushdown() {
    return null;
  }

  /**
   * Digests faster than canonical MD5, if any: schemes only a store of the same product can match,
   * and the cross-product {@link TypedColumns} one; the engine uses one whose {@link
   * NativeDigest#scheme() scheme} every store declares (the first by name when several are shared,
   * which puts same-product schemes first).
   */
  default List<NativeDigest> nativeDigests() {
    return List.of();
  }

  /**
   * Digests under a native {@link HashScheme} (at least 64 bits per row, plus the count), comparable
   * only with digests under the same scheme. The scheme's name must capture everything the hash
   * depends on: for a product-specific one, product and version, compared fields, their order and
   * their types.
   */
  interface NativeDigest extends Pushdown {
    HashScheme scheme();
  }

  /**
   * Computes canonical digests inside the database: the same bits as hashing the rows client-side,
   * in one query per group of ranges.
   */
  interface Pushdown {
    /**
     * Ranges per query when the dialect searches their bounds (see {@link Queries#searchesBounds}):
     * each query reads its span once, so fewer, larger queries read the table in fewer passes.
     */
    int SEARCHED_PER_QUERY = 1 << 14;

    List<Digest> digest(Connection connection, Queries queries, List<KeyRange> ranges)
        throws SQLException;

    /**
     * One keyset page of row hashes, as {@link Queries#page(List, Key, boolean, int)} reads rows
     * (and built on it, so the trusted-key rule holds): for the rows of the ranges after {@code
     * after}, in key order, at most {@code rows} (one more for a trusted key), the key columns
     * then the row's hash under this digest's scheme as two integer columns, {@code hi} and {@code
     * lo}, whose low 64 bits are the halves of the per-row hash the digests sum ({@code hi} 0 for a
     * 64-bit hash).
     */
    Queries.Sql rowHashPage(Queries queries, List<KeyRange> ranges, @Nullable Key after, int rows);

    /**
     * Runs one query per group of at most {@code perQuery} ranges: {@code sql} builds a group's
     * query (appending its parameters), whose rows each start with the index of a range in the
     * group, and {@code read} turns such a row into that range's digest. A range without a row has
     * the empty digest.
     */
    static List<Digest> inGroups(
        Connection connection, Queries queries, List<KeyRange> ranges, int perQuery, GroupSql sql,
        RowDigest read)
        throws SQLException {
      List<Digest> out = new ArrayList<>(ranges.size());
      int size = queries.searchesBounds(ranges) ? Math.max(perQuery, SEARCHED_PER_QUERY) : perQuery;
      for (int from = 0; from < ranges.size(); from += size) {
        List<KeyRange> group = ranges.subList(from, Math.min(ranges.size(), from + size));
        List<Queries.Bound> params = new ArrayList<>();
        String text = sql.build(group, params);
        Digest[] digests = new Digest[group.size()];
        Arrays.fill(digests, Digest.EMPTY);
        try (PreparedStatement ps = connection.prepareStatement(text)) {
          new Queries.Sql(text, params).bind(ps);
          try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
              digests[rs.getInt(1)] = read.digest(rs);
            }
          }
        }
        out.addAll(List.of(digests));
      }
      return out;
    }

    /**
     * A digest from the columns after the range index: the count, the sums of each row hash's
     * high and low halves as signed 64-bit integers, and how many low halves were negative (each
     * is 2<sup>64</sup> short of its unsigned value; the high half's sign is moot mod 2<sup>128</sup>).
     */
    static Digest fromSignedHalves(ResultSet rs) throws SQLException {
      BigInteger hi = rs.getBigDecimal(3).toBigIntegerExact();
      BigInteger lo = rs.getBigDecimal(4).toBigIntegerExact();
      BigInteger negativeLo = BigInteger.valueOf(rs.getLong(5));
      return Digest.of(rs.getLong(2), hi.add(negativeLo).shiftLeft(64).add(lo));
    }
  }

  /** Builds one group's digest query, appending its parameters. */
  @FunctionalInterface
  interface GroupSql {
    String build(List<KeyRange> group, List<Queries.Bound> params);
  }

  /** Reads a range's digest from a row of a digest query. */
  @FunctionalInterface
  interface RowDigest {
    Digest digest(ResultSet rs) throws SQLException;
  }

  /** The generic dialect. */
  final class Generic implements Dialect {
    static final Generic INSTANCE = new Generic();

    private Generic() {}

    @Override
    public String name() {
      return "generic";
    }
  }
}
