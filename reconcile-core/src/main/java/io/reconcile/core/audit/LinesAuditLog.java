package io.reconcile.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.ReconcileException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The {@link AuditLog} of {@link AuditLog#over}: the {@link Chain} over {@link AuditLog.Lines}
 * kept anywhere. Appends hold {@code lock} from building a line until the chain moves past it, so
 * the lines are stored in chain order; reads and verification take no lock.
 */
final class LinesAuditLog implements AuditLog {

  private final Lines lines;
  private final Object lock = new Object();
  private final Chain chain; // guarded by lock
  /** Why appends are refused (the last stored line cannot be continued), or null. */
  private final @Nullable String unchainable;

  private volatile boolean closed;

  private LinesAuditLog(Lines lines, Chain chain, @Nullable String unchainable) {
    this.lines = lines;
    this.chain = chain;
    this.unchainable = unchainable;
  }

  static AuditLog over(Lines lines) {
    Objects.requireNonNull(lines, "lines");
    String last;
    try (Stream<String> stored = lines.read()) {
      last = stored.reduce((before, after) -> after).orElse(null);
    } catch (RuntimeException e) {
      try {
        lines.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    if (last == null) {
      return new LinesAuditLog(lines, new Chain(), null);
    }
    try {
      return new LinesAuditLog(lines, Chain.after(last), null);
    } catch (IllegalArgumentException e) {
      return new LinesAuditLog(
          lines,
          new Chain(),
          "the audit log "
              + lines
              + " refuses appends: its last line "
              + e.getMessage()
              + ", so it is not an audit log line and the chain cannot continue after it;"
              + " verify() says where the damage starts; keep this log and start a new one");
    }
  }

  @Override
  public void append(AuditRecord record) {
    Objects.requireNonNull(record, "record");
    synchronized (lock) {
      checkOpen();
      if (unchainable != null) {
        throw new ReconcileException(unchainable);
      }
      Chain.Link link = chain.next(record);
      lines.append(link.line());
      chain.advance(link);
    }
  }

  @Override
  public List<AuditRecord> records(String runId) {
    Objects.requireNonNull(runId, "runId");
    checkOpen();
    List<AuditRecord> out = new ArrayList<>();
    long number = 0;
    try (Stream<String> stored = lines.read()) {
      for (Iterator<String> it = stored.iterator(); it.hasNext(); ) {
        String line = it.next();
        number++;
        try {
          ObjectNode node = Chain.parse(line);
          JsonNode id = node.get("runId");
          if (id != null && id.isTextual() && id.textValue().equals(runId)) {
            out.add(Chain.record(node));
          }
        } catch (IllegalArgumentException e) {
          throw new ReconcileException(
              "the audit log "
                  + lines
                  + " is damaged: line "
                  + number
                  + " "
                  + e.getMessage()
                  + "; verify() says where the damage starts",
              e);
        }
      }
    }
    return List.copyOf(out);
  }

  @Override
  public Verification verify() {
    checkOpen();
    Chain.Verifier verifier = new Chain.Verifier();
    try (Stream<String> stored = lines.read()) {
      Iterator<String> it = stored.iterator();
      while (it.hasNext() && verifier.accept(it.next(), true)) {
        // accept checks each line; it stops at the first problem
      }
    }
    return verifier.result();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Closes the lines, after an append under way has finished.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      lines.close();
    }
  }

  /** The lines this log keeps, for tests that tamper with them. */
  Lines lines() {
    return lines;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the audit log " + lines + " is closed");
    }
  }

  @Override
  public String toString() {
    return "audit log " + lines;
  }
}
