package io.reconcile.core.checkpoint;

import java.util.Optional;

/**
 * Where runs keep their checkpoints: for each run id, the last state the run saved, so that a run
 * restarted after a crash resumes from it and finishes with the same result as an uninterrupted
 * one. The state is an opaque string (the engine stores JSON); the store neither reads nor changes
 * it.
 *
 * <p><b>Run ids</b> are 1 to 128 characters from {@code [A-Za-z0-9._-]}, other than {@code .} and
 * {@code ..}; every method rejects any other id with an {@link IllegalArgumentException} that says
 * so. Ids are case-sensitive.
 *
 * <p><b>Atomicity.</b> {@link #save} replaces the state of a run as a whole: after a crash at any
 * moment, {@link #load} returns either the state saved before or the new one, never a mixture, and
 * once {@code save} has returned, the new one.
 *
 * <p>Implementations are thread-safe. Calls for different run ids do not interfere; concurrent
 * saves of one run id leave one of the states, whole. No method accepts or returns null.
 *
 * <p>Implementations: {@link FileCheckpointStore} (one file per run in a directory, durable) and
 * {@link #inMemory()}.
 */
public interface CheckpointStore {

  /**
   * A store held in this JVM's memory and lost with it, for tests and runs that need not survive a
   * crash. Validates run ids like every store. Thread-safe; every method costs O(1) plus the length
   * of the id.
   *
   * @return a new, empty store
   */
  static CheckpointStore inMemory() {
    return new MemoryCheckpointStore();
  }

  /**
   * The state last saved for a run.
   *
   * @param runId the run
   * @return the state, or empty if none was saved or it was deleted
   * @throws IllegalArgumentException if the run id is not valid
   * @throws io.reconcile.api.ReconcileException if the state cannot be read
   */
  Optional<String> load(String runId);

  /**
   * Saves the state of a run, replacing any state saved before, atomically and durably: when this
   * method returns, {@link #load} gives {@code state} even after a crash; if it throws or the
   * process dies during it, {@code load} gives the state before or {@code state}.
   *
   * @param runId the run
   * @param state the state, any text that is valid Unicode (no unpaired surrogates)
   * @throws IllegalArgumentException if the run id is not valid, or the state holds an unpaired
   *     surrogate (it could not be stored faithfully)
   * @throws io.reconcile.api.ReconcileException if the state cannot be written
   */
  void save(String runId, String state);

  /**
   * Deletes the state of a run, if there is one; deleting an absent state does nothing. Durable
   * when it returns.
   *
   * @param runId the run
   * @throws IllegalArgumentException if the run id is not valid
   * @throws io.reconcile.api.ReconcileException if the state cannot be deleted
   */
  void delete(String runId);
}
