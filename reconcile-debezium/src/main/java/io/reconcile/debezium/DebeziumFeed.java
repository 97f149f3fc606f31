package io.reconcile.debezium;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.spi.OffsetCommitPolicy;
import io.reconcile.api.Key;
import io.reconcile.api.Redaction;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.debezium.internal.SeededOffsetStore;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.jspecify.annotations.Nullable;

/**
 * One open {@link PostgresChangeFeed}: Debezium's engine runs on a thread of its own and hands each
 * batch of change events to {@link #handleBatch}, which puts them in a bounded buffer (blocking
 * while it is full: the engine then stops reading the slot); {@link #poll} drains the buffer.
 *
 * <p>The engine is told a change is processed ({@code markProcessed}) only when {@link #commit}
 * names a position at or after it, so Debezium flushes to the slot only what the caller recorded;
 * until then the last event of each delivered batch is kept, to be marked on commit.
 */
final class DebeziumFeed implements ChangeFeed {

  /** The most changes one poll returns. */
  private static final int MAX_BATCH = 4096;

  private static final AtomicInteger ENGINES = new AtomicInteger();

  /** How long {@code open} waits for a slot in use to be released before it gives up. */
  private static final Duration SLOT_RELEASE = Duration.ofSeconds(10);

  private final PostgresChangeFeed source;
  private final KeyReader keys;
  private final String engineName;
  private final long runStartLsn;
  private final Set<String> secrets;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();
  private final ArrayDeque<Event> buffer = new ArrayDeque<>();
  /** Batch positions delivered but not committed, oldest first, with the event to mark processed. */
  private final Deque<Delivered> delivered = new ArrayDeque<>();

  private @Nullable String initialGap;
  private FeedPosition position;
  private @Nullable String lastKeyShape;
  private @Nullable String failure;
  private @Nullable Throwable failureCause;
  private boolean closed;

  private volatile DebeziumEngine.@Nullable RecordCommitter<RecordChangeEvent<SourceRecord>> committer;
  private @Nullable DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private @Nullable ExecutorService thread;

  /** What the engine handed over: keys, or a gap, at an offset. */
  private record Event(
      List<Change> changes,
      @Nullable String gap,
      Map<String, Object> offset,
      @Nullable String keyShape,
      RecordChangeEvent<SourceRecord> record) {}

  private record Delivered(String token, RecordChangeEvent<SourceRecord> record) {}

  /** How long a close asks a starting engine to stop before it stops the engine's thread instead. */
  private static final Duration START_WAIT = Duration.ofSeconds(10);

  private DebeziumFeed(PostgresChangeFeed source, long runStartLsn, @Nullable String initialGap,
      FeedPosition position, @Nullable String keyShape) {
    this.source = source;
    this.keys = new KeyReader(source.keyNames(), source.keyTypes());
    this.engineName = "reconcile-" + source.slotName() + "-" + ENGINES.incrementAndGet();
    this.runStartLsn = runStartLsn;
    this.initialGap = initialGap;
    this.position = position;
    this.lastKeyShape = keyShape;
    this.secrets = source.password().isEmpty() ? Set.of() : Set.of(source.password());
  }

