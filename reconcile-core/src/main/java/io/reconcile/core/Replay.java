package io.reconcile.core;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.audit.AuditRecord;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The checks that come before acting again on what a run recorded — an undo, or a crashed run
 * carried on under its id: the audit chain is intact, the run's records are complete, and every
 * store is the one the run wrote to (by its {@linkplain Store#fingerprint() fingerprint}).
 * Messages hold store ids, fingerprint parts and action ids, never row values.
 */
final class Replay {

  private Replay() {}

  /** Each store's fingerprint by id, in the order given. */
  static Map<String, Map<String, String>> fingerprints(List<? extends Store> stores) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    for (Store s : stores) {
      out.put(s.id(), s.fingerprint());
    }
    return out;
  }

  /** Refuses an audit log whose chain does not verify. */
  static void checkChain(AuditLog log, String runId, String doing) {
    AuditLog.Verification v = log.verify();
    if (!v.intact()) {
      throw new ReconcileException.ConfigurationException(
          "refusing to " + doing + " run " + runId + ": the audit log does not verify (" + v.problem()
              + "); acting on it could write what someone edited — restore the log from a copy or repair the stores by hand");
    }
  }

  /**
   * Refuses the records of a run that are not the whole story: the first is not RUN_STARTED, there
   * is no RUN_FINISHED (the run crashed or is still running), or an INTENT was never settled by an
   * OUTCOME, FAILED or SKIPPED record.
   */
  static void checkComplete(List<AuditRecord> records, String runId) {
    if (records.get(0).type() != AuditRecord.Type.RUN_STARTED) {
      throw new ReconcileException.ConfigurationException(
          "refusing to undo run " + runId + ": its first audit record is " + records.get(0).type()
              + ", not RUN_STARTED, so the trail of the run is incomplete; check that the audit file is the whole log");
    }
    if (records.stream().noneMatch(x -> x.type() == AuditRecord.Type.RUN_FINISHED)) {
      throw new ReconcileException.ConfigurationException(
          "refusing to undo run " + runId + ": it has no RUN_FINISHED record, so it crashed or is still running;"
              + " resume it first by running it again with the same run id, then undo it");
    }
    List<RepairAction> open = unsettled(records);
    if (!open.isEmpty()) {
      throw new ReconcileException.ConfigurationException(
          "refusing to undo run " + runId + ": " + open.size() + " intended action(s) have no outcome (the first is "
              + open.get(0).id() + "), so the trail does not say what was written (records were removed, or an older"
              + " version wrote the log without settling a crashed attempt); check those rows by hand");
    }
  }

  /** The actions of INTENT records that no OUTCOME, FAILED or SKIPPED record settles, in order. */
  static List<RepairAction> unsettled(List<AuditRecord> records) {
    Set<String> settled = new HashSet<>();
    for (AuditRecord x : records) {
      if (x.action() != null
          && (x.type() == AuditRecord.Type.OUTCOME || x.type() == AuditRecord.Type.FAILED || x.type() == AuditRecord.Type.SKIPPED)) {
        settled.add(x.action().id());
      }
    }
    Map<String, RepairAction> open = new LinkedHashMap<>();
    for (AuditRecord x : records) {
      if (x.type() == AuditRecord.Type.INTENT && x.action() != null && !settled.contains(x.action().id())) {
        open.putIfAbsent(x.action().id(), x.action());
      }
    }
    return List.copyOf(open.values());
  }

  /**
   * Refuses any of {@code stores} whose fingerprint differs from the one the run's first
   * RUN_STARTED record holds for its id. A store the record does not name, or names with an empty
   * fingerprint (it could not tell), is matched by its id alone; so are all stores of a log written
   * before fingerprints were recorded. Every recorded part must be equal now; parts the store names
   * now but the record lacks (a newer store that tells more) are not compared.
   */
  static void checkFingerprints(List<AuditRecord> records, String runId, List<? extends Store> stores, String doing) {
    Map<String, Map<String, String>> recorded =
        records.stream().filter(x -> x.type() == AuditRecord.Type.RUN_STARTED).findFirst()
            .map(AuditRecord::fingerprints).orElse(Map.of());
    for (Store s : stores) {
      Map<String, String> then = recorded.getOrDefault(s.id(), Map.of());
      if (then.isEmpty()) {
        continue;
      }
      Map<String, String> now = s.fingerprint();
      for (Map.Entry<String, String> part : then.entrySet()) {
        String current = now.get(part.getKey());
        if (!Objects.equals(current, part.getValue())) {
          throw new ReconcileException.ConfigurationException(
              "refusing to " + doing + " run " + runId + ": store '" + s.id() + "' is not the one the run wrote to — "
                  + part.getKey() + " is " + (current == null ? "not known" : current) + ", the run wrote to "
                  + part.getValue() + "; give the store the run used");
        }
      }
    }
  }
}
