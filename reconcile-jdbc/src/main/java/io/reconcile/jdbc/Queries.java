package io.reconcile.jdbc;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The SQL a {@link JdbcStore} sends, built from catalog-validated, quoted identifiers. Every value
 * (key bounds, row values) travels as a bind parameter; the only other text is the filter, which is
 * configuration, checked by {@link FilterCheck} to be one boolean expression.
 */
final class Queries {

  /** SQL text and the key parts to bind to its parameters, in order. */
  record Sql(String text, List<Bound> params) {
    /** Binds the parameters from index 1; returns the next free index. */
    int bind(PreparedStatement ps) throws SQLException {
      int i = 1;
      for (Bound b : params) {
        if (b.column == null) {
          Long[] values = ((List<?>) b.part).toArray(Long[]::new);
          ps.setArray(i++, ps.getConnection().createArrayOf("bigint", values));
        } else {
          Values.bindKeyPart(ps, i++, b.column, b.part);
        }
      }
      return i;
    }
  }

  /** A key part bound as its column's type, or (column null) a SQL array of bigints. */
  record Bound(@Nullable Column column, Object part) {
    static Bound bigints(List<Long> values) {
      return new Bound(null, List.copyOf(values));
    }
  }

  private final Table table;
  private final Dialect dialect;
  private final @Nullable String filter;

  Queries(Table table, Dialect dialect, @Nullable String filter) {
    this.table = table;
    this.dialect = dialect;
    this.filter = filter;
  }

  Table table() {
    return table;
  }

  Dialect dialect() {
    return dialect;
  }

  /**
   * One keyset page: rows of the ranges (ascending; those wholly before {@code after} already
   * dropped) after {@code after} (exclusive; null for the start), in key order, at most {@code
   * rows}. Selects the key columns, then the compared ones unless {@code keysOnly}. Several ranges
   * are bounded by their span, so that an index scan covers only it, and then by each range. For a
   * {@linkplain Table#keyTrusted trusted key} the page starts at {@code after} inclusive and holds
   * one row more: a row with the same key as the last one read cannot hide at a page boundary.
   */
  Sql page(List<KeyRange> ranges, @Nullable Key after, boolean keysOnly, int rows) {
    StringBuilder columns = new StringBuilder();
    appendColumns(columns, keysOnly);
    return page(ranges, after, columns.toString(), rows);
  }

  /**
   * The {@linkplain #page(List, Key, boolean, int) keyset page} selecting {@code columns} (a select
   * list over the table's columns) instead of the key and compared columns: what a dialect wraps to
   * compute something per row of the page, such as its row hash.
   */
  Sql page(List<KeyRange> ranges, @Nullable Key after, String columns, int rows) {
    StringBuilder sql = new StringBuilder("SELECT ").append(columns);
    sql.append(" FROM ").append(table.quoted());
    List<Bound> params = new ArrayList<>();
    KeyRange span = KeyRange.of(ranges.get(0).lo(), ranges.get(ranges.size() - 1).hi());
    List<String> where = rangeConditions(span, params);
    if (ranges.size() > 1) {
      StringBuilder any = new StringBuilder("(");
      for (int i = 0; i < ranges.size(); i++) {
        any.append(i == 0 ? "" : " OR ").append(inRange(ranges.get(i), params));
      }
      where.add(any.append(')').toString());
    }
    boolean rereads = after != null && table.keyTrusted();
    if (after != null) {
      where.add(compare(after, rereads ? ">=" : ">", params));
    }
    appendWhere(sql, where);
    sql.append(" ORDER BY ");
    for (int i = 0; i < table.keys().size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(dialect.keyExpression(table.keys().get(i)));
    }
    sql.append(dialect.limit(rereads ? rows + 1 : rows));
    return new Sql(sql.toString(), params);
  }

  /**
   * One key that several rows (as the filter lets the store see them) hold, if any: {@code SELECT
   * key FROM t WHERE filter GROUP BY key HAVING COUNT(*) > 1}, at most one row — one grouped pass
   * over the table. Keys group by the database's own equality, the one a repair's {@code WHERE key
   * = ?} matches rows by.
   */
  Sql duplicateKey() {
    StringBuilder sql = new StringBuilder("SELECT ");
    appendColumns(sql, true);
    sql.append(" FROM ").append(table.quoted());
    appendWhere(sql, List.of());
    sql.append(" GROUP BY ");
    appendColumns(sql, true);
    sql.append(" HAVING COUNT(*) > 1").append(dialect.limit(1));
    return new Sql(sql.toString(), List.of());
  }

