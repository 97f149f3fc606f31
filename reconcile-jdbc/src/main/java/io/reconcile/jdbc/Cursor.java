package io.reconcile.jdbc;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a key range in key order by keyset pagination: each page is {@code WHERE key > last ORDER
 * BY key FETCH FIRST n}, never OFFSET, so each page costs an index seek however deep it is, and
 * only the current page's open result set is held (n is the fetch size times the ranges the page
 * still covers, at most {@value #MAX_PAGE_ROWS}; rows arrive a fetch size at a time). Checks that the database returns keys in
 * reconcile's key order and inside the range as {@link Key} order defines it, and fails loudly if
 * not (a collation that does not order text by code point, say): a row the database puts in the
 * wrong range then fails the scan of that range instead of being counted in the wrong place. Two
 * rows with the same key fail it too ({@link #duplicateKey}); for a {@linkplain Table#keyTrusted
 * trusted key} each page after the first starts again at the last key read, so that such rows are
 * met even when a page boundary falls between them.
 *
 * <p>All pages are read in one {@link SnapshotRead}, so a scan never sees part of a concurrent
 * batch. Owns its connection; {@link #close()} releases it. Not thread-safe.
 */
final class Cursor implements Iterator<Cursor.Row>, AutoCloseable {

  private static final int MAX_PAGE_ROWS = 1 << 17;

  /**
   * A row read: its key and, unless reading keys only or hashes, its compared fields (store
   * names); when reading hashes, its row hash instead.
   */
  record Row(Key key, Value.@Nullable MapValue fields, Version version, @Nullable RowHash hash) {
    Row(Key key, Value.@Nullable MapValue fields, Version version) {
      this(key, fields, version, null);
    }
  }

  private final SnapshotRead read;
  private final Queries queries;
  private final List<KeyRange> ranges;
  private final boolean keysOnly;
  private final Dialect.@Nullable Pushdown hashes;
  private final int pageRows;
  private final String storeId;

  private @Nullable PreparedStatement statement;
  private @Nullable ResultSet results;
  private @Nullable Key last;
  private int at; // the first range the next key may lie in
  private int pageLimit;
  private int inPage;
  private boolean exhausted;
  private boolean rereading; // the page's first row is the last one read (a trusted key's page)
  private @Nullable Row next;
  private boolean closed;

  Cursor(SnapshotRead read, Queries queries, KeyRange range, boolean keysOnly, int pageRows, String storeId) {
    this(read, queries, List.of(range), keysOnly, pageRows, storeId);
  }

  /** Reads several ascending, non-overlapping ranges as one. */
  Cursor(SnapshotRead read, Queries queries, List<KeyRange> ranges, boolean keysOnly, int pageRows, String storeId) {
    this(read, queries, ranges, keysOnly, null, pageRows, storeId);
  }

  /** Reads the key and the row hash under {@code hashes} of each row of the ranges. */
  Cursor(SnapshotRead read, Queries queries, List<KeyRange> ranges, Dialect.Pushdown hashes, int pageRows, String storeId) {
    this(read, queries, ranges, false, hashes, pageRows, storeId);
  }

  private Cursor(SnapshotRead read, Queries queries, List<KeyRange> ranges, boolean keysOnly,
      Dialect.@Nullable Pushdown hashes, int pageRows, String storeId) {
    this.read = read;
    this.queries = queries;
    this.ranges = coalesced(ranges);
    this.keysOnly = keysOnly;
    this.hashes = hashes;
    this.pageRows = pageRows;
    this.storeId = storeId;
  }

  /**
   * The ranges with each run of adjacent ones (one's end the next one's start) made one: the same
   * rows, read by one range condition the index serves instead of an OR of many.
   */
  static List<KeyRange> coalesced(List<KeyRange> ranges) {
    List<KeyRange> out = new ArrayList<>(ranges.size());
    for (KeyRange r : ranges) {
      int last = out.size() - 1;
      if (last >= 0 && out.get(last).adjoins(r)) {
        out.set(last, KeyRange.of(out.get(last).lo(), r.hi()));
      } else {
        out.add(r);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public boolean hasNext() {
    if (next != null) {
      return true;
    }
    if (exhausted || closed) {
      return false;
    }
    try {
      while (true) {
        if (results == null) {
          openPage();
        }
        ResultSet rs = results;
        if (rs.next()) {
          Row row = read(rs);
          if (rereading) {
            rereading = false;
            if (row.key().equals(last)) {
              continue; // read at the end of the page before
            }
          }
          if (row.key().equals(last)) {
            throw duplicateKey(storeId, queries.table(), row.key());
          }
          boolean ordered = last == null || last.compareTo(row.key()) < 0;
          while (at < ranges.size() - 1 && !ranges.get(at).contains(row.key())
              && ranges.get(at + 1).lo().compareTo(row.key()) <= 0) {
            at++;
          }
          if (!ordered || !ranges.get(at).contains(row.key())) {
            throw new ReconcileException(
                "store '" + storeId + "' returned key " + row.key()
                    + (!ordered ? " after " + last : " outside " + (ranges.size() == 1 ? "range " + ranges.get(0) : "ranges " + ranges))
                    + ": the database does not order keys as reconcile does (text by Unicode code"
                    + " point, bytes and UUIDs unsigned), so ranges would not mean the same rows;"
                    + " give text key columns a binary (code point) collation");
          }
          last = row.key();
          inPage++;
          next = row;
          return true;
        }
        closePage();
        if (inPage < pageLimit) {
          exhausted = true;
          close();
          return false;
        }
        inPage = 0;
      }
    } catch (SQLException e) {
      throw closing(JdbcStore.failure(
          "store '" + storeId + "' failed to scan " + (ranges.size() == 1 ? ranges.get(0) : ranges.size() + " ranges"), e));
    } catch (RuntimeException e) {
      throw closing(e);
    }
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Row r = next;
    next = null;
    return r;
  }

  private void openPage() throws SQLException {
    while (last != null && at < ranges.size() - 1 && ranges.get(at).hi() != null
        && ranges.get(at).hi().compareTo(last) <= 0) {
      at++; // ranges wholly before the last key read drop out of the next page's query
    }
    // A page costs an index probe per range it covers, so it holds pageRows rows per range (all
    // fetched pageRows at a time): a batch of small ranges is one query, not one per pageRows.
    pageLimit = (int) Math.min(MAX_PAGE_ROWS, (long) pageRows * (ranges.size() - at));
    List<KeyRange> remaining = ranges.subList(at, ranges.size());
    Queries.Sql sql = hashes != null
        ? hashes.rowHashPage(queries, remaining, last, pageLimit)
        : queries.page(remaining, last, keysOnly, pageLimit);
    rereading = last != null && queries.table().keyTrusted();
    PreparedStatement ps = read.connection().prepareStatement(sql.text());
    statement = ps;
    ps.setFetchSize(pageRows);
    sql.bind(ps);
    results = ps.executeQuery();
  }

  /**
   * The failure for a key that two rows hold: the key columns are not unique after all (a trusted
   * key's), so one key would stand for several rows. Names the key, never another value.
   */
  static ReconcileException.ConfigurationException duplicateKey(String storeId, Table t, Key key) {
    return new ReconcileException.ConfigurationException(
        "store '" + storeId + "': key " + key + " is held by more than one row of table '" + t.name()
            + "', so key columns " + t.keys().stream().map(Column::catalogName).toList()
            + " are not unique and cannot identify rows; name key columns that are unique, or"
            + " remove the duplicate rows");
  }

  private Row read(ResultSet rs) throws SQLException {
    Table t = queries.table();
    if (hashes != null) {
      int i = t.keys().size() + 1;
      // Read as decimals: an unsigned 64-bit column's low 64 bits are the hash half.
      return new Row(readKey(rs, t), null, Version.NONE,
          new RowHash(rs.getBigDecimal(i).longValue(), rs.getBigDecimal(i + 1).longValue()));
    }
    return keysOnly ? new Row(readKey(rs, t), null, Version.NONE) : readRow(rs, t);
  }

  /** Reads a whole row: the key columns, the compared columns, then the version column if any. */
  static Row readRow(ResultSet rs, Table t) throws SQLException {
    int i = t.keys().size() + 1;
    return new Row(readKey(rs, t), readFields(rs, i, t), readVersion(rs, i + t.columns().size(), t));
  }

  /** Reads the key columns, the first columns of every query that returns rows. */
  static Key readKey(ResultSet rs, Table t) throws SQLException {
    List<Object> parts = new ArrayList<>(t.keys().size());
    int i = 1;
    for (Column k : t.keys()) {
      parts.add(Values.readKeyPart(rs, i++, k, t.name()));
    }
    return Key.composite(parts);
  }

  /** Reads the compared columns starting at column {@code from}. */
  static Value.MapValue readFields(ResultSet rs, int from, Table t) throws SQLException {
    Map<String, Value> fields = new LinkedHashMap<>();
    int i = from;
    for (Column c : t.columns()) {
      fields.put(c.fieldName(), Values.read(rs, i++, c));
    }
    return Value.MapValue.of(fields);
  }

  /**
   * The row's version from the table's version column at {@code index} (after the compared ones): a
   * timestamp, or a version vector in its text form; {@link Version#NONE} without one or for NULL.
   */
  static Version readVersion(ResultSet rs, int index, Table t) throws SQLException {
    Column c = t.version();
    if (c == null) {
      return Version.NONE;
    }
    Value v = Values.read(rs, index, c);
    if (v instanceof Value.Timestamp ts) {
      return Version.of(ts.value());
    }
    if (v instanceof Value.Text text) {
      try {
        return Version.of(VersionVector.parse(text.value()));
      } catch (IllegalArgumentException e) {
        throw new ReconcileException(
            "table '" + t.name() + "': version column '" + c.catalogName() + "' holds '" + text.value()
                + "', which is not a version vector (" + e.getMessage() + "); write versions with"
                + " VersionVector.toText()", e);
      }
    }
    return Version.NONE;
  }

  private void closePage() throws SQLException {
    try {
      if (results != null) {
        results.close();
      }
    } finally {
      results = null;
      if (statement != null) {
        PreparedStatement ps = statement;
        statement = null;
        ps.close();
      }
    }
  }

  /** Closes the cursor after {@code failure}, to which a failure to close is added. */
  private RuntimeException closing(RuntimeException failure) {
    try {
      close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

  /**
   * Releases the page and the connection. Idempotent.
   *
   * @throws io.reconcile.api.ReconcileException if the read turns out to have written (see {@link
   *     SnapshotRead#close()})
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      closePage();
    } catch (SQLException ignored) {
      // Closing a result set of a read we are abandoning: nothing to report.
    }
    read.close();
  }
}
