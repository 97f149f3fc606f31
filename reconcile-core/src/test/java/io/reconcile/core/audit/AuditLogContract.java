package io.reconcile.core.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditLog} must do, run against each implementation by a subclass: the same
 * chain, the same filtering, and the same problems found (and worded) for the same damage.
 */
abstract class AuditLogContract {

  static final Instant T0 = Instant.parse("2024-02-29T12:00:00Z");

  private final List<AuditLog> opened = new ArrayList<>();

  /** A new, empty, open log. */
  protected abstract AuditLog createLog();

  /** The log's lines as stored, without newlines. */
  protected abstract List<String> lines(AuditLog log);

  /** Replaces the log's stored lines by {@code edit} of them, then verifies what is stored. */
  protected abstract AuditLog.Verification verifyAfterEdit(
      AuditLog log, UnaryOperator<List<String>> edit);

  protected AuditLog newLog() {
    AuditLog log = createLog();
    opened.add(log);
    return log;
  }

  @AfterEach
  void closeLogs() {
    opened.forEach(AuditLog::close);
  }

  /** Record {@code i} of a run: a mix of types, with actions, entries and a note "note-i". */
  static AuditRecord record(String runId, int i) {
    Instant time = T0.plusSeconds(i).plusNanos(i);
    Entry before = Entry.of(Key.of(runId, i), Map.of("n", i, "price", new BigDecimal("9.90")));
    Entry after = Entry.of(Key.of(runId, i), Map.of("n", i + 1, "price", new BigDecimal("10.00")));
    RepairAction action = RepairAction.upsert("replica", after, Expected.present(before));
    return switch (i % 3) {
      case 0 ->
          new AuditRecord(
              runId, AuditRecord.Type.RUN_STARTED, time, null, null, null, null, null, "note-" + i);
      case 1 ->
          new AuditRecord(
              runId,
              AuditRecord.Type.INTENT,
              time,
              action,
              "TAKE primary",
              "MISMATCH",
              null,
              null,
              "note-" + i);
      default ->
          new AuditRecord(
              runId,
              AuditRecord.Type.OUTCOME,
              time,
              action,
              null,
              null,
              ActionOutcome.Status.APPLIED,
              before,
              "note-" + i);
    };
  }

