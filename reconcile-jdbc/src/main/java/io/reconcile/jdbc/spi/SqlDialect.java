package io.reconcile.jdbc.spi;

import io.reconcile.api.Value;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;

/**
 * What differs between database products in the SQL a {@link io.reconcile.jdbc.JdbcStore} sends:
 * type mapping, read-only snapshot reads, row locking for conditional writes, key order and
 * paging. Every method but {@link #name()} and {@link #serves} has a default, which is the generic
 * dialect the store uses for a product nobody serves: standard JDBC types, REPEATABLE READ with
 * {@link Connection#setReadOnly}, {@code SELECT … FOR UPDATE}, keys in the column's own order and
 * {@code FETCH FIRST n ROWS ONLY}. A dialect overrides what its product does otherwise.
 *
 * <p><b>Choosing.</b> {@link io.reconcile.jdbc.JdbcStore.Builder#dialect} chooses one explicitly.
 * Otherwise {@code build()} asks every provider of this interface that {@link
 * java.util.ServiceLoader} finds (a {@code provides io.reconcile.jdbc.spi.SqlDialect with …} in
 * module-info, and {@code META-INF/services/io.reconcile.jdbc.spi.SqlDialect} for the class path)
 * whether it {@linkplain #serves serves} the product the connection's {@link
 * java.sql.DatabaseMetaData#getDatabaseProductName()} names; one that does is used, before the
 * built-in PostgreSQL, MariaDB/MySQL and H2 dialects. Two that do, or a provider that fails to
 * load, make {@code build()} fail naming them.
 *
 * <p><b>Digests.</b> A store under a dialect of this interface hashes rows client-side (one ordered
 * scan per group of ranges, the canonical MD5 of {@link io.reconcile.api.Entry#hash()}); digests
 * computed inside the database are for the built-in dialects.
 *
 * <p><b>What the store relies on.</b> SQL fragments a dialect returns are pasted into statements
 * as they are, so they must hold no value from outside (identifiers come quoted in {@link
 * SqlColumn#quotedName()} and {@link SqlTable#quotedName()}); values always travel as parameters.
 * A dialect is shared by every thread using its stores: it must be immutable and thread-safe, and
 * keep no per-connection state outside what its {@link Restore}s capture. A provider needs a public
 * no-argument constructor (or, on the module path, a public static {@code provider()} method).
 */
public interface SqlDialect {

  /** A short name for messages and diagnosis, e.g. {@code sqlite}. */
  String name();

  /**
   * Whether this dialect serves the product {@link java.sql.DatabaseMetaData#getDatabaseProductName()}
   * names (e.g. {@code SQLite}): how {@link java.util.ServiceLoader} discovery picks it. Must not
   * throw.
   */
  boolean serves(String productName);

  // ------------------------------------------------------------------ type mapping

  /**
   * What the column holds, or empty when the store cannot read and write its values exactly (a key
   * or compared column of such a type is refused by {@code build()}, naming it; other columns are
   * left out of a repair's before-image). Default: {@link ColumnKind#standard} of the JDBC type
   * code and type name.
   */
  default Optional<ColumnKind> kind(SqlColumn column) {
    return ColumnKind.standard(column.jdbcType(), column.typeName());
  }

  /**
   * Why {@code value} cannot be written to {@code column} and read back equal, as what the column
   * accepts (e.g. {@code "decimals of at most 15 significant digits"}) — never the value itself, which
   * may be secret — or empty if it can. Asked, without I/O, by {@link
   * io.reconcile.jdbc.JdbcStore#unwritable} and before {@code apply} writes a batch, after the
   * store's own checks passed: {@code value} is never NULL and is of the kind {@code kind} reads
   * ({@code kind} is how the store reads the column, which {@link #kind} decided). Default: empty,
   * every such value is held exactly.
   */
  default Optional<String> refusal(SqlColumn column, ColumnKind kind, Value value) {
    return Optional.empty();
  }

  // ------------------------------------------------------------------ reads

  /**
   * Whether the store calls {@link Connection#setReadOnly(boolean) setReadOnly(true)} on a
   * connection before a read, and {@code false} after it. Default: true. A driver that refuses it
   * on an open connection (SQLite's) answers false and makes the read read-only in {@link
   * #beginRead}.
   */
  default boolean setsReadOnly() {
    return true;
  }

