package io.reconcile.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.ReconcileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAuditLogTest extends AuditLogContract {

  @TempDir Path dir;

  private final AtomicInteger files = new AtomicInteger();

  @Override
  protected AuditLog createLog() {
    return FileAuditLog.open(dir.resolve("audit-" + files.incrementAndGet() + ".jsonl"));
  }

  @Override
  protected List<String> lines(AuditLog log) {
    try {
      return Files.readAllLines(((FileAuditLog) log).file(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Edits the closed file, as someone with a text editor would, and verifies it from disk. */
  @Override
  protected AuditLog.Verification verifyAfterEdit(AuditLog log, UnaryOperator<List<String>> edit) {
    Path file = ((FileAuditLog) log).file();
    List<String> edited = edit.apply(lines(log));
    log.close();
    write(file, String.join("\n", edited) + (edited.isEmpty() ? "" : "\n"));
    return FileAuditLog.verify(file);
  }

  private static void write(Path file, String content) {
    try {
      Files.writeString(file, content, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static void appendBytes(Path file, String content) throws IOException {
    Files.writeString(file, content, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  @Nested
  @DisplayName("the file")
  class TheFile {

    @Test
    @DisplayName("is UTF-8 JSON lines, each ended by a newline, in a directory made for it")
    void format() throws IOException {
      Path file = dir.resolve("a/b/c/audit.jsonl");
      try (FileAuditLog log = FileAuditLog.open(file)) {
        assertThat(log.file()).isEqualTo(file.toAbsolutePath());
        appendRun(log, "run", 3);
        log.append(
            new AuditRecord(
                "run",
                AuditRecord.Type.RUN_FINISHED,
                T0,
                null,
                null,
                null,
                null,
                null,
                "é \uD800"));
      }
      byte[] bytes = Files.readAllBytes(file);
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString(); // throws if the file is not valid UTF-8
      assertThat(text).endsWith("\n").contains("é \\ud800");
      String[] lines = text.split("\n", -1);
      assertThat(lines).hasSize(5); // four lines and the empty rest after the last newline
      assertThat(lines[4]).isEmpty();
      for (int i = 0; i < 4; i++) {
        ObjectNode node = Chain.parse(lines[i]);
        assertThat(node.get("seq").asLong()).isEqualTo(i + 1);
        assertThat(node.get("runId").textValue()).isEqualTo("run");
      }
    }

    @Test
    @DisplayName("is continued after reopening: seq and chain go on")
    void reopen() {
      Path file = dir.resolve("audit.jsonl");
      List<AuditRecord> first;
      try (FileAuditLog log = FileAuditLog.open(file)) {
        first = appendRun(log, "run", 3);
      }
      try (FileAuditLog log = FileAuditLog.open(file)) {
        AuditRecord fourth = record("run", 4);
        log.append(fourth);
        List<String> lines = lines(log);
        ObjectNode third = Chain.parse(lines.get(2));
        ObjectNode next = Chain.parse(lines.get(3));
        assertThat(next.get("seq").asLong()).isEqualTo(4);
        assertThat(next.get("prev").textValue()).isEqualTo(third.get("hash").textValue());
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 4, null));
        List<AuditRecord> all = new ArrayList<>(first);
        all.add(fourth);
        assertThat(log.records("run")).containsExactlyElementsOf(all);
      }
    }

    @Test
    @DisplayName("is continued after reopening even when its lines are longer than a read buffer")
    void reopenLongLines() {
      Path file = dir.resolve("audit.jsonl");
      String big = "x".repeat(200_000);
      AuditRecord r =
          new AuditRecord(
              "run", AuditRecord.Type.RUN_STARTED, T0, null, null, null, null, null, big);
      try (FileAuditLog log = FileAuditLog.open(file)) {
        log.append(r);
        log.append(r);
      }
      try (FileAuditLog log = FileAuditLog.open(file)) {
        log.append(record("run", 3));
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 3, null));
        assertThat(log.records("run").get(1).note()).isEqualTo(big);
      }
    }

    @Test
    @DisplayName("has one writer: a second open fails until the first is closed")
    void oneWriter() {
      Path file = dir.resolve("audit.jsonl");
      FileAuditLog log = FileAuditLog.open(file);
      try {
        assertThatThrownBy(() -> FileAuditLog.open(file))
            .isInstanceOf(ReconcileException.class)
            .hasMessageContaining("is already open")
            .hasMessageContaining("share the open FileAuditLog");
        log.append(record("run", 1)); // the failed open did not disturb the first
      } finally {
        log.close();
      }
      try (FileAuditLog again = FileAuditLog.open(file)) {
        assertThat(again.records("run")).hasSize(1);
      }
    }

    @Test
    @DisplayName("whose last line is not a log line cannot be continued, and says what to do")
    void damagedLastLine() throws IOException {
      Path file = dir.resolve("audit.jsonl");
      try (FileAuditLog log = FileAuditLog.open(file)) {
        appendRun(log, "run", 2);
      }
      appendBytes(file, "hello\n");
      assertThatThrownBy(() -> FileAuditLog.open(file))
          .isInstanceOf(ReconcileException.class)
          .hasMessageContaining("cannot continue the audit log")
          .hasMessageContaining("its last line is not valid JSON")
          .hasMessageContaining("move the file aside");
      assertThat(FileAuditLog.verify(file).problem())
          .isEqualTo("line 3: is not valid JSON (the record was changed or damaged)");
    }

    @Test
    @DisplayName("must exist to be verified without opening")
    void verifyMissing() {
      assertThatThrownBy(() -> FileAuditLog.verify(dir.resolve("none.jsonl")))
          .isInstanceOf(ReconcileException.class)
          .hasMessageContaining("there is no audit log at");
    }
  }

  @Nested
  @DisplayName("a truncated last line")
  class Truncation {

    @Test
    @DisplayName("is reported by verify, on the open log and from disk")
    void reported() throws IOException {
      Path file = dir.resolve("audit.jsonl");
      try (FileAuditLog log = FileAuditLog.open(file)) {
        appendRun(log, "run", 3);
        truncate(file, Files.size(file) - 10);
        AuditLog.Verification expected =
            new AuditLog.Verification(
                false,
                2,
                "line 3: is incomplete: it does not end in a newline (a write was cut short, or the"
                    + " file was truncated)");
        assertThat(log.verify()).isEqualTo(expected);
        assertThat(FileAuditLog.verify(file)).isEqualTo(expected);
        assertThatThrownBy(() -> log.records("run"))
            .isInstanceOf(ReconcileException.class)
            .hasMessageContaining("line 3 is incomplete");
      }
    }

    @Test
    @DisplayName("left by a crash is removed on open, and the chain goes on from the line before")
    void recoveredOnOpen() throws IOException {
      Path file = dir.resolve("audit.jsonl");
      String torn;
      try (FileAuditLog log = FileAuditLog.open(file)) {
        appendRun(log, "run", 3);
        torn = new Chain().next(record("run", 99)).line().substring(0, 40);
      }
      long intactSize = Files.size(file);
      appendBytes(file, torn); // an append cut short: no newline
      assertThat(FileAuditLog.verify(file).problem()).startsWith("line 4: is incomplete");
      try (FileAuditLog log = FileAuditLog.open(file)) {
        assertThat(Files.size(file)).isEqualTo(intactSize);
        log.append(record("run", 4));
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 4, null));
        assertThat(log.records("run")).hasSize(4);
      }
    }

    @Test
    @DisplayName("that is the only line is removed on open, and the chain starts afresh")
    void onlyLineTorn() throws IOException {
      Path file = dir.resolve("audit.jsonl");
      write(file, "{\"seq\":1,\"pr");
      try (FileAuditLog log = FileAuditLog.open(file)) {
        assertThat(Files.size(file)).isZero();
        log.append(record("run", 1));
        assertThat(Chain.parse(lines(log).get(0)).get("prev").textValue()).isEqualTo(Chain.GENESIS);
        assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 1, null));
      }
    }
  }

  @Test
  @DisplayName("an edit made while the log is open is found by its verify")
  void editWhileOpen() throws IOException {
    Path file = dir.resolve("audit.jsonl");
    try (FileAuditLog log = FileAuditLog.open(file)) {
      appendRun(log, "run", 4);
      String content = Files.readString(file);
      Files.writeString(file, content.replace("note-2", "note-7")); // same length
      assertThat(log.verify())
          .isEqualTo(
              new AuditLog.Verification(
                  false, 1, "line 2: hash does not match its content (the record was changed)"));
    }
  }

  @Test
  @DisplayName("an interrupted thread can append, keeps its interrupt, and the log stays open")
  void interrupted() {
    try (FileAuditLog log = FileAuditLog.open(dir.resolve("audit.jsonl"))) {
      Thread.currentThread().interrupt();
      log.append(record("run", 1));
      assertThat(Thread.interrupted()).isTrue(); // restored, and cleared here
      log.append(record("run", 2));
      assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 2, null));
    } finally {
      Thread.interrupted();
    }
  }
}
