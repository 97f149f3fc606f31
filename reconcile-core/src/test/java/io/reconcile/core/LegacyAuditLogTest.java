package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An audit log written before action ids were derived from canonical bytes (ids of 24 hex digits,
 * from row hashes as text): {@code audit-before-canonical-ids.jsonl} is such a log, written by that
 * version for run {@code legacy-run} of store {@code a} (source of truth: 1 Ada, 2 Grace, 3 Linus)
 * into store {@code b} (1 Ada, 2 Grce, 4 ghost), with stores that gave no fingerprint.
 */
@DisplayName("an audit log written before ids came from canonical bytes")
class LegacyAuditLogTest {

  private static Entry row(long id, String name) {
    return Entry.of(Key.of(id), Map.of("name", name));
  }

  private static Path copy(Path dir) throws IOException {
    Path p = dir.resolve("audit.jsonl");
    try (InputStream in = Objects.requireNonNull(
        LegacyAuditLogTest.class.getResourceAsStream("audit-before-canonical-ids.jsonl"))) {
      Files.copy(in, p);
    }
    return p;
  }

  private static List<Entry> scan(MemoryStore s) {
    try (Stream<Entry> rows = s.scan(KeyRange.all())) {
      return rows.toList();
    }
  }

  @Test
  @DisplayName("verifies, reads its actions back with today's ids (INTENT and OUTCOME alike), and its run is undone")
  void verifiesAndUndoes(@TempDir Path dir) throws IOException {
    Path file = copy(dir);
    assertThat(FileAuditLog.verify(file).intact()).as(FileAuditLog.verify(file).toString()).isTrue();
    try (FileAuditLog log = FileAuditLog.open(file)) {
      List<AuditRecord> records = log.records("legacy-run");
      List<RepairAction> actions = records.stream().map(AuditRecord::action).filter(Objects::nonNull).toList();
      assertThat(actions).hasSize(6).allSatisfy(a -> assertThat(a.id()).hasSize(32));
      assertThat(actions.stream().map(RepairAction::id).distinct()).hasSize(3);

      MemoryStore a = MemoryStore.create("a");
      MemoryStore b = MemoryStore.create("b");
      a.putAll(List.of(row(1, "Ada"), row(2, "Grace"), row(3, "Linus")));
      b.putAll(List.of(row(1, "Ada"), row(2, "Grace"), row(3, "Linus"))); // as the run left it
      ReconcileReport undo = Reconciler.newBuilder().stores(a, b).resolver(Resolvers.sourceOfTruth("a"))
          .auditLog(log).build().undo("legacy-run");

      assertThat(undo.repairs().applied()).as(undo.summary()).isEqualTo(3);
      assertThat(scan(b)).containsExactly(row(1, "Ada"), row(2, "Grce"), row(4, "ghost"));
      assertThat(log.records("legacy-run-undo")).filteredOn(r -> r.type() == AuditRecord.Type.OUTCOME)
          .extracting(AuditRecord::status).containsOnly(ActionOutcome.Status.APPLIED);
    }
    assertThat(FileAuditLog.verify(file).intact()).isTrue();
  }
}
