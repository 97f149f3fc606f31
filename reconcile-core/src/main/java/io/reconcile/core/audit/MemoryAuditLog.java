package io.reconcile.core.audit;

import io.reconcile.api.ReconcileException;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AuditLog} in memory. It keeps the very lines a {@link FileAuditLog} would write, built
 * and checked by the same {@link Chain}, so verification behaves identically.
 *
 * <p>Thread-safe: all state is guarded by {@code lines}; reads work on a snapshot taken under the
 * lock and parse outside it.
 */
final class MemoryAuditLog implements AuditLog {

  private final List<String> lines = new ArrayList<>();
  private final Chain chain = new Chain();
  private boolean closed;

  @Override
  public void append(AuditRecord record) {
    synchronized (lines) {
      checkOpen();
      Chain.Link link = chain.next(record);
      lines.add(link.line());
      chain.advance(link);
    }
  }

  @Override
  public List<AuditRecord> records(String runId) {
    List<AuditRecord> out = new ArrayList<>();
    List<String> snapshot = snapshot();
    for (int i = 0; i < snapshot.size(); i++) {
      try {
        var node = Chain.parse(snapshot.get(i));
        var id = node.get("runId");
        if (id != null && id.isTextual() && id.textValue().equals(runId)) {
          out.add(Chain.record(node));
        }
      } catch (IllegalArgumentException e) {
        throw new ReconcileException(
            "the in-memory audit log holds a damaged line "
                + (i + 1)
                + ": "
                + e.getMessage()
                + "; verify() says more",
            e);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Verification verify() {
    Chain.Verifier verifier = new Chain.Verifier();
    for (String line : snapshot()) {
      if (!verifier.accept(line, true)) {
        break;
      }
    }
    return verifier.result();
  }

  @Override
  public void close() {
    synchronized (lines) {
      closed = true;
    }
  }

  /** The live lines, for tests that tamper with them; guard with {@code synchronized (lines)}. */
  List<String> lines() {
    return lines;
  }

  private List<String> snapshot() {
    synchronized (lines) {
      checkOpen();
      return List.copyOf(lines);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the in-memory audit log is closed");
    }
  }

  @Override
  public String toString() {
    return "in-memory audit log";
  }
}
