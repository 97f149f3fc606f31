package io.reconcile.jdbc;

import io.reconcile.api.Redaction;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A minimal {@link DataSource} that opens a new connection through {@link DriverManager} on every
 * call, for stores opened by URI. Exceptions it throws carry the driver's message with every secret
 * masked (the password, the URL's secret parameters and user-info, in every form the URL holds
 * them) and no cause, since a driver's own exception may quote the URL with its password; the rest
 * of the message (a wrong port, a missing database, a refused login) is kept.
 */
final class DriverManagerSource implements DataSource {

  private final String url;
  private final Properties properties;
  private final List<String> secrets;

  DriverManagerSource(String url, Properties properties, List<String> secrets) {
    this.url = url;
    this.properties = properties;
    this.secrets = List.copyOf(secrets);
  }

  @Override
  public Connection getConnection() throws SQLException {
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
