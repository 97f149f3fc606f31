package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reverses a run from its audit records, newest action first, through the same executor as a run:
 * it proves the trail and the stores first (chain, completeness, fingerprints), then checks every
 * reversal against its target — the store is among the reconciler's, writable, conditional (or
 * guarded writes were accepted), and can hold the values — before the first write, and writes in
 * batches with the run's retries. Audited under the id {@code RUNID-undo}.
 */
final class Undo {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final RunSettings s;
  private final String runId;

  Undo(RunSettings settings, String runId) {
    this.s = settings;
    this.runId = runId;
  }

  ReconcileReport run() throws InterruptedException {
    Instant started = s.clock().instant();
    // The chain first: a record someone edited must be refused as such, not fail to be read.
    Replay.checkChain(s.auditLog(), runId, "undo");
    List<AuditRecord> records = s.auditLog().records(runId);
    if (records.isEmpty()) {
      throw new ReconcileException.ConfigurationException(
          "the audit log holds no records of run " + runId + "; check the run id and the audit file");
    }
    Replay.checkComplete(records, runId);
    Replay.checkFingerprints(records, runId, s.stores(), "undo");
    List<RepairAction> reversals = reversals(records);
    Map<String, Store> byId = new LinkedHashMap<>();
    s.stores().forEach(x -> byId.put(x.id(), x));
    check(reversals, byId);

    String undoId = runId + "-undo";
    s.auditLog().append(new AuditRecord(undoId, AuditRecord.Type.UNDO_STARTED, s.clock().instant(), null, null, null, null,
        null, "undoing " + runId, null, Replay.fingerprints(s.stores())));
    Counts counts = new Counts();
    counts.decisions.put("undo", (long) reversals.size());
    reversals.forEach(a -> counts.planLine(a.toString()));
    RepairExecutor executor = new RepairExecutor(s.retry(), s.actionsPerSecond(), s.clock(), s.sleeper(), new Random(s.seed() ^ undoId.hashCode()));
    Trail trail = new Trail(undoId, Mode.APPLY, s.auditLog(), new ReconcileListener() {}, s.clock());
    new Writer(undoId, s, byId, counts, trail, executor).writeAll(batches(reversals), "undo " + runId);
    s.auditLog().append(new AuditRecord(undoId, AuditRecord.Type.UNDO_FINISHED, s.clock().instant(), null, null, null, null, null,
        "undone " + counts.applied + ", already undone " + counts.alreadyApplied + ", refused " + counts.refused
            + ", failed " + counts.failed));
    log.info("[{}] undo of {}: {} reversed, {} already reversed, {} refused, {} failed", undoId, runId, counts.applied,
        counts.alreadyApplied, counts.refused, counts.failed);
    return ReconcileReport.of(undoId, Mode.APPLY, s.stores().stream().map(Store::id).toList(), started, s.clock().instant(),
        Map.of(), Map.of(), counts);
  }

  /**
   * What reverses each action the run applied, newest first: for an update or delete whose outcome
   * recorded the whole stored row, a restore of that row; otherwise the action's inverse. Each is
   * conditional on the run's result still being in place.
   */
  private static List<RepairAction> reversals(List<AuditRecord> records) {
    Map<String, RepairAction> intended = new LinkedHashMap<>();
    Set<String> written = new HashSet<>();
    Set<String> notWritten = new HashSet<>();
    Map<String, Map<String, Value>> foundRows = new HashMap<>();
    for (AuditRecord rec : records) {
      if (rec.action() == null) {
        continue;
      }
      String id = rec.action().id();
      switch (rec.type()) {
        case INTENT -> intended.putIfAbsent(id, rec.action());
        // ALREADY_APPLIED within the run means an earlier attempt of this run wrote it (a lost
        // reply, a resumed crash): detection had seen it missing. A FAILED batch may have written
        // nothing, but its reversal is kept: conditional, it finds the original in place.
        case OUTCOME -> {
          if (rec.status() == ActionOutcome.Status.REFUSED) {
            notWritten.add(id);
          } else {
            written.add(id);
            if (rec.foundRow() != null) {
              foundRows.put(id, rec.foundRow());
            }
          }
        }
        case SKIPPED -> notWritten.add(id);
        default -> {}
      }
    }
    List<RepairAction> out = new ArrayList<>();
    for (RepairAction a : intended.values()) {
      // An attempt that wrote it outweighs one that refused or skipped it (a resumed run).
      if (written.contains(a.id()) || !notWritten.contains(a.id())) {
        out.add(0, reversal(a, foundRows.get(a.id())));
      }
    }
    return out;
  }

  private static RepairAction reversal(RepairAction applied, @Nullable Map<String, Value> foundRow) {
    Entry before = applied.expected().entry();
    if (before == null || foundRow == null) {
      return applied.inverse();
    }
    Entry result = applied.result();
    return RepairAction.restore(applied.target(), before, foundRow, result == null ? Expected.absent() : Expected.present(result));
  }

  /** Refuses the undo, before its first write, when any reversal could not be carried out as recorded. */
  private void check(List<RepairAction> reversals, Map<String, Store> byId) {
    for (RepairAction a : reversals) {
      Store target = byId.get(a.target());
      if (target == null) {
        throw new ReconcileException.ConfigurationException(
            "run " + runId + " wrote to store '" + a.target() + "', which this reconciler does not have; add it with stores(...)");
      }
      if (!target.capabilities().contains(Capability.WRITE)) {
        throw new ReconcileException.ConfigurationException(
            "refusing to undo run " + runId + ": store '" + a.target() + "' is read-only and the undo writes to it; open it writable");
      }
      if (!target.capabilities().contains(Capability.COMPARE_AND_SET) && !s.guardedWrites()) {
        throw new ReconcileException.ConfigurationException(
            "refusing to undo run " + runId + ": store '" + a.target() + "' cannot write conditionally (no COMPARE_AND_SET);"
                + " accept writes guarded by a re-read with Reconciler.Builder.guardedWrites()");
      }
      Optional<String> why = target.unwritable(a);
      if (why.isPresent()) {
        throw new ReconcileException.ConfigurationException(
            "refusing to undo run " + runId + ": store '" + a.target() + "' could not hold the reversal of action " + a.id()
                + " (" + why.get() + "); nothing was written");
      }
    }
  }

  /** Consecutive reversals of one target, at most a batch each, in order. */
  private List<List<RepairAction>> batches(List<RepairAction> reversals) {
    List<List<RepairAction>> out = new ArrayList<>();
    List<RepairAction> batch = new ArrayList<>();
    Set<Key> keys = new HashSet<>();
    for (RepairAction a : reversals) {
      // A key reversed twice (a run that wrote it twice) waits for the next batch, which sees the first.
      if (!batch.isEmpty() && (!batch.get(0).target().equals(a.target()) || batch.size() == s.batchSize() || keys.contains(a.key()))) {
        out.add(batch);
        batch = new ArrayList<>();
        keys.clear();
      }
      batch.add(a);
      keys.add(a.key());
    }
    if (!batch.isEmpty()) {
      out.add(batch);
    }
    return out;
  }
}
