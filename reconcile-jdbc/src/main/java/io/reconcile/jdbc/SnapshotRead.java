package io.reconcile.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A connection inside a read-only transaction whose statements all see one snapshot of the
 * database, so that a read made of several statements (keyset pages, point look-ups, groups of
 * digest ranges) never sees part of a concurrent batch. {@link #close()} ends the transaction,
 * restores the connection's isolation level and autocommit, and releases the connection.
 */
final class SnapshotRead implements AutoCloseable {

  private final Connection connection;
  private final int restoreIsolation;

  private SnapshotRead(Connection connection, int restoreIsolation) {
    this.connection = connection;
    this.restoreIsolation = restoreIsolation;
  }

  /** Starts the snapshot on {@code connection}; on failure the connection is released. */
  static SnapshotRead begin(Connection connection, Dialect dialect) throws SQLException {
    try {
      connection.setAutoCommit(false);
      return new SnapshotRead(connection, dialect.beginSnapshot(connection));
    } catch (SQLException | RuntimeException e) {
      JdbcStore.release(connection);
      throw e;
    }
  }

  Connection connection() {
    return connection;
  }

  /** Ends the read (rolls back: nothing was written) and releases the connection. Never throws. */
  @Override
  public void close() {
    try {
      connection.rollback();
      if (restoreIsolation != Dialect.UNCHANGED) {
        connection.setTransactionIsolation(restoreIsolation);
      }
      connection.setAutoCommit(true);
    } catch (SQLException ignored) {
      // A connection that cannot end a read-only transaction is broken; closing discards it.
    } finally {
      JdbcStore.release(connection);
    }
  }
}
