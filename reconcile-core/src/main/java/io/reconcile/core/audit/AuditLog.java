package io.reconcile.core.audit;

import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The audit trail of repairs: an append-only, hash-chained sequence of {@link AuditRecord}s. The
 * engine appends an {@link AuditRecord.Type#INTENT INTENT} before it writes to a store and an
 * {@link AuditRecord.Type#OUTCOME OUTCOME} after, so that every repair can be explained and undone;
 * an action that was never written gets a {@link AuditRecord.Type#FAILED FAILED} or {@link
 * AuditRecord.Type#SKIPPED SKIPPED} record instead of its outcome. Undo acts only on a log whose
 * chain {@linkplain #verify() verifies}.
 *
 * <p><b>The chain.</b> Every record is kept as one line of JSON that also holds its position
 * ({@code seq}, from 1), the hash of the line before ({@code prev}; 64 zeros for the first) and its
 * own {@code hash}: the lowercase hex SHA-256 of {@code prev} followed by the canonical JSON of the
 * line without {@code hash}. {@link #verify()} recomputes every hash and link, so a record that was
 * changed, removed or moved is found and named by its line. The chain detects accidents and casual
 * edits; it is not a signature: someone who rewrites a line and every line after it, or removes
 * lines from the end, is not detected.
 *
 * <p><b>Contents.</b> Records hold store ids, never URIs or credentials, but they do hold the data
 * of repaired entries (to make undo possible), so an audit log is as sensitive as the stores it
 * describes. Implementations never log record contents.
 *
 * <p><b>Thread-safety.</b> Implementations are thread-safe: appends from many threads are
 * serialised and each is complete and in the chain before the next begins. Reads and verification
 * may run concurrently with appends and see at least every record whose append returned before they
 * began.
 *
 * <p>Implementations: {@link FileAuditLog} (JSON lines in a file, durable), {@link #inMemory()}
 * (for tests and dry runs), and {@link #over(Lines)} for lines kept in any other storage.
 */
public interface AuditLog extends AutoCloseable {

  /**
   * An empty log held in this JVM's memory, chained and verified exactly like a {@link
   * FileAuditLog}, and lost with the JVM. Thread-safe; memory grows with every record.
   *
   * @return a new, empty, open log
   */
  static AuditLog inMemory() {
    return over(new MemoryLines());
  }

  /**
   * A log whose lines are kept by {@code lines}: chained, written, read and verified exactly as a
   * {@link FileAuditLog} does, so that its lines are the very lines a file log writes for the same
   * records and a problem is found and worded alike, whatever the storage.
   *
   * <p>The lines already stored are read once, now, and the chain continues after the last of them
   * (the next {@code seq}, linking to its {@code hash}); the others are not checked ({@link
   * #verify()} does that). When the last line is not an audit log line, the log still opens, so that
   * {@link #verify()} can say where the damage starts, but every {@link #append} is refused with a
   * message saying why.
   *
   * <p>The log owns {@code lines}: its {@link #close()} closes them, once; so does this method when
   * it throws. Appends are serialised by the log; reads and verification run beside them.
   *
   * <p>Cost: one {@link Lines#read()} of every stored line, keeping only the last.
   *
   * @param lines where the lines are kept
   * @return an open log
   * @throws io.reconcile.api.ReconcileException if the stored lines cannot be read
   */
  static AuditLog over(Lines lines) {
    return LinesAuditLog.over(lines);
  }

  /**
   * Appends a record at the end of the chain. When this method returns, the record is durable (for
   * a file log: written and forced to the storage device) and ordered after every record whose
   * append returned before this one was called. If it throws, the record was not appended and the
   * log is unchanged.
   *
   * <p>Cost: one serialisation and one SHA-256 of the record, plus (for a file log) one write and
   * one {@code fsync}; appends from concurrent threads wait for each other.
   *
   * @param record the record to append
   * @throws IllegalStateException if the log is closed
   * @throws IllegalArgumentException if the record cannot be written as JSON (values nested about
   *     500 levels deep)
   * @throws io.reconcile.api.ReconcileException if the storage failed; the message says why
   */
  void append(AuditRecord record);

  /**
   * The records of one run, in the order they were appended.
   *
   * <p>Cost: reads and parses the whole log (a file log streams it, so memory grows only with the
   * records returned). Records appended while this runs may or may not be included.
   *
   * @param runId the run whose records to return
   * @return an unmodifiable list, empty if the run has no records; never null
   * @throws IllegalStateException if the log is closed
   * @throws io.reconcile.api.ReconcileException if the log cannot be read or holds a line that is
   *     not a record; {@link #verify()} then says where it is damaged
   */
  List<AuditRecord> records(String runId);

  /**
   * Checks the whole chain: every line parses into a record, its hash matches its content, its
   * {@code prev} matches the line before, its {@code seq} matches its position, and the last line
   * is complete (ends in a newline). Stops at the first problem.
   *
   * <p>Cost: reads, parses and hashes every record; it does not block appends, and covers at least
   * the records whose append returned before it was called.
   *
   * @return whether the chain is intact and, if not, its first problem; never null
   * @throws IllegalStateException if the log is closed
   * @throws io.reconcile.api.ReconcileException if the log cannot be read at all
   */
  Verification verify();

  /**
   * Closes the log; for a file log, releases the file. Later calls to other methods throw {@link
   * IllegalStateException}; closing again does nothing.
   *
   * @throws io.reconcile.api.ReconcileException if the file could not be closed cleanly (records
   *     whose append returned are durable regardless)
   */
  @Override
  void close();

  /**
   * Where a log made by {@link #over(Lines)} keeps its lines: storage that appends a line durably
   * and reads the lines back in order. Everything else — the chain, the JSON, hashing, parsing and
   * verification — is the log's, so an implementation never sees a record, only lines.
   *
   * <p>A line is one audit log line without a terminator: JSON text holding no line break and no
   * unescaped surrogate, so it survives UTF-8 and back unchanged. Lines hold the data of repaired
   * entries: implementations never log them.
   *
   * <p>Its {@code toString()} completes "the audit log …" in the log's messages by saying where the
   * lines are, for example {@code in Kafka topic 'audit'}; it never holds a secret.
   *
   * <p><b>Threads.</b> The log calls {@link #append} from one thread at a time and never
   * concurrently with {@link #close()}; {@link #read()} may be called from any thread, concurrently
   * with an append and with other reads.
   */
  interface Lines extends AutoCloseable {

    /**
     * Stores a line after every line stored so far. When this returns, the line is durable and every
     * later {@link #read()} returns it. If this throws, the line is not stored, now or later:
     * storage that cannot tell whether a failed append stored its line must throw, and refuse every
     * later append (saying how to go on), so that the chain is never continued from the wrong line.
     *
     * @param line one complete line, without a terminator
     * @throws io.reconcile.api.ReconcileException if the line was not stored; the message says why
     */
    void append(String line);

    /**
     * The stored lines in the order they were appended, from the first: at least every line whose
     * append returned before this call, each one whole. The caller closes the stream; it may be
     * consumed lazily, and read storage as it goes.
     *
     * @return an ordered, sequential stream, to be closed by the caller
     * @throws io.reconcile.api.ReconcileException if the lines cannot be read, from this call or
     *     while the stream is consumed
     */
    Stream<String> read();

    /**
     * Releases the storage; the lines stay stored. Called once, by the log.
     *
     * @throws io.reconcile.api.ReconcileException if it could not be released cleanly
     */
    @Override
    void close();
  }

  /**
   * The result of {@link #verify()}.
   *
   * @param intact whether every line checked out
   * @param records how many records verified, in order from the first, before the first problem
   *     (all of them when intact)
   * @param problem null when intact; otherwise the first problem, naming its 1-based line and
   *     saying what it means, such as {@code "line 17: hash does not match its content (the record
   *     was changed)"} or {@code "line 9: previous-hash does not match line 8 (a record was removed
   *     or reordered)"}
   */
  record Verification(boolean intact, long records, @Nullable String problem) {

    /**
     * @throws IllegalArgumentException if {@code records} is negative, or if {@code intact} and
     *     {@code problem} disagree (a problem is given exactly when the log is not intact)
     */
    public Verification {
      if (records < 0) {
        throw new IllegalArgumentException("records must be at least 0, but was " + records);
      }
      if (intact != (problem == null)) {
        throw new IllegalArgumentException(
            intact
                ? "an intact log has no problem, but one was given: " + problem
                : "a log that is not intact needs a problem saying why, but none was given");
      }
    }
  }
}