  static List<AuditRecord> appendRun(AuditLog log, String runId, int count) {
    List<AuditRecord> out = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      AuditRecord r = record(runId, i);
      log.append(r);
      out.add(r);
    }
    return out;
  }

  /** A line whose hash was recomputed after an edit, as a careful forger would. */
  static String rehashed(String line) {
    ObjectNode node = Chain.parse(line);
    node.remove("hash");
    String hash = Chain.hashOf(node.get("prev").textValue(), node);
    return node.put("hash", hash).toString();
  }

  @Test
  @DisplayName("an empty log is intact and has no records")
  void empty() {
    AuditLog log = newLog();
    assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 0, null));
    assertThat(log.records("run")).isEmpty();
  }

  @Test
  @DisplayName("lines carry seq from 1, prev linking to the line before, and their own hash")
  void chain() {
    AuditLog log = newLog();
    appendRun(log, "run", 5);
    List<String> lines = lines(log);
    assertThat(lines).hasSize(5);
    String previous = Chain.GENESIS;
    for (int i = 0; i < lines.size(); i++) {
      ObjectNode node = Chain.parse(lines.get(i));
      assertThat(node.get("seq").asLong()).isEqualTo(i + 1);
      assertThat(node.get("prev").textValue()).isEqualTo(previous);
      String hash = node.get("hash").textValue();
      assertThat(hash).matches("[0-9a-f]{64}");
      node.remove("hash");
      assertThat(Chain.hashOf(previous, node)).isEqualTo(hash);
      assertThat(lines.get(i))
          .startsWith("{\"seq\":" + (i + 1) + ",\"prev\":\"" + previous + "\",\"hash\":\"");
      previous = hash;
    }
    assertThat(Chain.GENESIS).isEqualTo("0".repeat(64));
    assertThat(log.verify()).isEqualTo(new AuditLog.Verification(true, 5, null));
  }

  @Test
  @DisplayName("records(runId) returns that run's records, equal to those appended, in order")
  void recordsFilterAndOrder() {
    AuditLog log = newLog();
    List<AuditRecord> one = new ArrayList<>();
    List<AuditRecord> two = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      AuditRecord a = record("run-1", i);
      AuditRecord b = record("run-2", 10 - i);
      log.append(a);
      log.append(b);
      one.add(a);
      two.add(b);
    }
    assertThat(log.records("run-1")).containsExactlyElementsOf(one);
    assertThat(log.records("run-2")).containsExactlyElementsOf(two);
    assertThat(log.records("run-3")).isEmpty();
    assertThat(log.records("run-1")).isUnmodifiable();
  }

  @Test
  @DisplayName("records keep every kind of value exactly, surrogates and all")
  void recordsKeepValues() {
    AuditLog log = newLog();
    Entry e =
        Entry.of(
            Key.of(1),
            Value.MapValue.of(
                Map.of(
                    "lone\uDC00", Value.of("\uD800 alone"),
                    "scaled", ((Value.Num) Value.of(new BigDecimal("1.10"))).withSignificantScale(),
                    "nan", Value.of(Double.NaN),
                    "when", Value.of(Instant.MAX))));
    AuditRecord r =
        new AuditRecord("run", AuditRecord.Type.OUTCOME, T0, null, null, null, null, e, "😀");
    log.append(r);
    AuditRecord back = log.records("run").get(0);
    assertThat(back).isEqualTo(r);
    assertThat(AuditGenerators.exactlyEqual(back.found(), e)).isTrue();
    assertThat(log.verify().intact()).isTrue();
  }

  @Nested
  @DisplayName("verify finds and names")
  class Damage {

    @Test
    @DisplayName("an edited line")
    void edited() {
      AuditLog log = newLog();
      appendRun(log, "run", 5);
      AuditLog.Verification v =
          verifyAfterEdit(
              log, lines -> replace(lines, 2, lines.get(2).replace("note-3", "note-X")));
      assertThat(v)
          .isEqualTo(
              new AuditLog.Verification(
                  false, 2, "line 3: hash does not match its content (the record was changed)"));
    }

    @Test
    @DisplayName("an edited line whose hash was recomputed, by the line after it")
    void editedAndRehashed() {
      AuditLog log = newLog();
      appendRun(log, "run", 5);
      AuditLog.Verification v =
          verifyAfterEdit(
              log, lines -> replace(lines, 2, rehashed(lines.get(2).replace("note-3", "note-X"))));
      assertThat(v.problem())
          .isEqualTo(
              "line 4: previous-hash does not match line 3 (a record was removed or reordered)");
      assertThat(v.records()).isEqualTo(3);
    }

    @Test
    @DisplayName("a deleted line")
    void deleted() {
      AuditLog log = newLog();
      appendRun(log, "run", 12);
      AuditLog.Verification v = verifyAfterEdit(log, lines -> without(lines, 8));
      assertThat(v)
          .isEqualTo(
              new AuditLog.Verification(
                  false,
                  8,
                  "line 9: previous-hash does not match line 8 (a record was removed or"
                      + " reordered)"));
    }

    @Test
    @DisplayName("a deleted first line")
    void deletedFirst() {
      AuditLog log = newLog();
      appendRun(log, "run", 3);
      AuditLog.Verification v = verifyAfterEdit(log, lines -> without(lines, 0));
      assertThat(v.problem())
          .isEqualTo(
              "line 1: previous-hash is not the start of a chain (a record before it was removed)");
      assertThat(v.intact()).isFalse();
      assertThat(v.records()).isZero();
    }

    @Test
    @DisplayName("a swapped pair of lines")
    void swapped() {
      AuditLog log = newLog();
      appendRun(log, "run", 5);
      AuditLog.Verification v =
          verifyAfterEdit(
              log,
              lines -> {
                List<String> out = new ArrayList<>(lines);
                Collections.swap(out, 2, 3);
                return out;
              });
      assertThat(v)
          .isEqualTo(
              new AuditLog.Verification(
                  false,
                  2,
                  "line 3: previous-hash does not match line 2 (a record was removed or"
                      + " reordered)"));
    }

    @Test
    @DisplayName("a duplicated line")
    void duplicated() {
      AuditLog log = newLog();
      appendRun(log, "run", 3);
      AuditLog.Verification v =
          verifyAfterEdit(
              log,
              lines -> {
                List<String> out = new ArrayList<>(lines);
                out.add(2, lines.get(1));
                return out;
              });
      assertThat(v.problem())
          .isEqualTo(
              "line 3: previous-hash does not match line 2 (a record was removed or reordered)");
    }

    @Test
    @DisplayName("a line that is not JSON, or an empty line")
    void garbage() {
      AuditLog log = newLog();
      appendRun(log, "run", 3);
      assertThat(verifyAfterEdit(log, lines -> replace(lines, 1, "not json")).problem())
          .isEqualTo("line 2: is not valid JSON (the record was changed or damaged)");
    }

    @Test
    @DisplayName("a rehashed line that is no longer a valid record")
    void invalidRecord() {
      AuditLog log = newLog();
      appendRun(log, "run", 1);
      AuditLog.Verification v =
          verifyAfterEdit(
              log,
              lines ->
                  replace(lines, 0, rehashed(lines.get(0).replace("\"INTENT\"", "\"PAUSED\""))));
      assertThat(v.problem())
          .startsWith("line 1: is not a valid audit record: malformed audit JSON at record.type");
    }

    @Test
    @DisplayName("nothing in an intact copy of the lines")
    void untouched() {
      AuditLog log = newLog();
      appendRun(log, "run", 4);
      assertThat(verifyAfterEdit(log, lines -> lines))
          .isEqualTo(new AuditLog.Verification(true, 4, null));
    }

    private List<String> replace(List<String> lines, int index, String line) {
      List<String> out = new ArrayList<>(lines);
      out.set(index, line);
      assertThat(out).isNotEqualTo(lines); // the edit really changed something
      return out;
    }

    private List<String> without(List<String> lines, int index) {
      List<String> out = new ArrayList<>(lines);
      out.remove(index);
      return out;
    }
  }

  @Test
  @DisplayName("appends from many threads form one intact chain, each thread's records in order")
  void concurrentAppends() throws Exception {
    AuditLog log = newLog();
    int threads = 8;
    int each = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<List<AuditRecord>>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String run = "run-" + t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return appendRun(log, run, each);
                }));
      }
      start.countDown();
      List<List<AuditRecord>> appended = new ArrayList<>();
      for (Future<List<AuditRecord>> f : futures) {
        appended.add(f.get());
      }
      for (int t = 0; t < threads; t++) {
        assertThat(log.records("run-" + t)).containsExactlyElementsOf(appended.get(t));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(log.verify())
        .isEqualTo(new AuditLog.Verification(true, (long) threads * each, null));
    assertThat(lines(log)).hasSize(threads * each);
  }

  @Test
  @DisplayName("a closed log refuses every call but close")
  void closed() {
    AuditLog log = newLog();
    log.append(record("run", 1));
    log.close();
    log.close();
    assertThatThrownBy(() -> log.append(record("run", 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> log.records("run")).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(log::verify).isInstanceOf(IllegalStateException.class);
  }

  @Test
  @DisplayName("a verification says a problem exactly when it is not intact")
  void verificationInvariants() {
    assertThatThrownBy(() -> new AuditLog.Verification(true, 1, "line 1: x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuditLog.Verification(false, 1, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AuditLog.Verification(true, -1, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
