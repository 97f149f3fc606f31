package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.checkpoint.CheckpointStore;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Continuous reconciliation over memory stores, cycle by cycle on a manual clock. */
class WatchTest {

  private static final Duration SETTLE = Duration.ofSeconds(5);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-12-01T00:00:00Z"));
  private final CheckpointStore checkpoints = CheckpointStore.inMemory();
  private final List<Key> reported = new ArrayList<>();
  private MemoryStore primary;
  private MemoryStore replica;

  @BeforeEach
  void stores() {
    primary = MemoryStore.create("primary");
    replica = MemoryStore.create("replica");
    for (int i = 0; i < 1_000; i++) {
      primary.put(row(i, "v"));
      replica.put(row(i, "v"));
    }
  }

  private static Entry row(int id, String v) {
    return Entry.of(Key.of(id), Map.of("v", v));
  }

  private Reconciler.Builder reconciler() {
    return Reconciler.newBuilder().stores(primary, replica).clock(clock).seed(7).checkpoints(checkpoints)
        .listener(new ReconcileListener() {
          @Override
          public void divergenceFound(String runId, Divergence d) {
            reported.add(d.key());
          }
        });
  }

  private Watcher watcher(Reconciler r) {
    return r.watcher(WatchOptions.newBuilder().settle(SETTLE).leafRows(16).spotChecks(0).build());
  }

  private void tick(Watcher w, Duration d) throws InterruptedException {
    clock.advance(d);
    w.cycle();
  }

  @Test
  void aFirstStartSweepsThenChecksOnlyWhatChanged() throws InterruptedException {
    Watcher w = watcher(reconciler().build());
    w.cycle();
    WatchReport first = w.report();
    assertThat(first.sweeps()).isEqualTo(1);
    assertThat(first.leaves()).isGreaterThan(30);
    assertThat(first.rowsChecked()).isEqualTo(2_000);

    primary.put(row(5, "changed"));
    replica.put(row(5, "changed"));
    tick(w, Duration.ofSeconds(1));
    WatchReport second = w.report();
    assertThat(second.leavesChecked() - first.leavesChecked()).isEqualTo(1);
    assertThat(second.rowsChecked() - first.rowsChecked()).isLessThan(100);
    assertThat(second.divergences()).isZero();
    w.close();
  }

  @Test
  void driftIsReportedOnceAfterTheSettleWindowAndNotBefore() throws InterruptedException {
    Watcher w = watcher(reconciler().build());
    w.cycle();
    replica.put(row(42, "drifted"));
    tick(w, Duration.ofSeconds(1));
    assertThat(reported).isEmpty();
    assertThat(w.report().settling()).isEqualTo(1);
    for (int i = 0; i < 4; i++) {
      tick(w, Duration.ofSeconds(1));
    }
    assertThat(reported).isEmpty();
    tick(w, Duration.ofSeconds(1));
    assertThat(reported).containsExactly(Key.of(42));
    for (int i = 0; i < 10; i++) {
      tick(w, Duration.ofSeconds(1));
    }
    WatchReport r = w.report();
    assertThat(reported).containsExactly(Key.of(42));
    assertThat(r.divergences()).isEqualTo(1);
    assertThat(r.timeToDetect().samples()).isEqualTo(1);
    assertThat(r.timeToDetect().max()).isBetween(SETTLE, SETTLE.plusSeconds(2));
    w.close();
  }

  @Test
  void replicationLagShorterThanTheWindowSettlesAndIsNeverReported() throws InterruptedException {
    Watcher w = watcher(reconciler().build());
    w.cycle();
    primary.put(row(7, "new"));
    tick(w, Duration.ofSeconds(1));
    tick(w, Duration.ofSeconds(1));
    replica.put(row(7, "new")); // arrives 2 s later
    for (int i = 0; i < 8; i++) {
      tick(w, Duration.ofSeconds(1));
    }
    assertThat(reported).isEmpty();
    assertThat(w.report().settled()).isEqualTo(1);
    assertThat(w.report().settling()).isZero();
    w.close();
  }

