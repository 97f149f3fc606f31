package io.reconcile.core;

import static io.reconcile.core.TestStores.equalPair;
import static io.reconcile.core.TestStores.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.checkpoint.CheckpointStore;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("the pipeline over key ranges")
class PipelineTest {

  /** Two stores of n equal rows; the second then differs at every {@code every}-th key (changed). */
  private static MemoryStore[] pair(int n, int every) {
    MemoryStore[] s = equalPair(n);
    for (int i = 0; i < n; i += every) {
      s[1].put(row(i, "changed"));
    }
    return s;
  }

  @Nested
  @DisplayName("streaming")
  class Streaming {

    @Test
    @DisplayName("divergences reach the listener in key order, however many units are detected at once")
    void inKeyOrder() {
      MemoryStore[] s = pair(20_000, 7);
      List<Key> heard = Collections.synchronizedList(new ArrayList<>());
      ReconcileReport r = Reconciler.newBuilder().stores(s).segments(400).parallelism(4)
          .listener(new ReconcileListener() {
            @Override
            public void divergenceFound(String runId, Divergence d) {
              heard.add(d.key());
            }
          }).build().run();
      assertThat(r.divergences()).isEqualTo((20_000 + 6) / 7);
      assertThat(heard).hasSize((20_000 + 6) / 7).isSorted();
    }

    @Test
    @DisplayName("a segment holding many differences (inserts beyond the reference's last key) is split before it is detected")
    void largeSegmentsSplit() {
      MemoryStore[] s = equalPair(1_000);
      for (int i = 0; i < 40_000; i++) {
        s[1].put(row(1_000 + i, "extra"));
      }
      List<Key> heard = new ArrayList<>();
      List<Integer> segmentsHeard = new ArrayList<>();
      ReconcileReport r = Reconciler.newBuilder().stores(s).segments(8).listener(new ReconcileListener() {
        @Override
        public void divergenceFound(String runId, Divergence d) {
          heard.add(d.key());
        }

        @Override
        public void segmentCompared(String runId, KeyRange segment, int found, java.time.Duration took) {
          segmentsHeard.add(found);
        }
      }).build().run();
      assertThat(r.divergencesByKind()).containsOnly(Map.entry("EXTRA", 40_000L));
      assertThat(heard).hasSize(40_000).isSorted();
      assertThat(r.segments()).as("the last of the 8 planned segments was split").isGreaterThan(8);
      assertThat(segmentsHeard).hasSize(r.segments()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(Detector.ROWS_PER_SCAN));
    }

    @Test
    @DisplayName("a repair writes and verifies unit after unit, and converges")
    void repairsStream() {
      MemoryStore[] s = pair(20_000, 3);
      ReconcileReport r = Reconciler.newBuilder().stores(s).segments(400).resolver(Resolvers.sourceOfTruth("a"))
          .mode(Mode.APPLY).limits(Limits.NONE).auditLog(AuditLog.inMemory()).build().run();
      assertThat(r.repairs().applied()).isEqualTo((20_000 + 2) / 3);
      assertThat(r.converged()).isTrue();
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(s[0].digest(KeyRange.all()));
    }
  }

  @Nested
  @DisplayName("a store that pays a full pass per call")
  class FullPass {

    @Test
    @DisplayName("a repair costs it three passes: digest every leaf, read the differing leaves, verify")
    void threePasses() {
      MemoryStore[] s = pair(5_000, 499);
      FullPassStore topic = new FullPassStore(s[1], 7);
      ReconcileReport r = Reconciler.newBuilder().stores(s[0], topic).resolver(Resolvers.sourceOfTruth("a"))
          .mode(Mode.APPLY).auditLog(AuditLog.inMemory()).build().run();
      assertThat(r.repairs().applied()).isEqualTo(11);
      assertThat(r.converged()).as(r.summary()).isTrue();
      assertThat(topic.passes.get()).isEqualTo(3);
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(s[0].digest(KeyRange.all()));
    }

    @Test
    @DisplayName("a report costs it two passes, and finds what an indexed store finds")
    void twoPassesToReport() {
      MemoryStore[] s = pair(5_000, 97);
      FullPassStore topic = new FullPassStore(s[1], 11);
      ReconcileReport unordered = Reconciler.newBuilder().stores(s[0], topic).build().run();
      ReconcileReport indexed = Reconciler.newBuilder().stores(s[0], s[1]).build().run();
      assertThat(topic.passes.get()).isEqualTo(2);
      assertThat(unordered.divergencesByKind()).isEqualTo(indexed.divergencesByKind()).containsEntry("MISMATCH", 52L);
    }
  }

  @Nested
  @DisplayName("guards settled before the first write")
  class Guards {

