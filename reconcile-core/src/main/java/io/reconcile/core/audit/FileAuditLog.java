package io.reconcile.core.audit;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.ReconcileException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link AuditLog} kept in a file of JSON lines: UTF-8, one JSON object per line, each line
 * ended by {@code \n}, only ever appended to. Each line holds {@code seq}, {@code prev} and {@code
 * hash} (see {@link AuditLog} for the chain), then the record as {@link AuditJson#toJson(
 * AuditRecord)} writes it, for example:
 *
 * <pre>{@code
 * {"seq":1,"prev":"0000…0000","hash":"9f2c…","runId":"r1","type":"RUN_STARTED","time":"2024-02-29T12:00:00Z","note":"mem:a -> mem:b"}
 * }</pre>
 *
 * <p>Surrogate code units in text are written as JSON unicode escapes (backslash, {@code u}, four
 * hex digits), so every text survives, even one with an unpaired surrogate; everything else is
 * plain UTF-8.
 *
 * <p><b>Durability.</b> {@link #append} writes the line through a {@link FileChannel} opened in
 * append mode and forces it to the storage device before it returns. {@link #open} creates the file
 * (and its parent directories) if needed, and syncs the directory so the new file survives a crash.
 * A crash during an append can leave an incomplete last line; that append never returned, so nobody
 * relied on it, and the next {@link #open} removes the incomplete line (logging a warning with its
 * length, never its content) and continues the chain from the last complete line.
 *
 * <p><b>One writer.</b> The file is locked ({@link FileChannel#tryLock()}) while open: a second
 * {@code open} of the same file, in this JVM or another process, fails. Share one instance instead;
 * it is thread-safe. {@link #verify(Path)} checks a file without opening it for writing.
 *
 * <p><b>Interrupts.</b> An interrupted thread may append: the interrupt status is set aside during
 * the write and restored after, so it does not close the file under other threads.
 */
public final class FileAuditLog implements AuditLog {

  private static final Logger LOG = LoggerFactory.getLogger(FileAuditLog.class);

  private final Path file;
  private final Object lock = new Object();
  private final Chain chain; // guarded by lock
  private FileChannel channel; // guarded by lock
  private @Nullable String broken; // guarded by lock: why appends are refused, after a failed undo

  /** Bytes of complete, durable lines; readers look no further, so they never see a half line. */
  private volatile long size;

  private volatile boolean closed;

  private FileAuditLog(Path file, FileChannel channel, Chain chain, long size) {
    this.file = file;
    this.channel = channel;
    this.chain = chain;
    this.size = size;
  }

  /**
   * Opens the audit log in {@code file} for appending, creating the file and its parent directories
   * if they do not exist. An existing log is continued: the next record links to its last line,
   * with the next sequence number. An incomplete last line, left by a crash during an append, is
   * removed first (see the class description). The rest of the file is not checked; call {@link
   * #verify()} for that.
   *
   * <p>Cost: reads only the end of an existing file.
   *
   * @param file where the log is; relative paths are resolved against the working directory
   * @return the open log, holding the file's lock until {@link #close()}
   * @throws ReconcileException if the file or its directory cannot be created or opened, if it is
   *     already open (in this JVM or another process), or if its last line is not an audit log line
   *     (the message says how to go on)
   */
  public static FileAuditLog open(Path file) {
    Objects.requireNonNull(file, "file");
    Path path = file.toAbsolutePath();
    Path dir = Objects.requireNonNull(path.getParent(), "a file path has a parent directory");
    FileChannel ch = null;
    try {
      Files.createDirectories(dir);
      boolean existed = Files.exists(path);
      ch = openForAppend(path);
      if (!existed) {
        syncDirectory(dir);
      }
      long size = removeIncompleteLastLine(ch, path);
      Chain chain = size == 0 ? new Chain() : continueAfterLastLine(path, size);
      return new FileAuditLog(path, ch, chain, size);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new ReconcileException(
          "cannot open the audit log "
              + path
              + ": "
              + e
              + "; check that the path is a writable file",
          e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  /**
   * Checks the chain of an audit log file without opening it for writing and without taking its
   * lock: the same checks as {@link #verify()}. Meant for a log that nobody is appending to (a
   * copy, an archived log, a log that fails to {@link #open}); on a log being appended to, a line
   * being written at that moment may be reported as incomplete.
   *
   * <p>Cost: reads, parses and hashes the whole file, streaming it.
   *
   * @param file the audit log file
   * @return whether the chain is intact and, if not, its first problem; never null
   * @throws ReconcileException if the file does not exist or cannot be read
   */
  public static Verification verify(Path file) {
    return verify(file.toAbsolutePath(), Long.MAX_VALUE);
  }

  /** The absolute path of the log file. */
  public Path file() {
    return file;
  }

  /**
   * {@inheritDoc}
   *
   * <p>The line is written with one append-mode write and forced with {@link
   * FileChannel#force(boolean) force(false)} (the data and the file length). If the write or the
   * force fails, the file is cut back to where it was and the failure is thrown; if even that
   * fails, later appends are refused until the log is reopened (which removes a partial line).
   */
  @Override
  public void append(AuditRecord record) {
    Objects.requireNonNull(record, "record");
    synchronized (lock) {
      checkOpen();
      if (broken != null) {
        throw new ReconcileException(broken);
      }
      Chain.Link link = chain.next(record);
      // Chain escaped every surrogate, so the line encodes to UTF-8 without loss.
      byte[] bytes = (link.line() + "\n").getBytes(UTF_8);
      // An interrupt during channel I/O closes the channel for every thread; set it aside.
      boolean interrupted = Thread.interrupted();
      try {
        write(bytes);
        chain.advance(link);
        size += bytes.length;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void write(byte[] bytes) {
    long before = size;
    try {
      ByteBuffer buf = ByteBuffer.wrap(bytes);
      while (buf.hasRemaining()) {
        channel.write(buf);
      }
      channel.force(false);
    } catch (IOException e) {
      String undone = cutBackTo(before);
      throw new ReconcileException(
          "could not append to the audit log "
              + file
              + ": "
              + e
              + "; the record was not appended"
              + undone,
          e);
    }
  }

  /** After a failed write: removes what part of the line may have reached the file. */
  private String cutBackTo(long length) {
    try {
      if (!channel.isOpen()) {
        // Closed under us (an interrupt that came during the write): reopen and relock.
        channel = openForAppend(file);
      }
      channel.truncate(length);
      channel.force(true);
      return "";
    } catch (IOException | RuntimeException e) {
      broken =
          "the audit log "
              + file
              + " refuses appends: an earlier append failed and its partial line could not be"
              + " removed ("
              + e
              + "); close and reopen the log, which removes it";
      return "; " + broken;
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Streams the file up to the last complete append; lines appended after this call began are
   * not read.
   */
  @Override
  public List<AuditRecord> records(String runId) {
    Objects.requireNonNull(runId, "runId");
    checkOpen();
    List<AuditRecord> out = new ArrayList<>();
    try (LineReader lines = new LineReader(Files.newInputStream(file), size)) {
      for (Line line = lines.next(); line != null; line = lines.next()) {
        if (!line.terminated()) {
          throw damaged(line.number(), "is incomplete (the file was truncated)", null);
        }
        try {
          ObjectNode node = Chain.parse(line.text());
          JsonNode id = node.get("runId");
          if (id != null && id.isTextual() && id.textValue().equals(runId)) {
            out.add(Chain.record(node));
          }
        } catch (IllegalArgumentException e) {
          throw damaged(line.number(), e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new ReconcileException("cannot read the audit log " + file + ": " + e, e);
    }
    return List.copyOf(out);
  }

  private ReconcileException damaged(long line, String what, @Nullable Exception cause) {
    String message =
        "the audit log "
            + file
            + " is damaged: line "
            + line
            + " "
            + what
            + "; verify() says where the damage starts";
    return cause == null ? new ReconcileException(message) : new ReconcileException(message, cause);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the file from the start up to the end of the last append that returned before this
   * call, so a concurrent append is neither waited for nor reported as incomplete; a file cut
   * shorter than that is reported.
   */
  @Override
  public Verification verify() {
    checkOpen();
    return verify(file, size);
  }

  private static Verification verify(Path file, long limit) {
    Chain.Verifier verifier = new Chain.Verifier();
    try (LineReader lines = new LineReader(Files.newInputStream(file), limit)) {
      for (Line line = lines.next(); line != null; line = lines.next()) {
        if (!verifier.accept(line.text(), line.terminated())) {
          break;
        }
      }
    } catch (NoSuchFileException e) {
      throw new ReconcileException("there is no audit log at " + file + " (" + e + ")", e);
    } catch (IOException e) {
      throw new ReconcileException("cannot read the audit log " + file + ": " + e, e);
    }
    return verifier.result();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Closes the file, which releases its lock.
   */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      try {
        channel.close();
      } catch (IOException e) {
        throw new ReconcileException("could not close the audit log " + file + ": " + e, e);
      }
    }
  }

  @Override
  public String toString() {
    return "FileAuditLog[" + file + "]";
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the audit log " + file + " is closed");
    }
  }

  // ------------------------------------------------------------------------------ file helpers

  /** Opens for appending and takes the exclusive lock, or fails saying who holds it. */
  private static FileChannel openForAppend(Path path) throws IOException {
    FileChannel ch =
        FileChannel.open(
            path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    FileLock fileLock;
    try {
      fileLock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      fileLock = null;
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
    if (fileLock == null) {
      closeQuietly(ch);
      throw new ReconcileException(
          "the audit log "
              + path
              + " is already open, in this JVM or another process; an audit log has one writer:"
              + " share the open FileAuditLog (it is thread-safe), or close it first");
    }
    return ch;
  }

  /**
   * Removes a last line that has no newline (a crash cut its append short).
   *
   * @return the length of the file after it
   */
  private static long removeIncompleteLastLine(FileChannel ch, Path path) throws IOException {
    long length = ch.size();
    if (length == 0) {
      return 0;
    }
    try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
      if (byteAt(in, length - 1) == '\n') {
        return length;
      }
      long start = lineStart(in, length - 1);
      ch.truncate(start);
      ch.force(true);
      LOG.warn(
          "audit log {}: removed an incomplete last line of {} bytes, left by an append that a"
              + " crash cut short; that append never returned, so no acknowledged record was lost",
          path,
          length - start);
      return start;
    }
  }

  private static Chain continueAfterLastLine(Path path, long length) throws IOException {
    String last;
    try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
      long start = lineStart(in, length - 1);
      ByteBuffer buf = ByteBuffer.allocate(Math.toIntExact(length - 1 - start));
      while (buf.hasRemaining()) {
        if (in.read(buf, start + buf.position()) < 0) {
          throw new IOException("the file became shorter while it was read");
        }
      }
      last = new String(buf.array(), UTF_8);
    }
    try {
      return Chain.after(last);
    } catch (IllegalArgumentException e) {
      throw new ReconcileException(
          "cannot continue the audit log "
              + path
              + ": its last line "
              + e.getMessage()
              + ", so it is not an audit log line; FileAuditLog.verify(path) says where the damage"
              + " starts; move the file aside to start a new log",
          e);
    }
  }

  private static byte byteAt(FileChannel in, long position) throws IOException {
    ByteBuffer one = ByteBuffer.allocate(1);
    if (in.read(one, position) != 1) {
      throw new IOException("the file became shorter while it was read");
    }
    return one.get(0);
  }

  /** Where the line holding the byte before {@code end} starts: just after the previous newline. */
  private static long lineStart(FileChannel in, long end) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(8192);
    long to = end;
    while (to > 0) {
      long from = Math.max(0, to - buf.capacity());
      buf.clear().limit((int) (to - from));
      while (buf.hasRemaining()) {
        if (in.read(buf, from + buf.position()) < 0) {
          throw new IOException("the file became shorter while it was read");
        }
      }
      for (int i = (int) (to - from) - 1; i >= 0; i--) {
        if (buf.get(i) == '\n') {
          return from + i + 1;
        }
      }
      to = from;
    }
    return 0;
  }

  /** Makes a new directory entry durable; platforms that cannot sync a directory are skipped. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Windows cannot open a directory as a channel; the entry is as durable as it makes it.
      LOG.debug("could not sync directory {}: {}", dir, e.toString());
    }
  }

  private static void closeQuietly(@Nullable FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException e) {
        // Already failing; the first error is the one to report.
      }
    }
  }

  /** One line of the file, without its newline. */
  private record Line(long number, String text, boolean terminated) {}

  /** Splits a stream into lines at {@code \n}, reading no more than a limit. */
  private static final class LineReader implements Closeable {
    private final InputStream in;
    private final byte[] buf = new byte[64 * 1024];
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long remaining;
    private int pos;
    private int end;
    private long number;

    LineReader(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    /** The next line, or null at the end; a last line without a newline is not terminated. */
    @Nullable Line next() throws IOException {
      line.reset();
      while (pos < end || fill()) {
        int i = pos;
        while (i < end && buf[i] != '\n') {
          i++;
        }
        line.write(buf, pos, i - pos);
        if (i < end) {
          pos = i + 1;
          return new Line(++number, line.toString(UTF_8), true);
        }
        pos = end;
      }
      return line.size() == 0 ? null : new Line(++number, line.toString(UTF_8), false);
    }

    private boolean fill() throws IOException {
      if (remaining <= 0) {
        return false;
      }
      int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
      if (n <= 0) {
        return false;
      }
      remaining -= n;
      pos = 0;
      end = n;
      return true;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
