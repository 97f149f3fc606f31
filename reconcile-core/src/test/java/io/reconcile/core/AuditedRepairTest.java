package io.reconcile.core;

import static io.reconcile.core.TestStores.equalPair;
import static io.reconcile.core.TestStores.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.audit.FileAuditLog;
import io.reconcile.core.checkpoint.FileCheckpointStore;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.Mockito;

/** Undo and resume act only on what the audit proves; the trail says what happened to every action. */
class AuditedRepairTest {

  /** Two stores of n equal rows, then the replica drifts: a missing, an extra and a changed row. */
  private static MemoryStore[] pair(int n) {
    MemoryStore[] s = equalPair(n);
    s[1].remove(Key.of(n / 2));
    s[1].put(row(n + 5, "extra"));
    s[1].put(row(n / 3, "changed"));
    return s;
  }

  private static Reconciler.Builder applying(AuditLog audit, Store... stores) {
    return Reconciler.newBuilder().stores(stores).resolver(Resolvers.sourceOfTruth("a")).mode(Mode.APPLY)
        .auditLog(audit).seed(1).sleeper(d -> {});
  }

  private static Digest digest(Store s) {
    return s.digest(KeyRange.all());
  }

  private static List<AuditRecord.Type> types(AuditLog audit, String runId) {
    return audit.records(runId).stream().map(AuditRecord::type).toList();
  }

  /** A store whose fingerprint is set by the test: another database behind the same store id. */
  static final class Fingerprinted extends ForwardingStore {
    private final Map<String, String> fingerprint;

    Fingerprinted(Store delegate, Map<String, String> fingerprint) {
      super(delegate);
      this.fingerprint = fingerprint;
    }

    @Override
    public Map<String, String> fingerprint() {
      return fingerprint;
    }
  }

  @Nested
  @DisplayName("undo verifies the audit first")
  class UndoVerifies {

    @Test
    @DisplayName("a value edited in one line of the audit file: undo refuses and writes nothing")
    void tampered(@TempDir Path dir) throws Exception {
      MemoryStore[] s = pair(100);
      Path file = dir.resolve("audit.jsonl");
      try (FileAuditLog audit = FileAuditLog.open(file)) {
        applying(audit, s).build().run("r1");
      }
      // The run changed key 33 from "changed" to "v33"; make the trail claim it was "tampered".
      String text = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(text).contains("\"changed\"");
      Files.writeString(file, text.replaceFirst("\"changed\"", "\"tampered\""), StandardCharsets.UTF_8);
      Digest after = digest(s[1]);
      try (FileAuditLog audit = FileAuditLog.open(file)) {
        assertThatThrownBy(() -> applying(audit, s).build().undo("r1"))
            .isInstanceOf(ReconcileException.ConfigurationException.class)
            .hasMessageContaining("refusing to undo run r1: the audit log does not verify (line ")
            .hasMessageContaining("hash does not match")
            .hasMessageNotContaining("tampered");
        assertThat(types(audit, "r1-undo")).as("no undo was recorded").isEmpty();
      }
      assertThat(digest(s[1])).isEqualTo(after);
    }

    @Test
    @DisplayName("a run that crashed (no RUN_FINISHED) is refused with what to do: resume it first")
    void truncated() {
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      Faults crash = p -> {
        if (p == Faults.Point.AFTER_AUDIT_OUTCOME) {
          throw new IllegalStateException("crash");
        }
      };
      assertThatThrownBy(() -> applying(audit, s).batchSize(1).faults(crash).build().run("r1")).hasMessage("crash");
      Digest after = digest(s[1]);
      assertThatThrownBy(() -> applying(audit, s).build().undo("r1"))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("refusing to undo run r1: it has no RUN_FINISHED record, so it crashed or is still running;"
              + " resume it first by running it again with the same run id, then undo it");
      assertThat(digest(s[1])).isEqualTo(after);
    }

    @Test
    @DisplayName("an intent with no outcome, FAILED or SKIPPED record is refused")
    void unsettled() {
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      Reconciler rec = applying(audit, s).build();
      rec.run("r1");
      RepairAction stray = RepairAction.upsert("b", row(7, "x"), io.reconcile.api.store.Expected.absent());
      audit.append(new AuditRecord("r1", AuditRecord.Type.INTENT, java.time.Instant.EPOCH, stray, "d", null, null, null, null));
      Digest after = digest(s[1]);
      assertThatThrownBy(() -> rec.undo("r1"))
          .hasMessageContaining("refusing to undo run r1: 1 intended action(s) have no outcome (the first is " + stray.id() + ")")
          .hasMessageEndingWith("check those rows by hand");
      assertThat(digest(s[1])).isEqualTo(after);
    }
  }

