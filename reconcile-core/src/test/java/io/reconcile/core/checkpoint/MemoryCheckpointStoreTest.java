package io.reconcile.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MemoryCheckpointStoreTest extends CheckpointStoreContract {

  private final CheckpointStore store = CheckpointStore.inMemory();

  @Override
  protected CheckpointStore store() {
    return store;
  }

  @Test
  void eachInMemoryStoreIsItsOwn() {
    store.save("run", "mine");
    assertThat(CheckpointStore.inMemory().load("run")).isEmpty();
  }
}
