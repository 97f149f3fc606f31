package io.reconcile.testservers;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A database of its own on a test server: where it is, how to log in, and a {@link DataSource}.
 * {@link #toString()} leaves the password out.
 */
public final class TestDatabase {

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final DataSource dataSource;

  TestDatabase(String jdbcUrl, String user, String password, DataSource dataSource) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.dataSource = dataSource;
  }

  /** The JDBC URL, without credentials. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user to log in as. */
  public String user() {
    return user;
  }

  /** The user's password (empty when the server does not ask for one). */
  public String password() {
    return password;
  }

  /** Connections to this database as {@link #user()}. */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Runs the statements in order, in auto-commit mode.
   *
   * @throws IllegalStateException wrapping the first statement's failure
   */
  public TestDatabase exec(String... sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("test SQL failed: " + e.getMessage(), e);
    }
    return this;
  }

  /**
   * The result of a query as text: one line per row, columns separated by {@code |}, SQL NULL as
   * {@code null}.
   */
  public String query(String sql) {
    return query(dataSource, sql);
  }

  /** {@link #query(String)} on any data source. */
  public static String query(DataSource dataSource, String sql) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      StringBuilder out = new StringBuilder();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= n; i++) {
          out.append(i == 1 ? "" : "|").append(rs.getString(i));
        }
        out.append('\n');
      }
      return out.toString();
    } catch (SQLException e) {
      throw new IllegalStateException("test query failed: " + e.getMessage(), e);
    }
  }

  /**
   * Every table of this database (its current schema on PostgreSQL, its catalog on MariaDB) and a
   * SHA-256 of all its rows, whatever their order, one line per table in name order: equal before
   * and after a command exactly when the command changed no row of any table and created or
   * dropped none.
   */
  public String checksum() {
    try (Connection c = dataSource.getConnection()) {
      java.sql.DatabaseMetaData meta = c.getMetaData();
      String quote = meta.getIdentifierQuoteString();
      java.util.TreeMap<String, String> out = new java.util.TreeMap<>();
      try (ResultSet tables = meta.getTables(c.getCatalog(), c.getSchema(), "%", new String[] {"TABLE"})) {
        while (tables.next()) {
          out.put(tables.getString("TABLE_NAME"), null);
        }
      }
      for (java.util.Map.Entry<String, String> t : out.entrySet()) {
        String quoted = quote + t.getKey().replace(quote, quote + quote) + quote;
        java.util.List<String> rows = new java.util.ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + quoted)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              String v = rs.getString(i);
              row.append(v == null ? "\\N" : v.length() + ":" + v).append('|');
            }
            rows.add(row.toString());
          }
        }
        java.util.Collections.sort(rows);
        java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
        rows.forEach(r -> md.update(r.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        t.setValue(rows.size() + " rows " + java.util.HexFormat.of().formatHex(md.digest()));
      }
      StringBuilder text = new StringBuilder();
      out.forEach((table, sum) -> text.append(table).append(": ").append(sum).append('\n'));
      return text.toString();
    } catch (SQLException | java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("could not checksum " + jdbcUrl + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return jdbcUrl + " as " + user;
  }
}