  /**
   * The keys of a random sample of the rows in {@code range}, each row taken with probability
   * {@code fraction}, in no particular order; for dialects with a {@link Dialect#random} function.
   */
  Sql sampleKeys(KeyRange range, double fraction) {
    StringBuilder sql = new StringBuilder("SELECT ");
    appendColumns(sql, true);
    sql.append(" FROM ").append(table.quoted());
    List<Bound> params = new ArrayList<>();
    List<String> where = rangeConditions(range, params);
    where.add(Objects.requireNonNull(dialect.random(), "random()") + " < "
        + BigDecimal.valueOf(fraction).toPlainString());
    appendWhere(sql, where);
    return new Sql(sql.toString(), params);
  }

  /** The number of rows in a range. */
  Sql count(KeyRange range) {
    StringBuilder sql = new StringBuilder("SELECT COUNT(*) FROM ").append(table.quoted());
    List<Bound> params = new ArrayList<>();
    appendWhere(sql, rangeConditions(range, params));
    return new Sql(sql.toString(), params);
  }

  /**
   * The rows of several keys (as the filter lets the store see them), optionally locked for update:
   * one statement, a key equality per key. Locked, the rows are read whole: after the key, compared
   * and version columns come the {@linkplain Table#others() others}, for a repair's before-image.
   */
  Sql points(List<Key> keys, boolean lock) {
    StringBuilder sql = new StringBuilder("SELECT ");
    appendColumns(sql, false);
    if (lock) {
      for (Column c : table.others()) {
        sql.append(", ").append(c.quoted());
      }
    }
    sql.append(" FROM ").append(lock ? dialect.lockedReadFrom(table) : table.quoted());
    List<Bound> params = new ArrayList<>();
    if (byArray()) {
      // One array parameter instead of an OR per key: a statement the size of one key, which the
      // server parses and plans once and answers with one index scan.
      List<Long> values = new ArrayList<>(keys.size());
      for (Key k : keys) {
        checkKey(k);
        if (k.part(0) instanceof Long l) {
          values.add(l); // a decimal key (another store's) is in no integer column
        }
      }
      params.add(Bound.bigints(values));
      appendWhere(sql, List.of(Objects.requireNonNull(dialect.keyInArray(table.keys().get(0)))));
    } else {
      StringBuilder any = new StringBuilder("(");
      for (int i = 0; i < keys.size(); i++) {
        any.append(i == 0 ? "(" : " OR (").append(keyEquals(keys.get(i), params)).append(')');
      }
      appendWhere(sql, List.of(any.append(')').toString()));
    }
    if (lock) {
      sql.append(dialect.lockForUpdate());
    }
    return new Sql(sql.toString(), params);
  }

  /**
   * Whether {@link #points} looks keys up with one array parameter: a single key column the
   * dialect binds arrays for ({@link Dialect#keyInArray}).
   */
  boolean byArray() {
    return table.keys().size() == 1 && dialect.keyInArray(table.keys().get(0)) != null;
  }

  /** UPDATE of the given columns; their values bind first, then the key parts. */
  String update(List<Column> columns) {
    StringBuilder sql = new StringBuilder("UPDATE ").append(table.quoted()).append(" SET ");
    for (int i = 0; i < columns.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(columns.get(i).quoted()).append(" = ")
          .append(columns.get(i).parameter());
    }
    sql.append(" WHERE ").append(keyEqualsText());
    return sql.toString();
  }

  /** DELETE of one row; the key parts bind with {@link #bindKey}. */
  String delete() {
    return "DELETE FROM " + table.quoted() + " WHERE " + keyEqualsText();
  }

