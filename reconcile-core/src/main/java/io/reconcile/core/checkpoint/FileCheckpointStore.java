package io.reconcile.core.checkpoint;

import io.reconcile.api.ReconcileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CheckpointStore} that keeps each run's state in its own file, {@code
 * <runId>.checkpoint}, in one directory, as the UTF-8 bytes of the state and nothing else.
 *
 * <p><b>Atomic saves.</b> {@link #save} writes the state to a new temporary file in the same
 * directory ({@code .<runId>.<random>.tmp}), forces it to the storage device, renames it over the
 * run's file with {@link StandardCopyOption#ATOMIC_MOVE}, and syncs the directory so the rename is
 * durable. A crash leaves the old file or the new one, and at worst a temporary file, which {@link
 * #load} never reads; such leftovers may be deleted whenever no save is running. The directory must
 * be on a file system that renames atomically (every local POSIX file system and NTFS do).
 *
 * <p><b>Case.</b> Run ids are case-sensitive, but on a case-insensitive file system (the default on
 * macOS and Windows) two ids that differ only in case share one file; give runs ids that differ in
 * more than case (the engine's generated ids do).
 *
 * <p>Thread-safe, and safe for several processes sharing the directory: every save has its own
 * temporary file. Costs: {@code load} reads one file; {@code save} writes the state once and forces
 * twice (file and directory); {@code delete} removes one file and forces the directory.
 */
public final class FileCheckpointStore implements CheckpointStore {

  private static final Logger LOG = LoggerFactory.getLogger(FileCheckpointStore.class);

  /** The name of a run's file is its id followed by this. */
  static final String SUFFIX = ".checkpoint";

  private final Path dir;

  private FileCheckpointStore(Path dir) {
    this.dir = dir;
  }

  /**
   * A store in the given directory, creating it (and its parents) if it does not exist. States
   * already saved there are found by {@link #load}.
   *
   * @param dir the directory; relative paths are resolved against the working directory
   * @return the store, never null
   * @throws ReconcileException.ConfigurationException if the path is not a writable directory
   * @throws ReconcileException if the directory cannot be created
   */
  public static FileCheckpointStore open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path abs = dir.toAbsolutePath();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new ReconcileException.ConfigurationException(
          "the checkpoint directory " + abs + " is a file, not a directory; give a directory path");
    }
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new ReconcileException("cannot create the checkpoint directory " + abs + ": " + e, e);
    }
    if (!Files.isWritable(abs)) {
      throw new ReconcileException.ConfigurationException(
          "the checkpoint directory "
              + abs
              + " is not writable by this process; grant write"
              + " access or choose another directory");
    }
    return new FileCheckpointStore(abs);
  }

  /** The absolute path of the directory that holds the checkpoints. */
  public Path directory() {
    return dir;
  }

  /**
   * {@inheritDoc}
   *
   * @throws ReconcileException if the file cannot be read, or holds bytes that are not UTF-8
   *     (something other than this store wrote or damaged it)
   */
  @Override
  public Optional<String> load(String runId) {
    Path file = fileOf(runId);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ReconcileException("cannot read the checkpoint " + file + ": " + e, e);
    }
    try {
      return Optional.of(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString());
    } catch (CharacterCodingException e) {
      throw new ReconcileException(
          "the checkpoint "
              + file
              + " is not UTF-8, so this store did not write it or it was damaged; delete it to"
              + " restart run "
              + runId
              + " from the beginning",
          e);
    }
  }

  @Override
  public void save(String runId, String state) {
    Path file = fileOf(runId);
    byte[] bytes = RunIds.utf8(state);
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, "." + runId + ".", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory();
    } catch (IOException e) {
      throw new ReconcileException(
          "cannot save the checkpoint of run "
              + runId
              + " in "
              + dir
              + ": "
              + e
              + "; the state saved before, if any, is unchanged",
          e);
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
    }
  }

  @Override
  public void delete(String runId) {
    Path file = fileOf(runId);
    try {
      if (Files.deleteIfExists(file)) {
        syncDirectory();
      }
    } catch (IOException e) {
      throw new ReconcileException("cannot delete the checkpoint " + file + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "FileCheckpointStore[" + dir + "]";
  }

  private Path fileOf(String runId) {
    return dir.resolve(RunIds.check(runId) + SUFFIX);
  }

  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory as a channel; the rename is as durable as it makes it.
      LOG.debug("could not sync directory {}: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path tmp) {
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException e) {
      // Already failing; a leftover temporary file is ignored by load.
    }
  }
}