  @Nested
  @DisplayName("fingerprints")
  class FingerprintChecks {

    @Test
    @DisplayName("RUN_STARTED records every store's fingerprint")
    void recorded() {
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      applying(audit, s[0], new Fingerprinted(s[1], Map.of("database", "shop", "dataset", "orders"))).build().run("r1");
      AuditRecord started = audit.records("r1").get(0);
      assertThat(started.type()).isEqualTo(AuditRecord.Type.RUN_STARTED);
      assertThat(started.fingerprints()).containsEntry("b", Map.of("database", "shop", "dataset", "orders"))
          .containsEntry("a", s[0].fingerprint());
    }

    @Test
    @DisplayName("undo refuses a store of the same id whose fingerprint differs, naming the part")
    void otherDatabase() {
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      applying(audit, s[0], new Fingerprinted(s[1], Map.of("database", "shop", "dataset", "orders"))).build().run("r1");
      Digest after = digest(s[1]);
      assertThatThrownBy(
              () -> applying(audit, s[0], new Fingerprinted(s[1], Map.of("database", "shop2", "dataset", "orders"))).build().undo("r1"))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("refusing to undo run r1: store 'b' is not the one the run wrote to — database is shop2, the run wrote to shop;"
              + " give the store the run used");
      assertThat(digest(s[1])).isEqualTo(after);
    }

    @Test
    @DisplayName("another in-memory store of the same id and the same rows is not the one the run wrote to")
    void otherMemoryStore() {
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      applying(audit, s).build().run("r1");
      MemoryStore lookalike = MemoryStore.create("b");
      try (Stream<Entry> rows = s[1].scan(KeyRange.all())) {
        lookalike.putAll(rows.toList());
      }
      assertThat(lookalike.fingerprint()).isNotEqualTo(s[1].fingerprint());
      assertThat(MemoryStore.named("shared-x").fingerprint()).isEqualTo(MemoryStore.named("shared-x").fingerprint());
      Digest before = digest(lookalike);
      assertThatThrownBy(() -> applying(audit, s[0], lookalike).build().undo("r1"))
          .hasMessageContaining("store 'b' is not the one the run wrote to — instance is ");
      assertThat(digest(lookalike)).isEqualTo(before);
    }

    @Test
    @DisplayName("an empty recorded fingerprint means unknown: the store id alone is compared")
    void unknown() {
      MemoryStore[] s = pair(100);
      Digest before = digest(s[1]);
      AuditLog audit = AuditLog.inMemory();
      applying(audit, s[0], new Fingerprinted(s[1], Map.of())).build().run("r1");
      ReconcileReport undo = applying(audit, s[0], new Fingerprinted(s[1], Map.of("database", "any"))).build().undo("r1");
      assertThat(undo.repairs().applied()).isEqualTo(3);
      assertThat(digest(s[1])).isEqualTo(before);
    }

    @Test
    @DisplayName("a crashed run resumed over a store of another fingerprint is refused")
    void resumeElsewhere() {
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      Faults crash = p -> {
        if (p == Faults.Point.AFTER_AUDIT_OUTCOME) {
          throw new IllegalStateException("crash");
        }
      };
      Store shop = new Fingerprinted(s[1], Map.of("database", "shop"));
      assertThatThrownBy(() -> applying(audit, s[0], shop).batchSize(1).faults(crash).build().run("r1")).hasMessage("crash");
      Digest after = digest(s[1]);
      assertThatThrownBy(() -> applying(audit, s[0], new Fingerprinted(s[1], Map.of("database", "shop2"))).build().run("r1"))
          .hasMessageContaining("refusing to resume run r1: store 'b' is not the one the run wrote to — database is shop2, the run wrote to shop");
      assertThat(digest(s[1])).isEqualTo(after);
    }
  }

  @Nested
  @DisplayName("whole rows")
  class WholeRows {

