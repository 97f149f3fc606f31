package io.reconcile.kafka;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One compacted Kafka topic as a {@link Store}: each record key is an entry's key (through a {@link
 * KeyFormat}), the newest record per key its fields (through a {@link ValueFormat}), a tombstone a
 * deleted key.
 *
 * <p><b>Reads</b> come from a local, sorted index of the topic on disk (RocksDB), which the store
 * brings up to date by reading the topic — all of it the first time, only the records appended
 * since afterwards; the index is kept between runs in its {@linkplain Builder#indexDirectory
 * directory}. A catch-up reads as of one point: the last stable offset of each partition when it
 * starts ({@code read_committed}: committed transactions only). Every read sees the index as of the
 * last complete catch-up — at the store's first read (so that it runs while the engine's first reads
 * of the other stores do), at {@link #refresh()}, before each repair batch, in {@link
 * #awaitVisible}, and at the first read after one of the store's {@linkplain #changes feeds}
 * delivered records (so that a watch sees what its feed told of) — so a run's reads see one state
 * of the topic unless a feed of the store is being read. Memory stays flat however
 * large the topic: records stream into the index and reads stream out of it.
 *
 * <p><b>Repairs</b> ({@link #apply}) are written by one transactional producer: a batch commits whole
 * or not at all, and {@code read_committed} readers never see part of it ({@link
 * Capability#ATOMIC_BATCH}). Kafka cannot write conditionally: before each batch the store catches
 * its index up and refuses every action whose key changed since detection; a record another
 * producer appends between that catch-up and the commit is not seen (the store declares no {@link
 * Capability#COMPARE_AND_SET}, so the engine writes to it only with guarded writes and verifies every
 * repaired range). A repair writes to the partition and under the record key the topic already
 * holds for the key, so that compaction replaces it, and a new key to the default partitioner's
 * partition. A written value keeps the fields the store does not compare from the record it
 * replaces.
 *
 * <p><b>Anomalies</b> — a key in two partitions, a key under two record keys, a record the formats
 * cannot read — are reported ({@link #anomalies()} and a warning), never merged silently. The
 * store warns when the topic's {@code min.compaction.lag.ms} and {@code delete.retention.ms} are
 * shorter than a full read took, since compaction may then drop a value or a tombstone while the
 * index is built.
 *
 * <p>Thread-safe. Close it to release the index and the clients.
 */
public final class KafkaStore implements Store {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaStore.class);
  private static final Set<HashScheme> SCHEMES = Set.of(HashScheme.CANONICAL_MD5);
  /** The version of the index's layout, part of its identity. */
  private static final String INDEX_LAYOUT = "reconcile-kafka-index/1";
  /** How long a batch waits for the store's previous batch to be readable. */
  private static final Duration WRITES_VISIBLE = Duration.ofSeconds(30);

  /** What a catch-up of the index did: records read, how long it took, whether it began anew. */
  public record Refresh(long records, Duration took, boolean rebuilt) {}

  private final String id;
  private final String topic;
  private final KeyFormat keys;
  private final ValueFormat values;
  private final List<String> fields;
  private final Normalization normalization;
  private final boolean readOnly;
  private final Map<String, Object> clientConfig;
  private final Admin admin;
  private final TopicIndex index;
  private final TopicReader reader;
  private final Anomalies anomalies;
  private final Map<String, String> fingerprint;
  private final RepairProducer producer;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Set<ChangeFeed> feeds = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile @Nullable Refresh lastRefresh;
  private volatile Map<Integer, Long> lastPositions = Map.of();
  /** Set when a feed of this store delivered records the index may not hold yet; the next read catches up. */
  private volatile boolean behind;

  private KafkaStore(Builder b, Admin admin, TopicIndex index, Anomalies anomalies, String clusterId) {
    this.id = b.id;
    this.topic = b.topic;
    this.keys = b.keys;
    this.values = b.values;
    this.fields = b.fields;
    this.normalization = b.normalization;
    this.readOnly = b.readOnly;
    this.clientConfig = b.clientConfig;
    this.admin = admin;
    this.index = index;
    this.anomalies = anomalies;
    this.reader = new TopicReader(id, topic, b.clientConfig, admin, index, b.identity(), keys, values, this::view, anomalies);
    this.producer = new RepairProducer(id, topic, b.clientConfig);
    this.fingerprint = Map.of("product", "kafka", "cluster", clusterId, "topic", topic);
  }

  /**
   * A builder of a store over {@code topic} of the cluster the client configuration reaches ({@code
   * bootstrap.servers} at least; security settings as the cluster needs them, never logged).
   */
  public static Builder newBuilder(Map<String, ?> clientConfig, String topic) {
    return new Builder(clientConfig, topic);
  }

  /** A builder of a store over {@code topic} of the cluster at {@code bootstrapServers} ({@code host:port,…}). */
  public static Builder newBuilder(String bootstrapServers, String topic) {
    return new Builder(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic);
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * {@link Capability#ORDERED_SCAN}, {@link Capability#KEY_INDEX} and {@link
   * Capability#SERVER_SIDE_DIGEST} (reads and digests come from the local index, row hashes computed
   * once per record as it was indexed), {@link Capability#CHANGE_FEED} (the topic itself, see {@link
   * #changes}); and unless read-only {@link Capability#WRITE} and {@link
   * Capability#ATOMIC_BATCH}. Never {@link Capability#COMPARE_AND_SET} nor {@link
   * Capability#READ_YOUR_WRITES}: see the class description.
   */
  @Override
  public Set<Capability> capabilities() {
    EnumSet<Capability> c = EnumSet.of(
        Capability.ORDERED_SCAN, Capability.KEY_INDEX, Capability.SERVER_SIDE_DIGEST, Capability.CHANGE_FEED);
    if (!readOnly) {
      c.add(Capability.WRITE);
      c.add(Capability.ATOMIC_BATCH);
    }
    return c;
  }

  @Override
  public Set<HashScheme> hashSchemes() {
    return SCHEMES;
  }

  /** {@code product} {@code kafka}, the {@code cluster} id and the {@code topic}. */
  @Override
  public Map<String, String> fingerprint() {
    return fingerprint;
  }

  /**
   * Reads what was appended to the topic since the last catch-up (or all of it, when the index no
   * longer matches the topic), and makes it what reads see from now on.
   */
  public Refresh refresh() {
    checkOpen();
    synchronized (reader) {
      TopicReader.CatchUp c = reader.catchUp(producer::wholeBatches);
      lastPositions = c.positions();
      Refresh r = new Refresh(c.records(), Duration.ofMillis(c.millis()), c.rebuilt());
      lastRefresh = r;
      return r;
    }
  }

  /** What the last catch-up of the index did (the first one, if the store has not read yet). */
  public Refresh lastRefresh() {
    return readable();
  }

  /**
   * What the topic holds that no single value per key can say, as sentences naming the key and the
   * records' partitions and offsets (never a value): the first {@value Anomalies#KEPT} since the
   * index was last built from scratch.
   */
  public List<String> anomalies() {
    readable();
    return anomalies.kept();
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1, but was " + maxSegments);
    }
    readable();
    long count = 0;
    try (TopicIndex.Cursor c = index.read(range)) {
      while (c.hasNext()) {
        c.skip();
        count++;
      }
    }
    try (TopicIndex.Cursor c = index.read(range)) {
      return Segment.ofKeys(range, count, maxSegments, new java.util.Iterator<>() {
        @Override
        public boolean hasNext() {
          return c.hasNext();
        }

        @Override
        public Key next() {
          return Key.decode(c.nextKey());
        }
      });
    }
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    checkScheme(scheme);
    KeyRange.requireAscending(ranges);
    readable();
    List<Digest> out = new ArrayList<>(ranges.size());
    for (KeyRange r : ranges) {
      Digest d = Digest.EMPTY;
      try (TopicIndex.Cursor c = index.read(r)) {
        while (c.hasNext()) {
          d = d.plus(c.nextHash());
        }
      }
      out.add(d);
    }
    return out;
  }

  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    checkScheme(scheme);
    KeyRange.requireAscending(ranges);
    readable();
    return ranges.stream().flatMap(r -> cursorStream(r, c -> {
      Key k = Key.decode(c.peekKey());
      return new KeyHash(k, c.nextHash());
    }));
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    Objects.requireNonNull(range, "range");
    readable();
    return cursorStream(range, c -> entry(c.next()));
  }

  @Override
  public Map<Key, Entry> get(java.util.Collection<Key> keys) {
    readable();
    List<byte[]> encoded = new ArrayList<>(keys.size());
    keys.forEach(k -> encoded.add(k.encode()));
    Map<Key, Entry> out = new LinkedHashMap<>();
    for (TopicIndex.Indexed r : index.get(encoded).values()) {
      Entry e = entry(r);
      out.put(e.key(), e);
    }
    return out;
  }

  @Override
  public Optional<String> unwritable(RepairAction action) {
    if (!(action instanceof RepairAction.Upsert u)) {
      return Optional.empty();
    }
    try {
      keys.write(u.key());
      if (u.storedRow() == null && !u.expected().isAbsent() && values instanceof ValueFormats.Documents documents) {
        // It replaces a record, whose fields the entry leaves out are kept: only its own are asked about.
        documents.check(normalization.toStore(u.entry().fields()));
      } else {
        values.write(toStore(u, u.entry(), null)); // a restore's record, or a new one as apply writes it
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of("key " + u.key() + ": " + e.getMessage());
    }
  }

  /**
   * Catches the index up, decides each action against what the topic holds now, and produces the
   * applied ones in one transaction; see the class description for what this guards and what not.
   */
  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    checkOpen();
    if (readOnly) {
      throw new ReconcileException.RepairRefusedException(
          "store '" + id + "' is read-only; open it without readOnly to repair topic '" + topic + "'");
    }
    for (RepairAction a : actions) {
      if (!a.target().equals(id)) {
        throw new IllegalArgumentException("action " + a.id() + " targets store '" + a.target() + "', not '" + id + "'");
      }
    }
    if (actions.isEmpty()) {
      return List.of();
    }
    synchronized (reader) {
      if (!seeOwnWrites(WRITES_VISIBLE)) {
        throw new ReconcileException.StoreUnavailableException("store '" + id + "' did not see its own last batch in"
            + " topic '" + topic + "' within " + WRITES_VISIBLE.toSeconds() + " s, so it cannot decide the next one", true);
      }
      Map<Key, @Nullable Written> staged = new LinkedHashMap<>();
      List<ActionOutcome> outcomes = new ArrayList<>(actions.size());
      List<RepairProducer.Record> records = new ArrayList<>();
      for (RepairAction a : actions) {
        Key k = a.key();
        Written now = staged.containsKey(k) ? staged.get(k) : indexed(k);
        Entry seen = now == null ? null : now.entry;
        ActionOutcome.Status status = a.statusFor(seen, false);
        if (status != ActionOutcome.Status.APPLIED) {
          outcomes.add(new ActionOutcome(a, status, seen));
          continue;
        }
        byte[] recordKey = now != null ? now.recordKey : keys.write(k);
        int partition = now != null ? now.partition : reader.defaultPartition(recordKey);
        Entry result = a.result();
        Written after = null;
        if (result == null) {
          records.add(new RepairProducer.Record(k.encode(), partition, recordKey, null));
        } else {
          Value.MapValue stored = toStore(a, result, now);
          byte[] value = values.write(stored);
          records.add(new RepairProducer.Record(k.encode(), partition, recordKey, value));
          after = new Written(view(Entry.of(k, values.read(value))), stored, recordKey, partition);
        }
        staged.put(k, after);
        outcomes.add(new ActionOutcome(a, status, seen, now == null ? null : now.stored.fields()));
      }
      reader.watch(producer.send(records));
      return List.copyOf(outcomes);
    }
  }

  /**
   * Catches the index up to the topic's last stable offsets, which lie past every batch this store
   * committed; true once done, false if the timeout passed first — or if the catch-up found that a
   * batch overwrote a record another producer wrote to one of its keys after the store had read the
   * topic (the window Kafka leaves open without compare-and-set): such a key is named in a warning
   * and in {@link #anomalies()}, and the engine reports the repaired ranges not verified.
   */
  @Override
  public boolean awaitVisible(Duration timeout) {
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(
          "store '" + id + "' cannot wait a negative time (" + timeout + ") for its writes; pass zero or more");
    }
    if (readOnly) {
      return true;
    }
    synchronized (reader) {
      boolean seen = seeOwnWrites(timeout);
      return reader.takeOverwritten() == 0 && seen;
    }
  }

  /**
   * Catches the index up, again until it holds every batch this store committed (whose markers may
   * not be written yet when the commit returns), or the timeout passes.
   */
  private boolean seeOwnWrites(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<Integer, Long> ends = producer.committedEnds();
    while (true) {
      refresh();
      Map<Integer, Long> read = lastPositions;
      if (ends.entrySet().stream().allMatch(e -> read.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      try {
        Thread.sleep(10); // a backoff between catch-ups, each of which asks the cluster for its offsets
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }

  /**
   * The topic's own change feed: the key of every committed record appended after {@code after}
   * (values and tombstones alike, this store's repairs too), each a {@link Change} at the record's
   * timestamp, at least once; when empty, from the topic's last stable offsets now. Records whose
   * key is not of the store's {@link KeyFormat} change no entry and are skipped (the index reports
   * them as anomalies). The position names the topic's id and, per partition, the next offset to
   * read; a position that cannot be resumed — malformed, of another topic id (the topic was deleted
   * and created again), of another partition count, before a partition's first offset (records
   * deleted), or older than the topic keeps tombstones ({@code delete.retention.ms}, since a
   * deletion may then have been compacted away) — opens the feed with a {@link ChangeBatch#gap()
   * gap}. {@link ChangeFeed#commit} does nothing: the position lives with the caller. The feed owns
   * a consumer of its own; closing the store closes its feeds.
   *
   * @throws ReconcileException.StoreUnavailableException if the store is closed or the cluster
   *     cannot be reached
   */
  @Override
  public ChangeFeed changes(Optional<FeedPosition> after) {
    checkOpen();
    Objects.requireNonNull(after, "after");
    AtomicReference<@Nullable ChangeFeed> opened = new AtomicReference<>();
    ChangeFeed feed = TopicChangeFeed.open("store '" + id + "'", clientConfig, admin, topic, after, (r, batch) -> {
      behind = true; // a change the feed tells of must be seen by the reads that follow
      if (r.key() == null) {
        batch.skip("a record without a key");
        return;
      }
      try {
        batch.change(keys.read(r.key()), TopicChangeFeed.timestamp(r));
      } catch (IllegalArgumentException e) {
        batch.skip("a record key not of format " + keys);
      }
    }, () -> feeds.remove(opened.get()));
    opened.set(feed);
    feeds.add(feed);
    if (closed.get()) { // closed while the feed opened: it goes too
      feed.close();
      checkOpen();
    }
    return feed;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      List.copyOf(feeds).forEach(ChangeFeed::close);
      synchronized (reader) {
        producer.close();
        admin.close(Duration.ofSeconds(5));
        index.close();
      }
    }
  }

  @Override
  public String toString() {
    return "KafkaStore[" + id + ", topic " + topic + "]";
  }

  /** A record as the topic holds it for a key: the entry as compared, and what is stored. */
  private record Written(Entry entry, Value.MapValue stored, byte[] recordKey, int partition) {}

  private @Nullable Written indexed(Key k) {
    TopicIndex.Indexed r = index.current(k.encode());
    if (r == null) {
      return null;
    }
    Value.MapValue stored = values.read(r.value());
    return new Written(view(Entry.of(k, stored)), stored, r.recordKey(), r.partition());
  }

  /**
   * What an upsert writes: a restore's stored record as given; else the compared fields of the
   * result (with the store's field names), the fields it does not compare kept from the record it
   * replaces, and — for a new record of a format of {@linkplain ValueFormats.Documents documents} —
   * the key's fields it holds.
   */
  private Value.MapValue toStore(RepairAction a, Entry result, @Nullable Written now) {
    if (a instanceof RepairAction.Upsert u && u.storedRow() != null) {
      return Value.MapValue.of(u.storedRow());
    }
    Map<String, Value> out = new LinkedHashMap<>();
    if (now != null) {
      now.stored.fields().forEach((name, v) -> {
        if (!compared(name)) {
          out.put(name, v);
        }
      });
    } else if (values instanceof ValueFormats.Documents documents) {
      List<String> names = keys.fieldNames();
      for (int i = 0; i < names.size(); i++) {
        if (documents.holds(names.get(i))) {
          out.put(names.get(i), Value.from(result.key().part(i)));
        }
      }
    }
    out.putAll(normalization.toStore(result.fields()).fields());
    return Value.MapValue.of(out);
  }

  /** Whether a stored field is compared (so a repair writes it from the winner). */
  private boolean compared(String storeName) {
    String name = normalization.datasetName(storeName);
    if (keys.fieldNames().contains(storeName) || normalization.isIgnored(name)) {
      return false;
    }
    return fields.isEmpty() || fields.contains(name);
  }

  private Entry entry(TopicIndex.Indexed r) {
    return view(Entry.of(Key.decode(r.key()), values.read(r.value())));
  }

  /** The compared view of a record: the key's fields left out, normalised, projected on the fields. */
  private Entry view(Entry stored) {
    Map<String, Value> kept = new LinkedHashMap<>(stored.fields().fields());
    keys.fieldNames().forEach(kept::remove);
    Entry e = normalization.apply(Entry.of(stored.key(), Value.MapValue.of(kept), stored.version()));
    if (fields.isEmpty()) {
      return e;
    }
    Map<String, Value> projected = new LinkedHashMap<>();
    for (String f : fields) {
      Value v = e.fields().fields().get(f);
      if (v != null) {
        projected.put(f, v);
      }
    }
    return Entry.of(e.key(), Value.MapValue.of(projected), e.version());
  }

  private <T> Stream<T> cursorStream(KeyRange range, Function<TopicIndex.Cursor, T> next) {
    TopicIndex.Cursor c = index.read(range);
    Spliterator<T> s = new Spliterators.AbstractSpliterator<>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
      @Override
      public boolean tryAdvance(java.util.function.Consumer<? super T> action) {
        if (!c.hasNext()) {
          c.close();
          return false;
        }
        action.accept(next.apply(c));
        return true;
      }
    };
    return StreamSupport.stream(s, false).onClose(c::close);
  }

  private void checkScheme(HashScheme scheme) {
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException("store '" + id + "' digests with " + SCHEMES + ", not " + scheme);
    }
  }

  /**
   * Checks the store is open and, before its first read, catches the index up: the first catch-up
   * happens when the engine first reads, alongside the other stores' first reads, not at build.
   * Once one of the store's feeds has delivered records, the next read catches up again, so that a
   * change a feed told of is seen by the reads it prompts.
   */
  private Refresh readable() {
    checkOpen();
    Refresh r = lastRefresh;
    if (r == null || behind) {
      synchronized (reader) {
        r = lastRefresh;
        if (r == null) {
          behind = false;
          r = refresh();
          warnIfCompactionOutruns(r);
        } else if (behind) {
          behind = false;
          r = refresh();
        }
      }
    }
    return r;
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ReconcileException.StoreUnavailableException("store '" + id + "' is closed; open a new handle", false);
    }
  }

  /**
   * Builds a {@link KafkaStore}. Keys default to {@link KeyFormat#json json("id")}, values to
   * {@link ValueFormat#json()}; every option can be set once.
   */
  public static final class Builder {
    private final Map<String, Object> clientConfig;
    private final String topic;
    private String id;
    private KeyFormat keys = KeyFormat.json("id");
    private ValueFormat values = ValueFormat.json();
    private List<String> fields = List.of();
    private Normalization normalization = Normalization.none();
    private boolean readOnly;
    private @Nullable Path indexDirectory;

    private Builder(Map<String, ?> clientConfig, String topic) {
      this.clientConfig = KafkaClients.checked(clientConfig, topic, "a Kafka store");
      this.topic = topic;
      this.id = topic;
    }

    /** The store's id in reports; the topic's name by default. */
    public Builder id(String id) {
      this.id = Objects.requireNonNull(id, "id");
      return this;
    }

    /** How record keys map to keys. */
    public Builder keyFormat(KeyFormat keys) {
      this.keys = Objects.requireNonNull(keys, "keys");
      return this;
    }

    /** How record values map to fields. */
    public Builder valueFormat(ValueFormat values) {
      this.values = Objects.requireNonNull(values, "values");
      return this;
    }

    /** The compared fields (dataset names); all but the key's by default. */
    public Builder fields(String... fields) {
      this.fields = List.of(fields);
      return this;
    }

    /** How values are normalised before they are compared. */
    public Builder normalization(Normalization normalization) {
      this.normalization = Objects.requireNonNull(normalization, "normalization");
      return this;
    }

    /** Opens the store read-only: {@link KafkaStore#apply} refuses, and no producer is created. */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    /**
     * Where the index is kept between runs. By default, a directory under {@code java.io.tmpdir}
     * named after the cluster, the topic and the formats, so that the next store of the same
     * topic and view finds it. One store uses an index directory at a time.
     */
    public Builder indexDirectory(Path directory) {
      this.indexDirectory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /** What the index is built for: a store of another view needs another index. */
    String identity() {
      return String.join("|", INDEX_LAYOUT, topic, keys.toString(), values.toString(), fields.toString(),
          normalization.toString());
    }

    /**
     * Opens the store: checks that the topic exists and opens (or creates) the index, which the
     * store catches up at its first read.
     *
     * @throws ReconcileException.ConfigurationException if the topic does not exist, or the index
     *     directory cannot be used
     * @throws ReconcileException.StoreUnavailableException if the cluster cannot be reached
     */
    public KafkaStore build() {
      Admin admin = KafkaClients.admin(clientConfig);
      TopicIndex index = null;
      try {
        String clusterId = admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        Path dir = indexDirectory != null ? indexDirectory
            : Path.of(System.getProperty("java.io.tmpdir"), "reconcile-kafka", sha256(clusterId + "|" + identity()));
        try {
          index = TopicIndex.open(dir);
        } catch (IllegalStateException e) {
          throw new ReconcileException.ConfigurationException("store '" + id + "': " + e.getMessage());
        }
        Anomalies anomalies = new Anomalies(id);
        KafkaStore store = new KafkaStore(this, admin, index, anomalies, clusterId);
        store.reader.describe(); // a missing topic fails here, before anything is read
        return store;
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        closeQuietly(admin, index);
        throw new ReconcileException.StoreUnavailableException(
            "store '" + id + "' could not reach the Kafka cluster at " + clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                + ": " + (e.getCause() != null ? e.getCause().getMessage() : e.toString()), true, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        closeQuietly(admin, index);
        throw new ReconcileException.StoreUnavailableException("store '" + id + "' was interrupted while opening", true, e);
      } catch (RuntimeException e) {
        closeQuietly(admin, index);
        throw e;
      }
    }

    private static void closeQuietly(Admin admin, @Nullable TopicIndex index) {
      admin.close(Duration.ofSeconds(1));
      if (index != null) {
        index.close();
      }
    }
  }

  /** Warns when compaction may drop a value or a tombstone while a full read of the topic runs. */
  private void warnIfCompactionOutruns(Refresh first) {
    if (!first.rebuilt()) {
      return;
    }
    try {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config c = admin.describeConfigs(List.of(r)).all().get(60, TimeUnit.SECONDS).get(r);
      long took = first.took().toMillis();
      for (String name : List.of(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG, TopicConfig.DELETE_RETENTION_MS_CONFIG)) {
        ConfigEntry e = c.get(name);
        if (e != null && e.value() != null && Long.parseLong(e.value()) < took) {
          LOG.warn("store '{}': topic '{}' has {} = {} ms, less than the {} ms a full read took; compaction may drop"
              + " a value or a tombstone while the index is built, so a key may read as absent or present wrongly;"
              + " raise it above the time of a full read", id, topic, name, e.value(), took);
        }
      }
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      LOG.debug("store '{}': the configuration of topic '{}' could not be read: {}", id, topic, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String sha256(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
