package io.reconcile.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ReadPreference;
import com.mongodb.client.FindIterable;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.MongoDatabase;
import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.jspecify.annotations.Nullable;

/**
 * One MongoDB collection as a {@link Store}, on the official sync driver: each document an entry,
 * its {@code _id} the key, its other fields (or those {@linkplain Builder#fields named}) the entry's
 * fields in their canonical form.
 *
 * <p><b>Keys.</b> A scalar {@code _id} — a number, a string, a UUID (binary subtype 4) or an
 * ObjectId (its 12 bytes) — is a one-part key; a compound {@code _id}, a document of fields named
 * with {@link Builder#key} ({@code _id.region}, {@code _id.id}), a key of one part per field; so are
 * the top-level fields of a unique index ({@code orderId}), when the {@code _id} is only the
 * document's storage identity. Key ranges become per-type range conditions (MongoDB compares values
 * of one type only), over several index fields boxes of an equality on a prefix and a range on the
 * next field, and scans come back sorted by the key, which is {@link Key} order. A collection holding an
 * {@code _id} of another type (a boolean, a date, a document where a scalar is expected, NaN) is
 * refused when the store opens, naming the type: such documents could not be compared.
 *
 * <p><b>Values.</b> Numbers compare by value across int32, int64, double and decimal128; dates are
 * UTC timestamps in milliseconds; nested documents and arrays are kept; BSON types without a
 * canonical kind read as their Extended JSON wrappers (an ObjectId field is {@code {"$oid": hex}}).
 * A repair writes numbers in the type the document held there, so a collection keeps its types.
 *
 * <p><b>Digests.</b> MongoDB has no server-side hash function, so the store hashes the documents it
 * streams, in the JVM (it declares no {@link Capability#SERVER_SIDE_DIGEST}); on a server whose
 * planner reads a key range by an index ({@link Capability#KEY_INDEX}, asked with {@code explain}
 * when the store opens; the in-memory wire server has none and reads every query in full, so there
 * the store reads all the ranges of a call in one pass) every read is an
 * index range. {@link #segments} counts a range once and cuts it at
 * sampled keys: of a {@code $sample} for a whole large collection, else every so many of its keys,
 * read from the index alone.
 *
 * <p><b>Repairs</b> are conditional per document ({@link Capability#COMPARE_AND_SET}): the store
 * reads the document, decides the action against it, and replaces or deletes it with a filter that
 * matches only that very document ({@code $expr} equality of the whole document), so a document
 * written in between is never overwritten: the action is decided again against the new state. An
 * insert that finds the key taken is decided against what took it. A replacement keeps the fields the
 * store does not compare. A batch is atomic ({@link Capability#ATOMIC_BATCH}) only on a server that
 * has transactions (a replica set or a sharded cluster), where it runs in one; on a standalone
 * server each action commits alone. Writes are visible to the next read ({@link
 * Capability#READ_YOUR_WRITES}) when the client reads from the primary.
 *
 * <p><b>Changes.</b> On a server with change streams the store has a {@link Capability#CHANGE_FEED}
 * (unless keyed by index fields, which a delete event does not name): {@link #changes} is the
 * collection's change stream as a feed of the keys of the documents written or deleted, resumable
 * after a resume token.
 *
 * <p>Thread-safe. Errors never carry a document's values, nor credentials.
 */
public final class MongoStore implements Store {

  private static final Pattern DATABASE_NAME = Pattern.compile("[^/\\\\. \"$*<>:|?\\x00]{1,63}");
  private static final int SAMPLE_PER_SEGMENT = 16;
  private static final int MAX_SAMPLE = 10_000;
  /** Ranges of up to this many documents are sampled by reading their keys, larger collections by {@code $sample}. */
  private static final long STRIDE_LIMIT = 1_000_000;
  private static final int LOOKUP_BATCH = 1_000;
  private static final int RANGES_PER_QUERY = 64;
  private static final int COMMAND_NOT_FOUND = 59;