  /** INSERT of the key and the given columns; the key parts bind first, then the columns. */
  String insert(List<Column> columns) {
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(table.quoted()).append(" (");
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < table.keys().size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(table.keys().get(i).quoted());
      values.append(i == 0 ? "?" : ", ?");
    }
    for (Column c : columns) {
      sql.append(", ").append(c.quoted());
      values.append(", ").append(c.parameter());
    }
    return sql.append(") VALUES (").append(values).append(')').toString();
  }

  /** Binds the key parts of {@code key} in key-column order, from {@code index}. */
  void bindKey(PreparedStatement ps, int index, Key key) throws SQLException {
    checkKey(key);
    for (int i = 0; i < table.keys().size(); i++) {
      Values.bindKeyPart(ps, index + i, table.keys().get(i), key.part(i));
    }
  }

  /**
   * The condition that a row's key lies in {@code range}, or {@code TRUE} for the whole key space;
   * its parameters are appended to {@code params} in text order. Does not include the filter.
   */
  String inRange(KeyRange range, List<Bound> params) {
    List<String> where = rangeConditions(range, params);
    return where.isEmpty() ? "TRUE" : "(" + String.join(" AND ", where) + ")";
  }

  /**
   * An expression giving the index of the range among {@code ranges} (ascending) that holds the
   * row's key, or NULL when none does: a binary search over the ranges' lower bounds, about
   * log2(n) + 1 key comparisons per row instead of up to n for a flat {@code CASE}. Its parameters
   * are appended to {@code params} in text order.
   */
  String bucket(List<KeyRange> ranges, List<Bound> params) {
    if (ranges.size() > 1 && searchesBounds(ranges)) {
      List<Long> bounds = new ArrayList<>(ranges.size() - 1);
      for (KeyRange r : ranges.subList(1, ranges.size())) {
        bounds.add((Long) r.lo().part(0));
      }
      return dialect.searchBounds(table.keys().get(0), bounds, params);
    }
    return bucket(ranges, 0, ranges.size() - 1, params);
  }

  /**
   * Whether {@link #bucket} finds the ranges' index with the dialect's {@link
   * Dialect#searchBounds search} (one integer key column, contiguous ranges): a cost per row that
   * barely grows with the number of ranges, so one query may bucket them all.
   */
  boolean searchesBounds(List<KeyRange> ranges) {
    return table.keys().size() == 1 && table.keys().get(0).kind() == Column.Kind.LONG
        && dialect.searchesBounds() && contiguous(ranges)
        && ranges.stream().skip(1).allMatch(r -> r.lo().size() == 1 && r.lo().part(0) instanceof Long);
  }

  /**
   * {@code WHERE} the row's key lies in one of the ranges (ascending), and the filter holds: how
   * every grouped digest query reads its rows. Adjoining ranges read as one span (one range scan);
   * ranges with gaps between them as one condition per run of adjoining ranges, joined by {@code
   * OR}, so that the rows in the gaps are neither read nor hashed — a watch digests a few scattered
   * leaves of a large table, not the span from the first to the last.
   */
  String whereInRanges(List<KeyRange> group, List<Bound> params) {
    List<String> runs = new ArrayList<>();
    Key runLo = group.get(0).lo();
    for (int i = 1; i <= group.size(); i++) {
      if (i == group.size() || !group.get(i - 1).adjoins(group.get(i))) {
        runs.add(inRange(KeyRange.of(runLo, group.get(i - 1).hi()), params));
        if (i < group.size()) {
          runLo = group.get(i).lo();
        }
      }
    }
    String where = runs.size() == 1 ? runs.get(0) : "(" + String.join(" OR ", runs) + ")";
    return " WHERE " + where + (filter == null ? "" : " AND (" + filter + ")");
  }

  /** Whether each range starts where the one before it ends. */
  static boolean contiguous(List<KeyRange> ranges) {
    for (int i = 1; i < ranges.size(); i++) {
      if (!ranges.get(i - 1).adjoins(ranges.get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Rows reaching this subtree have a key at or after range {@code from}'s lower bound. */
  private String bucket(List<KeyRange> ranges, int from, int to, List<Bound> params) {
    if (from == to) {
      Key hi = ranges.get(from).hi();
      return hi == null
          ? Integer.toString(from)
          : "CASE WHEN " + inRange(KeyRange.of(null, hi), params) + " THEN " + from + " END";
    }
    int mid = (from + to + 1) >>> 1;
    return "CASE WHEN " + inRange(KeyRange.of(ranges.get(mid).lo(), null), params)
        + " THEN " + bucket(ranges, mid, to, params)
        + " ELSE " + bucket(ranges, from, mid - 1, params) + " END";
  }

  /**
   * For a single integer key column: the minimum and maximum key in {@code range} (two index
   * probes where the key is indexed), as one row.
   */
  Sql minMax(KeyRange range) {
    String k = table.keys().get(0).quoted();
    StringBuilder sql =
        new StringBuilder("SELECT MIN(").append(k).append("), MAX(").append(k).append(") FROM ")
            .append(table.quoted());
    List<Bound> params = new ArrayList<>();
    appendWhere(sql, rangeConditions(range, params));
    return new Sql(sql.toString(), params);
  }

  /**
   * For a single integer key column: for each of {@code probes}, in order, the first key at or
   * after it and before {@code hi} (NULL if none) — an index probe each. Where the dialect turns
   * an array parameter into rows ({@link Dialect#arrayRows}), one row per probe (a statement the
   * size of one probe, whatever their number); otherwise one row with a column per probe. Read
   * every column of every row, in order.
   */
  Sql firstKeysFrom(List<Long> probes, @Nullable Key hi) {
    Column key = table.keys().get(0);
    List<Bound> params = new ArrayList<>();
    Dialect.ArrayRows rows = dialect.arrayRows();
    if (rows != null) {
      StringBuilder sql = new StringBuilder("SELECT (SELECT MIN(").append(key.quoted())
          .append(") FROM ").append(table.quoted()).append(" WHERE ").append(key.quoted()).append(" >= ")
          .append(rows.element());
      List<String> below = rangeConditions(KeyRange.of(null, hi), params);
      if (filter != null) {
        below.add("(" + filter + ")");
      }
      below.forEach(c -> sql.append(" AND ").append(c));
      params.add(Bound.bigints(probes));
      sql.append(')').append(rows.fromInOrder());
      return new Sql(sql.toString(), params);
    }
    StringBuilder sql = new StringBuilder("SELECT ");
    for (int i = 0; i < probes.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("(SELECT MIN(").append(key.quoted()).append(") FROM ")
          .append(table.quoted());
      appendWhere(sql, rangeConditions(KeyRange.of(Key.of(probes.get(i)), hi), params));
      sql.append(')');
    }
    return new Sql(sql.toString(), params);
  }

  /** The configured filter (SQL text, one boolean expression), or null. */
  @Nullable String filter() {
    return filter;
  }

  /**
   * The key columns, each as {@code reconcile_k0}, {@code reconcile_k1}, …: names under which a
   * dialect's layers over a page pass the key on, and which an {@code ORDER BY} of the page does not
   * mistake for a table column (output names win there).
   */
  String keyAliases() {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < table.keys().size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(table.keys().get(i).quoted()).append(" AS reconcile_k").append(i);
    }
    return sql.toString();
  }

  /** The aliases of {@link #keyAliases()}: {@code reconcile_k0, reconcile_k1, …}. */
  String keyAliasNames() {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < table.keys().size(); i++) {
      sql.append(i == 0 ? "" : ", ").append("reconcile_k").append(i);
    }
    return sql.toString();
  }

  private void appendColumns(StringBuilder sql, boolean keysOnly) {
    List<Column> cols = new ArrayList<>(table.keys());
    if (!keysOnly) {
      cols.addAll(table.columns());
      if (table.version() != null) {
        cols.add(table.version());
      }
    }
    for (int i = 0; i < cols.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(cols.get(i).quoted());
    }
  }

  private void appendWhere(StringBuilder sql, List<String> conditions) {
    List<String> all = new ArrayList<>(conditions);
    if (filter != null) {
      all.add("(" + filter + ")");
    }
    for (int i = 0; i < all.size(); i++) {
      sql.append(i == 0 ? " WHERE " : " AND ").append(all.get(i));
    }
  }

  private List<String> rangeConditions(KeyRange range, List<Bound> params) {
    List<String> where = new ArrayList<>();
    int n = table.keys().size();
    Key lo = range.lo();
    if (lo != null) {
      // A shorter bound is a prefix: every key extending it orders after it. A longer one is
      // after every key sharing its first n parts.
      where.add(compare(lo, lo.size() <= n ? ">=" : ">", params));
    }
    Key hi = range.hi();
    if (hi != null) {
      where.add(compare(hi, hi.size() <= n ? "<" : "<=", params));
    }
    return where;
  }

  /**
   * The row's key compared lexicographically with the first {@code min(bound.size(), n)} parts of
   * {@code bound}, as {@code k1 OP' ? AND (k1 > ? OR (k1 = ? AND ...))} so that the leading
   * conjunct can use an index on the key.
   */
  private String compare(Key bound, String op, List<Bound> params) {
    int m = Math.min(bound.size(), table.keys().size());
    List<Column> keys = table.keys();
    for (int i = 0; i < m; i++) {
      checkPart(keys.get(i), bound.part(i), bound);
    }
    String strict = op.startsWith(">") ? ">" : "<";
    boolean inclusive = op.endsWith("=");
    if (m == 1) {
      return condition(keys.get(0), op, bound.part(0), false, params);
    }
    // Leading column: k1 >= x1 (or <=), which an index range scan can use.
    return "(" + condition(keys.get(0), strict + "=", bound.part(0), false, params) + " AND "
        + lexicographic(bound, keys, 0, m, strict, inclusive, params) + ")";
  }

  private String lexicographic(
      Key bound, List<Column> keys, int i, int m, String strict, boolean inclusive, List<Bound> params) {
    Column k = keys.get(i);
    Object part = bound.part(i);
    if (i == m - 1) {
      return condition(k, strict + (inclusive ? "=" : ""), part, false, params);
    }
    return "("
        + condition(k, strict, part, false, params) + " OR ("
        + condition(k, "=", part, false, params) + " AND "
        + lexicographic(bound, keys, i + 1, m, strict, inclusive, params)
        + "))";
  }

  /**
   * The key column compared with one key part ({@code op} one of {@code = < <= > >=}), its
   * parameter appended to {@code params}: through the dialect's {@link Dialect#keyExpression key
   * order}, or for a {@code point} (equality in a look-up) on the bare column, which the unique key
   * makes exact. A UUID column compared as text ({@link Column.Kind#UUID_TEXT}) is in the text
   * order of its keys by its own type (see {@link UuidText}), so a text part is compared as the UUID
   * bound that selects the same rows — {@code > s} as {@code >= } the ceiling of s's successor
   * {@code s + U+0000} — and, where no UUID's text is on the wanted side, or for equality with a
   * text that is no UUID's, the condition is {@code TRUE} or {@code FALSE}.
   */
  private String condition(Column c, String op, Object part, boolean point, List<Bound> params) {
    Object value = part;
    String test = op;
    if (c.kind() == Column.Kind.UUID_TEXT && part instanceof String s) {
      if (op.equals("=")) {
        value = UuidText.parse(s);
        if (value == null) {
          return "FALSE";
        }
      } else {
        boolean successor = op.equals(">") || op.equals("<=");
        test = op.startsWith(">") ? ">=" : "<";
        value = UuidText.ceiling(successor ? s + "\0" : s);
        if (value == null) {
          return test.equals(">=") ? "FALSE" : "TRUE"; // every UUID's text is before the bound
        }
      }
    }
    params.add(new Bound(c, value));
    return point
        ? c.quoted() + " = ?"
        : dialect.keyExpression(c) + " " + test + " " + dialect.keyParameter(c);
  }

  private String keyEquals(Key key, List<Bound> params) {
    checkKey(key);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < table.keys().size(); i++) {
      sb.append(i == 0 ? "" : " AND ").append(condition(table.keys().get(i), "=", key.part(i), true, params));
    }
    return sb.toString();
  }

  private String keyEqualsText() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < table.keys().size(); i++) {
      sb.append(i == 0 ? "" : " AND ").append(table.keys().get(i).quoted()).append(" = ?");
    }
    return sb.toString();
  }

  private void checkKey(Key key) {
    if (key.size() != table.keys().size()) {
      throw new IllegalArgumentException(
          "table '" + table.name() + "' has " + table.keys().size() + " key column(s) "
              + table.keys().stream().map(Column::catalogName).toList()
              + ", but key " + key + " has " + key.size() + " part(s)");
    }
    for (int i = 0; i < key.size(); i++) {
      checkPart(table.keys().get(i), key.part(i), key);
    }
  }

  private void checkPart(Column c, Object part, Key key) {
    boolean fits =
        switch (c.kind()) {
          case LONG, DECIMAL -> part instanceof Long || part instanceof BigDecimal;
          case TEXT -> part instanceof String;
          case UUID -> part instanceof java.util.UUID;
          case UUID_TEXT -> part instanceof String || part instanceof java.util.UUID;
          case BYTES -> part instanceof byte[];
          default -> false;
        };
    if (!fits) {
      throw new IllegalArgumentException(
          "key " + key + " does not fit table '" + table.name() + "': key column '"
              + c.catalogName() + "' (" + c.typeName() + ") cannot hold a "
              + part.getClass().getSimpleName() + " part; use the column's key type (numbers as"
              + " Long or BigDecimal, text as String, UUID, binary as byte[])");
    }
  }
}
