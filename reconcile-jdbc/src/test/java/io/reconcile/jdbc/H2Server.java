package io.reconcile.jdbc;

import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;

/**
 * Fresh in-memory databases behind one H2 TCP server on loopback, started on first use and stopped
 * when the JVM exits: an H2 reached as {@code jdbc:h2:tcp:}, where its dialect digests in SQL.
 */
final class H2Server {

  private static final AtomicInteger COUNT = new AtomicInteger();
  private static Server server;

  private H2Server() {}

  private static synchronized int port() {
    if (server == null) {
      try {
        server = Server.createTcpServer("-tcpPort", "0", "-ifNotExists").start();
      } catch (SQLException e) {
        throw new IllegalStateException("H2 TCP server could not start", e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(server::stop));
    }
    return server.getPort();
  }

  /** A new database nobody else uses, reached over TCP, with the given statements run in it. */
  static DataSource fresh(String... sql) {
    JdbcDataSource ds = new JdbcDataSource();
    ds.setURL("jdbc:h2:tcp://127.0.0.1:" + port() + "/mem:remote" + COUNT.incrementAndGet()
        + ";DB_CLOSE_DELAY=-1");
    H2.exec(ds, sql);
    return ds;
  }
}
