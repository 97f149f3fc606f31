package io.reconcile.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link AuditLog#over} with lines kept by the test, as a storage outside this package would keep
 * them: the contract holds, and what the log owes its storage (continuing after a reopen, a failed
 * append, an unreadable or uncontinuable store, closing) holds too.
 */
class LinesAuditLogTest extends AuditLogContract {

  /** Lines in a list the test can reach, share between logs, break and inspect. */
  static final class ListLines implements AuditLog.Lines {
    final List<String> stored;
    @Nullable RuntimeException appendFailure;
    @Nullable RuntimeException readFailure;
    int closes;

    ListLines(List<String> stored) {
      this.stored = stored;
    }

    @Override
    public synchronized void append(String line) {
      if (appendFailure != null) {
        RuntimeException e = appendFailure;
        appendFailure = null;
        throw e;
      }
      stored.add(line);
    }

    @Override
    public synchronized Stream<String> read() {
      if (readFailure != null) {
        throw readFailure;
      }
      return List.copyOf(stored).stream();
    }

    @Override
    public synchronized void close() {
      closes++;
    }

    @Override
    public String toString() {
      return "in the test's list";
    }
  }

  @Override
  protected AuditLog createLog() {
    return AuditLog.over(new ListLines(new ArrayList<>()));
  }

  private static ListLines listLines(AuditLog log) {
    return (ListLines) ((LinesAuditLog) log).lines();
  }

  @Override
  protected List<String> lines(AuditLog log) {
    ListLines lines = listLines(log);
    synchronized (lines) {
      return List.copyOf(lines.stored);
    }
  }

  @Override
  protected AuditLog.Verification verifyAfterEdit(AuditLog log, UnaryOperator<List<String>> edit) {
    ListLines lines = listLines(log);
    synchronized (lines) {
      List<String> edited = new ArrayList<>(edit.apply(List.copyOf(lines.stored)));
      lines.stored.clear();
      lines.stored.addAll(edited);
    }
    return log.verify();
  }

  @Test
  @DisplayName("a log over lines already stored continues their chain")
  void continuesAfterReopen() {
    List<String> stored = new ArrayList<>();
    List<AuditRecord> first;
    try (AuditLog log = AuditLog.over(new ListLines(stored))) {
      first = appendRun(log, "r1", 4);
    }
    try (AuditLog log = AuditLog.over(new ListLines(stored))) {
      List<AuditRecord> second = appendRun(log, "r2", 3);
      assertThat(log.records("r1")).containsExactlyElementsOf(first);
      assertThat(log.records("r2")).containsExactlyElementsOf(second);
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 7, null));
    }
    assertThat(stored.get(4)).startsWith("{\"seq\":5,");
  }

  @Test
  @DisplayName("a changed line stored by someone else is named by verify, and records() points to it")
  void changedLine() {
    List<String> stored = new ArrayList<>();
    try (AuditLog log = AuditLog.over(new ListLines(stored))) {
      appendRun(log, "run", 3);
      stored.set(1, stored.get(1).replace("note-2", "note-X"));
      assertThat(log.verify())
          .isEqualTo(
              new AuditLog.Verification(
                  false, 1, "line 2: hash does not match its content (the record was changed)"));
      stored.set(1, "{\"runId\":");
      assertThatThrownBy(() -> log.records("run"))
          .isInstanceOf(ReconcileException.class)
          .hasMessage(
              "the audit log in the test's list is damaged: line 2 is not valid JSON; verify()"
                  + " says where the damage starts");
    }
  }

  @Test
  @DisplayName("an append the lines refused leaves the chain where it was")
  void failedAppend() {
    AuditLog log = newLog();
    ListLines lines = listLines(log);
    log.append(record("run", 1));
    lines.appendFailure = new ReconcileException("the storage is full");
    assertThatThrownBy(() -> log.append(record("run", 2))).hasMessage("the storage is full");
    log.append(record("run", 3));
    assertThat(lines(log)).hasSize(2);
    assertThat(lines(log).get(1)).startsWith("{\"seq\":2,");
    assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 2, null));
  }

  @Test
  @DisplayName("over lines whose last is not an audit line: verify names it, appends are refused")
  void uncontinuable() {
    List<String> stored = new ArrayList<>();
    try (AuditLog log = AuditLog.over(new ListLines(stored))) {
      appendRun(log, "run", 2);
    }
    stored.add("{\"seq\":\"three\"}");
    try (AuditLog log = AuditLog.over(new ListLines(stored))) {
      assertThat(log.verify().problem()).startsWith("line 3: ");
      assertThat(log.records("other")).isEmpty();
      assertThatThrownBy(() -> log.append(record("run", 3)))
          .isInstanceOf(ReconcileException.class)
          .hasMessage(
              "the audit log in the test's list refuses appends: its last line has no positive"
                  + " integer \"seq\" member, so it is not an audit log line and the chain cannot"
                  + " continue after it; verify() says where the damage starts; keep this log and"
                  + " start a new one");
    }
    assertThat(stored).hasSize(3);
  }

  @Test
  @DisplayName("the log closes its lines once, and over() closes them when it cannot read them")
  void closesTheLines() {
    ListLines lines = new ListLines(new ArrayList<>());
    AuditLog log = AuditLog.over(lines);
    log.close();
    log.close();
    assertThat(lines.closes).isEqualTo(1);
    assertThatThrownBy(log::verify).hasMessage("the audit log in the test's list is closed");

    ListLines unreadable = new ListLines(new ArrayList<>());
    unreadable.readFailure = new ReconcileException("cannot read the lines");
    assertThatThrownBy(() -> AuditLog.over(unreadable)).hasMessage("cannot read the lines");
    assertThat(unreadable.closes).isEqualTo(1);
  }
}
