package io.reconcile.testservers;

import com.mongodb.ConnectionString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The MongoDB server tests run against: a real one when the environment variable {@value #ENV}
 * names it (a connection string, e.g. {@code mongodb://127.0.0.1:27017}), else the wire-compatible
 * in-memory {@code mongo-java-server} that this JVM starts on first use, on a loopback port, and
 * stops when it exits. No real {@code mongod} can be installed on the build machines, so without
 * {@value #ENV} tests run against the in-memory server, whose differences from MongoDB the
 * reconcile-mongo README lists.
 *
 * <p>{@link #uri()} serves most tests; {@link #withChangeStreams()} is a second in-memory server
 * with its oplog enabled (change streams work there; it inserts about four times slower), or the
 * real server. A server that cannot start makes every call throw {@link IllegalStateException}, so
 * tests fail rather than skip.
 *
 * <p>Needs {@code de.bwaldvogel:mongo-java-server} and {@code org.mongodb:mongodb-driver-sync} on
 * the class path: optional dependencies of this module, which a module that starts MongoDB declares
 * itself.
 */
public final class TestMongo {

  /** The environment variable naming a real MongoDB server to test against instead. */
  public static final String ENV = "MONGO_URI";

  private static @Nullable String plain;
  private static @Nullable String oplog;

  private TestMongo() {}

  /** The connection string of the server (no database), starting the in-memory one on first use. */
  public static synchronized String uri() {
    if (plain == null) {
      plain = real().orElseGet(() -> start(false));
    }
    return plain;
  }

  /**
   * The connection string of a server whose collections have change streams: the real server, or
   * an in-memory one with its oplog enabled.
   */
  public static synchronized String withChangeStreams() {
    if (oplog == null) {
      oplog = real().orElseGet(() -> start(true));
    }
    return oplog;
  }

  /** Whether tests run against a real MongoDB (the environment names one) rather than the in-memory server. */
  public static boolean isReal() {
    return real().isPresent();
  }

  /** A new client of {@link #uri()}; the caller closes it. */
  public static MongoClient client() {
    return MongoClients.create(uri());
  }

  /** A database name no other test of this JVM uses: {@code prefix} and a number. */
  public static String newDatabase(String prefix) {
    return prefix + "_" + TestServers.nextNumber();
  }

  private static Optional<String> real() {
    String uri = System.getenv(ENV);
    if (uri == null || uri.isBlank()) {
      return Optional.empty();
    }
    new ConnectionString(uri); // fails early, without echoing it, on a malformed one
    return Optional.of(uri);
  }

  private static String start(boolean changeStreams) {
    try {
      MemoryBackend backend = new MemoryBackend();
      if (changeStreams) {
        backend.enableOplog();
      }
      MongoServer server = new MongoServer(backend);
      server.bind("127.0.0.1", 0);
      TestServers.onExit(server::shutdownNow);
      return "mongodb://127.0.0.1:" + server.getLocalAddress().getPort();
    } catch (RuntimeException e) {
      throw new IllegalStateException("the in-memory MongoDB server did not start: " + e, e);
    }
  }
}