    @Test
    @DisplayName("undo puts back every stored field of an updated and of a deleted row, compared or not")
    void restoresWholeRows() {
      String name = "whole-rows-" + System.nanoTime();
      MemoryStore raw = MemoryStore.named(name); // every stored field
      MemoryStore b = MemoryStore.named(name, StoreOptions.newBuilder().id("b").fields("v").build());
      MemoryStore a = MemoryStore.create("a");
      a.putAll(List.of(row(1, "new"), row(2, "same")));
      Entry updated = Entry.of(Key.of(1), Map.of("v", "old", "note", "kept outside the comparison"));
      Entry deleted = Entry.of(Key.of(3), Map.of("v", "gone", "note", 42));
      raw.putAll(List.of(updated, Entry.of(Key.of(2), Map.of("v", "same", "note", "x")), deleted));
      AuditLog audit = AuditLog.inMemory();
      Reconciler rec = applying(audit, a, b).limits(Limits.NONE).build();
      assertThat(rec.run("r1").repairs().applied()).isEqualTo(2);
      List<Map<String, Value>> foundRows = audit.records("r1").stream()
          .filter(x -> x.type() == AuditRecord.Type.OUTCOME).map(AuditRecord::foundRow).toList();
      assertThat(foundRows).containsExactlyInAnyOrder(updated.fields().fields(), deleted.fields().fields());

      rec.undo("r1");
      assertThat(raw.get(List.of(Key.of(1), Key.of(3)))).containsEntry(Key.of(1), updated).containsEntry(Key.of(3), deleted);
      List<RepairAction> undone = audit.records("r1-undo").stream()
          .filter(x -> x.type() == AuditRecord.Type.INTENT).map(AuditRecord::action).toList();
      assertThat(undone).allSatisfy(u -> assertThat(((RepairAction.Upsert) u).storedRow()).containsKey("note"));
    }
  }

  @Nested
  @DisplayName("the plan is validated before the first write")
  class Validation {

    /** Refuses any upsert of key 33; records store calls in order. */
    final class Narrow extends ForwardingStore {
      final List<String> calls;

      Narrow(Store delegate, List<String> calls) {
        super(delegate);
        this.calls = calls;
      }

      @Override
      public Optional<String> unwritable(RepairAction action) {
        calls.add("check " + action.key());
        return action.key().equals(Key.of(33)) ? Optional.of("field v of key 33 holds at most 3 characters") : Optional.empty();
      }

      @Override
      public List<ActionOutcome> apply(List<RepairAction> actions) {
        calls.add("apply");
        return super.apply(actions);
      }
    }

    @Test
    @DisplayName("an action its target cannot hold is refused per row, counted, reported and audited; the rest proceed")
    void unwritable() {
      MemoryStore[] s = pair(100);
      List<String> calls = new CopyOnWriteArrayList<>();
      ReconcileListener listener = new ReconcileListener() {
        @Override
        public void runStarted(String runId, List<String> stores, int segments) {
          calls.add("started " + runId);
        }
      };
      AuditLog audit = AuditLog.inMemory();
      ReconcileReport r = applying(audit, s[0], new Narrow(s[1], calls)).segments(8).batchSize(1).listener(listener).build().run("r1");
      assertThat(r.repairs().unwritable()).isEqualTo(1);
      assertThat(r.repairs().applied()).isEqualTo(2);
      assertThat(r.converged()).as("key 33 still differs").isFalse();
      assertThat(r.verification().rangesConverged()).isEqualTo(r.verification().rangesVerified());
      assertThat(s[1].get(List.of(Key.of(33))).get(Key.of(33))).isEqualTo(row(33, "changed"));
      assertThat(r.findings()).filteredOn(f -> f.key().equals("33")).singleElement()
          .satisfies(f -> assertThat(f.decision()).endsWith("not written to b: field v of key 33 holds at most 3 characters"));
      // The run id is announced, and every action of every segment checked, before the first write.
      assertThat(calls.get(0)).isEqualTo("started r1");
      assertThat(calls.subList(0, calls.indexOf("apply"))).contains("check 33", "check 50", "check 105");
      AuditRecord skipped = audit.records("r1").stream().filter(x -> x.type() == AuditRecord.Type.SKIPPED).findFirst().orElseThrow();
      assertThat(skipped.action().key()).isEqualTo(Key.of(33));
      assertThat(skipped.note()).isEqualTo("unwritable: field v of key 33 holds at most 3 characters");
      assertThat(audit.records("r1").get(audit.records("r1").size() - 1).note()).contains("unwritable 1");
      assertThat(r.summary()).contains("1 unwritable");
    }

    @Test
    @DisplayName("a dry run counts the actions its targets cannot hold, leaves them out of the plan and tells the listener")
    void dryRun() {
      MemoryStore[] s = pair(100);
      List<String> skipped = new CopyOnWriteArrayList<>();
      ReconcileListener listener = new ReconcileListener() {
        @Override
        public void repairSkipped(String runId, RepairAction action, String reason) {
          skipped.add(action.key() + ": " + reason);
        }
      };
      ReconcileReport r = Reconciler.newBuilder().stores(s[0], new Narrow(s[1], new CopyOnWriteArrayList<>()))
          .resolver(Resolvers.sourceOfTruth("a")).mode(Mode.DRY_RUN).listener(listener).build().run();
      assertThat(r.repairs().unwritable()).isEqualTo(1);
      assertThat(r.plan()).hasSize(2).noneSatisfy(line -> assertThat(line).startsWith("upsert 33 "));
      assertThat(skipped).containsExactly("33: unwritable: field v of key 33 holds at most 3 characters");
    }

