package io.reconcile.jdbc;

import io.reconcile.api.Redaction;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal {@link DataSource} for stores opened by URI: it opens connections through {@link
 * DriverManager} and keeps up to {@value #MAX_IDLE} of them idle for reuse, so that a run's many
 * short operations (a digest call, a page of row hashes, a look-up) do not each pay a new login.
 * A connection given back is rolled back and reset to auto-commit and read-write first, and one
 * taken from the idle ones is checked with {@link Connection#isValid} (a session the server ended
 * meanwhile is closed and replaced); any failure closes the connection instead of keeping it.
 * {@link #close()} closes the idle ones, and those still out when they are given back.
 *
 * <p>Exceptions it throws carry the driver's message with every secret masked (the password, the
 * URL's secret parameters and user-info, in every form the URL holds them) and no cause, since a
 * driver's own exception may quote the URL with its password; the rest of the message (a wrong
 * port, a missing database, a refused login) is kept. Thread-safe.
 */
final class DriverManagerSource implements DataSource, AutoCloseable {

  /** Idle connections kept at most: about the engine's parallelism per store, and a writer. */
  static final int MAX_IDLE = 8;

  /** Seconds a validity check of an idle connection may take. */
  private static final int VALIDATION_SECONDS = 2;

  private final String url;
  private final Properties properties;
  private final List<String> secrets;
  private final Deque<Connection> idle = new ArrayDeque<>();
  private boolean closed;

  DriverManagerSource(String url, Properties properties, List<String> secrets) {
    this.url = url;
    this.properties = properties;
    this.secrets = List.copyOf(secrets);
  }

  @Override
  public Connection getConnection() throws SQLException {
    while (true) {
      Connection kept;
      synchronized (this) {
        kept = idle.pollFirst();
      }
      if (kept == null) {
        return lent(open());
      }
      if (valid(kept)) {
        return lent(kept);
      }
      closeQuietly(kept);
    }
  }

  /** Closes the idle connections; connections still lent are closed when given back. */
  @Override
  public void close() {
    List<Connection> toClose;
    synchronized (this) {
      closed = true;
      toClose = List.copyOf(idle);
      idle.clear();
    }
    toClose.forEach(DriverManagerSource::closeQuietly);
  }

  /** The connection as the caller sees it: closing it gives it back. */
  private Connection lent(Connection physical) {
    AtomicBoolean given = new AtomicBoolean();
    InvocationHandler handler = (proxy, method, args) -> {
      switch (method.getName()) {
        case "close" -> {
          if (given.compareAndSet(false, true)) {
            giveBack(physical);
          }
          return null;
        }
        case "isClosed" -> {
          if (given.get()) {
            return true;
          }
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "pooled " + physical;
        }
        default -> {
          if (given.get()) {
            throw new SQLException("this connection was closed (given back to the store's pool)");
          }
        }
      }
      try {
        return method.invoke(physical, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
  }

  /** Keeps a connection given back for reuse, reset, or closes it. */
  private void giveBack(Connection physical) {
    try {
      if (!physical.getAutoCommit()) {
        physical.rollback();
        physical.setAutoCommit(true);
      }
      if (physical.isReadOnly()) {
        physical.setReadOnly(false);
      }
      synchronized (this) {
        if (!closed && idle.size() < MAX_IDLE) {
          idle.offerFirst(physical);
          return;
        }
      }
    } catch (SQLException | RuntimeException e) {
      // A connection that cannot be reset is not reused.
    }
    closeQuietly(physical);
  }

  private static boolean valid(Connection c) {
    try {
      return c.isValid(VALIDATION_SECONDS);
    } catch (SQLException | RuntimeException e) {
      return false;
    }
  }

  private static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException | RuntimeException ignored) {
      // Closing a connection that is gone has nothing to report.
    }
  }

  private Connection open() throws SQLException {
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      SQLException safe =
          new SQLException(
              "cannot connect to " + Redaction.uri(url) + ": " + redact(String.valueOf(e.getMessage())),
              e.getSQLState(),
              e.getErrorCode());
      safe.setStackTrace(e.getStackTrace());
      throw safe;
    }
  }

  /** {@code text} with the URL, wherever it is quoted, redacted and every known secret value masked. */
  String redact(String text) {
    return Redaction.scrub(text.replace(url, Redaction.uri(url)), secrets);
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials come from the store options");
  }

  @Override
  public PrintWriter getLogWriter() {
    return DriverManager.getLogWriter();
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    throw new UnsupportedOperationException("use DriverManager.setLogWriter");
  }

  @Override
  public void setLoginTimeout(int seconds) {
    DriverManager.setLoginTimeout(seconds);
  }

  @Override
  public int getLoginTimeout() {
    return DriverManager.getLoginTimeout();
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException("no parent logger");
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return false;
  }

  @Override
  public String toString() {
    return "DriverManagerSource[" + Redaction.uri(url) + "]";
  }
}
