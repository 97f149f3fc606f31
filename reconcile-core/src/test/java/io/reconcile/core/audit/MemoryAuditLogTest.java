package io.reconcile.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryAuditLogTest extends AuditLogContract {

  @TempDir Path dir;

  @Override
  protected AuditLog createLog() {
    return AuditLog.inMemory();
  }

  @Override
  protected List<String> lines(AuditLog log) {
    List<String> live = live(log);
    synchronized (live) {
      return List.copyOf(live);
    }
  }

  @Override
  protected AuditLog.Verification verifyAfterEdit(AuditLog log, UnaryOperator<List<String>> edit) {
    List<String> live = live(log);
    synchronized (live) {
      List<String> edited = new ArrayList<>(edit.apply(List.copyOf(live)));
      live.clear();
      live.addAll(edited);
    }
    return log.verify();
  }

  private static List<String> live(AuditLog log) {
    return ((MemoryLines) ((LinesAuditLog) log).lines()).lines();
  }

  @Test
  @DisplayName("keeps exactly the lines a file log writes for the same records")
  void sameLinesAsFile() throws Exception {
    AuditLog memory = newLog();
    Path file = dir.resolve("audit.jsonl");
    try (FileAuditLog onDisk = FileAuditLog.open(file)) {
      for (int i = 1; i <= 7; i++) {
        AuditRecord r = record(i % 2 == 0 ? "a" : "b", i);
        memory.append(r);
        onDisk.append(r);
      }
    }
    assertThat(lines(memory)).containsExactlyElementsOf(Files.readAllLines(file));
  }

  @Test
  @DisplayName("each in-memory log is its own")
  void independent() {
    AuditLog a = newLog();
    AuditLog b = newLog();
    a.append(record("run", 1));
    assertThat(a.records("run")).hasSize(1);
    assertThat(b.records("run")).isEmpty();
  }
}