  private final String id;
  private final MongoCollection<BsonDocument> collection;
  private final @Nullable MongoClient ownedClient;
  private final KeyMapping keys;
  private final @Nullable List<String> projectedFields;
  private final @Nullable RowHashField rowHashField;
  private final Normalization normalization;
  private final Set<Capability> capabilities;
  private final Map<String, String> fingerprint;
  private final DocumentWriter writer;
  /**
   * The oplog of a server with change streams but no replica set (only the in-memory wire server),
   * whose change feed needs it; else null.
   */
  private final @Nullable MongoCollection<BsonDocument> oplog;
  /** Whether the server reads a key range by an index ({@link Capability#KEY_INDEX}); else every query is a full pass. */
  private final boolean rangesIndexed;
  private volatile boolean closed;

  private MongoStore(Builder b, Probe probe) {
    this.id = b.id;
    this.collection = b.collection();
    this.ownedClient = b.ownedClient;
    this.keys = b.keys;
    this.projectedFields = b.fields;
    this.rowHashField = b.rowHashField == null ? null : new RowHashField(b.rowHashField);
    this.normalization = b.normalization;
    EnumSet<Capability> caps = EnumSet.of(Capability.ORDERED_SCAN);
    this.rangesIndexed = probe.rangesIndexed;
    if (rangesIndexed) {
      caps.add(Capability.KEY_INDEX);
    }
    if (rowHashField != null) {
      caps.add(Capability.SERVER_SIDE_DIGEST);
    }
    if (!b.readOnly) {
      caps.addAll(List.of(Capability.WRITE, Capability.COMPARE_AND_SET));
      if (probe.transactions) {
        caps.add(Capability.ATOMIC_BATCH);
      }
      if (collection.getReadPreference().equals(ReadPreference.primary())) {
        caps.add(Capability.READ_YOUR_WRITES);
      }
    }
    if (probe.changeStreams && !keys.isIndexed()) { // a delete event names the _id alone, not the index fields
      caps.add(Capability.CHANGE_FEED);
    }
    this.oplog = probe.changeStreams && !probe.transactions
        ? b.client.getDatabase("local").getCollection("oplog.rs", BsonDocument.class) : null;
    this.capabilities = Collections.unmodifiableSet(caps);
    Map<String, String> fp = new LinkedHashMap<>();
    fp.put("product", "mongodb " + probe.version);
    if (probe.replicaSet != null) {
      fp.put("server", "replica set " + probe.replicaSet);
    }
    fp.put("database", collection.getNamespace().getDatabaseName());
    fp.put("dataset", collection.getNamespace().getCollectionName());
    fp.put("key", String.join(",", keys.names()));
    fp.put("fields", projectedFields == null ? "*" : String.join(",", projectedFields));
    if (rowHashField != null) {
      fp.put("rowHashField", rowHashField.name());
    }
    this.fingerprint = Collections.unmodifiableMap(fp);
    this.writer = new DocumentWriter(this, b.client, collection, keys, normalization, rowHashField, probe.transactions);
  }

  /**
   * The value a {@linkplain Builder#rowHashField row-hash field} holds for a row hash: its 128 bits
   * as four 32-bit limbs, most significant first, each from 0 to 2<sup>32</sup> − 1 (store them as
   * int64). A writer computes the hash as {@code Entry.of(key, fields).hash()} of the document's
   * key and compared fields, as this store reads them.
   */
  public static List<Long> rowHashLimbs(RowHash hash) {
    return RowHashField.limbs(hash).stream().map(v -> v.asInt64().getValue()).toList();
  }

  /**
   * A builder for the store over collection {@code collection} of database {@code database},
   * through {@code client}, which the caller keeps and closes (the store does not).
   */
  public static Builder newBuilder(MongoClient client, String database, String collection) {
    return new Builder(client, database, collection, null);
  }

