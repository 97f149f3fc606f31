package io.reconcile.sqlite;

import io.reconcile.api.Value;
import io.reconcile.jdbc.spi.ColumnKind;
import io.reconcile.jdbc.spi.SqlColumn;
import io.reconcile.jdbc.spi.SqlDialect;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;
import org.sqlite.SQLiteConfig.TransactionMode;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteConnectionConfig;

/**
 * The dialect of SQLite through the xerial driver ({@code org.xerial:sqlite-jdbc}), which {@link
 * io.reconcile.jdbc.JdbcStore} finds through {@link java.util.ServiceLoader} for the product name
 * {@code SQLite}; {@code JdbcStore.Builder.dialect(new SqliteDialect())} chooses it explicitly.
 *
 * <p><b>Types</b> follow SQLite's type affinity, decided by the declared type's name: {@code
 * BOOLEAN} (stored as the integers 0 and 1) is a boolean; a name holding {@code INT} an integer; a
 * {@code DECIMAL} or {@code NUMERIC} name holding {@code TEXT} (e.g. {@code DECIMAL TEXT(18,2)}, text
 * affinity) an exact decimal of any size, kept as its text; another name holding {@code CHAR},
 * {@code CLOB} or {@code TEXT} text; {@code BLOB}, {@code BINARY} and {@code VARBINARY} bytes; a
 * name holding {@code REAL}, {@code FLOA} or {@code DOUB} a double; {@code DATE} a date and {@code
 * DATETIME}/{@code TIMESTAMP} a timestamp (ISO-8601 text, as the driver writes {@code
 * java.time} values); {@code DECIMAL} and {@code NUMERIC} otherwise (numeric affinity) a decimal that
 * SQLite keeps as a 64-bit integer or an 8-byte float — so {@link #refusal} refuses, before
 * anything is written, a decimal that is neither an integer within 64 bits nor of at most 15
 * significant digits, which such a column would round. Other types are refused by name.
 *
 * <p><b>Reads</b> run with {@code PRAGMA query_only = 1} (the driver cannot make an open connection
 * read-only) in a deferred transaction, which reads one snapshot: in WAL mode its own, in the
 * rollback-journal mode by keeping writers from committing until it ends.
 *
 * <p><b>Writes.</b> SQLite has no row locks: a repair's transaction begins {@code IMMEDIATE},
 * taking the database's write lock before its read, so no other writer changes a row between the
 * read and the write; another writer waits up to the connection's busy timeout.
 *
 * <p><b>Keys</b> compare text {@code COLLATE BINARY} (UTF-8 bytes: code point order, whatever the
 * column's collation) and blobs by their bytes, unsigned. Pages end with {@code LIMIT n}.
 *
 * <p>Immutable and thread-safe.
 */
public final class SqliteDialect implements SqlDialect {

  /** The most significant digits an 8-byte float holds for every decimal of that many digits. */
  private static final int FLOAT_DIGITS = 15;

  /** Creates the dialect; it holds no state. */
  public SqliteDialect() {}

  /** {@code sqlite}. */
  @Override
  public String name() {
    return "sqlite";
  }

  /** Whether {@code productName} is {@code SQLite}, in any letter case. */
  @Override
  public boolean serves(String productName) {
    return productName.equalsIgnoreCase("SQLite");
  }

  @Override
  public Optional<ColumnKind> kind(SqlColumn column) {
    String t = column.typeName().toUpperCase(Locale.ROOT).trim();
    boolean decimal = t.startsWith("DECIMAL") || t.startsWith("NUMERIC");
    ColumnKind kind;
    if (t.equals("BOOLEAN") || t.equals("BOOL")) {
      kind = ColumnKind.BOOLEAN;
    } else if (t.contains("INT")) {
      kind = ColumnKind.LONG;
    } else if (textAffinity(t)) {
      kind = decimal ? ColumnKind.DECIMAL : ColumnKind.TEXT;
    } else if (t.contains("BLOB") || t.startsWith("BINARY") || t.startsWith("VARBINARY")) {
      kind = ColumnKind.BYTES;
    } else if (t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB")) {
      kind = ColumnKind.DOUBLE;
    } else if (t.equals("DATE")) {
      kind = ColumnKind.DATE;
    } else if (t.equals("DATETIME") || t.equals("TIMESTAMP")) {
      kind = ColumnKind.TIMESTAMP;
    } else {
      kind = decimal ? ColumnKind.DECIMAL : null;
    }
    return Optional.ofNullable(kind);
  }

