package io.reconcile.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on a loopback port that counts the bytes each way between its clients and one
 * server: what a run really moved over the wire, whoever the client is (this JVM's driver or a
 * command run as a process). Blocking sockets, two threads per connection; it adds a hop, so
 * benchmarks count through it in a pass of their own, never in a timed one.
 */
final class CountingProxy implements AutoCloseable {

  private final ServerSocket listener;
  private final InetSocketAddress server;
  private final AtomicLong fromServer = new AtomicLong();
  private final AtomicLong toServer = new AtomicLong();
  private final List<Socket> open = new CopyOnWriteArrayList<>();

  /** Relays connections to {@code host:port}, listening on a free loopback port. */
  CountingProxy(String host, int port) throws IOException {
    this.server = new InetSocketAddress(host, port);
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::accept, "proxy-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The loopback port clients connect to. */
  int port() {
    return listener.getLocalPort();
  }

  /** Bytes the server sent its clients so far. */
  long fromServer() {
    return fromServer.get();
  }

  /** Bytes the clients sent the server so far. */
  long toServer() {
    return toServer.get();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket upstream = new Socket(server.getAddress(), server.getPort());
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        pump(client, upstream, toServer);
        pump(upstream, client, fromServer);
      } catch (IOException e) {
        if (!listener.isClosed()) {
          System.err.println("proxy to " + server + ": " + e);
        }
      }
    }
  }

  private void pump(Socket from, Socket to, AtomicLong counter) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[64 << 10];
      try (InputStream in = from.getInputStream()) {
        OutputStream out = to.getOutputStream();
        for (int n; (n = in.read(buffer)) >= 0; ) {
          out.write(buffer, 0, n);
          counter.addAndGet(n);
        }
      } catch (IOException closed) {
        // either side hung up
      } finally {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    open.forEach(CountingProxy::closeQuietly);
  }
}