  static Builder newBuilderOwning(MongoClient client, String database, String collection) {
    return new Builder(client, database, collection, client);
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  /**
   * Names the server's product and version, the replica set (on one), the database, the collection
   * ({@code dataset}), the key and the compared fields ({@code *} for all).
   */
  @Override
  public Map<String, String> fingerprint() {
    return fingerprint;
  }

  @Override
  public Optional<String> unwritable(RepairAction action) {
    return writer.unwritable(action);
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1, but was " + maxSegments);
    }
    return read(() -> {
      BsonDocument filter = keys.filter(range);
      long total = range.lo() == null && range.hi() == null
          ? collection.estimatedDocumentCount() : collection.countDocuments(filter);
      if (maxSegments == 1 || total <= 1) {
        return List.of(new Segment(range, total));
      }
      int size = (int) Math.min(MAX_SAMPLE, Math.min(total, (long) maxSegments * SAMPLE_PER_SEGMENT));
      TreeSet<Key> sample = range.lo() == null && range.hi() == null && total > STRIDE_LIMIT
          ? randomSample(size) : null;
      if (sample == null) {
        sample = strideSample(filter, total, size);
      }      if (sample.isEmpty()) {
        return List.of(new Segment(range, total));
      }
      List<Segment> cut = Segment.ofKeys(range, sample.size(), maxSegments, sample.iterator());
      List<Segment> out = new ArrayList<>(cut.size());
      for (Segment s : cut) {
        out.add(new Segment(s.range(), Math.max(0, s.estimatedCount() * total / sample.size())));
      }
      return out;
    });
  }

  /**
   * Keys of a {@code $sample} of the whole collection, as its first stage (MongoDB then picks
   * documents with a random cursor, not by reading them all); null if the server fails it (the
   * in-memory server does, now and then, past a few dozen documents).
   */
  private @Nullable TreeSet<Key> randomSample(int size) {
    List<BsonDocument> pipeline = List.of(
        new BsonDocument("$sample", new BsonDocument("size", new BsonInt32(size))),
        new BsonDocument("$project", keys.projection()));
    try {
      TreeSet<Key> sample = new TreeSet<>();
      for (BsonDocument d : collection.aggregate(pipeline)) {
        sample.add(keyOf(d));
      }
      return sample;
    } catch (MongoCommandException e) {
      return null;
    }
  }

  /**
   * Every so many keys of a range, read in key order from the index alone (the key projected): exact
   * quantiles, reading the range's keys once.
   */
  private TreeSet<Key> strideSample(BsonDocument filter, long total, int size) {
    long stride = Math.max(1, total / size);
    TreeSet<Key> sample = new TreeSet<>();
    long i = 0;
    try (MongoCursor<BsonDocument> c = collection.find(filter).projection(keys.projection()).sort(keys.sort())
        .batchSize(10_000).cursor()) {
      while (c.hasNext()) {
        BsonDocument d = c.next();
        if (i++ % stride == 0) {
          sample.add(keyOf(d));
        }
      }
    }
    return sample;
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    KeyRange.requireAscending(ranges);
    if (!scheme.equals(HashScheme.CANONICAL_MD5)) {
      throw new IllegalArgumentException("store '" + id + "' digests under " + HashScheme.CANONICAL_MD5.name()
          + " only, not " + scheme.name());
    }
    List<Digest> out = new ArrayList<>(ranges.size());
    if (rowHashField != null) {
      for (KeyRange r : ranges) {
        Digest pushed = read(() -> rowHashField.digest(collection, keys.filter(r)));
        out.add(pushed != null ? pushed : digestHere(List.of(r)).get(0));
      }
      return out;
    }
    // Adjoining ranges are digested in one scan of their union (leaves of a plan adjoin); on a server
    // that reads every query in full, all of them in one.
    int from = 0;
    for (int i = 1; i <= ranges.size(); i++) {
      if (i == ranges.size() || rangesIndexed && !ranges.get(i - 1).adjoins(ranges.get(i))) {
        out.addAll(digestHere(ranges.subList(from, i)));
        from = i;
      }
    }
    return out;
  }