    @Test
    @DisplayName("a run that crashed after its first batch resumes from its files, converges, and its undo restores the original")
    void crashAndResume(@TempDir Path dir) {
      MemoryStore[] s = pair(100);
      Digest original = digest(s[1]);
      Path auditFile = dir.resolve("audit.jsonl");
      int[] batches = {0};
      Faults crashAfterFirstBatch = p -> {
        if (p == Faults.Point.AFTER_AUDIT_OUTCOME && ++batches[0] == 1) {
          throw new IllegalStateException("power cut");
        }
      };
      try (FileAuditLog audit = FileAuditLog.open(auditFile)) {
        assertThatThrownBy(() -> applying(audit, s).batchSize(1).checkpoints(FileCheckpointStore.open(dir.resolve("cp")))
            .faults(crashAfterFirstBatch).build().run("r1")).hasMessage("power cut");
      }
      assertThat(digest(s[1])).isNotEqualTo(original).isNotEqualTo(digest(s[0]));
      try (FileAuditLog audit = FileAuditLog.open(auditFile)) {
        Reconciler again = applying(audit, s).batchSize(1).checkpoints(FileCheckpointStore.open(dir.resolve("cp"))).build();
        ReconcileReport r = again.run("r1");
        assertThat(r.converged()).isTrue();
        assertThat(r.repairs().failed()).isZero();
        assertThat(digest(s[1])).isEqualTo(digest(s[0]));
        assertThat(types(audit, "r1")).containsOnlyOnce(AuditRecord.Type.RUN_STARTED).endsWith(AuditRecord.Type.RUN_FINISHED);
        assertThat(audit.verify().intact()).isTrue();
        again.undo("r1");
        assertThat(digest(s[1])).isEqualTo(original);
      }
    }

    @Test
    @DisplayName("a run resumed after a checkpoint counts every decision once, as an uninterrupted run does")
    void resumedCountsOnce() {
      ReconcileReport whole = applying(AuditLog.inMemory(), pair(100)).segments(8).build().run("whole");
      MemoryStore[] s = pair(100);
      AuditLog audit = AuditLog.inMemory();
      io.reconcile.core.checkpoint.CheckpointStore checkpoints = io.reconcile.core.checkpoint.CheckpointStore.inMemory();
      Faults crash = p -> {
        if (p == Faults.Point.AFTER_CHECKPOINT) {
          throw new IllegalStateException("crash");
        }
      };
      assertThatThrownBy(() -> applying(audit, s).segments(8).checkpoints(checkpoints).faults(crash).build().run("r1"))
          .hasMessage("crash");
      ReconcileReport resumed = applying(audit, s).segments(8).checkpoints(checkpoints).build().run("r1");
      assertThat(resumed.divergencesByKind()).isEqualTo(whole.divergencesByKind());
      assertThat(resumed.decisions()).isEqualTo(whole.decisions());
      assertThat(resumed.segmentsDiffering()).isEqualTo(whole.segmentsDiffering());
      assertThat(resumed.repairs().applied()).isEqualTo(whole.repairs().applied()).isEqualTo(3);
      // Findings hold row values, which checkpoints never do: a resumed run lists what it saw itself.
      assertThat(resumed.findings()).isEmpty();
    }

    @Test
    @DisplayName("a crash between intent and outcome is settled when the run resumes, so the trail is complete")
    void settledOnResume() {
      MemoryStore[] s = pair(100);
      Digest original = digest(s[1]);
      AuditLog audit = AuditLog.inMemory();
      Faults crash = p -> {
        if (p == Faults.Point.AFTER_APPLY) {
          throw new IllegalStateException("crash");
        }
      };
      assertThatThrownBy(() -> applying(audit, s).batchSize(1).faults(crash).build().run("r1")).hasMessage("crash");
      Reconciler again = applying(audit, s).batchSize(1).build();
      ReconcileReport r = again.run("r1");
      assertThat(r.repairs().alreadyApplied()).isEqualTo(1);
      assertThat(r.repairs().applied()).isEqualTo(2);
      again.undo("r1");
      assertThat(digest(s[1])).isEqualTo(original);
      assertThatThrownBy(() -> again.run("r1")).hasMessageContaining("run r1 already finished");
    }
  }

