package io.reconcile.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every {@link CheckpointStore} must do; each implementation's test subclasses this. */
abstract class CheckpointStoreContract {

  protected abstract CheckpointStore store();

  @Test
  @DisplayName("a run that never saved has no state")
  void absent() {
    assertThat(store().load("run-1")).isEmpty();
  }

  @Test
  @DisplayName("load gives back exactly what save stored")
  void saveLoad() {
    CheckpointStore s = store();
    String state = "{\"segment\":17,\"note\":\"é 😀 \\u0000\",\"nul\":\"\0\"}\r\n  ";
    s.save("run-1", state);
    assertThat(s.load("run-1")).contains(state);
  }

  @Test
  @DisplayName("an empty state is a state")
  void emptyState() {
    CheckpointStore s = store();
    s.save("run-1", "");
    assertThat(s.load("run-1")).contains("");
  }

  @Test
  @DisplayName("a save replaces the state before, whether longer or shorter")
  void overwrite() {
    CheckpointStore s = store();
    s.save("run-1", "first, and rather long");
    s.save("run-1", "second");
    assertThat(s.load("run-1")).contains("second");
    s.save("run-1", "third, longer than the second");
    assertThat(s.load("run-1")).contains("third, longer than the second");
  }

  @Test
  @DisplayName("delete removes the state, and deleting an absent state does nothing")
  void delete() {
    CheckpointStore s = store();
    s.save("run-1", "state");
    s.delete("run-1");
    assertThat(s.load("run-1")).isEmpty();
    s.delete("run-1");
    s.delete("never-saved");
    assertThat(s.load("never-saved")).isEmpty();
    s.save("run-1", "again");
    assertThat(s.load("run-1")).contains("again");
  }

  @Test
  @DisplayName("runs are kept apart")
  void separateRuns() {
    CheckpointStore s = store();
    s.save("a", "state of a");
    s.save("b", "state of b");
    s.delete("a");
    assertThat(s.load("a")).isEmpty();
    assertThat(s.load("b")).contains("state of b");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "../x", "a/b", "a\\b", "a b", "é", "run:1", "x\0y", "a*"})
  @DisplayName("invalid run ids are refused by every method")
  void invalidIds(String runId) {
    CheckpointStore s = store();
    String rule =
        "a run id must be 1 to 128 characters from [A-Za-z0-9._-], and not \".\" or \"..\"";
    assertThatThrownBy(() -> s.save(runId, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(rule);
    assertThatThrownBy(() -> s.load(runId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(rule);
    assertThatThrownBy(() -> s.delete(runId))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(rule);
  }

  @Test
  @DisplayName("run ids of 128 characters are the longest taken")
  void idLength() {
    CheckpointStore s = store();
    String longest = "a.b_c-D9".repeat(16);
    assertThat(longest).hasSize(128);
    s.save(longest, "ok");
    assertThat(s.load(longest)).contains("ok");
    assertThatThrownBy(() -> s.save(longest + "x", "no"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("(129 characters)");
  }

  @Test
  @DisplayName("a state that is not valid Unicode is refused, and the state before kept")
  void unpairedSurrogate() {
    CheckpointStore s = store();
    s.save("run-1", "good");
    assertThatThrownBy(() -> s.save("run-1", "bad \uD800"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired surrogate");
    assertThat(s.load("run-1")).contains("good");
  }

  @Test
  @DisplayName("concurrent saves of different runs all land")
  void concurrentRuns() throws Exception {
    CheckpointStore s = store();
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String run = "run-" + t;
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 20; i++) {
                    s.save(run, run + " step " + i);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    for (int t = 0; t < threads; t++) {
      assertThat(s.load("run-" + t)).contains("run-" + t + " step 19");
    }
  }
}