  /**
   * The first of ascending {@code ranges}, from {@code from} on, that does not end at or before
   * {@code key} (the one holding it, or the next after it), or their number if none: keys read in
   * order find their ranges by moving forward only.
   */
  private static int rangeAtOrAfter(List<KeyRange> ranges, int from, Key key) {
    int at = from;
    while (at < ranges.size() && ranges.get(at).hi() != null && key.compareTo(ranges.get(at).hi()) >= 0) {
      at++;
    }
    return at;
  }

  /** The digests of ascending ranges from one scan of what they span, each document hashed in the JVM. */
  private List<Digest> digestHere(List<KeyRange> adjoining) {
    Digest[] sums = new Digest[adjoining.size()];
    java.util.Arrays.fill(sums, Digest.EMPTY);
    KeyRange union = KeyRange.of(adjoining.get(0).lo(), adjoining.get(adjoining.size() - 1).hi());
    int at = 0;
    try (Stream<Entry> s = scan(union)) {
      for (Iterator<Entry> it = s.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        at = rangeAtOrAfter(adjoining, at, e.key());
        if (at == adjoining.size()) {
          break;
        }
        if (adjoining.get(at).contains(e.key())) {
          sums[at] = sums[at].plus(e.hash()); // else it lies in a gap between two ranges
        }
      }
    }
    return List.of(sums);
  }

