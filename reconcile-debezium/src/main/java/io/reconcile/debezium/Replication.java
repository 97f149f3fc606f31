package io.reconcile.debezium;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.replication.LogSequenceNumber;

/**
 * What the feed asks PostgreSQL itself, over an ordinary connection: whether its slot exists and
 * where it stands, and creating the slot and the publication when they are missing. Identifiers
 * were validated by the builder (lower-case letters, digits, underscores), and are quoted anyway.
 */
final class Replication implements AutoCloseable {

  /** A logical replication slot as {@code pg_replication_slots} shows it. */
  record Slot(String plugin, String database, long confirmedFlushLsn, boolean active) {}

  private final Connection connection;

  private Replication(Connection connection) {
    this.connection = connection;
  }

  static Replication connect(PostgresChangeFeed feed) throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", feed.user());
    props.setProperty("password", feed.password());
    props.setProperty("ApplicationName", "reconcile-debezium");
    props.setProperty("connectTimeout", "10");
    Connection c = DriverManager.getConnection(feed.jdbcUrl(), props);
    c.setAutoCommit(true);
    return new Replication(c);
  }

  /** The slot named {@code name}, if it exists (in any database). */
  Optional<Slot> slot(String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT plugin, database, confirmed_flush_lsn::text, active FROM pg_replication_slots"
            + " WHERE slot_name = ? AND slot_type = 'logical'")) {
      ps.setString(1, name);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        String lsn = rs.getString(3);
        return Optional.of(new Slot(rs.getString(1), rs.getString(2),
            lsn == null ? 0 : LogSequenceNumber.valueOf(lsn).asLong(), rs.getBoolean(4)));
      }
    }
  }

  /** Creates a logical replication slot of the pgoutput plugin in this database. */
  void createSlot(String name) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT lsn FROM pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, name);
      ps.executeQuery().close();
    }
  }

  /** Whether a publication of this name exists, and if so whether it publishes {@code schema.table}. */
  Optional<Boolean> publicationHas(String publication, String schema, String table) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = p.pubname AND schemaname = ?"
            + " AND tablename = ?) FROM pg_publication p WHERE p.pubname = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      ps.setString(3, publication);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
      }
    }
  }

  /** Creates a publication of the one table. */
  void createPublication(String publication, String schema, String table) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE PUBLICATION " + quote(publication) + " FOR TABLE " + quote(schema) + "." + quote(table));
    }
  }

  private static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