    @Test
    @DisplayName("when the differing segments could exceed the divergence ratio, divergences are counted first, and under the limit the run repairs")
    void countedFirstThenRepaired() {
      MemoryStore[] s = pair(1_000, 10); // every segment differs, 10% of rows
      AuditLog audit = AuditLog.inMemory();
      ReconcileReport r = Reconciler.newBuilder().stores(s).resolver(Resolvers.sourceOfTruth("a")).mode(Mode.APPLY)
          .limits(new Limits(10_000, 10_000, 0.15)).auditLog(audit).build().run();
      assertThat(r.escalation()).isEmpty();
      assertThat(r.repairs().applied()).isEqualTo(100);
      assertThat(r.converged()).isTrue();
    }

    @Test
    @DisplayName("over the limit nothing is written, not even the first unit's repairs")
    void overTheLimitNothingWritten() {
      MemoryStore[] s = pair(1_000, 10);
      var before = s[1].digest(KeyRange.all());
      AuditLog audit = AuditLog.inMemory();
      ReconcileReport r = Reconciler.newBuilder().stores(s).segments(100).resolver(Resolvers.sourceOfTruth("a"))
          .mode(Mode.APPLY).limits(new Limits(10_000, 10_000, 0.05)).auditLog(audit).build().run();
      assertThat(r.escalation().orElseThrow()).startsWith("more than 50 of 1000 rows diverge").contains("above the limit of 5.0%");
      assertThat(r.repairs().escalated()).isEqualTo(100);
      assertThat(audit.records(r.runId())).noneMatch(x -> x.type() == AuditRecord.Type.INTENT);
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
    }

    @Test
    @DisplayName("APPLY over a store that cannot write conditionally is refused before anything is read, unless guarded writes are accepted")
    void conditionalWrites() {
      MemoryStore[] s = pair(100, 10);
      Store unconditional = new ForwardingStore(s[1]) {
        @Override
        public Set<Capability> capabilities() {
          Set<Capability> c = EnumSet.copyOf(delegate().capabilities());
          c.remove(Capability.COMPARE_AND_SET);
          return c;
        }
      };
      var before = s[1].digest(KeyRange.all());
      assertThatThrownBy(() -> Reconciler.newBuilder().stores(s[0], unconditional).resolver(Resolvers.sourceOfTruth("a"))
          .mode(Mode.APPLY).auditLog(AuditLog.inMemory()).build().run())
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining("store 'b' cannot write conditionally (it does not declare COMPARE_AND_SET)")
          .hasMessageContaining("guardedWrites()");
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
    }
  }

  @Nested
  @DisplayName("a store that writes without compare-and-set, with guarded writes accepted")
  class GuardedWrites {

    @Test
    @DisplayName("the run repairs it and converges, and a row written since detection is left alone")
    void reReadBeforeWriting() {
      MemoryStore[] s = pair(1_000, 100);
      FaultyStore blind = new FaultyStore(new BlindWriteStore(s[1]));
      blind.strikeAtReread();
      blind.concurrentWriter = key -> s[1].put(row(100, "written meanwhile"));
      ReconcileReport r = Reconciler.newBuilder().stores(s[0], blind).resolver(Resolvers.sourceOfTruth("a"))
          .mode(Mode.APPLY).guardedWrites().auditLog(AuditLog.inMemory()).build().run();
      assertThat(r.repairs().applied()).isEqualTo(9);
      assertThat(r.repairs().refused()).isEqualTo(1);
      assertThat(s[1].get(List.of(Key.of(100))).get(Key.of(100))).isEqualTo(row(100, "written meanwhile"));
      assertThat(r.verification().rangesConverged()).isEqualTo(r.verification().rangesVerified());
    }
  }

  @Nested
  @DisplayName("configuration")
  class Configuration {

    @Test
    @DisplayName("a setting given twice is refused with what it was set to")
    void settingTwice() {
      assertThatThrownBy(() -> Reconciler.newBuilder().mode(Mode.DRY_RUN).mode(Mode.APPLY))
          .isInstanceOf(IllegalStateException.class).hasMessage("mode was already set to DRY_RUN");
      assertThatThrownBy(() -> Reconciler.newBuilder().leafRows(8).leafRows(9))
          .isInstanceOf(IllegalStateException.class).hasMessage("leafRows was already set to 8");
    }

    @Test
    @DisplayName("a checkpoint in another format is refused with what to do")
    void checkpointFormat() {
      MemoryStore[] s = pair(100, 10);
      CheckpointStore checkpoints = CheckpointStore.inMemory();
      checkpoints.save("old", "{\"segments\":[[null,null]],\"done\":[],\"maxRows\":0,\"repairsPlanned\":0,\"tally\":{}}");
      assertThatThrownBy(() -> Reconciler.newBuilder().stores(s).checkpoints(checkpoints).build().run("old"))
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessage("the checkpoint of run old is in format 1, this version reads format 2; resume the run with the version"
              + " that started it, or delete the checkpoint to start afresh");
    }
  }
}