  /**
   * Makes the transaction just begun on {@code connection} (autocommit off, and read-only flag set
   * if {@link #setsReadOnly}) read one snapshot — every statement of the read sees the same
   * committed state — and, as far as the product can, unable to write. Returns what puts the
   * connection back; the store runs it after rolling the read back, before autocommit is restored.
   * Default: raises the transaction isolation to REPEATABLE READ when it is lower (and the {@link
   * Restore} lowers it again), relying on the driver's read-only flag.
   */
  default Restore beginRead(Connection connection) throws SQLException {
    int was = connection.getTransactionIsolation();
    if (was == Connection.TRANSACTION_REPEATABLE_READ || was == Connection.TRANSACTION_SERIALIZABLE) {
      return Restore.NOTHING;
    }
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    return () -> connection.setTransactionIsolation(was);
  }

  /**
   * Whether every statement of a read begun by {@link #beginRead} sees the same committed state, so
   * that a read of several statements never sees part of a batch that committed meanwhile (a
   * multi-version snapshot, or a lock that keeps writers out until the read ends). With it the
   * store declares {@link io.reconcile.api.store.Capability#ATOMIC_BATCH}. Default: false — a
   * product's REPEATABLE READ may be lock-based and let inserted rows appear between statements.
   */
  default boolean snapshotReads() {
    return false;
  }

  // ------------------------------------------------------------------ conditional writes

  /**
   * Prepares {@code connection}, still in autocommit, for a repair's write transaction, which the
   * store then begins ({@code setAutoCommit(false)}), reads under lock, writes and commits or rolls
   * back; returns what puts the connection back, run after that. Where the product locks rows by
   * {@link #lockedTable} or {@link #lockSuffix}, nothing is needed (the default); a product without
   * row locks takes its write lock here, at the start of the transaction (SQLite: {@code BEGIN
   * IMMEDIATE}), so that no other writer can change a row between the locked read and the write.
   */
  default Restore beginWrite(Connection connection) throws SQLException {
    return Restore.NOTHING;
  }

  /**
   * The table reference of a repair's locking read ({@code SELECT … FROM <this> WHERE key = ? …}),
   * with whatever makes the database lock the rows read until the transaction ends and lock no
   * others: e.g. SQL Server's {@code t WITH (UPDLOCK, ROWLOCK)}. Default: the quoted table.
   */
  default String lockedTable(SqlTable table) {
    return table.quotedName();
  }

  /**
   * The clause appended to a repair's locking read, after its {@code WHERE}: default {@code " FOR
   * UPDATE"} (with its leading space); empty for a product that locks by {@link #lockedTable} or
   * {@link #beginWrite} instead.
   */
  default String lockSuffix() {
    return " FOR UPDATE";
  }

  // ------------------------------------------------------------------ key order and paging

  /**
   * The expression a key column is ordered and compared by. It must order as {@link
   * io.reconcile.api.Key} does: text by code point (= UTF-8 bytes), bytes and UUIDs unsigned,
   * numbers by value — e.g. {@code col COLLATE "C"}. Default: the quoted column, in the
   * database's own order (a scan that meets keys out of {@code Key} order then fails, never
   * miscounts).
   */
  default String keyExpression(SqlColumn column) {
    return column.quotedName();
  }

  /**
   * The parameter placeholder a key bound is compared through, matching {@link #keyExpression}:
   * e.g. {@code CAST(? AS VARBINARY)} when the column is compared as bytes. Default: {@code ?}.
   */
  default String keyParameter(SqlColumn column) {
    return "?";
  }

  /**
   * The clause appended to an ordered query so it returns at most {@code rows} rows (keyset pages,
   * never OFFSET), with its leading space. Default: {@code " FETCH FIRST n ROWS ONLY"}.
   */
  default String limit(int rows) {
    return " FETCH FIRST " + rows + " ROWS ONLY";
  }

  /**
   * What puts a connection back after a read or a write transaction: the session settings {@link
   * #beginRead} or {@link #beginWrite} changed. The store runs it once, on the thread that began.
   */
  @FunctionalInterface
  interface Restore {
    /** A restore that does nothing. */
    Restore NOTHING = () -> {};

    /** Puts back what was changed. */
    void restore() throws SQLException;
  }
}
