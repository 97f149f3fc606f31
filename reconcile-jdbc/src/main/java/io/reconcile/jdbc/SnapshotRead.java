package io.reconcile.jdbc;

import io.reconcile.api.ReconcileException;
import io.reconcile.jdbc.spi.SqlDialect;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection inside a read-only transaction whose statements all see one snapshot of the
 * database, so that a read made of several statements (keyset pages, point look-ups, groups of
 * digest ranges) never sees part of a concurrent batch, and no statement of it can write.
 *
 * <p>Read-only three ways: {@link Connection#setReadOnly(boolean)} as a hint (pgjdbc then begins
 * the transaction {@code READ ONLY}), the dialect's {@link Dialect#beginRead} (PostgreSQL and
 * MariaDB/MySQL: {@code SET TRANSACTION … READ ONLY}, which makes the database refuse every write,
 * a function's or a sequence's included), and — for products without read-only transactions (H2)
 * — the dialect's {@link Dialect#readWrote} check before the transaction is rolled back. {@link
 * #close()} ends the transaction (a rollback), restores what the dialect changed (isolation level,
 * session settings),
 * autocommit and read-only flag, and releases the connection.
 */
final class SnapshotRead implements AutoCloseable {

  private final Connection connection;
  private final Dialect dialect;
  private final String storeId;
  private final SqlDialect.Restore restore;
  private final boolean madeReadOnly;

  private SnapshotRead(
      Connection connection, Dialect dialect, String storeId, SqlDialect.Restore restore, boolean madeReadOnly) {
    this.connection = connection;
    this.dialect = dialect;
    this.storeId = storeId;
    this.restore = restore;
    this.madeReadOnly = madeReadOnly;
  }

  /** Starts the read on {@code connection} for store {@code storeId}; on failure the connection is released. */
  static SnapshotRead begin(Connection connection, Dialect dialect, String storeId) throws SQLException {
    try {
      boolean madeReadOnly = dialect.setsReadOnly() && !connection.isReadOnly();
      if (madeReadOnly) {
        connection.setReadOnly(true);
      }
      dialect.enterSession(connection);
      connection.setAutoCommit(false);
      return new SnapshotRead(connection, dialect, storeId, dialect.beginRead(connection), madeReadOnly);
    } catch (SQLException | RuntimeException e) {
      JdbcStore.release(connection);
      throw e;
    }
  }

  Connection connection() {
    return connection;
  }

  /**
   * Ends the read (rolls back: nothing was written) and releases the connection.
   *
   * @throws ReconcileException only if the dialect finds that the read wrote after all (H2, which
   *     has no read-only transactions; the write is rolled back), or a {@link
   *     io.reconcile.api.ReconcileException.StoreUnavailableException} if that check fails
   */
  @Override
  public void close() {
    boolean wrote = false;
    SQLException failed = null;
    try {
      wrote = dialect.readWrote(connection);
    } catch (SQLException e) {
      failed = e;
    }
    try {
      connection.rollback();
      restore.restore();
      connection.setAutoCommit(true);
      dialect.leaveSession(connection);
      if (madeReadOnly) {
        connection.setReadOnly(false);
      }
    } catch (SQLException ignored) {
      // A connection that cannot end a read-only transaction is broken; closing discards it.
    } finally {
      JdbcStore.release(connection);
    }
    if (failed != null) {
      throw JdbcStore.failure("store '" + storeId + "' could not end a read", failed);
    }
    if (wrote) {
      throw new ReconcileException(
          "store '" + storeId + "': a read changed data in the database, which has no read-only"
              + " transactions to refuse it; the change was rolled back. Remove what writes (a"
              + " function call, a data change) from the filter");
    }
  }
}