  /**
   * For a decimal column of numeric affinity: a decimal that is neither an integer within 64 bits
   * (kept as an integer) nor of at most 15 significant digits (kept as a float that reads back the
   * same decimal) is refused. Every other value is held exactly.
   */
  @Override
  public Optional<String> refusal(SqlColumn column, ColumnKind kind, Value value) {
    if (kind != ColumnKind.DECIMAL || textAffinity(column.typeName().toUpperCase(Locale.ROOT)) || !(value instanceof Value.Num n)) {
      return Optional.empty();
    }
    BigDecimal d = n.decimal().stripTrailingZeros();
    boolean integer = d.scale() <= 0 && d.toBigInteger().bitLength() < 64;
    return integer || d.precision() <= FLOAT_DIGITS ? Optional.empty()
        : Optional.of("integers within 64 bits and decimals of at most " + FLOAT_DIGITS
            + " significant digits (SQLite keeps others in a NUMERIC column as 8-byte floats;"
            + " declare it DECIMAL TEXT to hold any decimal exactly)");
  }

  /** SQLite's rule 2 of type affinity: a declared type (upper case) without INT that names text. */
  private static boolean textAffinity(String type) {
    return !type.contains("INT") && (type.contains("CHAR") || type.contains("CLOB") || type.contains("TEXT"));
  }

  /** False: the driver refuses to change the read-only flag of an open connection. */
  @Override
  public boolean setsReadOnly() {
    return false;
  }

  /** {@code PRAGMA query_only = 1} until the read ends, then as it was. */
  @Override
  public Restore beginRead(Connection connection) throws SQLException {
    boolean was;
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA query_only")) {
      was = rs.next() && rs.getInt(1) != 0;
    }
    if (was) {
      return Restore.NOTHING;
    }
    pragmaQueryOnly(connection, 1);
    return () -> pragmaQueryOnly(connection, 0);
  }

  private static void pragmaQueryOnly(Connection connection, int value) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("PRAGMA query_only = " + value);
    }
  }

  /** True: a deferred transaction reads one snapshot (see the class description). */
  @Override
  public boolean snapshotReads() {
    return true;
  }

  /**
   * Makes the repair's transaction begin {@code IMMEDIATE} (the driver's transaction mode), and
   * puts the connection's mode back afterwards.
   *
   * @throws SQLException if the connection is not the xerial driver's (nor wraps one)
   */
  @Override
  public Restore beginWrite(Connection connection) throws SQLException {
    if (!connection.isWrapperFor(SQLiteConnection.class)) {
      throw new SQLException(
          "the SQLite dialect writes through org.xerial:sqlite-jdbc connections, but got a "
              + connection.getClass().getName() + " that wraps none; connect with that driver");
    }
    SQLiteConnectionConfig config = connection.unwrap(SQLiteConnection.class).getConnectionConfig();
    TransactionMode was = config.getTransactionMode();
    config.setTransactionMode(TransactionMode.IMMEDIATE);
    return () -> config.setTransactionMode(was);
  }

  /** Empty: the write lock of {@link #beginWrite} guards the rows read. */
  @Override
  public String lockSuffix() {
    return "";
  }

  /** Text {@code COLLATE BINARY} (code point order); other columns as they are. */
  @Override
  public String keyExpression(SqlColumn column) {
    return kind(column).orElse(null) == ColumnKind.TEXT
        ? column.quotedName() + " COLLATE BINARY"
        : column.quotedName();
  }

  /** {@code " LIMIT n"}. */
  @Override
  public String limit(int rows) {
    return " LIMIT " + rows;
  }
}
