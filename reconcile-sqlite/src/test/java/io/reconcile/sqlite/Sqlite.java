package io.reconcile.sqlite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.sqlite.SQLiteDataSource;

/**
 * Fresh SQLite database files for tests, each in a new temporary directory, in WAL mode (readers
 * and the one writer do not block each other), with the given statements run in them.
 */
final class Sqlite {

  private Sqlite() {}

  /** A new database file nobody else uses; it is deleted when the JVM exits. */
  static SQLiteDataSource fresh(String... sql) {
    try {
      Path dir = Files.createTempDirectory("reconcile-sqlite");
      Path file = dir.resolve("test.db");
      file.toFile().deleteOnExit();
      dir.toFile().deleteOnExit();
      SQLiteDataSource ds = new SQLiteDataSource();
      ds.setUrl("jdbc:sqlite:" + file);
      exec(ds, "PRAGMA journal_mode = WAL");
      exec(ds, sql);
      return ds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void exec(DataSource ds, String... sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
