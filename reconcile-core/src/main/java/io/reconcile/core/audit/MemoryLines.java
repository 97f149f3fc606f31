package io.reconcile.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The lines of {@link AuditLog#inMemory()}: a list in this JVM's memory. Thread-safe: the list is
 * guarded by itself; a read streams a copy taken under that lock.
 */
final class MemoryLines implements AuditLog.Lines {

  private final List<String> lines = new ArrayList<>();

  @Override
  public void append(String line) {
    synchronized (lines) {
      lines.add(line);
    }
  }

  @Override
  public Stream<String> read() {
    synchronized (lines) {
      return List.copyOf(lines).stream();
    }
  }

  /** Nothing to release: the lines stay until the log is unreachable. */
  @Override
  public void close() {}

  /** The live lines, for tests that tamper with them; guard with {@code synchronized (lines)}. */
  List<String> lines() {
    return lines;
  }

  @Override
  public String toString() {
    return "in memory";
  }
}