  @Test
  void applyRepairsDriftAndTheStoresConverge() throws InterruptedException {
    Watcher w = watcher(reconciler().mode(Mode.APPLY).resolver(Resolvers.sourceOfTruth("primary"))
        .auditLog(AuditLog.inMemory()).build());
    w.cycle();
    replica.remove(Key.of(3));
    replica.put(row(4, "drifted"));
    replica.put(row(5_000, "extra"));
    for (int i = 0; i < 8; i++) {
      tick(w, Duration.ofSeconds(1));
    }
    assertThat(w.report().repairs().applied()).isEqualTo(3);
    assertThat(replica.digest(io.reconcile.api.KeyRange.all())).isEqualTo(primary.digest(io.reconcile.api.KeyRange.all()));
    w.close();
  }

  @Test
  void aCleanRestartResumesFromTheFeedsWithoutASweep() throws InterruptedException {
    Reconciler r = reconciler().build();
    Watcher w = watcher(r);
    w.cycle();
    w.close();
    replica.put(row(9, "while stopped"));
    Watcher again = watcher(r);
    tick(again, Duration.ofSeconds(1));
    assertThat(again.report().sweeps()).isEqualTo(1);
    assertThat(again.report().settling()).isEqualTo(1);
    for (int i = 0; i < 6; i++) {
      tick(again, Duration.ofSeconds(1));
    }
    assertThat(reported).containsExactly(Key.of(9));
    again.close();
  }

  @Test
  void anUncleanShutdownOrAGapSweepsEverything() throws InterruptedException {
    Reconciler r = reconciler().build();
    Watcher w = watcher(r);
    w.cycle();
    w.abandon(); // a crash: the state stays open
    Watcher again = watcher(r);
    tick(again, Duration.ofSeconds(1));
    assertThat(again.report().sweeps()).isEqualTo(2);
    again.close();

    Watcher gapped = r.watcher(WatchOptions.newBuilder().settle(SETTLE).leafRows(16).spotChecks(0)
        .feed("replica", after -> new GapOnce(replica.changes(after))).build());
    tick(gapped, Duration.ofSeconds(1));
    assertThat(gapped.report().gaps()).isEqualTo(1);
    assertThat(gapped.report().sweeps()).isEqualTo(3);
    gapped.close();
  }

  @Test
  void spotChecksFindChangesAFeedNeverReported() throws InterruptedException {
    Reconciler r = reconciler().build();
    Watcher w = r.watcher(WatchOptions.newBuilder().settle(Duration.ZERO).leafRows(16).spotChecks(8)
        .feed("replica", after -> new Silent(replica.changes(after))).build());
    w.cycle();
    replica.put(row(100, "unannounced"));
    for (int i = 0; i < 200 && reported.isEmpty(); i++) {
      tick(w, Duration.ofSeconds(1));
    }
    assertThat(reported).containsExactly(Key.of(100));
    for (int i = 0; i < 3; i++) {
      tick(w, Duration.ofSeconds(1)); // the feed could still have told of it
    }
    assertThat(w.report().unreportedChanges()).isEqualTo(1);
    w.close();
  }

  @Test
  void aStateOfOtherStoresIsRefused() {
    watcher(reconciler().build()).close();
    MemoryStore other = MemoryStore.create("other");
    Reconciler r = Reconciler.newBuilder().stores(primary, other).checkpoints(checkpoints).build();
    assertThatThrownBy(() -> r.watcher(WatchOptions.defaults()))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("belongs to stores [primary, replica]");
  }

  /** Reports one gap first, then passes the feed through. */
  private static final class GapOnce implements ChangeFeed {
    private final ChangeFeed inner;
    private boolean told;

    GapOnce(ChangeFeed inner) {
      this.inner = inner;
    }

    @Override
    public ChangeBatch poll(Duration timeout) throws InterruptedException {
      ChangeBatch b = inner.poll(timeout);
      if (!told) {
        told = true;
        return ChangeBatch.gap("simulated: history lost", b.changes(), b.position());
      }
      return b;
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  /** Drops every change: a feed that silently loses events. */
  private static final class Silent implements ChangeFeed {
    private final ChangeFeed inner;

    Silent(ChangeFeed inner) {
      this.inner = inner;
    }

    @Override
    public ChangeBatch poll(Duration timeout) throws InterruptedException {
      return ChangeBatch.of(List.of(), inner.poll(timeout).position());
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
