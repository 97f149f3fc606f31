package io.reconcile.core;

import static io.reconcile.core.TestStores.equalPair;
import static io.reconcile.core.TestStores.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import io.reconcile.core.checkpoint.CheckpointStore;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

class ReconcilerTest {

  /** Two stores of n equal rows, then the replica drifts: a missing, an extra and a changed row. */
  private static MemoryStore[] pair(int n) {
    MemoryStore[] s = equalPair(n);
    s[1].remove(Key.of(n / 2));
    s[1].put(row(n + 5, "extra"));
    s[1].put(row(n / 3, "changed"));
    return s;
  }

  private static Reconciler.Builder builder(MemoryStore... stores) {
    return Reconciler.newBuilder().stores(stores).resolver(Resolvers.sourceOfTruth("a")).seed(1).sleeper(d -> {});
  }

  @Nested
  @DisplayName("modes")
  class Modes {

    @Test
    @DisplayName("report-only finds every kind and writes nothing")
    void reportOnly() {
      MemoryStore[] s = pair(1000);
      var before = s[1].digest(KeyRange.all());
      ReconcileReport r = builder(s).build().run();
      assertThat(r.divergencesByKind()).containsEntry("MISSING", 1L).containsEntry("EXTRA", 1L).containsEntry("MISMATCH", 1L);
      assertThat(r.repairs().applied()).isZero();
      assertThat(r.plan()).isEmpty();
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
    }

    @Test
    @DisplayName("dry run renders the exact conditional plan and writes nothing")
    void dryRun() {
      MemoryStore[] s = pair(1000);
      var before = s[1].digest(KeyRange.all());
      ReconcileReport r = builder(s).mode(Mode.DRY_RUN).build().run();
      assertThat(r.plan()).hasSize(3);
      assertThat(r.plan()).anySatisfy(l -> assertThat(l).startsWith("upsert 500 in b if absent"));
      assertThat(r.plan()).anySatisfy(l -> assertThat(l).startsWith("delete 1005 from b if present"));
      assertThat(r.plan()).anySatisfy(l -> assertThat(l).startsWith("upsert 333 in b if present"));
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
    }

    @Test
    @DisplayName("apply repairs, audits before and after, verifies, and a second run finds nothing")
    void apply() {
      MemoryStore[] s = pair(1000);
      AuditLog audit = AuditLog.inMemory();
      ReconcileReport r = builder(s).mode(Mode.APPLY).auditLog(audit).build().run("r1");
      assertThat(r.repairs().applied()).isEqualTo(3);
      assertThat(r.converged()).isTrue();
      assertThat(r.verification().rangesVerified()).isPositive();
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(s[0].digest(KeyRange.all()));
      assertThat(audit.records("r1")).extracting(x -> x.type().name())
          .containsSubsequence("RUN_STARTED", "INTENT", "OUTCOME", "RUN_FINISHED");
      assertThat(audit.verify().intact()).isTrue();
      assertThat(builder(s).build().run().divergences()).isZero();
    }

    @Test
    @DisplayName("apply without an audit log is refused at build time")
    void applyNeedsAudit() {
      assertThatThrownBy(() -> builder(pair(10)).mode(Mode.APPLY).build())
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining("give an audit log");
    }

    @Test
    @DisplayName("undo reverses a run, conditionally")
    void undo() {
      MemoryStore[] s = pair(1000);
      var before = s[1].digest(KeyRange.all());
      AuditLog audit = AuditLog.inMemory();
      Reconciler rec = builder(s).mode(Mode.APPLY).auditLog(audit).build();
      rec.run("to-undo");
      ReconcileReport undo = rec.undo("to-undo");
      assertThat(undo.repairs().applied()).isEqualTo(3);
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
      assertThatThrownBy(() -> rec.undo("never-ran")).hasMessageContaining("holds no records of run never-ran");
    }
  }

  @Nested
  @DisplayName("detection")
  class Detection {

