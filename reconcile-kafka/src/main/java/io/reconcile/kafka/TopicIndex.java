package io.reconcile.kafka;

import io.reconcile.api.KeyRange;
import io.reconcile.api.RowHash;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Snapshot;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * The local, sorted index of one topic as one store reads it, in a RocksDB database of its own:
 * each live key (by its order-preserving {@link io.reconcile.api.Key#encode() encoding}) to the
 * newest record that holds it — partition, offset, the row hash of the store's view of it, the
 * record key as found, the value bytes (a value the store cannot read is not indexed) — and, apart, the index's identity and the offset each
 * partition has been read up to. A tombstone removes its key.
 *
 * <p>Writes come from one reader at a time ({@link #write}); what they change becomes visible to
 * reads only when {@link #publish} pins a new snapshot, so that every read sees the index as of one
 * complete catch-up (a whole transaction or none of it). The write-ahead log is off: a catch-up ends
 * with an atomic flush of the records and the offsets together, and a crash before it loses both,
 * so the next catch-up reads those records again.
 */
final class TopicIndex implements AutoCloseable {

  static {
    RocksDB.loadLibrary();
  }

  private static final byte[] META_CF = "meta".getBytes(StandardCharsets.UTF_8);
  private static final byte[] IDENTITY = "identity".getBytes(StandardCharsets.UTF_8);
  private static final byte[] TOPIC_ID = "topic-id".getBytes(StandardCharsets.UTF_8);
  private static final String POSITION = "position/";
  private static final byte[] IRREGULAR = "irregular/".getBytes(StandardCharsets.UTF_8);

  /** Where a record's row hash starts in its value, after its partition and offset. */
  private static final int HASH_AT = 4 + 8;

  /** One indexed record. */
  record Indexed(byte[] key, int partition, long offset, RowHash hash, byte[] recordKey, byte[] value) {}

  /** A pinned snapshot, released once it is replaced and no read holds it. */
  private static final class Pin {
    final Snapshot snapshot;
    final AtomicInteger holders = new AtomicInteger(1); // the index's own hold while published

    Pin(Snapshot snapshot) {
      this.snapshot = snapshot;
    }
  }

  private final Path directory;
  private final DBOptions dbOptions;
  private final ColumnFamilyOptions cfOptions;
  private final RocksDB db;
  private final ColumnFamilyHandle entries;
  private final ColumnFamilyHandle meta;
  private final WriteOptions noWal = new WriteOptions().setDisableWAL(true);
  private volatile Pin published;

  private TopicIndex(Path directory, DBOptions dbOptions, ColumnFamilyOptions cfOptions, RocksDB db,
      ColumnFamilyHandle entries, ColumnFamilyHandle meta) {
    this.directory = directory;
    this.dbOptions = dbOptions;
    this.cfOptions = cfOptions;
    this.db = db;
    this.entries = entries;
    this.meta = meta;
    this.published = new Pin(db.getSnapshot());
  }

  /**
   * Opens the index in {@code directory}, creating it if needed.
   *
   * @throws IllegalStateException if another process holds it, or RocksDB cannot open it
   */
  static TopicIndex open(Path directory) {
    try {
      Files.createDirectories(directory);
    } catch (java.io.IOException e) {
      throw new IllegalStateException("the index directory " + directory + " cannot be created: " + e.getMessage(), e);
    }
    DBOptions dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
        .setAtomicFlush(true).setMaxBackgroundJobs(2);
    ColumnFamilyOptions cfOptions = new ColumnFamilyOptions().setWriteBufferSize(32L << 20);
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(dbOptions, directory.toString(), List.of(
          new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
          new ColumnFamilyDescriptor(META_CF, cfOptions)), handles);
      return new TopicIndex(directory, dbOptions, cfOptions, db, handles.get(0), handles.get(1));
    } catch (RocksDBException e) {
      dbOptions.close();
      cfOptions.close();
      String why = e.getMessage() != null && e.getMessage().contains("lock")
          ? "another process (or store) is using it; give each store an index directory of its own"
          : e.getMessage();
      throw new IllegalStateException("the topic index in " + directory + " cannot be opened: " + why, e);
    }
  }

  Path directory() {
    return directory;
  }

  /** What the index was built for (topic, formats, view), or null for a new index. */
  @Nullable String identity() {
    byte[] v = get(meta, IDENTITY);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  /** The topic id the index was built from, or null. */
  @Nullable String topicId() {
    byte[] v = get(meta, TOPIC_ID);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  /** The offset each partition has been read up to (the next to read), by partition. */
  Map<Integer, Long> positions() {
    Map<Integer, Long> out = new HashMap<>();
    byte[] prefix = POSITION.getBytes(StandardCharsets.UTF_8);
    try (RocksIterator it = db.newIterator(meta)) {
      for (it.seek(prefix); it.isValid() && startsWith(it.key(), prefix); it.next()) {
        String name = new String(it.key(), StandardCharsets.UTF_8);
        out.put(Integer.parseInt(name.substring(POSITION.length())), ByteBuffer.wrap(it.value()).getLong());
      }
    }
    return out;
  }

  /**
   * The keys once found in a partition other than the default partitioner's or under a record key
   * other than the store's encoding: their later records are checked against the index.
   */
  List<byte[]> irregularKeys() {
    List<byte[]> out = new ArrayList<>();
    try (RocksIterator it = db.newIterator(meta)) {
      for (it.seek(IRREGULAR); it.isValid() && startsWith(it.key(), IRREGULAR); it.next()) {
        out.add(Arrays.copyOfRange(it.key(), IRREGULAR.length, it.key().length));
      }
    }
    return out;
  }

  /** Empties the index and records what it is now built for, each partition at the given offset. */
  void reset(String identity, String topicId, Map<Integer, Long> from) {
    try (WriteBatch b = new WriteBatch()) {
      b.deleteRange(entries, new byte[0], new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
      b.deleteRange(meta, new byte[0], new byte[] {(byte) 0xFF});
      b.put(meta, IDENTITY, identity.getBytes(StandardCharsets.UTF_8));
      b.put(meta, TOPIC_ID, topicId.getBytes(StandardCharsets.UTF_8));
      for (Map.Entry<Integer, Long> p : from.entrySet()) {
        b.put(meta, position(p.getKey()), longBytes(p.getValue()));
      }
      db.write(noWal, b);
      flush();
    } catch (RocksDBException e) {
      throw failed("reset", e);
    }
    publish();
  }

  /** A batch of index changes, written together with the partitions' new positions. */
  final class Batch implements AutoCloseable {
    private final WriteBatch batch = new WriteBatch();

    void put(byte[] key, int partition, long offset, RowHash hash, byte[] recordKey, byte[] value) {
      ByteBuffer b = ByteBuffer.allocate(4 + 8 + 16 + 4 + recordKey.length + value.length);
      b.putInt(partition).putLong(offset).putLong(hash.hi()).putLong(hash.lo());
      b.putInt(recordKey.length).put(recordKey).put(value);
      try {
        batch.put(entries, key, b.array());
      } catch (RocksDBException e) {
        throw failed("write", e);
      }
    }

    /** Remembers a key as irregular (see {@link #irregularKeys}), with the batch. */
    void markIrregular(byte[] key) {
      byte[] name = Arrays.copyOf(IRREGULAR, IRREGULAR.length + key.length);
      System.arraycopy(key, 0, name, IRREGULAR.length, key.length);
      try {
        batch.put(meta, name, new byte[0]);
      } catch (RocksDBException e) {
        throw failed("write", e);
      }
    }

    void delete(byte[] key) {
      try {
        batch.delete(entries, key);
      } catch (RocksDBException e) {
        throw failed("write", e);
      }
    }

    /**
     * Writes the changes so far without moving the positions (a record written twice is the same
     * record), so that {@link #current} sees them.
     */
    void writeRecords() {
      commit(Map.of());
    }

    /** Writes the changes so far and the positions, atomically; the batch can be used again. */
    void commit(Map<Integer, Long> positions) {
      try {
        for (Map.Entry<Integer, Long> p : positions.entrySet()) {
          batch.put(meta, position(p.getKey()), longBytes(p.getValue()));
        }
        db.write(noWal, batch);
        batch.clear();
      } catch (RocksDBException e) {
        throw failed("write", e);
      }
    }

    @Override
    public void close() {
      batch.close();
    }
  }

  Batch batch() {
    return new Batch();
  }

  /** The record indexed under {@code key} now (not the published snapshot: for the reader itself). */
  @Nullable Indexed current(byte[] key) {
    byte[] v = get(entries, key);
    return v == null ? null : decode(key, v);
  }

  /** Persists what was written (records and positions together) and makes it what reads see. */
  void flushAndPublish() {
    flush();
    publish();
  }

  private void flush() {
    try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
      db.flush(f, List.of(entries, meta));
    } catch (RocksDBException e) {
      throw failed("flush", e);
    }
  }

  /** Pins the index as it is now as what reads see. */
  void publish() {
    Pin old = published;
    published = new Pin(db.getSnapshot());
    release(old);
  }

  private Pin acquire() {
    while (true) {
      Pin p = published;
      int h = p.holders.get();
      if (h > 0 && p.holders.compareAndSet(h, h + 1)) {
        return p;
      }
    }
  }

  private void release(Pin p) {
    if (p.holders.decrementAndGet() == 0) {
      db.releaseSnapshot(p.snapshot);
    }
  }

  /**
   * The published records of a range, in key order; close it to release its snapshot and iterator.
   */
  Cursor read(KeyRange range) {
    return new Cursor(range);
  }

  /** The published record of each key that has one. */
  Map<ByteBuffer, Indexed> get(List<byte[]> keys) {
    Pin pin = acquire();
    try (ReadOptions ro = new ReadOptions().setSnapshot(pin.snapshot)) {
      Map<ByteBuffer, Indexed> out = new HashMap<>();
      for (byte[] k : keys) {
        byte[] v = db.get(entries, ro, k);
        if (v != null) {
          out.put(ByteBuffer.wrap(k), decode(k, v));
        }
      }
      return out;
    } catch (RocksDBException e) {
      throw failed("read", e);
    } finally {
      release(pin);
    }
  }

  /** Records in key order over one published snapshot. */
  final class Cursor implements AutoCloseable {
    private final Pin pin;
    private final ReadOptions options;
    private final @Nullable Slice upper;
    private final RocksIterator it;
    /** A record's partition, offset and row hash: the start of its value. */
    private final ByteBuffer head = ByteBuffer.allocateDirect(HASH_AT + 16);
    private boolean closed;

    private Cursor(KeyRange range) {
      pin = acquire();
      options = new ReadOptions().setSnapshot(pin.snapshot);
      upper = range.hi() == null ? null : new Slice(range.hi().encode());
      if (upper != null) {
        options.setIterateUpperBound(upper);
      }
      it = db.newIterator(entries, options);
      if (range.lo() == null) {
        it.seekToFirst();
      } else {
        it.seek(range.lo().encode());
      }
    }

    boolean hasNext() {
      return !closed && it.isValid();
    }

    Indexed next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Indexed r = decode(it.key(), it.value());
      it.next();
      return r;
    }

    /** The next key alone, without decoding its record. */
    byte[] nextKey() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      byte[] k = it.key();
      it.next();
      return k;
    }

    /** The next record's key, without stepping over it. */
    byte[] peekKey() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return it.key();
    }

    /** Steps over the next record, copying nothing. */
    void skip() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      it.next();
    }

    /**
     * The next record's row hash alone: only the value's first bytes cross from RocksDB, into a
     * buffer the cursor keeps.
     */
    RowHash nextHash() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      head.clear();
      it.value(head);
      RowHash h = new RowHash(head.getLong(HASH_AT), head.getLong(HASH_AT + 8));
      it.next();
      return h;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        it.close();
        options.close();
        if (upper != null) {
          upper.close();
        }
        release(pin);
      }
    }
  }

  private static Indexed decode(byte[] key, byte[] v) {
    ByteBuffer b = ByteBuffer.wrap(v);
    int partition = b.getInt();
    long offset = b.getLong();
    RowHash hash = new RowHash(b.getLong(), b.getLong());
    byte[] recordKey = new byte[b.getInt()];
    b.get(recordKey);
    byte[] value = Arrays.copyOfRange(v, b.position(), v.length);
    return new Indexed(key, partition, offset, hash, recordKey, value);
  }

  private byte @Nullable [] get(ColumnFamilyHandle cf, byte[] key) {
    try {
      return db.get(cf, key);
    } catch (RocksDBException e) {
      throw failed("read", e);
    }
  }

  private static byte[] position(int partition) {
    return (POSITION + partition).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static boolean startsWith(byte[] a, byte[] prefix) {
    return a.length >= prefix.length && Arrays.equals(a, 0, prefix.length, prefix, 0, prefix.length);
  }

  private IllegalStateException failed(String what, RocksDBException e) {
    return new IllegalStateException("the topic index in " + directory + " failed to " + what + ": " + e.getMessage(), e);
  }

  /** Bytes the index takes on disk. */
  long diskBytes() {
    try (var files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    release(published);
    noWal.close();
    entries.close();
    meta.close();
    db.close();
    dbOptions.close();
    cfOptions.close();
  }
}