  static DebeziumFeed open(PostgresChangeFeed source, Optional<FeedPosition> after) {
    Position resumed = null;
    String gap = null;
    if (after.isPresent()) {
      try {
        resumed = Position.parse(after.get());
      } catch (IllegalArgumentException e) {
        gap = "the position to resume after is not one of this feed's (" + e.getMessage() + ")";
      }
      if (resumed != null && !(resumed.database().equals(source.database()) && resumed.slot().equals(source.slotName())
          && resumed.table().equals(source.table()))) {
        gap = "the position to resume after is of table " + resumed.table() + ", slot " + resumed.slot() + " in database "
            + resumed.database() + ", not of this feed's";
        resumed = null;
      }
    }
    long start;
    try (Replication db = Replication.connect(source)) {
      Optional<Replication.Slot> slot = db.slot(source.slotName());
      // a feed of this slot closed just now: its server process may take a moment to let the slot go
      long until = System.nanoTime() + SLOT_RELEASE.toNanos();
      while (slot.isPresent() && slot.get().active() && System.nanoTime() < until) {
        Thread.sleep(50);
        slot = db.slot(source.slotName());
      }
      if (slot.isPresent()) {
        checkSlot(source, slot.get());
        if (resumed != null && slot.get().confirmedFlushLsn() > resumed.resumeLsn()) {
          gap = "replication slot " + source.slotName() + " has confirmed up to LSN " + lsn(slot.get().confirmedFlushLsn())
              + ", past the position's " + lsn(resumed.resumeLsn()) + ": the changes between them are gone (the slot"
              + " was dropped and created again, or advanced by another reader)";
          resumed = null;
        }
      } else {
        if (resumed != null) {
          gap = "replication slot " + source.slotName() + " does not exist any more (dropped?): the changes since the"
              + " position are gone; a new slot starts now";
          resumed = null;
        }
        db.createSlot(source.slotName());
      }
      Optional<Boolean> published = db.publicationHas(source.publicationName(), source.schemaName(), source.tableName());
      if (published.isEmpty()) {
        db.createPublication(source.publicationName(), source.schemaName(), source.tableName());
      } else if (!published.get()) {
        throw new ReconcileException.ConfigurationException("publication " + source.publicationName() + " exists but"
            + " does not publish " + source.table() + "; add the table to it (ALTER PUBLICATION … ADD TABLE) or give"
            + " the feed a publication of its own");
      }
      start = db.slot(source.slotName()).map(Replication.Slot::confirmedFlushLsn).orElse(0L);
    } catch (SQLException e) {
      throw unavailable(source, "could not prepare the replication slot", e, true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReconcileException.StoreUnavailableException("interrupted while opening the change feed of "
          + source.where(), true);
    }
    FeedPosition first = resumed != null && resumed.offset() != null ? after.orElseThrow()
        : new Position(source.database(), source.slotName(), source.table(), start, null, null).toFeedPosition();
    DebeziumFeed feed = new DebeziumFeed(source, start, gap, first, resumed == null ? null : resumed.keyShape());
    feed.start(resumed == null ? null : resumed.offset());
    return feed;
  }

  private static void checkSlot(PostgresChangeFeed source, Replication.Slot slot) {
    if (!"pgoutput".equals(slot.plugin()) || !source.database().equals(slot.database())) {
      throw new ReconcileException.ConfigurationException("replication slot " + source.slotName() + " belongs to"
          + " database " + slot.database() + " with plugin " + slot.plugin() + ", not to " + source.database()
          + " with pgoutput; give the feed another slot name (watcherId or slotName)");
    }
    if (slot.active()) {
      throw new ReconcileException.StoreUnavailableException("replication slot " + source.slotName() + " is in use by"
          + " another reader; close the other feed of " + source.table() + " (one open feed per slot)", true);
    }
  }

  private void start(@Nullable Map<String, Object> offset) {
    Properties props = new Properties();
    // Debezium hands over a batch every poll.interval.ms (500 by default) unless it fills up: a watch
    // that waits for small batches detects that much later. A connectorProperty overrides it.
    props.setProperty("poll.interval.ms", "50");
    props.putAll(source.connectorProperties());
    String topicPrefix = "reconcile_" + source.slotName();
    props.setProperty("name", engineName);
    props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    props.setProperty("offset.storage", SeededOffsetStore.class.getName());
    props.setProperty("offset.flush.interval.ms", "0");
    props.setProperty("topic.prefix", topicPrefix);
    props.setProperty("database.hostname", source.host());
    props.setProperty("database.port", Integer.toString(source.port()));
    props.setProperty("database.user", source.user());
    props.setProperty("database.password", source.password());
    props.setProperty("database.dbname", source.database());
    props.setProperty("plugin.name", "pgoutput");
    props.setProperty("slot.name", source.slotName());
    props.setProperty("slot.drop.on.stop", "false");
    props.setProperty("publication.name", source.publicationName());
    props.setProperty("publication.autocreate.mode", "disabled");
    props.setProperty("snapshot.mode", "no_data");
    String table = source.schemaName() + "\\." + source.tableName();
    props.setProperty("table.include.list", table);
    props.setProperty("message.key.columns", table + ":" + String.join(",", source.keyNames()));
    props.setProperty("column.propagate.source.type",
        source.keyNames().stream().map(k -> table + "\\." + k).collect(Collectors.joining(",")));
    props.setProperty("decimal.handling.mode", "string");
    props.setProperty("binary.handling.mode", "bytes");
    props.setProperty("tombstones.on.delete", "false");
    props.setProperty("skipped.operations", "none");
    props.setProperty("provide.transaction.metadata", "false");
    props.setProperty("errors.max.retries", "0");
    props.setProperty("lsn.flush.mode", "connector");
    if (offset != null) {
      SeededOffsetStore.seed(engineName, serialised(engineName, Map.of("server", topicPrefix), offset));
    }
    DebeziumEngine<RecordChangeEvent<SourceRecord>> e = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
        .using(props)
        .using(OffsetCommitPolicy.always())
        .using(this::completed)
        .notifying(this::handleBatch)
        .build();
    engine = e;
    ExecutorService t = Executors.newSingleThreadExecutor(r -> {
      Thread th = new Thread(r, "reconcile-debezium-" + source.slotName());
      th.setDaemon(true);
      return th;
    });
    thread = t;
    t.execute(e);
  }

  /** The offset as Kafka Connect's offset reader asks for it: both key and value in schemaless JSON. */
  private static Map<ByteBuffer, ByteBuffer> serialised(String namespace, Map<String, Object> partition,
      Map<String, Object> offset) {
    try (JsonConverter keys = new JsonConverter(); JsonConverter values = new JsonConverter()) {
      keys.configure(Map.of("schemas.enable", "false"), true);
      values.configure(Map.of("schemas.enable", "false"), false);
      byte[] key = keys.fromConnectData(namespace, null, Arrays.asList(namespace, partition));
      byte[] value = values.fromConnectData(namespace, null, offset);
      return Map.of(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
    }
  }

  /** On the engine's thread: each record becomes an event in the buffer, waiting while it is full. */
  private void handleBatch(List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer) throws InterruptedException {
    this.committer = committer;
    for (RecordChangeEvent<SourceRecord> r : records) {
      Event e = event(r);
      lock.lockInterruptibly();
      try {
        while (buffer.size() >= source.queueCapacity() && !closed) {
          notFull.await();
        }
        if (closed) {
          return;
        }
        buffer.add(e);
        notEmpty.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private Event event(RecordChangeEvent<SourceRecord> r) {
    SourceRecord rec = r.record();
    @SuppressWarnings("unchecked")
    Map<String, Object> offset = new LinkedHashMap<>((Map<String, Object>) rec.sourceOffset());
    Struct value = rec.value() instanceof Struct s ? s : null;
    Instant committedAt = commitTime(value);
    if (value != null && value.schema().field("op") != null && "t".equals(value.getString("op"))) {
      return new Event(List.of(), "table " + source.table() + " was truncated", offset, lastKeyShape, r);
    }
    if (!(rec.key() instanceof Struct key) || value == null || value.schema().field("op") == null) {
      return new Event(List.of(), null, offset, lastKeyShape, r); // not a row change (a heartbeat): only the position moves
    }
    String shape = shape(value);
    String gap = null;
    if (shape != null && lastKeyShape != null && !lastKeyShape.equals(shape)) {
      gap = "the key columns of table " + source.table() + " changed (from " + lastKeyShape + " to " + shape + ")";
    }
    if (shape != null) {
      lastKeyShape = shape;
    }
    org.apache.kafka.connect.data.Schema row = rowSchema(value);
    List<Change> changes = new ArrayList<>(2);
    try {
      Key k = keys.read(key, row);
      changes.add(new Change(k, committedAt));
      Struct before = value != null && value.schema().field("before") != null ? value.getStruct("before") : null;
      if (before != null) {
        try {
          Key old = keys.read(before, row);
          if (!old.equals(k)) {
            changes.add(new Change(old, committedAt)); // the key itself changed
          }
        } catch (IllegalArgumentException | org.apache.kafka.connect.errors.DataException ignored) {
          // the old row carries only the replica identity: the record's key is the key
        }
      }
    } catch (IllegalArgumentException e) {
      return new Event(List.of(), "a change of table " + source.table() + " has a key the feed cannot read: "
          + e.getMessage(), offset, lastKeyShape, r);
    }
    return new Event(changes, gap, offset, lastKeyShape, r);
  }

  private static @Nullable Instant commitTime(@Nullable Struct value) {
    if (value == null || value.schema().field("source") == null) {
      return null;
    }
    Struct src = value.getStruct("source");
    if (src == null || src.schema().field("ts_ms") == null) {
      return null;
    }
    Object ms = src.get("ts_ms");
    return ms instanceof Long l ? Instant.ofEpochMilli(l) : null;
  }

  /**
   * The key columns and their types as the change's row describes them (its {@code after}, else its
   * {@code before}: Debezium propagates the columns' source types to those, not to the key): a
   * change of it is a schema change. Null when the row says nothing of them.
   */
  private @Nullable String shape(@Nullable Struct value) {
    org.apache.kafka.connect.data.Schema row = rowSchema(value);
    if (row == null) {
      return null;
    }
    List<String> parts = new ArrayList<>();
    for (String name : source.keyNames()) {
      org.apache.kafka.connect.data.Field f = KeyReader.field(row, name);
      parts.add(f == null ? name + " missing" : f.name() + " " + f.schema().type()
          + Optional.ofNullable(f.schema().parameters()).map(p -> p.get(KeyReader.SOURCE_TYPE)).map(t -> " " + t).orElse(""));
    }
    return String.join(", ", parts);
  }

  private static org.apache.kafka.connect.data.@Nullable Schema rowSchema(@Nullable Struct value) {
    if (value == null) {
      return null;
    }
    for (String side : List.of("after", "before")) {
      org.apache.kafka.connect.data.Field f = value.schema().field(side);
      if (f != null && f.schema().type() == org.apache.kafka.connect.data.Schema.Type.STRUCT) {
        return f.schema();
      }
    }
    return null;
  }

  private void completed(boolean success, String message, @Nullable Throwable error) {
    lock.lock();
    try {
      if (!closed && failure == null) {
        failure = Redaction.scrub(error != null && error.getMessage() != null ? message + ": " + rootMessage(error) : message,
            secrets);
        failureCause = error == null ? null : redacted(error);
      }
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t.getMessage()) : t.getMessage() + " (" + root.getMessage() + ")";
  }

  @Override
  public ChangeBatch poll(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
    List<Change> changes = new ArrayList<>();
    lock.lockInterruptibly();
    try {
      checkOpen();
      String gap = initialGap;
      initialGap = null;
      long left;
      while (buffer.isEmpty() && !closed && failure == null && (left = deadline - System.nanoTime()) > 0) {
        notEmpty.awaitNanos(left);
      }
      checkOpen();
      Event last = null;
      for (int n = 0; n < MAX_BATCH && !buffer.isEmpty(); n++) {
        Event e = buffer.poll();
        if (e.gap() != null) {
          changes.clear(); // everything may be dirty: what came before the gap says nothing more
          gap = e.gap();
        }
        changes.addAll(e.changes());
        last = e;
      }
      notFull.signalAll();
      if (last != null) {
        position = new Position(source.database(), source.slotName(), source.table(), resumeLsn(last.offset()),
            last.offset(), last.keyShape()).toFeedPosition();
        delivered.add(new Delivered(position.token(), last.record()));
      }
      return new ChangeBatch(changes, position, gap);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The LSN the slot must not pass for every change after this offset to come again: where Debezium
   * resumes (the last completely processed LSN), or the slot's position when this run started if
   * that is later (PostgreSQL then streams from the slot's position, which loses nothing).
   */
  private long resumeLsn(Map<String, Object> offset) {
    Object proc = offset.get("lsn_proc");
    Object lsn = proc instanceof Long ? proc : offset.get("lsn");
    return Math.max(lsn instanceof Long l ? l : 0L, runStartLsn);
  }

  private void checkOpen() {
    if (closed) {
      throw new ReconcileException.StoreUnavailableException("the change feed of " + source.where()
          + " was closed; open it again after the last committed position to resume", false);
    }
    if (failure != null) {
      throw new ReconcileException.StoreUnavailableException("the change feed of " + source.where() + " failed: "
          + failure + "; open it again after the last committed position to resume", true, failureCause);
    }
  }

  @Override
  public void commit(FeedPosition committed) {
    RecordChangeEvent<SourceRecord> mark = null;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      int at = -1;
      int i = 0;
      for (Delivered d : delivered) {
        if (d.token().equals(committed.token())) {
          at = i;
        }
        i++;
      }
      for (int n = 0; n <= at; n++) {
        mark = delivered.poll().record();
      }
    } finally {
      lock.unlock();
    }
    DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> c = committer;
    if (mark == null || c == null) {
      return; // already committed, or the position of a feed that delivered nothing yet
    }
    try {
      synchronized (this) { // the committer is not thread-safe
        c.markProcessed(mark);
        c.markBatchFinished();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ReconcileException.StoreUnavailableException("interrupted while committing the change feed of "
          + source.where() + "; commit the position again", true);
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      notEmpty.signalAll();
      notFull.signalAll();
    } finally {
      lock.unlock();
    }
    SeededOffsetStore.forget(engineName);
    boolean stopped = engine == null;
    try {
      if (engine != null) {
        closeEngine(engine);
        stopped = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | IllegalStateException e) {
      // the engine's own shutdown failed; its thread is stopped below
    } finally {
      if (thread != null) {
        if (stopped) {
          thread.shutdown();
        } else {
          thread.shutdownNow(); // interrupts the engine where it waits
        }
        try {
          if (!thread.awaitTermination(START_WAIT.toSeconds(), TimeUnit.SECONDS)) {
            thread.shutdownNow();
          }
        } catch (InterruptedException e) {
          thread.shutdownNow();
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /**
   * Stops the engine. It refuses to while its task is starting ({@link IllegalStateException}) and
   * gives no signal when that ends: ask again shortly until it agrees, at most {@link #START_WAIT};
   * then its thread is stopped instead.
   */
  private void closeEngine(DebeziumEngine<?> e) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + START_WAIT.toNanos();
    while (true) {
      try {
        e.close();
        return;
      } catch (IllegalStateException starting) {
        if (System.nanoTime() > deadline) {
          throw starting;
        }
        Thread.sleep(50); // the engine gives no signal for the end of its start; ask again shortly
      }
    }
  }

  private static ReconcileException.StoreUnavailableException unavailable(PostgresChangeFeed source, String what,
      SQLException e, boolean isTransient) {
    Set<String> secrets = source.password().isEmpty() ? Set.of() : Set.of(source.password());
    return new ReconcileException.StoreUnavailableException(what + " for the change feed of " + source.where() + ": "
        + Redaction.scrub(String.valueOf(e.getMessage()), secrets) + " (SQLState " + e.getSQLState()
        + "); check that the server runs with wal_level=logical and that the role has the REPLICATION attribute",
        isTransient, redactedWith(e, secrets));
  }

  private Throwable redacted(Throwable t) {
    return redactedWith(t, secrets);
  }

  /**
   * A copy of {@code t} and its causes whose messages have the secrets masked: the same classes'
   * names, messages and stack traces, as plain exceptions (the original ones could quote a password).
   */
  static Throwable redactedWith(Throwable t, Set<String> secrets) {
    Throwable cause = t.getCause() == null || t.getCause() == t ? null : redactedWith(t.getCause(), secrets);
    String message = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + Redaction.scrub(t.getMessage(), secrets));
    RuntimeException copy = new RuntimeException(message, cause);
    copy.setStackTrace(t.getStackTrace());
    return copy;
  }

  private static String lsn(long lsn) {
    return org.postgresql.replication.LogSequenceNumber.valueOf(lsn).asString();
  }
}
