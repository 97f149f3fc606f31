package io.reconcile.testservers;

import java.nio.file.Path;

/**
 * A server of one caller's own (one test class), which it may stop and start again on the same
 * data directory and port, to see what a client does when its database restarts under it. The
 * shared servers behind {@link TestServers#postgres()} and {@link TestServers#mariaDb()} are never
 * restarted; this one is, so nobody else may use it.
 *
 * <p>Its databases belong to a user that logs in with a password, also on PostgreSQL. {@link
 * #close()} stops the server and deletes its data directory; if the JVM exits first, it does the
 * same. Its methods are synchronized (the JVM's exit closes it from another thread).
 */
public final class TestServer implements AutoCloseable {

  /** What differs between products: starting, stopping, creating a database. */
  interface Engine {
    /** Starts the server on its data directory, the same port each time; the first start creates both. */
    void start() throws Exception;

    /** Stops the server cleanly (as an administrator would), keeping its data. */
    void stop() throws Exception;

    /** A new database, owned by the password-protected user. */
    TestDatabase create(String name) throws Exception;
  }

  private final String product;
  private final Path dir;
  private final Engine engine;
  private boolean running;
  private boolean closed;

  TestServer(String product, Path dir, Engine engine) {
    this.product = product;
    this.dir = dir;
    this.engine = engine;
  }

  /** Starts it for the first time; on failure, deletes what it made. */
  TestServer started() {
    try {
      start();
    } catch (RuntimeException e) {
      TestServers.deleteTree(dir);
      throw e;
    }
    TestServers.onExit(this::close);
    return this;
  }

  /**
   * A new, empty database on this server (UTF-8) that nobody else uses.
   *
   * @throws IllegalStateException if the server is stopped or the database cannot be created
   */
  public synchronized TestDatabase newDatabase() {
    checkRunning(true, "create a database");
    try {
      return engine.create("test" + TestServers.nextNumber());
    } catch (Exception e) {
      throw new IllegalStateException("could not create a database on the dedicated " + product + " server: " + e, e);
    }
  }

  /**
   * Stops the server as an administrator would (PostgreSQL's fast shutdown, MariaDB's normal
   * one): every session is ended, the data stays; new connections are refused until {@link
   * #start()}.
   *
   * @throws IllegalStateException if it is already stopped, or closed
   */
  public synchronized void stop() {
    checkRunning(true, "stop it");
    try {
      engine.stop();
    } catch (Exception e) {
      throw new IllegalStateException("the dedicated " + product + " server did not stop: " + e, e);
    } finally {
      running = false;
    }
  }

  /**
   * Starts the server again on the same data directory and port, and returns once it accepts
   * connections.
   *
   * @throws IllegalStateException if it is running, closed, or does not start
   */
  public synchronized void start() {
    checkRunning(false, "start it");
    try {
      engine.start();
    } catch (Exception e) {
      throw new IllegalStateException("the dedicated " + product + " server did not start: " + e, e);
    }
    running = true;
  }

  /** Whether the server is running (started and not stopped since). */
  public synchronized boolean isRunning() {
    return running;
  }

  /** Stops the server if it runs and deletes its data directory; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    try {
      if (running) {
        stop();
      }
    } finally {
      closed = true;
      TestServers.deleteTree(dir);
    }
  }

  private void checkRunning(boolean wanted, String what) {
    if (closed) {
      throw new IllegalStateException("the dedicated " + product + " server is closed; cannot " + what);
    }
    if (running != wanted) {
      throw new IllegalStateException("the dedicated " + product + " server is " + (running ? "running" : "stopped")
          + "; cannot " + what);
    }
  }

  @Override
  public String toString() {
    return "dedicated " + product + " server in " + dir + (running ? "" : " (stopped)");
  }
}