  @Nested
  @DisplayName("the trail says what happened")
  class Trail {

    @Test
    @DisplayName("failed batches and skipped actions are audit records with their reasons; RUN_FINISHED counts them")
    void failedAndSkipped() {
      MemoryStore[] s = pair(100);
      MemoryStore broken = Mockito.spy(s[1]);
      Mockito.doThrow(new ReconcileException.StoreUnavailableException("disk full", false))
          .when(broken).apply(Mockito.<List<RepairAction>>any());
      AuditLog audit = AuditLog.inMemory();
      ReconcileReport r = applying(audit, s[0], broken).batchSize(1)
          .retry(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 2)).build().run("r1");
      assertThat(r.repairs().failed()).isEqualTo(2);
      assertThat(r.repairs().skipped()).isEqualTo(1);
      List<AuditRecord> records = audit.records("r1");
      assertThat(records).filteredOn(x -> x.type() == AuditRecord.Type.FAILED).hasSize(2)
          .allSatisfy(x -> assertThat(x.note()).isEqualTo("store 'b' failed a batch of 1 actions: disk full"));
      assertThat(records).filteredOn(x -> x.type() == AuditRecord.Type.SKIPPED).singleElement()
          .satisfies(x -> assertThat(x.note()).isEqualTo("circuit open for store b after repeated failures"));
      assertThat(records.get(records.size() - 1).note())
          .isEqualTo("applied 0, already applied 0, refused 0, skipped 1, unwritable 0, failed 2, escalated 0");
      assertThat(s[1].get(List.of(Key.of(33))).get(Key.of(33))).isEqualTo(row(33, "changed"));
    }

    @Test
    @DisplayName("repairs beyond a limit are SKIPPED records")
    void limitSkipped() {
      AuditLog audit = AuditLog.inMemory();
      ReconcileReport r = applying(audit, pair(100)).limits(new Limits(2, 100, 1)).build().run("r1");
      assertThat(r.repairs().skipped()).isEqualTo(1);
      assertThat(audit.records("r1")).filteredOn(x -> x.type() == AuditRecord.Type.SKIPPED).singleElement()
          .satisfies(x -> assertThat(x.note()).startsWith("repair limit reached"));
    }
  }

  @Nested
  @DisplayName("configuration and report")
  class Configuration {

    /** Hides the VERSIONS capability, as a table without a version column does. */
    static final class Unversioned extends ForwardingStore {
      Unversioned(Store delegate) {
        super(delegate);
      }

      @Override
      public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.copyOf(delegate().capabilities());
        c.remove(Capability.VERSIONS);
        return c;
      }
    }

    @Test
    @DisplayName("lastWriterWins() over a store that keeps no versions is a configuration error naming it")
    void lastWriterWinsNeedsVersions() {
      MemoryStore[] s = pair(10);
      assertThatThrownBy(() -> Reconciler.newBuilder().stores(s[0], new Unversioned(s[1])).resolver(Resolvers.lastWriterWins())
              .build().run())
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("the resolver lastWriterWins() needs each row's write time, but store 'b' keeps no versions;"
              + " give it a version field (StoreOptions.versionField) or choose another resolver");
    }

    @Test
    @DisplayName("lastWriterWins() over entries without timestamps escalates saying why")
    void lastWriterWinsWithoutTimestamps() {
      ReconcileReport r = Reconciler.newBuilder().stores(pair(100)).resolver(Resolvers.lastWriterWins()).build().run();
      assertThat(r.findings()).filteredOn(f -> f.kind().equals("MISMATCH")).singleElement()
          .satisfies(f -> assertThat(f.decision()).contains("without a version timestamp; give the stores a version field"));
    }

    @Test
    @DisplayName("a dry run or report-only run that found divergences has not converged; one that found none has")
    void converged() {
      MemoryStore[] s = pair(100);
      for (Mode mode : List.of(Mode.DRY_RUN, Mode.REPORT_ONLY)) {
        assertThat(Reconciler.newBuilder().stores(s).resolver(Resolvers.sourceOfTruth("a")).mode(mode).build().run().converged())
            .as(mode.name()).isFalse();
      }
      MemoryStore c = MemoryStore.create("c");
      c.put(row(1, "x"));
      MemoryStore d = MemoryStore.create("d");
      d.put(row(1, "x"));
      assertThat(Reconciler.newBuilder().stores(c, d).mode(Mode.DRY_RUN).build().run().converged()).isTrue();
    }
  }
}
