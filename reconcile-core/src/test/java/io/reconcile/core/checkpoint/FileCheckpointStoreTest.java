package io.reconcile.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTest extends CheckpointStoreContract {

  @TempDir Path root;

  private Path dir;
  private FileCheckpointStore store;

  @BeforeEach
  void open() {
    dir = root.resolve("checkpoints");
    store = FileCheckpointStore.open(dir);
  }

  @Override
  protected CheckpointStore store() {
    return store;
  }

  private List<String> fileNames() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  @DisplayName(
      "open creates the directory, and the state is the UTF-8 content of <runId>.checkpoint")
  void layout() throws IOException {
    assertThat(store.directory()).isEqualTo(dir.toAbsolutePath());
    assertThat(dir).isDirectory();
    store.save("run-1", "{\"at\":\"é\"}");
    assertThat(fileNames()).containsExactly("run-1.checkpoint");
    assertThat(Files.readAllBytes(dir.resolve("run-1.checkpoint")))
        .isEqualTo("{\"at\":\"é\"}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("states survive the store: a store opened later on the directory loads them")
  void durableAcrossInstances() {
    store.save("run-1", "saved");
    assertThat(FileCheckpointStore.open(dir).load("run-1")).contains("saved");
  }

  @Test
  @DisplayName("saves leave no temporary files behind")
  void noLeftovers() throws IOException {
    for (int i = 0; i < 5; i++) {
      store.save("run-1", "state " + i);
    }
    store.save("run-2", "x");
    store.delete("run-2");
    assertThat(fileNames()).containsExactly("run-1.checkpoint");
  }

  @Test
  @DisplayName(
      "a temporary file left by a crash before the rename leaves the state before in place")
  void crashBeforeRename() throws IOException {
    store.save("run-1", "old state");
    // What a save that died after writing its temporary file but before renaming it leaves.
    Files.writeString(dir.resolve(".run-1.8071334589823.tmp"), "new state, never renamed");
    Files.writeString(dir.resolve(".run-2.42.tmp"), "{\"half\":"); // a run that never saved
    assertThat(store.load("run-1")).contains("old state");
    assertThat(store.load("run-2")).isEmpty();
    store.save("run-1", "next state");
    assertThat(store.load("run-1")).contains("next state");
    assertThat(FileCheckpointStore.open(dir).load("run-1")).contains("next state");
  }

  @Test
  @DisplayName("a file that is not UTF-8 is reported as damaged, naming the file")
  void damaged() throws IOException {
    Files.write(dir.resolve("run-1.checkpoint"), new byte[] {'{', (byte) 0xC3, '}'});
    assertThatThrownBy(() -> store.load("run-1"))
        .isInstanceOf(ReconcileException.class)
        .hasMessageContaining("run-1.checkpoint")
        .hasMessageContaining("is not UTF-8");
  }

  @Test
  @DisplayName("open refuses a path that is a file")
  void notADirectory() throws IOException {
    Path file = Files.writeString(root.resolve("plain-file"), "x");
    assertThatThrownBy(() -> FileCheckpointStore.open(file))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessageContaining("is a file, not a directory");
  }

  @Test
  @DisplayName("run ids cannot reach outside the directory")
  void staysInside() throws IOException {
    assertThatThrownBy(() -> store.save("..", "x")).isInstanceOf(IllegalArgumentException.class);
    store.save("..x", "fine: just a name");
    assertThat(fileNames()).containsExactly("..x.checkpoint");
    try (Stream<Path> files = Files.list(root)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("checkpoints");
    }
  }
}
