package io.reconcile.core.checkpoint;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** A {@link CheckpointStore} in a concurrent map. Thread-safe. */
final class MemoryCheckpointStore implements CheckpointStore {

  private final ConcurrentMap<String, String> states = new ConcurrentHashMap<>();

  @Override
  public Optional<String> load(String runId) {
    return Optional.ofNullable(states.get(RunIds.check(runId)));
  }

  @Override
  public void save(String runId, String state) {
    RunIds.check(runId);
    RunIds.utf8(state); // the same states as the file store, no more
    states.put(runId, Objects.requireNonNull(state, "state"));
  }

  @Override
  public void delete(String runId) {
    states.remove(RunIds.check(runId));
  }

  @Override
  public String toString() {
    return "in-memory checkpoint store";
  }
}
