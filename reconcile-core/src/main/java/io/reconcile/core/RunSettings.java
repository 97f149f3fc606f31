package io.reconcile.core;

import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Resolver;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.checkpoint.CheckpointStore;
import java.time.Clock;
import java.util.List;

/**
 * Everything a run is configured with, as {@link Reconciler.Builder} left it: immutable, shared by
 * every stage of every run of one reconciler. Stages read this, never the builder.
 *
 * @param stores the stores, reference first
 * @param resolver decides divergences
 * @param checkers checkers run besides digest bisection
 * @param mode what a run may do
 * @param limits the blast-radius guards
 * @param segments top-level segments to plan, or 0 to size them from the reference's rows
 * @param fanOut parts a differing range is split into
 * @param leafRows ranges of at most this many rows are compared row by row
 * @param parallelism ranges detected at once
 * @param batchSize actions per write batch
 * @param retry retries of transient write failures
 * @param actionsPerSecond write pacing per store, 0 for none
 * @param auditLog where writes are recorded
 * @param checkpoints where progress is kept
 * @param listener hears the run
 * @param clock stamps divergences and records
 * @param seed seeds run ids and retry jitter
 * @param sleeper waits between retries
 * @param faults crash points for simulations
 * @param guardedWrites whether stores without compare-and-set may be written, guarded by a re-read
 */
record RunSettings(
    List<Store> stores,
    Resolver resolver,
    List<Checker> checkers,
    Mode mode,
    Limits limits,
    int segments,
    int fanOut,
    int leafRows,
    int parallelism,
    int batchSize,
    RetryPolicy retry,
    double actionsPerSecond,
    AuditLog auditLog,
    CheckpointStore checkpoints,
    ReconcileListener listener,
    Clock clock,
    long seed,
    Sleeper sleeper,
    Faults faults,
    boolean guardedWrites) {

  RunSettings {
    stores = List.copyOf(stores);
    checkers = List.copyOf(checkers);
  }

  /** These settings with another listener (a watch hears each cycle's run besides its host). */
  RunSettings withListener(ReconcileListener other) {
    return new RunSettings(stores, resolver, checkers, mode, limits, segments, fanOut, leafRows, parallelism, batchSize,
        retry, actionsPerSecond, auditLog, checkpoints, other, clock, seed, sleeper, faults, guardedWrites);
  }
}