  /**
   * With a {@linkplain Builder#rowHashField row-hash field}, reads each document's key and field
   * only (a document without a valid field is read whole and hashed); otherwise hashes scanned
   * entries.
   */
  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    if (rowHashField == null || !scheme.equals(HashScheme.CANONICAL_MD5)) {
      return Store.super.rowHashes(ranges, scheme);
    }
    KeyRange.requireAscending(ranges);
    BsonDocument projection = keys.projection().append(rowHashField.name(), new BsonInt32(1));
    return ranges.stream().flatMap(r -> read(() -> stream(
        collection.find(keys.filter(r)).projection(projection).sort(keys.sort()),
        d -> {
          Key key = keyOf(d);
          RowHash held = rowHashField.read(d);
          return new KeyHash(key, held != null ? held : get(List.of(key)).get(key).hash());
        })));
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return read(() -> stream(collection.find(keys.filter(range)).projection(projection()).sort(keys.sort()), this::entry));
  }

  /**
   * Reads several ranges in few queries: up to {@value #RANGES_PER_QUERY} at a time, the union of
   * their filters sorted by the key (an index union on the server).
   */
  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    KeyRange.requireAscending(ranges);
    List<List<KeyRange>> groups = new ArrayList<>();
    for (int from = 0; from < ranges.size(); from += RANGES_PER_QUERY) {
      groups.add(ranges.subList(from, Math.min(ranges.size(), from + RANGES_PER_QUERY)));
    }
    if (ranges.isEmpty()) {
      return Stream.empty();
    }
    if (!rangesIndexed) { // every query is a full pass: one, over what the ranges span, kept to the ranges here
      KeyRange span = KeyRange.of(ranges.get(0).lo(), ranges.get(ranges.size() - 1).hi());
      int[] at = {0};
      return scan(span).filter(e -> {
        at[0] = rangeAtOrAfter(ranges, at[0], e.key());
        return at[0] < ranges.size() && ranges.get(at[0]).contains(e.key());
      });
    }
    return groups.stream().flatMap(group -> group.size() == 1 ? scan(group.get(0)) : read(() -> {
      BsonArray union = new BsonArray(group.stream().map(r -> (BsonValue) keys.filter(r)).toList());
      return stream(collection.find(new BsonDocument("$or", union)).projection(projection()).sort(keys.sort()), this::entry);
    }));
  }

  /** The documents a query finds, each mapped, as a stream that closes the query's cursor. */
  private <T> Stream<T> stream(FindIterable<BsonDocument> query, Function<BsonDocument, T> map) {
    MongoCursor<BsonDocument> cursor = query.batchSize(1_000).cursor();
    Iterator<T> it = new Iterator<>() {
      @Override
      public boolean hasNext() {
        return read(cursor::hasNext);
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return map.apply(read(cursor::next));
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(cursor::close);
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> wanted) {
    Map<Key, Entry> out = new TreeMap<>();
    List<Key> all = new ArrayList<>(new TreeSet<>(wanted));
    for (int from = 0; from < all.size(); from += LOOKUP_BATCH) {
      BsonArray selectors = new BsonArray();
      for (Key k : all.subList(from, Math.min(all.size(), from + LOOKUP_BATCH))) {
        selectors.add(keys.selector(k));
      }
      BsonDocument filter = keys.isIndexed() ? new BsonDocument("$or", selectors)
          : new BsonDocument("_id", new BsonDocument("$in", new BsonArray(selectors.stream().map(d -> d.asDocument().get("_id")).toList())));
      read(() -> {
        for (BsonDocument d : collection.find(filter).projection(projection())) {
          Entry e = entry(d);
          out.put(e.key(), e);
        }
        return null;
      });
    }
    return out;
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    for (RepairAction a : actions) {
      if (!a.target().equals(id)) {
        throw new IllegalArgumentException("action " + a.id() + " targets store '" + a.target() + "', not '" + id
            + "'; give each store only its own actions");
      }
    }
    if (!capabilities.contains(Capability.WRITE)) {
      throw new io.reconcile.api.ReconcileException.RepairRefusedException(
          "store '" + id + "' is read-only; open it writable to repair it");
    }
    return read(() -> writer.apply(actions));
  }

  /**
   * The collection's change stream as a feed: the key of every document inserted, updated, replaced
   * or deleted after {@code after} (or from now, when empty), with its commit time; positions are
   * the stream's resume tokens. A position the server cannot resume after, a dropped or renamed
   * collection and an invalidated stream are reported as {@linkplain ChangeBatch#gap() gaps}.
   *
   * @throws UnsupportedOperationException unless the store has {@link Capability#CHANGE_FEED} (a
   *     server with change streams, a collection keyed by {@code _id})
   * @throws StoreUnavailableException if the store is closed or the server cannot be reached
   */
  @Override
  public ChangeFeed changes(Optional<FeedPosition> after) {
    Objects.requireNonNull(after, "after");
    if (!capabilities.contains(Capability.CHANGE_FEED)) {
      return Store.super.changes(after);
    }
    checkOpen();
    return ChangeStreamFeed.open(this, collection, keys, oplog, after);
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      if (ownedClient != null) {
        ownedClient.close();
      }
    }
  }

  @Override
  public String toString() {
    return "MongoStore[" + id + ": " + collection.getNamespace().getFullName() + "]";
  }

  /** The entry of a document as read (only the compared fields present), normalised. */
  Entry entry(BsonDocument d) {
    Key key = keyOf(d);
    Map<String, Value> fields = new LinkedHashMap<>();
    d.forEach((name, value) -> {
      if (!keys.isKeyField(name) && compares(name) && (rowHashField == null || !name.equals(rowHashField.name()))) {
        fields.put(name, BsonValues.read(value));
      }
    });
    return normalization.apply(Entry.of(key, Value.MapValue.of(fields)));
  }

  /** Whether the store compares the document field {@code name} (it may still be ignored by the normalisation). */
  boolean compares(String name) {
    return projectedFields == null || projectedFields.contains(name);
  }

  Key keyOf(BsonDocument d) {
    try {
      return keys.key(d);
    } catch (KeyMapping.UnkeyableException e) {
      throw new StoreUnavailableException("store '" + id + "': collection '" + collection.getNamespace().getFullName()
          + "' holds a document reconcile cannot key: " + e.getMessage() + "; remove or rekey it", false);
    }
  }

  private BsonDocument projection() {
    BsonDocument p = new BsonDocument();
    if (projectedFields != null) {
      p.putAll(keys.projection());
      for (String f : projectedFields) {
        p.put(f, new BsonInt32(1));
      }
    }
    return p;
  }

  void checkOpen() {
    if (closed) {
      throw new StoreUnavailableException("store '" + id + "' is closed; open a new handle", false);
    }
  }

  /** Runs a read (or a write) against the server, turning driver failures into store failures without their text. */
  <T> T read(Supplier<T> call) {
    checkOpen();
    try {
      return call.get();
    } catch (MongoException e) {
      throw failure(id, e);
    }
  }

  /** A store failure for a driver exception: its kind and server error code, never its message (which may quote values). */
  static StoreUnavailableException failure(String id, MongoException e) {
    if (e instanceof MongoSecurityException) {
      return new StoreUnavailableException("store '" + id + "': the server refused the credentials; check the user"
          + " and password of the connection", false);
    }
    if (e instanceof MongoSocketException || e instanceof MongoTimeoutException) {
      return new StoreUnavailableException("store '" + id + "': could not reach the MongoDB server ("
          + e.getClass().getSimpleName() + "); check the host and port and that the server runs", true);
    }
    String code = e instanceof MongoCommandException c ? c.getErrorCode() + " " + c.getErrorCodeName()
        : e instanceof MongoServerException s ? String.valueOf(s.getCode()) : e.getClass().getSimpleName();
    return new StoreUnavailableException("store '" + id + "': MongoDB failed (error " + code + ")",
        e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL));
  }

  /** What the server offers, asked once when the store opens. */
  private record Probe(String version, @Nullable String replicaSet, boolean transactions, boolean changeStreams,
      boolean rangesIndexed) {

    static Probe of(MongoDatabase db, MongoCollection<BsonDocument> collection) {
      BsonDocument hello = hello(db);
      BsonDocument build = db.runCommand(new BsonDocument("buildInfo", new BsonInt32(1)), BsonDocument.class);
      String version = build.getString("version", new BsonString("unknown")).getValue();
      String set = hello.containsKey("setName") ? hello.getString("setName").getValue() : null;
      boolean sharded = hello.getString("msg", new BsonString("")).getValue().equals("isdbgrid");
      return new Probe(version, set, set != null || sharded, set != null || sharded || watches(collection),
          indexed(db, collection));
    }

    /**
     * Whether the server reads a key range through an index: its planner's {@code explain} of a
     * range query names an index scan. The in-memory server has no {@code explain}, and scans the
     * whole collection for every query.
     */
    private static boolean indexed(MongoDatabase db, MongoCollection<BsonDocument> collection) {
      BsonDocument find = new BsonDocument("find", new BsonString(collection.getNamespace().getCollectionName()))
          .append("filter", new BsonDocument("_id", new BsonDocument("$gte", new BsonInt32(0))));
      try {
        String plan = db.runCommand(new BsonDocument("explain", find).append("verbosity", new BsonString("queryPlanner")),
            BsonDocument.class).toJson();
        return plan.contains("IXSCAN") || plan.contains("IDHACK") || plan.contains("EXPRESS");
      } catch (MongoCommandException e) {
        return e.getErrorCode() != COMMAND_NOT_FOUND; // refused for another reason (a privilege): a real server
      }
    }

    /** The server's {@code hello} answer, or {@code isMaster}'s where a server lacks {@code hello} (the in-memory one). */
    private static BsonDocument hello(MongoDatabase db) {
      try {
        return db.runCommand(new BsonDocument("hello", new BsonInt32(1)), BsonDocument.class);
      } catch (MongoCommandException e) {
        if (e.getErrorCode() != COMMAND_NOT_FOUND) {
          throw e;
        }
        return db.runCommand(new BsonDocument("isMaster", new BsonInt32(1)), BsonDocument.class);
      }
    }

    /** Whether the server opens a change stream on the collection (the in-memory server with its oplog does). */
    private static boolean watches(MongoCollection<BsonDocument> collection) {
      try (var cursor = collection.watch().maxAwaitTime(1, java.util.concurrent.TimeUnit.MILLISECONDS).cursor()) {
        cursor.tryNext();
        return true;
      } catch (MongoException | UnsupportedOperationException e) {
        return false;
      }
    }
  }

  /**
   * Builds a {@link MongoStore}. Every setting has a default but the client, database and collection;
   * {@link #build()} checks them against the server.
   */
  public static final class Builder {
    private final MongoClient client;
    private final String database;
    private final String collectionName;
    private final @Nullable MongoClient ownedClient;
    private String id;
    private KeyMapping keys = KeyMapping.scalar();
    private @Nullable List<String> fields;
    private Normalization normalization = Normalization.none();
    private boolean readOnly;
    private @Nullable String rowHashField;

    private Builder(MongoClient client, String database, String collection, @Nullable MongoClient ownedClient) {
      this.client = Objects.requireNonNull(client, "client");
      this.database = Objects.requireNonNull(database, "database");
      this.collectionName = Objects.requireNonNull(collection, "collection");
      this.ownedClient = ownedClient;
      this.id = collection;
    }

    /** The store's {@link Store#id() id}; the collection's name by default. */
    public Builder id(String storeId) {
      if (storeId.isBlank()) {
        throw new ConfigurationException("a store id is a short name such as 'orders-mongo', but was blank");
      }
      this.id = storeId;
      return this;
    }

    /**
     * The key: {@code _id} (the default) for a scalar {@code _id}; the fields of a compound one, each
     * named {@code _id.FIELD}, in the order the {@code _id} documents hold them (e.g. {@code
     * "_id.region", "_id.id"}); or top-level fields that a unique index covers, in the index's order
     * (e.g. {@code "orderId"}), when the {@code _id} is only the document's storage identity.
     */
    public Builder key(String... names) {
      List<String> given = List.of(names);
      if (given.equals(List.of("_id"))) {
        this.keys = KeyMapping.scalar();
        return this;
      }
      boolean compound = !given.isEmpty() && given.stream().allMatch(n -> n.startsWith("_id."));
      List<String> parts = new ArrayList<>();
      for (String n : given) {
        String part = compound ? n.substring(4) : n;
        if (part.isEmpty() || part.contains(".") || part.startsWith("$") || part.indexOf('\0') >= 0 || part.equals("_id")) {
          throw new ConfigurationException("a MongoDB store is keyed by _id, by the fields of a compound _id named"
              + " _id.FIELD (e.g. _id.region,_id.id), or by top-level fields a unique index covers (e.g. orderId),"
              + " but was given the key " + given);
        }
        parts.add(part);
      }
      if (parts.isEmpty() || new TreeSet<>(parts).size() != parts.size()) {
        throw new ConfigurationException("a key names each field once, but was given " + given);
      }
      this.keys = compound ? KeyMapping.compound(parts) : KeyMapping.indexed(parts);
      return this;
    }

    /**
     * The top-level fields compared, a projection; all but {@code _id} by default. Fields the store
     * does not compare are kept as they are when a repair replaces a document.
     */
    public Builder fields(String... names) {
      if (names.length == 0) {
        this.fields = null;
        return this;
      }
      for (String n : names) {
        if (n.isEmpty() || n.startsWith("$") || n.contains(".") || n.indexOf('\0') >= 0 || n.equals("_id")) {
          throw new ConfigurationException("compared fields are top-level field names other than _id, without '.' or"
              + " a leading '$', but was given '" + n + "'");
        }
      }
      this.fields = List.copyOf(new java.util.LinkedHashSet<>(Arrays.asList(names)));
      return this;
    }

    /** How the store's documents map to the dataset's canonical view; none by default. */
    public Builder normalization(Normalization rules) {
      this.normalization = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * The top-level field in which the collection's writers keep each document's canonical row
     * hash ({@link Entry#hash()} of the document as this store reads it), as four 32-bit limbs,
     * most significant first (an array of four int64 values, {@link #rowHashLimbs}); none by
     * default. With it, the server digests a range itself (one {@code $group} summing each limb,
     * exact for ranges of fewer than 2<sup>31</sup> documents) and row hashes are read without the
     * documents, so the store declares {@link Capability#SERVER_SIDE_DIGEST}; its repairs keep the
     * field up to date, and it is no compared field. A range holding a document without the field
     * is digested in the JVM instead. The digests are only as true as the field: a writer that
     * changes a document without updating its field hides that change from them.
     */
    public Builder rowHashField(String name) {
      if (name.isEmpty() || name.startsWith("$") || name.contains(".") || name.indexOf('\0') >= 0 || name.equals("_id")) {
        throw new ConfigurationException("a row-hash field is a top-level field name other than _id, without '.' or a"
            + " leading '$', but was given '" + name + "'");
      }
      this.rowHashField = name;
      return this;
    }

    /** Whether the store refuses writes (no {@link Capability#WRITE}); false by default. */
    public Builder readOnly(boolean refuseWrites) {
      this.readOnly = refuseWrites;
      return this;
    }

    MongoCollection<BsonDocument> collection() {
      return client.getDatabase(database).getCollection(collectionName, BsonDocument.class);
    }

    /**
     * Checks that a unique index covers exactly the key fields, in order, over every document (not
     * sparse, not partial) and comparing strings by their bytes (no collation): only then is a key
     * one document and a scan in key order an index scan.
     */
    private void checkUniqueIndex(MongoCollection<BsonDocument> c) {
      List<String> wanted = keys.indexFields();
      for (BsonDocument index : c.listIndexes(BsonDocument.class)) {
        BsonDocument key = index.getDocument("key", new BsonDocument());
        if (new ArrayList<>(key.keySet()).equals(wanted) && index.getBoolean("unique", org.bson.BsonBoolean.FALSE).getValue()
            && !index.containsKey("partialFilterExpression") && !index.getBoolean("sparse", org.bson.BsonBoolean.FALSE).getValue()
            && !index.containsKey("collation")) {
          return;
        }
      }
      BsonDocument spec = new BsonDocument();
      wanted.forEach(f -> spec.put(f, new BsonInt32(1)));
      throw new ConfigurationException("collection '" + database + "." + collectionName + "' has no unique index on "
          + wanted + " (in that order, not sparse or partial, without a collation), so the key " + wanted
          + " may name several documents; create one (createIndex(" + spec.toJson() + ", {unique: true})) or key by _id");
    }

    /**
     * Checks the names, that the collection exists and that every {@code _id} in it can be a key,
     * and opens the store.
     *
     * @throws ConfigurationException if a name is not one MongoDB takes, the collection does not
     *     exist, or it holds an {@code _id} of a type this key cannot hold (named, never its value)
     * @throws StoreUnavailableException if the server cannot be reached
     */
    public MongoStore build() {
      if (!DATABASE_NAME.matcher(database).matches()) {
        throw new ConfigurationException("a MongoDB database name is 1 to 63 characters without / \\ . space \" $ * < > : |"
            + " or ?, but was '" + database + "'");
      }
      if (collectionName.isEmpty() || collectionName.contains("$") || collectionName.indexOf('\0') >= 0
          || collectionName.startsWith("system.") || collectionName.length() > 255) {
        throw new ConfigurationException("a MongoDB collection name is 1 to 255 characters without '$' and not"
            + " starting with 'system.', but was '" + collectionName + "'");
      }
      try {
        MongoDatabase db = client.getDatabase(database);
        boolean exists = false;
        for (String name : db.listCollectionNames()) {
          exists |= name.equals(collectionName);
        }
        if (!exists) {
          throw new ConfigurationException("collection '" + collectionName + "' does not exist in database '" + database
              + "'; check the name (it is case-sensitive) or create the collection");
        }
        MongoCollection<BsonDocument> c = collection();
        if (keys.isIndexed()) {
          checkUniqueIndex(c);
        }
        BsonDocument odd = c.find(keys.unkeyable()).projection(keys.projection()).limit(1).first();
        if (odd != null) {
          throw new ConfigurationException("collection '" + database + "." + collectionName + "' holds a document"
              + " reconcile cannot key by " + String.join(",", keys.names()) + ": " + keys.describe(odd) + "; a key part"
              + " is a number, a string, a UUID (binary subtype 4) or an ObjectId: remove or rekey such documents first");
        }
        return new MongoStore(this, Probe.of(db, c));
      } catch (MongoException e) {
        throw failure(id, e);
      }
    }
  }
}