    @Test
    @DisplayName("rows read grow with the differences, not the table: at most 2 · d · leafRows")
    void readsFewRows() {
      MemoryStore[] s = pair(100_000);
      ReconcileReport r = builder(s).leafRows(64).fanOut(16).build().run();
      assertThat(r.divergences()).isEqualTo(3);
      assertThat(r.rowsRead()).isLessThanOrEqualTo(2L * 3 * 64);
      assertThat(r.storeStats().get("a").bytesRead()).isLessThan(100_000L);
    }

    @Test
    @DisplayName("three stores are compared in one run, each against the reference")
    void nWay() {
      MemoryStore[] s = pair(500);
      MemoryStore c = MemoryStore.create("c");
      try (var all = s[0].scan(KeyRange.all())) {
        c.putAll(all.toList());
      }
      c.remove(Key.of(7));
      ReconcileReport r = builder(s[0], s[1], c).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).build().run();
      assertThat(r.divergences()).isEqualTo(4);
      assertThat(c.digest(KeyRange.all())).isEqualTo(s[0].digest(KeyRange.all()));
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(s[0].digest(KeyRange.all()));
    }

    @Test
    @DisplayName("events report the run, every segment and every divergence")
    void events() {
      MemoryStore[] s = pair(1000);
      List<String> seen = new CopyOnWriteArrayList<>();
      ReconcileListener l =
          new ReconcileListener() {
            @Override
            public void runStarted(String runId, List<String> stores, int segments) {
              seen.add("started " + stores);
            }

            @Override
            public void segmentCompared(String runId, KeyRange segment, int divergences, Duration took) {
              seen.add("segment");
            }

            @Override
            public void divergenceFound(String runId, Divergence d) {
              seen.add("divergence " + d.key());
            }

            @Override
            public void repairApplied(String runId, ActionOutcome o) {
              seen.add("applied " + o.action().key());
            }

            @Override
            public void runFinished(ReconcileReport report) {
              seen.add("finished");
            }
          };
      ReconcileReport r = builder(s).segments(8).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).listener(l).build().run();
      assertThat(seen.get(0)).isEqualTo("started [a, b]");
      assertThat(seen.stream().filter("segment"::equals).count()).isEqualTo(r.segments());
      assertThat(seen).contains("divergence 500", "divergence 1005", "divergence 333", "applied 500", "finished");
    }

    @Test
    @DisplayName("a dry run announces every planned action with its decision, and writes nothing")
    void plannedEvents() {
      MemoryStore[] s = pair(1000);
      List<RepairAction> planned = new CopyOnWriteArrayList<>();
      List<String> decisions = new CopyOnWriteArrayList<>();
      ReconcileListener l =
          new ReconcileListener() {
            @Override
            public void repairPlanned(String runId, RepairAction action, String decision) {
              planned.add(action);
              decisions.add(decision);
            }
          };
      Digest before = s[1].digest(KeyRange.all());
      ReconcileReport r = builder(s).mode(Mode.DRY_RUN).listener(l).build().run();
      assertThat(planned).hasSize(r.plan().size()).isNotEmpty();
      assertThat(planned.stream().map(RepairAction::toString)).containsExactlyInAnyOrderElementsOf(r.plan());
      assertThat(decisions).allSatisfy(d -> assertThat(d).isNotBlank());
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
      builder(pair(1000)).listener(l).build().run();
      assertThat(planned).as("REPORT_ONLY plans nothing").hasSize(r.plan().size());
    }

    @Test
    @DisplayName("the report is JSON and a short summary")
    void report() throws Exception {
      ReconcileReport r = builder(pair(1000)).build().run("json");
      JsonNode j = new ObjectMapper().readTree(r.toJson());
      assertThat(j.get("runId").asText()).isEqualTo("json");
      assertThat(j.get("divergences").get("MISSING").asLong()).isEqualTo(1);
      assertThat(j.get("stores_served").get("a").get("rowsRead").asLong()).isPositive();
      assertThat(j.get("findings")).hasSize(3);
      assertThat(r.summary()).contains("run json (REPORT_ONLY) over a, b").contains("divergences: 3");
    }
  }

  @Nested
  @DisplayName("limits and safety")
  class Safety {

    @Test
    @DisplayName("above the divergence ratio the whole run escalates and repairs nothing")
    void ratio() {
      MemoryStore[] s = pair(20);
      var before = s[1].digest(KeyRange.all());
      ReconcileReport r =
          builder(s).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).limits(new Limits(100, 100, 0.05)).build().run();
      assertThat(r.escalation().orElseThrow()).contains("above the limit of 5.0%");
      assertThat(r.repairs().escalated()).isEqualTo(3);
      assertThat(r.repairs().applied()).isZero();
      assertThat(r.converged()).as("an escalated run left every divergence in place").isFalse();
      assertThat(r.summary()).doesNotContain("NOT CONVERGED");
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
    }

    @Test
    @DisplayName("repairs beyond the per-run limit are skipped and reported")
    void perRunLimit() {
      MemoryStore[] s = pair(1000);
      ReconcileReport r = builder(s).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).limits(new Limits(2, 100, 1)).build().run();
      assertThat(r.repairs().applied()).isEqualTo(2);
      assertThat(r.repairs().skipped()).isEqualTo(1);
      assertThat(r.decisions()).containsEntry("skip", 1L);
      assertThat(r.converged()).isFalse();
      assertThat(r.verification().rangesConverged()).isEqualTo(r.verification().rangesVerified());
    }

    @Test
    @DisplayName("an empty source of truth never causes deletes elsewhere")
    void emptySource() {
      MemoryStore empty = MemoryStore.create("a");
      MemoryStore full = MemoryStore.create("b");
      full.putAll(List.of(row(1, "x"), row(2, "y")));
      ReconcileReport r = builder(empty, full).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).limits(Limits.NONE).build().run();
      assertThat(r.repairs().applied()).isZero();
      assertThat(r.repairs().escalated()).isEqualTo(2);
      assertThat(r.findings()).allSatisfy(f -> assertThat(f.decision()).contains("store a is empty"));
      assertThat(full.size()).isEqualTo(2);
    }

    @Test
    @DisplayName("a read-only target is skipped, not written")
    void readOnly() {
      MemoryStore a = MemoryStore.create("a");
      MemoryStore b = MemoryStore.create("b", StoreOptions.newBuilder().readOnly(true).build());
      a.put(row(1, "x"));
      ReconcileReport r = builder(a, b).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).limits(Limits.NONE).build().run();
      assertThat(r.repairs().skipped()).isEqualTo(1);
      assertThat(b.size()).isZero();
    }

    @Test
    @DisplayName("a row written after detection is left alone and reported as refused")
    void concurrentWriter() {
      MemoryStore[] s = pair(1000);
      FaultyStore b = new FaultyStore(s[1]);
      b.concurrentWriter = batch -> s[1].put(row(333, "written meanwhile"));
      ReconcileReport r =
          Reconciler.newBuilder().stores(s[0], b).resolver(Resolvers.sourceOfTruth("a")).mode(Mode.APPLY)
              .auditLog(AuditLog.inMemory()).sleeper(d -> {}).build().run();
      assertThat(r.repairs().refused()).isEqualTo(1);
      assertThat(r.repairs().applied()).isEqualTo(2);
      assertThat(r.converged()).as("the refused key still differs").isFalse();
      assertThat(s[1].get(List.of(Key.of(333))).get(Key.of(333))).isEqualTo(row(333, "written meanwhile"));
    }

    @Test
    @DisplayName("transient failures are retried with exponential backoff and jitter")
    void retries() {
      MemoryStore[] s = pair(1000);
      FaultyStore b = new FaultyStore(s[1]);
      b.failBeforeWrite = 3;
      List<Duration> waits = new ArrayList<>();
      ReconcileReport r =
          builder(s[0]).store(b).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).sleeper(waits::add)
              .retry(new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(1), 3)).build().run();
      assertThat(r.repairs().applied()).isEqualTo(3);
      assertThat(waits).hasSize(3);
      assertThat(waits.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(waits.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(waits.get(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    @DisplayName("a store still unavailable after the last retry stops the run unfinished; the same id resumes it")
    void unavailableStopsTheRun() {
      MemoryStore[] s = pair(1000);
      var original = s[1].digest(KeyRange.all());
      FaultyStore b = new FaultyStore(s[1]);
      b.failBeforeWrite = 3;
      AuditLog audit = AuditLog.inMemory();
      Reconciler.Builder reconciler = builder(s[0]).store(b).mode(Mode.APPLY).auditLog(audit)
          .checkpoints(CheckpointStore.inMemory()).batchSize(1).retry(new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 3));
      assertThatThrownBy(() -> reconciler.build().run("r1"))
          .isInstanceOfSatisfying(ReconcileException.StoreUnavailableException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessage("store 'b' was still unavailable after 3 attempts at a batch of 1 actions:"
              + " injected: connection reset before the write");
      assertThat(audit.records("r1")).extracting(AuditRecord::type)
          .containsExactly(AuditRecord.Type.RUN_STARTED, AuditRecord.Type.INTENT);

      ReconcileReport r = reconciler.build().run("r1"); // the store is back
      assertThat(r.repairs().applied()).isEqualTo(3);
      assertThat(r.repairs().failed() + r.repairs().skipped()).isZero();
      assertThat(r.converged()).isTrue();
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(s[0].digest(KeyRange.all()));
      reconciler.build().undo("r1");
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(original);
    }

    @Test
    @DisplayName("a store that keeps failing opens its circuit; the rest is skipped, nothing half-written")
    void circuitBreaker() {
      MemoryStore[] s = pair(1000);
      MemoryStore broken = Mockito.spy(s[1]);
      Mockito.doThrow(new ReconcileException.StoreUnavailableException("disk full", false))
          .when(broken).apply(Mockito.<List<RepairAction>>any());
      var before = s[1].digest(KeyRange.all());
      ReconcileReport r =
          builder(s[0], broken).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).batchSize(1)
              .retry(new RetryPolicy(2, Duration.ZERO, Duration.ZERO, 2)).build().run();
      assertThat(r.repairs().failed()).isEqualTo(2);
      assertThat(r.repairs().skipped()).isEqualTo(1);
      assertThat(r.problems()).anySatisfy(p -> assertThat(p).contains("store 'b' failed a batch of 1 actions: disk full"));
      assertThat(s[1].digest(KeyRange.all())).isEqualTo(before);
    }

    @Test
    @DisplayName("the rate limit paces writes per store")
    void rateLimit() {
      MemoryStore[] s = pair(1000);
      List<Duration> waits = new ArrayList<>();
      java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.EPOCH, java.time.ZoneOffset.UTC);
      builder(s).mode(Mode.APPLY).auditLog(AuditLog.inMemory()).batchSize(1).rateLimit(2).clock(clock)
          .sleeper(waits::add).build().run();
      // three single-action batches at 2 per second on a frozen clock: the second waits 0.5 s, the third 1 s
      assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofMillis(1000));
    }

    @Test
    @DisplayName("bad configuration fails with what to do")
    void configuration() {
      assertThatThrownBy(() -> Reconciler.newBuilder().stores(MemoryStore.create("a")).build())
          .hasMessageContaining("needs at least two stores, but 1 were given");
      assertThatThrownBy(() -> Reconciler.newBuilder().stores(MemoryStore.create("a"), MemoryStore.create("a")))
          .hasMessageContaining("two stores are both called 'a'");
      assertThatThrownBy(() -> builder(pair(10)).build().run("no spaces allowed"))
          .hasMessageContaining("a run id is 1-128 letters");
      assertThatThrownBy(() -> new Limits(1, 1, 1.5)).hasMessageContaining("between 0 and 1, but was 1.5");
    }
  }
}
