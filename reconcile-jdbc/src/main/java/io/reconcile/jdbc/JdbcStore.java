package io.reconcile.jdbc;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.jdbc.spi.SqlDialect;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Store} over one table of a JDBC database, reached through a {@link DataSource}.
 *
 * <p>Build one with {@link #newBuilder(DataSource)}. Building checks the configuration against the
 * database catalog before any data is read: the table must exist, every named column too, and the
 * key columns must be the primary key or cover a unique index — or be {@linkplain
 * Builder#trustKey trusted} to be unique, for a view or a table without such an index, and then
 * they are checked for duplicates. The table may be a view. Identifiers are taken from the
 * catalog and quoted; values only ever travel as bind parameters. The optional {@linkplain
 * Builder#filter filter} is the one piece of SQL text taken from configuration: it must be one
 * boolean expression, checked before any statement runs.
 *
 * <p><b>Detection cannot write.</b> Every read, the catalog reads of {@link Builder#build()}
 * included, runs in a read-only transaction that is rolled back when it ends (see {@link
 * SnapshotRead}): PostgreSQL and MariaDB/MySQL refuse any write a filter's function or subquery
 * attempts; on H2, which has no read-only transactions, a read that changed rows fails.
 *
 * <p><b>Reading.</b> Entries carry the key columns as the {@link Key} (integer and decimal columns
 * as numbers by value — a {@code long}, or a {@code BigDecimal} for a decimal or a number beyond a
 * long — text, UUID or binary; a UUID compared {@linkplain
 * Normalization.Builder#asText as text} as its canonical text) and the compared columns as fields, named as the catalog spells them — in
 * lower case when the database stored an unquoted name in upper case (H2, Oracle), so that the same
 * table reads the same from every product. Column values map to {@link Value}s: integers to longs,
 * DECIMAL/NUMERIC to decimals, REAL/DOUBLE to numbers by their shortest decimal form, character and
 * JSON types to text, BOOLEAN, DATE, TIMESTAMP (read as UTC), TIMESTAMP WITH TIME ZONE, UUID,
 * binary types to bytes, NULL to {@link Value#ofNull()}. Then the store's {@link Normalization} is
 * applied. {@link #scan} reads in key order by keyset pagination (never OFFSET), holding one page's
 * cursor and one connection until the stream is closed; memory stays flat. The database must order
 * key columns as {@link Key} does — text by code point, binary and UUIDs unsigned; the PostgreSQL,
 * MariaDB/MySQL and H2 dialects compare text keys as bytes to make sure of it. A scan
 * that meets keys out of that order fails rather than return them (e.g. under a linguistic
 * collation).
 *
 * <p><b>Digests.</b> On PostgreSQL, MariaDB/MySQL and H2 (detected from the connection's metadata)
 * digests are computed inside the database when every key and compared column has a bit-identical
 * SQL encoding and the normalisation changes no values; the store then declares {@link
 * Capability#SERVER_SIDE_DIGEST}.
 * Otherwise {@link #digest(List, HashScheme)} reads the rows of all requested ranges in one ordered
 * scan and sums their {@linkplain Entry#hash() canonical row hashes}. Either way its digests equal
 * those of any other store holding the same logical rows.
 *
 * <p><b>Writing.</b> {@link #apply} runs each batch in one transaction: it reads the batch's rows
 * with {@code SELECT … FOR UPDATE} (many keys a statement), decides each action with {@link
 * RepairAction#statusFor} against its locked row (the version column counting, see {@link
 * Builder#versionColumn}), and writes the applied ones with plain INSERTs, UPDATEs and DELETEs, one
 * JDBC batch per statement shape (never REPLACE, which would cascade). Any SQL failure rolls the
 * whole batch back. Hence {@link Capability#COMPARE_AND_SET}, {@link Capability#READ_YOUR_WRITES}
 * and, where reads see one snapshot, {@link Capability#ATOMIC_BATCH} (see {@link #capabilities()}).
 * Compared columns that an upserted entry lacks are written as NULL; columns outside the comparison
 * (ignored or not listed) are left as they are on UPDATE and take their defaults on INSERT. A view
 * is written through; one that the catalog says the database cannot write through is refused before
 * the first write ({@link ReconcileException.RepairRefusedException}).
 *
 * <p>Thread-safe: every call borrows its own connection from the data source. {@link #close()}
 * marks the store closed; it does not close the data source, which belongs to the caller.
 */
public final class JdbcStore implements Store {

  private static final int DEFAULT_FETCH_SIZE = 1000;

  /** Index probes per query when splitting an integer key range. */
  private static final int PROBES_PER_QUERY = 1000;

  /** Keys looked up (and, when repairing, locked) by one statement. */
  private static final int KEYS_PER_QUERY = 500;

  /** Keys per look-up when they travel as one array parameter ({@code k = ANY(?)}). */
  private static final int KEYS_PER_ARRAY = 10_000;

  /** Integer keys filling this share of their span (by the statistics) are cut without probes. */
  private static final int DENSE_PERCENT = 75;

  /** Sampled keys per segment when a large table without an integer key is split. */
  private static final int SAMPLED_PER_SEGMENT = 10;

  /** Tables estimated to hold more rows than this are not counted to be split. */
  private static final long ESTIMATED_ABOVE = 100_000;

  private final String id;
  private final DataSource dataSource;
  private final @Nullable DriverManagerSource ownedSource;
  private final Queries queries;
  private final Normalization normalization;
  private final boolean readOnly;
  private final int fetchSize;
  private final Map<String, String> fingerprint;
  /** Why the database cannot write the table (a view it cannot write through), or null. */
  private final @Nullable String unwritableView;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdbcStore(
      Builder b, Queries queries, Map<String, String> fingerprint, @Nullable String unwritableView) {
    this.fingerprint = fingerprint;
    this.id = b.id != null ? b.id : queries.table().name();
    this.dataSource = b.dataSource;
    this.ownedSource = b.dataSource instanceof DriverManagerSource own ? own : null;
    this.queries = queries;
    this.normalization = b.normalization();
    this.readOnly = b.readOnly();
    this.fetchSize = b.fetchSize != null ? b.fetchSize : DEFAULT_FETCH_SIZE;
    this.unwritableView = unwritableView;
  }

  /** Starts configuring a store over a table reached through {@code dataSource}. */
  public static Builder newBuilder(DataSource dataSource) {
    return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * {@link Capability#ORDERED_SCAN}; {@link Capability#KEY_INDEX} when a primary key or unique
   * index covers the key columns (not for a key taken on trust); unless read-only, {@link Capability#WRITE}, {@link
   * Capability#COMPARE_AND_SET} (each row is read {@code FOR UPDATE}, compared and written in the
   * batch's transaction) and {@link Capability#READ_YOUR_WRITES} (the transaction has committed
   * when {@code apply} returns; this assumes the data source reaches the database itself, not a
   * replica that lags it), and {@link Capability#ATOMIC_BATCH} (one transaction per batch) on
   * PostgreSQL, MariaDB/MySQL and H2, whose reads see one snapshot — not on other products, where a
   * read of several statements might see part of a batch; {@link Capability#VERSIONS} with a
   * version column; and {@link Capability#SERVER_SIDE_DIGEST} when the dialect computes digests in
   * the database.
   */
  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.of(Capability.ORDERED_SCAN);
    if (!queries.table().keyTrusted()) {
      c.add(Capability.KEY_INDEX);
    }
    if (!readOnly) {
      c.addAll(EnumSet.of(Capability.WRITE, Capability.COMPARE_AND_SET, Capability.READ_YOUR_WRITES));
      if (queries.dialect().snapshotReads()) {
        c.add(Capability.ATOMIC_BATCH);
      }
    }
    if (queries.table().version() != null) {
      c.add(Capability.VERSIONS);
    }
    if (queries.dialect().pushdown() != null) {
      c.add(Capability.SERVER_SIDE_DIGEST);
    }
    return c;
  }

  /**
   * Where the table lives, read once in {@link Builder#build()}'s catalog read: {@code product}
   * (name and version), {@code server} (PostgreSQL: {@code system_identifier} from {@code
   * pg_control_system()}, or the server's address, port and database OID when the user may not call
   * it; MariaDB: {@code server_uid}, MySQL: {@code server_uuid}, else host name and port; H2 and
   * other products: the connection URL without its settings), {@code database}, {@code schema}
   * (not on MariaDB/MySQL, whose databases have none), {@code dataset} (the table as the catalog
   * spells it), {@code key} and {@code fields} (the key and compared columns in order, each in
   * double quotes) and, with a version column, {@code version}. Never a password or other secret.
   */
  @Override
  public Map<String, String> fingerprint() {
    return fingerprint;
  }

  /**
   * The table's key and compared columns as value types: integers, decimals and floats are {@link
   * Schema.Type#NUMBER}s, character and JSON columns {@link Schema.Type#TEXT}, timestamps with or
   * without a time zone {@link Schema.Type#TIMESTAMP}, UUID columns {@link Schema.Type#UUID} — or
   * {@link Schema.Type#TEXT} when the normalisation compares them {@linkplain
   * Normalization.Builder#asText as text}; key parts named by their columns, fields by dataset name,
   * ignored ones left out.
   */
  @Override
  public Optional<Schema> schema() {
    List<Schema.Type> key = new ArrayList<>();
    List<String> keyNames = new ArrayList<>();
    for (Column c : queries.table().keys()) {
      key.add(typeOf(c));
      keyNames.add(c.fieldName());
    }
    Map<String, Schema.Type> fields = new TreeMap<>();
    for (Column c : queries.table().columns()) {
      String dataset = normalization.datasetName(c.fieldName());
      if (!normalization.isIgnored(dataset)) {
        fields.put(dataset, typeOf(c));
      }
    }
    return Optional.of(new Schema(key, fields, keyNames));
  }

  private static Schema.Type typeOf(Column c) {
    return switch (c.kind()) {
      case LONG, DECIMAL, REAL, DOUBLE -> Schema.Type.NUMBER;
      case TEXT, JSON_TEXT, UUID_TEXT -> Schema.Type.TEXT;
      case JSON -> Schema.Type.MAP;
      case BOOLEAN -> Schema.Type.BOOLEAN;
      case DATE -> Schema.Type.DATE;
      case TIMESTAMP, TIMESTAMP_TZ -> Schema.Type.TIMESTAMP;
      case UUID -> Schema.Type.UUID;
      case BYTES -> Schema.Type.BYTES;
    };
  }

  /**
   * {@link HashScheme#CANONICAL_MD5}, and the dialect's native scheme when it has one (e.g. {@code
   * hash_record_extended} on PostgreSQL), which only a store of the same product, version, column
   * types and compared fields declares too.
   */
  @Override
  public Set<HashScheme> hashSchemes() {
    Set<HashScheme> schemes = new java.util.HashSet<>();
    schemes.add(HashScheme.CANONICAL_MD5);
    queries.dialect().nativeDigests().forEach(n -> schemes.add(n.scheme()));
    return Set.copyOf(schemes);
  }

  /**
   * Splits the range without reading its rows where the key allows it. For a single integer key
   * column: reads the range's minimum and maximum key and cuts the span between them evenly. When
   * the database's statistics say the whole table fills at least {@value #DENSE_PERCENT}% of that
   * span (dense keys, e.g. a sequence with a few deletes), the even cuts are the segments — no
   * segment holds more rows than its key span; otherwise each cut moves to the first key at or
   * after it (one query of index probes) and cuts landing on the same key are dropped, so segments
   * are never empty, even over gaps in the keys. Counts are the segments' key spans (exact for dense
   * keys). One segment ({@code maxSegments == 1}) is counted exactly, or estimated from the
   * statistics for a whole unfiltered table of more than {@value #ESTIMATED_ABOVE} rows.
   * For other keys, a whole unfiltered table of more than {@value #ESTIMATED_ABOVE} rows (by the
   * statistics) is cut at evenly spaced keys of a random sample, about {@value #SAMPLED_PER_SEGMENT}
   * rows per segment, with estimated counts; otherwise the range is counted, then cut at every
   * (count / maxSegments)-th key of one ordered scan of the key columns, with counts exact for the
   * moment of the scan.
   */
  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1, but was " + maxSegments);
    }
    checkOpen();
    if (maxSegments > 1
        && queries.table().keys().size() == 1
        && queries.table().keys().get(0).kind() == Column.Kind.LONG) {
      return integerSegments(range, maxSegments);
    }
    long count;
    try (SnapshotRead read = snapshot()) {
      Long estimate = statisticalRows(read.connection(), range);
      if (estimate != null && maxSegments == 1) {
        return List.of(new Segment(range, estimate));
      }
      if (estimate != null && queries.dialect().random() != null) {
        return sampledSegments(read.connection(), range, maxSegments, estimate);
      }
      count = count(read.connection(), range);
    }
    if (Math.min(maxSegments, count) <= 1) {
      return List.of(new Segment(range, count));
    }
    try (Cursor cursor = new Cursor(snapshot(), queries, range, true, fetchSize, id)) {
      return Segment.ofKeys(range, count, maxSegments, new Iterator<>() {
        @Override
        public boolean hasNext() {
          return cursor.hasNext();
        }

        @Override
        public Key next() {
          return cursor.next().key();
        }
      });
    }
  }

  /**
   * Cuts at evenly spaced keys of a random sample of about {@value #SAMPLED_PER_SEGMENT} rows per
   * segment (one query; the database reads every row but sends only the sample), sorted here in key
   * order; counts are the estimate's share.
   */
  private List<Segment> sampledSegments(Connection conn, KeyRange range, int maxSegments, long estimate) {
    double fraction = Math.min(1.0, (double) SAMPLED_PER_SEGMENT * maxSegments / estimate);
    List<Key> sample = new ArrayList<>();
    try {
      Queries.Sql sql = queries.sampleKeys(range, fraction);
      try (PreparedStatement ps = conn.prepareStatement(sql.text())) {
        sql.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            sample.add(Cursor.readKey(rs, queries.table()));
          }
        }
      }
    } catch (SQLException e) {
      throw failure("store '" + id + "' failed to sample " + range, e);
    }
    if (sample.size() < 2) {
      return List.of(new Segment(range, estimate));
    }
    sample.sort(null);
    int parts = Math.min(maxSegments, sample.size() / 2);
    List<Segment> out = new ArrayList<>(parts);
    Key from = range.lo();
    int fromAt = 0;
    for (int i = 1; i < parts; i++) {
      int at = (int) ((long) i * sample.size() / parts);
      Key cut = sample.get(at);
      if (from == null || from.compareTo(cut) < 0) {
        out.add(new Segment(KeyRange.of(from, cut), estimate * (at - fromAt) / sample.size()));
        from = cut;
        fromAt = at;
      }
    }
    out.add(new Segment(KeyRange.of(from, range.hi()), estimate * (sample.size() - fromAt) / sample.size()));
    return List.copyOf(out);
  }

  /**
   * The database's estimate of the rows in {@code range}, from its statistics: only for the whole
   * unfiltered table, and only when that is large enough for counting it to cost more than the
   * estimate's error; null otherwise.
   */
  private @Nullable Long statisticalRows(Connection conn, KeyRange range) {
    if (!range.equals(KeyRange.all()) || queries.filter() != null) {
      return null;
    }
    try {
      Long rows = queries.dialect().estimatedRows(conn, queries.table());
      return rows != null && rows > ESTIMATED_ABOVE ? rows : null;
    } catch (SQLException e) {
      throw failure("store '" + id + "' failed to read the statistics of " + queries.table().name(), e);
    }
  }

  /** The rows in {@code range}, counted. */
  private long count(Connection conn, KeyRange range) {
    Queries.Sql sql = queries.count(range);
    try (PreparedStatement ps = conn.prepareStatement(sql.text())) {
      sql.bind(ps);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    } catch (SQLException e) {
      throw failure("store '" + id + "' failed to count " + range, e);
    }
  }

  /** How many integers lie in [lo, hi], at most Long.MAX_VALUE. */
  private static long keySpan(long lo, long hi) {
    long span = hi - lo + 1;
    return span > 0 && hi >= lo ? span : Long.MAX_VALUE;
  }

  private List<Segment> integerSegments(KeyRange range, int maxSegments) {
    try (SnapshotRead read = snapshot()) {
      Connection conn = read.connection();
      long min;
      long max;
      Queries.Sql bounds = queries.minMax(range);
      try (PreparedStatement ps = conn.prepareStatement(bounds.text())) {
        bounds.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          min = rs.getLong(1);
          if (rs.wasNull()) {
            return List.of(new Segment(range, 0));
          }
          max = rs.getLong(2);
        }
      }
      BigInteger span = BigInteger.valueOf(max).subtract(BigInteger.valueOf(min)).add(BigInteger.ONE);
      int parts = span.min(BigInteger.valueOf(maxSegments)).intValueExact();
      if (parts == 1) {
        return List.of(new Segment(range, keySpan(min, max)));
      }
      List<Long> probes = new ArrayList<>(parts - 1);
      for (int i = 1; i < parts; i++) {
        probes.add(
            BigInteger.valueOf(min)
                .add(span.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(parts)))
                .longValueExact());
      }
      Long rows = statisticalRows(conn, range);
      boolean dense =
          rows != null
              && BigInteger.valueOf(rows).multiply(BigInteger.valueOf(100))
                      .compareTo(span.multiply(BigInteger.valueOf(DENSE_PERCENT))) >= 0;
      List<Long> cuts = dense ? probes : new ArrayList<>();
      for (int from = 0; !dense && from < probes.size(); from += PROBES_PER_QUERY) {
        List<Long> chunk = probes.subList(from, Math.min(probes.size(), from + PROBES_PER_QUERY));
        Queries.Sql first = queries.firstKeysFrom(chunk, range.hi());
        try (PreparedStatement ps = conn.prepareStatement(first.text())) {
          first.bind(ps);
          try (ResultSet rs = ps.executeQuery()) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
              for (int i = 1; i <= columns; i++) {
                long k = rs.getLong(i);
                if (!rs.wasNull() && (cuts.isEmpty() || cuts.get(cuts.size() - 1) < k)) {
                  cuts.add(k);
                }
              }
            }
          }
        }
      }
      List<Segment> out = new ArrayList<>(cuts.size() + 1);
      Key from = range.lo();
      long fromKey = min;
      for (long cut : cuts) {
        out.add(new Segment(KeyRange.of(from, Key.of(cut)), keySpan(fromKey, cut - 1)));
        from = Key.of(cut);
        fromKey = cut;
      }
      out.add(new Segment(KeyRange.of(from, range.hi()), keySpan(fromKey, max)));
      return List.copyOf(out);
    } catch (SQLException e) {
      throw failure("store '" + id + "' failed to split " + range, e);
    }
  }

  /**
   * Reads the rows of all the ranges in one ordered scan from the first range's start to the last
   * one's end (rows between ranges are read and skipped) and sums their canonical hashes.
   */
  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    Dialect.Pushdown pushdown = pushdown(scheme);
    KeyRange.requireAscending(ranges);
    checkOpen();
    if (ranges.isEmpty()) {
      return List.of();
    }
    if (pushdown != null) {
      try (SnapshotRead read = snapshot()) {
        return List.copyOf(pushdown.digest(read.connection(), queries, ranges));
      } catch (SQLException e) {
        throw failure("store '" + id + "' failed to digest " + ranges.size() + " range(s)", e);
      }
    }
    Digest[] out = new Digest[ranges.size()];
    java.util.Arrays.fill(out, Digest.EMPTY);
    KeyRange span = KeyRange.of(ranges.get(0).lo(), ranges.get(ranges.size() - 1).hi());
    int at = 0;
    try (Cursor cursor = new Cursor(snapshot(), queries, span, false, fetchSize, id)) {
      while (cursor.hasNext()) {
        Cursor.Row row = cursor.next();
        while (at < ranges.size() && !beforeEnd(row.key(), ranges.get(at))) {
          at++;
        }
        if (at == ranges.size()) {
          break;
        }
        if (ranges.get(at).contains(row.key())) {
          out[at] = out[at].plus(view(row).hash());
        }
      }
    }
    return List.of(out);
  }

  /**
   * What computes digests and row hashes under {@code scheme} in the database, or null when rows
   * are hashed here (canonical MD5 without a pushdown).
   *
   * @throws IllegalArgumentException if the store does not declare the scheme
   */
  private Dialect.@Nullable Pushdown pushdown(HashScheme scheme) {
    for (Dialect.NativeDigest n : queries.dialect().nativeDigests()) {
      if (n.scheme().equals(scheme)) {
        return n;
      }
    }
    if (!HashScheme.CANONICAL_MD5.equals(scheme)) {
      throw new IllegalArgumentException(
          "store '" + id + "' digests with " + hashSchemes() + ", not " + scheme);
    }
    return queries.dialect().pushdown();
  }

  /**
   * Streams the keys and row hashes of the ranges in key order, computed in the database by keyset
   * pages like {@link #scan(List)}'s (key and hash only travel), or, without server-side digests,
   * from the scanned rows; close the stream to release its connection.
   */
  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    Dialect.Pushdown pushdown = pushdown(scheme);
    if (pushdown == null) {
      return Store.super.rowHashes(ranges, scheme);
    }
    KeyRange.requireAscending(ranges);
    checkOpen();
    if (ranges.isEmpty()) {
      return Stream.empty();
    }
    return stream(new Cursor(snapshot(), queries, ranges, pushdown, fetchSize, id),
        row -> new KeyHash(row.key(), java.util.Objects.requireNonNull(row.hash())));
  }

  /** The cursor's rows as {@code as} makes them, failing once the store is closed; closing it releases the cursor. */
  private <T> Stream<T> stream(Cursor cursor, java.util.function.Function<Cursor.Row, T> as) {
    Spliterator<Cursor.Row> split =
        Spliterators.spliteratorUnknownSize(
            cursor, Spliterator.ORDERED | Spliterator.NONNULL | Spliterator.DISTINCT);
    return StreamSupport.stream(split, false)
        .map(row -> {
          checkOpen();
          return as.apply(row);
        })
        .onClose(cursor::close);
  }

  private static boolean beforeEnd(Key key, KeyRange range) {
    return range.hi() == null || key.compareTo(range.hi()) < 0;
  }


  /** Streams the range in key order; close the stream to release its connection. */
  @Override
  public Stream<Entry> scan(KeyRange range) {
    return scan(List.of(range));
  }

  /**
   * Streams the ranges in key order with keyset pages that each cover every remaining range (one
   * query per page, not per range); close the stream to release its connection.
   */
  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    KeyRange.requireAscending(ranges);
    checkOpen();
    if (ranges.isEmpty()) {
      return Stream.empty();
    }
    return stream(new Cursor(snapshot(), queries, ranges, false, fetchSize, id), this::view);
  }

  /**
   * One query per {@value #KEYS_PER_QUERY} keys, all in one snapshot read (never part of a
   * concurrent batch).
   */
  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    checkOpen();
    if (keys.isEmpty()) {
      return new TreeMap<>();
    }
    try (SnapshotRead read = snapshot()) {
      return rows(read.connection(), List.copyOf(new LinkedHashSet<>(keys)), false);
    } catch (SQLException e) {
      throw failure("store '" + id + "' failed to look up " + keys.size() + " key(s)", e);
    }
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    checkOpen();
    if (readOnly) {
      throw new ReconcileException.RepairRefusedException(
          "store '" + id + "' is read-only; open it without readOnly to repair it");
    }
    for (RepairAction a : actions) {
      if (!a.target().equals(id)) {
        throw new IllegalArgumentException(
            "action " + a.id() + " targets store '" + a.target() + "', not '" + id + "'");
      }
    }
    if (actions.isEmpty()) {
      return List.of();
    }
    if (unwritableView != null) {
      throw new ReconcileException.RepairRefusedException(
          "store '" + id + "' cannot repair " + unwritableView + ", so it wrote none of a batch of "
              + actions.size() + " action(s); repair the table the view reads, or compare only");
    }
    requireWritable(actions);
    boolean inserts = actions.stream().anyMatch(a -> a.expected().isAbsent() && a.result() != null);
    for (int attempt = 1; ; attempt++) {
      try {
        return applyOnce(actions);
      } catch (InsertRaced e) {
        // A key read absent was inserted by a concurrent batch before this one could insert it (a
        // unique violation; MariaDB's gap locks give a deadlock instead). Nothing of this batch
        // was written; deciding again sees the other's row and refuses.
        if (!inserts || attempt == INSERT_RACE_ATTEMPTS) {
          throw e.failure;
        }
      }
    }
  }

  /**
   * How many times a batch is decided and written when a concurrent batch inserts a key it read
   * absent (its insert breaks the key's unique index): enough for the race the kit runs, and a
   * batch failing on another unique index fails after that many tries.
   */
  private static final int INSERT_RACE_ATTEMPTS = 3;

  /** A batch that broke an integrity constraint, perhaps by racing another batch's insert. */
  private static final class InsertRaced extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient RuntimeException failure;

    InsertRaced(RuntimeException failure) {
      super(null, null, false, false);
      this.failure = failure;
    }
  }

  /** One transaction deciding and writing the whole batch; nothing is written if it fails. */
  private List<ActionOutcome> applyOnce(List<RepairAction> actions) throws InsertRaced {
    Connection conn = connect();
    boolean autoCommit = true;
    SqlDialect.Restore restore = SqlDialect.Restore.NOTHING;
    try {
      queries.dialect().enterSession(conn); // e.g. MariaDB timestamps written in UTC
      autoCommit = conn.getAutoCommit();
      restore = queries.dialect().beginWrite(conn); // e.g. SQLite's write lock at BEGIN
      conn.setAutoCommit(false);
      List<ActionOutcome> outcomes = new ArrayList<>(actions.size());
      int from = 0;
      while (from < actions.size()) {
        // A run of actions on distinct keys; a key met again starts the next run, which then sees
        // the writes of this one, as if the actions were applied one by one.
        Set<Key> keys = new HashSet<>();
        int to = from;
        while (to < actions.size() && to - from < KEYS_PER_QUERY && keys.add(actions.get(to).key())) {
          to++;
        }
        outcomes.addAll(applyRun(conn, actions.subList(from, to)));
        from = to;
      }
      conn.commit();
      return List.copyOf(outcomes);
    } catch (SQLException e) {
      rollback(conn, e);
      RuntimeException failure = WriteFailures.failure(
          "store '" + id + "' failed to apply a batch of " + actions.size()
              + " action(s); nothing of it was written",
          queries.table().name(), e);
      if (insertRace(e)) {
        throw new InsertRaced(failure);
      }
      throw failure;
    } catch (RuntimeException e) {
      rollback(conn, e);
      throw e;
    } finally {
      restoreAutoCommit(conn, autoCommit);
      restore(restore);
      leaveSession(conn);
      release(conn);
    }
  }

  /** Puts back what the dialect's {@code beginWrite} changed on a connection about to be released. */
  private static void restore(SqlDialect.Restore restore) {
    try {
      restore.restore();
    } catch (SQLException ignored) {
      // The connection is broken; the pool will discard it.
    }
  }

  /**
   * Whether the failure, or the driver's error under it, is what a race of inserts gives: SQLState
   * class 23 (integrity constraint), a serialisation failure (40001) or a deadlock (40P01).
   */
  private static boolean insertRace(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String state = t instanceof SQLException s ? s.getSQLState() : null;
      if (state != null && (state.startsWith("23") || state.equals("40001") || state.equals("40P01"))) {
        return true;
      }
    }
    return false;
  }

  /** Undoes the dialect's session settings on a connection about to go back to its pool. */
  private void leaveSession(Connection conn) {
    try {
      queries.dialect().leaveSession(conn);
    } catch (SQLException ignored) {
      // The connection is broken; the pool will discard it.
    }
  }

  /** Hands a pooled connection back as it was lent. */
  private static void restoreAutoCommit(Connection conn, boolean autoCommit) {
    try {
      if (autoCommit && !conn.isClosed()) {
        conn.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // The connection is broken; the pool will discard it.
    }
  }

  /**
   * Applies actions on distinct keys: locks and reads their rows with one statement, decides each
   * action against what it finds, then writes with one JDBC batch per statement shape (deletes,
   * inserts, updates) — a few round trips per run instead of two per row.
   */
  private List<ActionOutcome> applyRun(Connection conn, List<RepairAction> run) throws SQLException {
    Map<Key, Found> now = read(conn, run.stream().map(RepairAction::key).toList(), true);
    List<ActionOutcome> outcomes = new ArrayList<>(run.size());
    List<Write> deletes = new ArrayList<>();
    Map<List<Column>, List<Write>> inserts = new LinkedHashMap<>();
    Map<List<Column>, List<Write>> updates = new LinkedHashMap<>();
    boolean versioned = queries.table().version() != null;
    for (RepairAction a : run) {
      Found found = now.get(a.key());
      Entry seen = found == null ? null : found.entry();
      Entry result = a.result();
      ActionOutcome.Status status = a.statusFor(asHeld(seen, result), versioned);
      if (status != ActionOutcome.Status.APPLIED) {
        outcomes.add(new ActionOutcome(a, status, seen));
        continue;
      }
      if (result == null) {
        deletes.add(new Write(a, Map.of()));
      } else {
        Write w = new Write(a, toColumns(a));
        List<Column> shape = List.copyOf(w.values().keySet());
        if (seen == null) {
          inserts.computeIfAbsent(shape, c -> new ArrayList<>()).add(w);
        } else if (!shape.isEmpty()) {
          updates.computeIfAbsent(shape, c -> new ArrayList<>()).add(w);
        }
      }
      outcomes.add(new ActionOutcome(
          a, ActionOutcome.Status.APPLIED, seen, found == null ? null : found.row()));
    }
    int keyParts = queries.table().keys().size();
    if (!deletes.isEmpty()) {
      executeBatch(conn, "delete", queries.delete(), deletes,
          (ps, w) -> queries.bindKey(ps, 1, w.action().key()));
    }
    for (Map.Entry<List<Column>, List<Write>> shape : inserts.entrySet()) {
      executeBatch(conn, "insert", queries.insert(shape.getKey()), shape.getValue(), (ps, w) -> {
        queries.bindKey(ps, 1, w.action().key());
        bindColumns(ps, keyParts + 1, w.values());
      });
    }
    for (Map.Entry<List<Column>, List<Write>> shape : updates.entrySet()) {
      executeBatch(conn, "update", queries.update(shape.getKey()), shape.getValue(),
          (ps, w) -> queries.bindKey(ps, bindColumns(ps, 1, w.values()), w.action().key()));
    }
    return outcomes;
  }

  /**
   * A row's entry as {@link RepairAction#statusFor} compares it with {@code result}: the version
   * column holds one part of a version — a version vector as text, or a timestamp — so the part it
   * cannot hold is taken as the result's. A result is then in place when its data and the part of
   * its version the column holds are.
   */
  private @Nullable Entry asHeld(@Nullable Entry seen, @Nullable Entry result) {
    Column column = queries.table().version();
    if (seen == null || result == null || column == null) {
      return seen;
    }
    Version held = seen.version();
    Version wanted = result.version();
    return seen.withVersion(column.kind() == Column.Kind.TEXT
        ? new Version(held.vector(), wanted.timestamp())
        : new Version(wanted.vector(), held.timestamp()));
  }

  /**
   * Why the store cannot write {@code action}: a value its column cannot hold exactly as the
   * catalog describes the column (a date or number outside its type's range, more digits or
   * characters than it holds, a label its enumeration lacks, NULL into NOT NULL, a value of
   * another type, text that is not the canonical text of a UUID for a UUID column), a key its
   * key columns cannot hold (a bigint key into a {@code numeric(12,0)} or {@code int} key column,
   * text longer than a {@code varchar(n)} key, text that is no UUID's into a UUID key compared as
   * text), a field or stored column the table lacks. PostgreSQL's {@code infinity} and
   * {@code -infinity} ({@link java.time.Instant#MAX}, {@link java.time.LocalDate#MAX} and their
   * minimums) are writable to PostgreSQL only. Deletes are always writable. No I/O.
   */
  @Override
  public Optional<String> unwritable(RepairAction action) {
    if (action.result() == null) {
      return Optional.empty();
    }
    List<Column> keys = queries.table().keys();
    for (int i = 0; i < keys.size() && i < action.key().size(); i++) {
      Column c = keys.get(i);
      String accepts = refusal(c, keyValue(action.key().part(i)));
      if (accepts != null) {
        return Optional.of(
            "key " + action.key() + ": key column '" + c.catalogName() + "' (" + c.typeName()
                + ") of table '" + queries.table().name() + "' accepts " + accepts
                + ", and the key is not one");
      }
    }
    Map<Column, Value> values;
    try {
      values = toColumns(action);
    } catch (ConfigurationException e) {
      return Optional.of(e.getMessage());
    }
    for (Map.Entry<Column, Value> v : values.entrySet()) {
      Column c = v.getKey();
      String accepts = refusal(c, v.getValue());
      if (accepts != null) {
        return Optional.of(
            "key " + action.key() + ": column '" + c.catalogName() + "' (" + c.typeName()
                + ") of table '" + queries.table().name() + "' accepts " + accepts
                + ", and the value to write is not one");
      }
    }
    return Optional.empty();
  }

  /** What the catalog's limits refuse of a value, else what the dialect refuses, else null. */
  private @Nullable String refusal(Column c, Value v) {
    String byLimits = c.limits().refusal(c, v);
    return byLimits != null || v instanceof Value.Null ? byLimits : queries.dialect().refusal(c, v);
  }

  /** A key part as the value a column holds. */
  private static Value keyValue(Object part) {
    return part instanceof byte[] b ? Value.ofBytes(b) : Value.from(part);
  }

  /** Refuses the whole batch, before anything is written, if any action is unwritable. */
  private void requireWritable(List<RepairAction> actions) {
    List<String> reasons = new ArrayList<>();
    for (RepairAction a : actions) {
      unwritable(a).ifPresent(reasons::add);
    }
    if (!reasons.isEmpty()) {
      throw new ConfigurationException(
          "store '" + id + "' cannot write " + reasons.size() + " of a batch of " + actions.size()
              + " action(s), so it wrote none; the first: " + reasons.get(0)
              + " (ask Store.unwritable before applying, and leave such actions out)");
    }
  }

  /** A row read under lock: its entry (the store's view) and every column as stored. */
  private record Found(Entry entry, Map<String, Value> row) {}

  /** An action that writes, with its column values in table order (none for a delete). */
  private record Write(RepairAction action, Map<Column, Value> values) {}

  /** Binds one write's parameters to a batched statement. */
  @FunctionalInterface
  private interface WriteBinder {
    void bind(PreparedStatement ps, Write w) throws SQLException;
  }

  /**
   * One JDBC batch of {@code sql}, a statement per write; a failure names the statement's {@code
   * verb} and the key of the write that failed, when the driver tells which.
   */
  private static void executeBatch(
      Connection conn, String verb, String sql, List<Write> writes, WriteBinder binder)
      throws SQLException {
    int[] counts;
    // Drivers rarely say which statement of a failed batch failed; a savepoint lets us find out.
    Savepoint before = writes.size() > 1 ? conn.setSavepoint() : null;
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      for (Write w : writes) {
        try {
          binder.bind(ps, w);
        } catch (SQLException e) {
          throw new WriteFailures.FailedWrite(
              "binding the " + verb + " of key " + w.action().key(), e);
        }
        ps.addBatch();
      }
      try {
        counts = ps.executeBatch();
      } catch (SQLException e) {
        int at = WriteFailures.failedIndex(e, writes.size());
        SQLException cause = e;
        if (at < 0 && before != null) {
          try {
            conn.rollback(before);
            for (int i = 0; i < writes.size() && at < 0; i++) {
              try (PreparedStatement one = conn.prepareStatement(sql)) {
                binder.bind(one, writes.get(i));
                one.executeUpdate();
              } catch (SQLException failed) {
                at = i;
                cause = failed;
              }
            }
          } catch (SQLException replayFailed) {
            e.addSuppressed(replayFailed);
          }
        }
        throw new WriteFailures.FailedWrite(
            WriteFailures.statement(verb, at < 0 ? null : writes.get(at).action().key(), writes.size()), cause);
      }
    }
    if (before != null) {
      conn.releaseSavepoint(before);
    }
    expectOneRowEach(counts, verb, writes);
  }

  /** Binds the values in their order from {@code index}; returns the next index. */
  private int bindColumns(PreparedStatement ps, int index, Map<Column, Value> values) throws SQLException {
    int i = index;
    for (Map.Entry<Column, Value> v : values.entrySet()) {
      Values.bind(ps, i++, v.getKey(), v.getValue(), queries.dialect());
    }
    return i;
  }

  /**
   * Each statement of a batch must have changed exactly one row (or the driver, having rewritten
   * the batch, reports no count); the rows were read under lock a moment ago, so anything else
   * means the key is not unique after all, or the database does not lock as FOR UPDATE promises.
   * Roll back rather than guess.
   */
  private static void expectOneRowEach(int[] counts, String verb, List<Write> writes) throws SQLException {
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] != 1 && counts[i] != Statement.SUCCESS_NO_INFO) {
        RepairAction a = writes.get(i).action();
        throw new WriteFailures.FailedWrite(
            "the " + verb + " of key " + a.key() + " (action " + a.id() + ") changed " + counts[i]
                + " rows, expected 1");
      }
    }
  }

  /**
   * The columns an upsert writes and their values: a restore's stored row as it is (key columns
   * left out: the key is the action's), else the entry's compared fields in the store's view.
   */
  private Map<Column, Value> toColumns(RepairAction action) {
    Table t = queries.table();
    Map<String, Value> storedRow =
        action instanceof RepairAction.Upsert u ? u.storedRow() : null;
    if (storedRow == null) {
      return toColumns(Objects.requireNonNull(action.result()));
    }
    Map<Column, Value> out = new LinkedHashMap<>();
    for (Map.Entry<String, Value> f : storedRow.entrySet()) {
      Column c = t.anyColumn(f.getKey());
      if (c == null) {
        throw new ConfigurationException(
            "the restore of key " + action.key() + " names column '" + f.getKey() + "', which table '"
                + t.name() + "' lacks (its columns: " + t.every().stream().map(Column::fieldName).toList()
                + "); restore into the table the row was read from");
      }
      if (!t.keys().contains(c)) {
        out.put(c, f.getValue());
      }
    }
    return out;
  }

  /** The writable columns and their values for an entry in the dataset's canonical view. */
  private Map<Column, Value> toColumns(Entry result) {
    Map<String, Value> stored = normalization.toStore(result.fields()).fields();
    Map<Column, Value> out = new LinkedHashMap<>();
    Table t = queries.table();
    for (Column c : t.columns()) {
      if (normalization.isIgnored(normalization.datasetName(c.fieldName()))) {
        continue; // not part of the dataset's view: leave it as it is
      }
      Value v = stored.get(c.fieldName());
      out.put(c, v == null ? Value.ofNull() : v);
    }
    Column version = t.version();
    if (version != null) {
      // The winner's version goes with its data: a timestamp, or a version vector as text.
      Version v = result.version();
      out.put(version,
          version.kind() == Column.Kind.TEXT
              ? (v.vector() == null ? Value.ofNull() : Value.of(v.vector().toText()))
              : (v.timestamp() == null ? Value.ofNull() : Value.of(v.timestamp())));
    }
    for (String field : stored.keySet()) {
      Column c = t.column(field);
      if (c == null || normalization.isIgnored(normalization.datasetName(field))) {
        throw new ConfigurationException(
            "entry " + result.key() + " has field '" + field + "', but table '" + t.name()
                + "' has no compared column for it (compared: "
                + t.columns().stream().map(Column::fieldName).toList()
                + "); align the stores' fields, e.g. with Normalization.rename or ignore");
      }
    }
    return out;
  }

  /**
   * The rows of distinct {@code keys} that exist, optionally locked for update: one statement per
   * {@value #KEYS_PER_QUERY} keys.
   */
  private Map<Key, Entry> rows(Connection conn, List<Key> keys, boolean lock) throws SQLException {
    Map<Key, Entry> out = new TreeMap<>();
    read(conn, keys, lock).forEach((k, found) -> out.put(k, found.entry()));
    return out;
  }

  /**
   * The rows of distinct {@code keys} that exist, optionally locked for update and then read
   * whole: every column of the table as stored, by field name in table order, for before-images.
   *
   * @throws ConfigurationException if two rows hold one of the keys (before anything is written)
   */
  private Map<Key, Found> read(Connection conn, List<Key> keys, boolean lock) throws SQLException {
    Map<Key, Found> out = new TreeMap<>();
    Table t = queries.table();
    List<Column> others = lock ? t.others() : List.of();
    int perQuery = queries.byArray() ? KEYS_PER_ARRAY : KEYS_PER_QUERY;
    for (int from = 0; from < keys.size(); from += perQuery) {
      Queries.Sql sql = queries.points(keys.subList(from, Math.min(keys.size(), from + perQuery)), lock);
      try (PreparedStatement ps = conn.prepareStatement(sql.text())) {
        sql.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            Cursor.Row row = Cursor.readRow(rs, t);
            if (out.containsKey(row.key())) {
              throw Cursor.duplicateKey(id, t, row.key());
            }
            Map<String, Value> whole = Map.of();
            if (lock) {
              Map<String, Value> byField = new java.util.HashMap<>();
              int i = 1;
              List<Column> read = new ArrayList<>(t.keys());
              read.addAll(t.columns());
              if (t.version() != null) {
                read.add(t.version());
              }
              read.addAll(others);
              for (Column c : read) {
                byField.put(c.fieldName(), Values.read(rs, i++, c));
              }
              whole = new LinkedHashMap<>();
              for (Column c : t.every()) {
                whole.put(c.fieldName(), byField.get(c.fieldName()));
              }
            }
            out.put(row.key(), new Found(view(row), whole));
          }
        }
      }
    }
    return out;
  }

  private Entry view(Cursor.Row row) {
    return normalization.apply(Entry.of(row.key(), Objects.requireNonNull(row.fields()), row.version()));
  }

  /** Marks the store closed; the data source stays open (it is the caller's). Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true) && ownedSource != null) {
      ownedSource.close(); // a store opened by URI owns its connections
    }
  }

  @Override
  public String toString() {
    return "JdbcStore[" + id + "]";
  }

  /** The dialect's name, e.g. {@code generic} or {@code postgresql}; for diagnosis. */
  String dialectName() {
    return queries.dialect().name();
  }

  /** The store's SQL builder; for tests and diagnosis. */
  Queries queries() {
    return queries;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new StoreUnavailableException("store '" + id + "' is closed; open a new one", false);
    }
  }

  private Connection connect() {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      throw failure("store '" + id + "' could not connect to its database", e);
    }
  }

  /** A connection in a read-only transaction that sees one snapshot (see {@link SnapshotRead}). */
  private SnapshotRead snapshot() {
    Connection conn = connect();
    try {
      return SnapshotRead.begin(conn, queries.dialect(), id);
    } catch (SQLException e) {
      throw failure("store '" + id + "' could not start a read", e);
    }
  }

  static void release(Connection conn) {
    try {
      conn.close();
    } catch (SQLException ignored) {
      // The work is done or already failed; a failing close has nothing to add.
    }
  }

  private static void rollback(Connection conn, Exception cause) {
    try {
      conn.rollback();
    } catch (SQLException e) {
      cause.addSuppressed(e);
    }
  }

  /**
   * A store failure for an SQL exception: transient for connection (SQLState class 08),
   * transaction-rollback (class 40, e.g. deadlock or serialisation) and server shutdown (57P01–03:
   * the server was stopped, restarted or is starting) failures, and for {@link
   * SQLTransientException}s.
   */
  static StoreUnavailableException failure(String what, SQLException e) {
    String state = e.getSQLState();
    boolean isTransient = isTransient(e);
    return new StoreUnavailableException(
        what + ": " + e.getMessage() + (state == null ? "" : " [SQLState " + state + "]"),
        isTransient,
        e);
  }

  /** Whether retrying may succeed: a connection (08), rollback (40) or server shutdown (57P) state, or a transient class. */
  static boolean isTransient(SQLException e) {
    String state = e.getSQLState();
    return e instanceof SQLTransientException
        || e instanceof java.sql.SQLRecoverableException
        || (state != null && (state.startsWith("08") || state.startsWith("40") || state.startsWith("57P")));
  }

  /**
   * Configures a {@link JdbcStore}; {@link #build()} validates against the catalog. Each setting
   * may be made once: a second call of a setter throws {@link IllegalStateException} naming the
   * setting and its value (e.g. {@code table was already set to orders}). Not thread-safe; build
   * once and share the store.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private @Nullable String id;
    private @Nullable String table;
    private @Nullable List<String> keyColumns;
    private @Nullable List<String> columns;
    private @Nullable Normalization normalization;
    private @Nullable String filter;
    private @Nullable Boolean readOnly;
    private @Nullable Integer fetchSize;
    private @Nullable Boolean trustKey;
    private @Nullable Boolean serverSideDigest;
    private @Nullable String versionColumn;
    private @Nullable SqlDialect dialect;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * The store's id in reports, logs and the audit trail ({@link Store#id()}), e.g. {@code
     * orders-replica}; it must not hold a secret. Default: the table name as given to {@link
     * #table}.
     *
     * @throws IllegalArgumentException if {@code id} is blank
     * @throws IllegalStateException if the id was already set
     */
    public Builder id(String id) {
      this.id = once(this.id, "id", requireText(id, "id"));
      return this;
    }

    /**
     * The table (or view), as {@code table} or {@code schema.table}, spelled as created: an
     * unquoted name is also looked up as the database folds it (e.g. {@code orders} finds H2's
     * {@code ORDERS}). Required: {@link #build()} refuses a builder without it.
     *
     * @throws IllegalArgumentException if {@code table} is blank
     * @throws IllegalStateException if the table was already set
     */
    public Builder table(String table) {
      this.table = once(this.table, "table", requireText(table, "table"));
      return this;
    }

    /**
     * The key columns, in key order; they must be the primary key or cover a unique index (unless
     * {@linkplain #trustKey trusted}), and be of an exact number (integer, numeric or decimal),
     * character, UUID or binary type. Default (or none given): the primary key.
     *
     * @throws IllegalArgumentException if a name is blank
     * @throws IllegalStateException if the key columns were already set
     */
    public Builder keyColumns(String... keyColumns) {
      this.keyColumns = once(this.keyColumns, "keyColumns", names(keyColumns, "keyColumns"));
      return this;
    }

    /**
     * Whether to take the {@linkplain #keyColumns key columns} as unique when the catalog cannot
     * prove it: a view's (views have no keys), or a table's without a primary key or unique index
     * on them. Default: false, and such key columns are refused. Trusted, they are still checked,
     * never assumed: {@link #build()} looks for a key held by several rows with one grouped read
     * ({@code SELECT key FROM t [WHERE filter] GROUP BY key HAVING COUNT(*) > 1}, at most one row:
     * a pass over the whole table, or the filter's part of it), since stores whose digests match are
     * never scanned; and every read in key order (scans, look-ups, the locked read of a repair)
     * fails on two rows with one key. Either is a one-line {@link ConfigurationException} naming
     * the table and the key. A repair writes a row only after reading it under lock as the one row
     * of its key, and rolls back its batch if a write changes another number of rows. Key columns
     * the catalog proves unique are not checked.
     *
     * @throws IllegalStateException if trusting the key was already set
     */
    public Builder trustKey(boolean trustKey) {
      this.trustKey = once(this.trustKey, "trustKey", trustKey);
      return this;
    }

    /**
     * The compared columns, by their names in the table. Default (or none given): every column but
     * the key and version columns, less those the normalisation ignores. Columns left out are
     * neither compared nor written (an UPDATE leaves them as they are; an INSERT gives them their
     * defaults), but a repair's before-image ({@link ActionOutcome#foundRow()}) holds them.
     *
     * @throws IllegalArgumentException if a name is blank
     * @throws IllegalStateException if the columns were already set
     */
    public Builder columns(String... columns) {
      this.columns = once(this.columns, "columns", names(columns, "columns"));
      return this;
    }

    /**
     * How values are normalised on read (and mapped back on write): renames, ignored columns,
     * precision, trimming, UUIDs as text; field names in it are as entries name them. Default:
     * {@link Normalization#none()}. A normalisation that changes values moves digests from SQL to
     * the client (see {@link Capability#SERVER_SIDE_DIGEST}).
     *
     * @throws IllegalStateException if the normalisation was already set
     */
    public Builder normalization(Normalization normalization) {
      this.normalization =
          once(this.normalization, "normalization", Objects.requireNonNull(normalization, "normalization"));
      return this;
    }

    /**
     * The column that holds each row's version, read into {@link Entry#version()} and written with
     * each repair: a timestamp column (the time of the row's last write, for last-writer-wins
     * resolvers) or a text column holding a {@link
     * io.reconcile.api.VersionVector} in its {@link io.reconcile.api.VersionVector#toText() text
     * form}. It is not compared; with it the store declares {@link Capability#VERSIONS}. Default:
     * none.
     *
     * @throws IllegalArgumentException if {@code column} is blank
     * @throws IllegalStateException if the version column was already set
     */
    public Builder versionColumn(String column) {
      this.versionColumn = once(this.versionColumn, "versionColumn", requireText(column, "version column"));
      return this;
    }

    /**
     * A SQL condition limiting which rows take part, e.g. {@code region = 'eu'}, added to every
     * read as {@code AND (filter)}. {@link #build()} refuses, before any statement runs, a filter
     * that is not one boolean expression: a {@code ;} outside a literal, a comment, an unterminated
     * literal or quoted identifier, a parameter marker, or parentheses that do not balance within
     * it. Subqueries and function calls are allowed; every read runs in a read-only transaction,
     * so they cannot write. Rows outside it are invisible to the store, so a repair that inserts a
     * key held by such a row fails (and rolls back its batch). Default: none, every row.
     *
     * @throws IllegalArgumentException if {@code filter} is blank
     * @throws IllegalStateException if the filter was already set
     */
    public Builder filter(String filter) {
      this.filter = once(this.filter, "filter", requireText(filter, "filter"));
      return this;
    }

    /**
     * Whether to refuse every write: the store then declares none of {@link Capability#WRITE},
     * {@link Capability#COMPARE_AND_SET}, {@link Capability#ATOMIC_BATCH} and {@link
     * Capability#READ_YOUR_WRITES}, and {@link JdbcStore#apply} throws {@link
     * ReconcileException.RepairRefusedException}. Reads are read-only either way. Default: false.
     *
     * @throws IllegalStateException if read-only was already set
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = once(this.readOnly, "readOnly", readOnly);
      return this;
    }

    /**
     * Rows per keyset page of a scan and per driver round trip ({@link
     * java.sql.Statement#setFetchSize}). Default: 1000.
     *
     * @throws IllegalArgumentException if {@code fetchSize} is less than 1
     * @throws IllegalStateException if the fetch size was already set
     */
    public Builder fetchSize(int fetchSize) {
      if (fetchSize < 1) {
        throw new IllegalArgumentException("fetchSize must be >= 1, but was " + fetchSize);
      }
      this.fetchSize = once(this.fetchSize, "fetchSize", fetchSize);
      return this;
    }

    /**
     * The dialect of the database product, instead of the one found for the product name the
     * connection's metadata reports: a {@link SqlDialect} provider found through {@link
     * java.util.ServiceLoader} that {@linkplain SqlDialect#serves serves} it, else the built-in
     * PostgreSQL, MariaDB/MySQL or H2 dialect, else the generic one (see {@link SqlDialect}). A
     * store under a dialect of the SPI hashes rows client-side. Default: found by product name.
     *
     * @throws IllegalStateException if the dialect was already set
     */
    public Builder dialect(SqlDialect dialect) {
      this.dialect = once(this.dialect, "dialect", Objects.requireNonNull(dialect, "dialect"));
      return this;
    }

    /**
     * Whether digests may be computed inside the database when its dialect can do so
     * bit-identically (default: true). Off, rows are hashed client-side; for tests and diagnosis.
     */
    Builder serverSideDigest(boolean allowed) {
      this.serverSideDigest = once(this.serverSideDigest, "serverSideDigest", allowed);
      return this;
    }

    private Normalization normalization() {
      return normalization != null ? normalization : Normalization.none();
    }

    private boolean readOnly() {
      return readOnly != null && readOnly;
    }

    /**
     * Validates the configuration against the database catalog and builds the store. Reads only
     * the catalog, no rows — but for a {@linkplain #trustKey trusted key}'s duplicate check.
     *
     * @throws ConfigurationException if the table or a column does not exist, the key columns are
     *     not known to be unique (or, trusted, several rows hold one key), a column's type is
     *     unsupported, or the filter is not one boolean expression (the message then starts with
     *     {@code filter}); the message names it and says what to do
     * @throws ConfigurationException also if no dialect was {@linkplain #dialect chosen} and
     *     several {@link SqlDialect} providers serve the product, or one cannot be loaded
     * @throws StoreUnavailableException if the database cannot be reached
     */
    public JdbcStore build() {
      if (table == null) {
        throw new ConfigurationException("a JDBC store needs a table; set it with table(...)");
      }
      String label = id != null ? id : table;
      Connection conn;
      try {
        conn = dataSource.getConnection();
      } catch (SQLException e) {
        throw failure("store '" + label + "' could not connect to its database", e);
      }
      Dialect catalog;
      try {
        java.sql.DatabaseMetaData md = conn.getMetaData();
        if (filter != null) {
          // Before any statement runs: the filter is the one piece of SQL text from configuration.
          FilterCheck.check(filter, FilterCheck.Syntax.of(md.getDatabaseProductName()));
        }
        SqlDialect chosen = dialect != null ? dialect : DialectDiscovery.find(md.getDatabaseProductName());
        catalog = chosen != null ? new PublicDialect(chosen) : Dialect.forCatalogRead(md);
      } catch (SQLException e) {
        release(conn);
        throw failure("store '" + label + "' could not read the catalog", e);
      } catch (RuntimeException e) {
        release(conn);
        throw e;
      }
      Queries queries;
      Map<String, String> fingerprint;
      @Nullable String unwritableView;
      try (SnapshotRead read = SnapshotRead.begin(conn, catalog, label)) {
        Table resolved =
            Table.resolve(read.connection(), table, keyColumns != null ? keyColumns : List.of(),
                columns != null ? columns : List.of(), normalization(), versionColumn, trustKey != null && trustKey,
                catalog);
        Dialect chosen = catalog instanceof PublicDialect ? catalog
            : Dialect.detect(read.connection(), resolved, normalization(), serverSideDigest == null || serverSideDigest);
        queries = new Queries(resolved, chosen, filter);
        fingerprint = fingerprint(read.connection(), resolved, chosen);
        if (filter != null) {
          catalog.refuseStatementLists(read.connection());
        }
        if (resolved.keyTrusted()) {
          requireUniqueKeys(read.connection(), queries, label);
        }
        unwritableView = readOnly() ? null : unwritableView(read.connection(), resolved);
      } catch (SQLException e) {
        throw failure("store '" + label + "' could not read the catalog", e);
      }
      return new JdbcStore(this, queries, fingerprint, unwritableView);
    }

    /** See {@link #trustKey}: one grouped read for a key several rows hold. */
    private static void requireUniqueKeys(Connection c, Queries queries, String label) throws SQLException {
      Queries.Sql sql = queries.duplicateKey();
      try (PreparedStatement ps = c.prepareStatement(sql.text())) {
        sql.bind(ps);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            throw Cursor.duplicateKey(label, queries.table(), Cursor.readKey(rs, queries.table()));
          }
        }
      }
    }

    /**
     * Why the database cannot write the table, if it is a view that the catalog ({@code
     * information_schema.views}) does not call both updatable and insertable into — directly or
     * through INSTEAD OF triggers — or a view it does not describe (a materialised view); else
     * null. A product without that catalog view gets null: its own refusal then rolls back the
     * batch.
     */
    private static @Nullable String unwritableView(Connection c, Table t) throws SQLException {
      java.sql.DatabaseMetaData md = c.getMetaData();
      String type = null;
      try (ResultSet rs = md.getTables(t.ref().catalog(), t.ref().schema(), t.ref().table(), null)) {
        while (rs.next()) {
          if (t.ref().table().equals(rs.getString("TABLE_NAME"))
              && Objects.equals(t.ref().schema(), rs.getString("TABLE_SCHEM"))) {
            type = rs.getString("TABLE_TYPE");
          }
        }
      }
      if (type == null || !type.toUpperCase(java.util.Locale.ROOT).contains("VIEW")) {
        return null;
      }
      String what = type.toLowerCase(java.util.Locale.ROOT) + " '" + t.name() + "'";
      String sql = "SELECT * FROM information_schema.views WHERE table_schema = ? AND table_name = ?";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, t.ref().schema() != null ? t.ref().schema() : t.ref().catalog());
        ps.setString(2, t.ref().table());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return what + ", which the catalog does not describe as updatable";
          }
          Set<String> labels = new HashSet<>();
          for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
            labels.add(rs.getMetaData().getColumnLabel(i).toUpperCase(java.util.Locale.ROOT));
          }
          boolean updatable = yes(rs, labels, "IS_UPDATABLE")
              || yes(rs, labels, "IS_TRIGGER_UPDATABLE") && yes(rs, labels, "IS_TRIGGER_DELETABLE");
          boolean insertable = !labels.contains("IS_INSERTABLE_INTO")
              || yes(rs, labels, "IS_INSERTABLE_INTO") || yes(rs, labels, "IS_TRIGGER_INSERTABLE_INTO");
          return updatable && insertable ? null
              : what + ", which the database cannot write through (information_schema.views says"
                  + (updatable ? "" : " not updatable") + (updatable || insertable ? "" : " and")
                  + (insertable ? "" : " not insertable into") + ")";
        }
      } catch (SQLException e) {
        return null; // no such catalog view: the database's own refusal will roll a batch back
      }
    }

    private static boolean yes(ResultSet rs, Set<String> labels, String label) throws SQLException {
      return labels.contains(label) && "YES".equalsIgnoreCase(rs.getString(label));
    }

    /** See {@link JdbcStore#fingerprint()}. */
    private static Map<String, String> fingerprint(Connection c, Table t, Dialect dialect)
        throws SQLException {
      java.sql.DatabaseMetaData md = c.getMetaData();
      Map<String, String> out = new LinkedHashMap<>();
      out.put("product", md.getDatabaseProductName() + " " + md.getDatabaseProductVersion());
      out.putAll(dialect.location(c, t));
      out.put("dataset", t.ref().table());
      out.put("key", names(t.keys()));
      out.put("fields", names(t.columns()));
      if (t.version() != null) {
        out.put("version", names(List.of(t.version())));
      }
      return java.util.Collections.unmodifiableMap(out);
    }

    /** Column names as the catalog spells them, each in double quotes (doubled inside), in order. */
    private static String names(List<Column> columns) {
      StringBuilder b = new StringBuilder();
      for (Column c : columns) {
        b.append(b.length() == 0 ? "" : ", ").append('"').append(c.catalogName().replace("\"", "\"\"")).append('"');
      }
      return b.toString();
    }

    private static <T> T once(@Nullable T current, String what, T value) {
      if (current != null) {
        throw new IllegalStateException(what + " was already set to " + current);
      }
      return value;
    }

    private static List<String> names(String[] names, String what) {
      List<String> out = List.of(names);
      out.forEach(n -> requireText(n, what + " name"));
      return out;
    }

    private static String requireText(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
