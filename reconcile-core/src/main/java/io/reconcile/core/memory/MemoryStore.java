package io.reconcile.core.memory;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Store} held in this JVM's memory, with every capability: ordered scans, digests,
 * conditional writes, versions and a change feed. It is what tests and the demo use, and a
 * reference for plugin authors.
 *
 * <p>{@link #create(String)} makes a private store. {@link #named(String)} (and the URI {@code
 * mem:NAME} through {@link io.reconcile.api.store.Stores#open}) opens a store shared by name within
 * the JVM, like an in-memory database: every handle of one name sees the same data until {@link
 * #drop(String)}. Closing a handle closes only that handle.
 *
 * <p>Thread-safe. Writes are serialised and atomic per batch; scans and digests read a consistent
 * snapshot and never see part of a batch, and never block writers. Entries are stored as written
 * and normalised on read with the handle's {@link Normalization}. An applied action on a present
 * entry reports the whole entry it replaced, every field as written, in {@link
 * ActionOutcome#foundRow()}; a {@linkplain RepairAction#restore restore} writes its stored row as
 * given.
 */
public final class MemoryStore implements Store {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final Set<HashScheme> SCHEMES = Set.of(HashScheme.CANONICAL_MD5, HashScheme.CANONICAL_XXH3_128);
  private static final Map<String, MemoryTable> NAMED = new ConcurrentHashMap<>();

  private final String id;
  private final MemoryTable table;
  private final Normalization normalization;
  private final List<String> fields;
  private final boolean readOnly;
  private final Map<String, String> fingerprint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MemoryStore(String id, String dataset, MemoryTable table, StoreOptions options) {
    this.id = id;
    this.table = table;
    Map<String, String> f = new LinkedHashMap<>();
    f.put("product", "memory");
    f.put("dataset", dataset);
    f.put("instance", table.instance);
    this.fingerprint = Collections.unmodifiableMap(f);
    this.normalization = options.normalization();
    this.fields = options.fields();
    this.readOnly = options.readOnly();
  }

  /** A new, empty, private store. */
  public static MemoryStore create(String id) {
    return create(id, StoreOptions.defaults());
  }

  /**
   * A new, empty, private store with options: the in-memory store honours {@code normalization},
   * {@code fields} (compare only these) and {@code readOnly}; its id is {@code id}.
   *
   * @throws ReconcileException.ConfigurationException for any other option
   */
  public static MemoryStore create(String id, StoreOptions options) {
    checkOptions(options);
    return new MemoryStore(checkName(id, "id"), id, new MemoryTable(), options);
  }

  /** A handle on the store shared under {@code name} in this JVM, created empty if need be. */
  public static MemoryStore named(String name) {
    return named(name, StoreOptions.defaults());
  }

  /**
   * A handle on the store shared under {@code name}; its id is the option's id or the name.
   *
   * @throws ReconcileException.ConfigurationException for a bad name or an unsupported option
   */
  public static MemoryStore named(String name, StoreOptions options) {
    checkName(name, "name");
    checkOptions(options);
    MemoryTable table = NAMED.computeIfAbsent(name, n -> new MemoryTable());
    return new MemoryStore(options.id().orElse(name), name, table, options);
  }

  /** Forgets the shared store called {@code name}; open handles keep the data they had. */
  public static void drop(String name) {
    NAMED.remove(name);
  }

  private static String checkName(String name, String what) {
    if (!NAME.matcher(name).matches()) {
      throw new ReconcileException.ConfigurationException(
          "an in-memory store "
              + what
              + " is 1-128 letters, digits, '.', '_' or '-', but was '"
              + name
              + "'");
    }
    return name;
  }

  private static void checkOptions(StoreOptions o) {
    List<String> unsupported = new ArrayList<>();
    o.dataset().ifPresent(x -> unsupported.add("dataset"));
    o.filter().ifPresent(x -> unsupported.add("filter"));
    o.versionField().ifPresent(x -> unsupported.add("versionField"));
    if (!o.keyFields().isEmpty()) {
      unsupported.add("keyFields");
    }
    unsupported.addAll(o.properties().keySet());
    if (!unsupported.isEmpty()) {
      throw new ReconcileException.ConfigurationException(
          "the in-memory store supports the options id, fields, normalization and readOnly, but"
              + " was given "
              + unsupported
              + "; remove them (entries carry their own keys and versions)");
    }
  }

  @Override
  public String id() {
    return id;
  }

  /**
   * {@code product} {@code memory}, {@code dataset} the store's name ({@code create}'s id or
   * {@code named}'s name) and {@code instance}, an id of its data unique among all in-memory
   * stores of all JVMs: handles of one {@linkplain #named(String) shared name} have equal
   * fingerprints, every other pair differs — a private store of the same id too, and any store
   * of another JVM, whose data this one cannot hold.
   */
  @Override
  public Map<String, String> fingerprint() {
    return fingerprint;
  }

  /**
   * {@link Capability#SERVER_SIDE_DIGEST} (the data lives in this JVM), {@link
   * Capability#ORDERED_SCAN}, {@link Capability#KEY_INDEX} (a sorted map), {@link
   * Capability#VERSIONS} and {@link Capability#CHANGE_FEED}; and,
   * unless read-only, {@link Capability#WRITE}, {@link Capability#COMPARE_AND_SET}, {@link
   * Capability#ATOMIC_BATCH} and {@link Capability#READ_YOUR_WRITES} (writes are serialised, and
   * each batch is decided and committed at once).
   */
  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.of(
        Capability.SERVER_SIDE_DIGEST, Capability.ORDERED_SCAN, Capability.KEY_INDEX, Capability.VERSIONS, Capability.CHANGE_FEED);
    if (!readOnly) {
      c.addAll(EnumSet.of(
          Capability.WRITE, Capability.COMPARE_AND_SET, Capability.ATOMIC_BATCH, Capability.READ_YOUR_WRITES));
    }
    return c;
  }

  /**
   * Writes an entry unconditionally, as an application would: for seeding test data and
   * simulating concurrent writers. Fields are stored as given (the store's own names and values).
   */
  public void put(Entry entry) {
    putAll(List.of(entry));
  }

  /** Writes entries unconditionally, as one atomic batch; see {@link #put(Entry)}. */
  public void putAll(Collection<Entry> entries) {
    checkOpen();
    table.write(
        current -> {
          TreeMap<Key, @Nullable Entry> writes = new TreeMap<>();
          for (Entry e : entries) {
            writes.put(e.key(), e);
          }
          return new MemoryTable.Staged<>(writes, null);
        });
  }

  /** Deletes a key unconditionally; see {@link #put(Entry)}. */
  public void remove(Key key) {
    checkOpen();
    table.write(
        current -> {
          TreeMap<Key, @Nullable Entry> writes = new TreeMap<>();
          if (current.apply(key) != null) {
            writes.put(key, null);
          }
          return new MemoryTable.Staged<>(writes, null);
        });
  }

  /** The number of entries in the latest committed state; kept as writes commit, so it costs nothing. */
  public long size() {
    checkOpen();
    return table.size();
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1, but was " + maxSegments);
    }
    checkOpen();
    long snapshot = table.acquire();
    try {
      NavigableMap<Key, MemoryTable.Node> rows = table.rows(range);
      long count;
      if (range.lo() == null && range.hi() == null) {
        count = table.size(); // a whole-store plan needs no counting pass; counts below are exact
      } else {
        count = 0;
        for (Iterator<Entry> it = MemoryTable.visible(rows, snapshot); it.hasNext(); it.next()) {
          count++;
        }
      }
      Iterator<Entry> entries = MemoryTable.visible(rows, snapshot);
      return Segment.ofKeys(range, count, maxSegments, new Iterator<>() {
        @Override
        public boolean hasNext() {
          return entries.hasNext();
        }

        @Override
        public Key next() {
          return entries.next().key();
        }
      });
    } finally {
      table.release(snapshot);
    }
  }

  /**
   * {@link HashScheme#CANONICAL_MD5}, and {@link HashScheme#CANONICAL_XXH3_128}, which two stores
   * that both hash in the JVM (two in-memory stores) digest under instead: the same canonical
   * encoding, hashed several times faster.
   */
  @Override
  public Set<HashScheme> hashSchemes() {
    return SCHEMES;
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    checkScheme(scheme);
    KeyRange.requireAscending(ranges);
    checkOpen();
    long snapshot = table.acquire();
    try {
      List<Digest> out = new ArrayList<>(ranges.size());
      for (KeyRange r : ranges) {
        Digest d = Digest.EMPTY;
        for (Iterator<MemoryTable.Node> it = MemoryTable.visibleVersions(table.rows(r), snapshot); it.hasNext(); ) {
          d = d.plus(rowHash(it.next(), scheme));
        }
        out.add(d);
      }
      return List.copyOf(out);
    } finally {
      table.release(snapshot);
    }
  }

  /** The row hashes {@link #digest} sums, read from one snapshot; close the stream to release it. */
  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    checkScheme(scheme);
    KeyRange.requireAscending(ranges);
    checkOpen();
    long snapshot = table.acquire();
    AtomicBoolean released = new AtomicBoolean();
    return ranges.stream()
        .flatMap(r -> StreamSupport.stream(Spliterators.spliteratorUnknownSize(
            MemoryTable.visibleVersions(table.rows(r), snapshot), Spliterator.ORDERED | Spliterator.NONNULL), false))
        .map(version -> {
          checkOpen();
          return new KeyHash(Objects.requireNonNull(version.entry).key(), rowHash(version, scheme));
        })
        .onClose(
            () -> {
              if (released.compareAndSet(false, true)) {
                table.release(snapshot);
              }
            });
  }

  private void checkScheme(HashScheme scheme) {
    if (!SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "store '" + id + "' digests with " + hashSchemes() + ", not " + scheme);
    }
  }

  /**
   * The row hash of a stored version's canonical view under one of {@link #SCHEMES}, kept with what
   * it hashes when this handle reads entries as stored: canonical MD5 in the entry, XXH3-128 in the
   * version. A handle with its own view (normalisation, projected fields) hashes that view anew, as
   * it does under either scheme.
   */
  private RowHash rowHash(MemoryTable.Node version, HashScheme scheme) {
    Entry stored = Objects.requireNonNull(version.entry);
    Entry e = view(stored);
    if (scheme.equals(HashScheme.CANONICAL_MD5)) {
      return e.hash();
    }
    return e == stored ? version.xxh3(CanonicalXxh3::hash) : CanonicalXxh3.hash(e);
  }


  @Override
  public Stream<Entry> scan(KeyRange range) {
    checkOpen();
    long snapshot = table.acquire();
    AtomicBoolean released = new AtomicBoolean();
    Iterator<Entry> it = MemoryTable.visible(table.rows(range), snapshot);
    Spliterator<Entry> split =
        Spliterators.spliteratorUnknownSize(
            it, Spliterator.ORDERED | Spliterator.SORTED | Spliterator.NONNULL | Spliterator.DISTINCT);
    return StreamSupport.stream(
            new Spliterators.AbstractSpliterator<Entry>(Long.MAX_VALUE, Spliterator.ORDERED | Spliterator.NONNULL) {
              @Override
              public boolean tryAdvance(java.util.function.Consumer<? super Entry> action) {
                checkOpen();
                return split.tryAdvance(e -> action.accept(view(e)));
              }
            },
            false)
        .onClose(
            () -> {
              if (released.compareAndSet(false, true)) {
                table.release(snapshot);
              }
            });
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    checkOpen();
    long snapshot = table.acquire();
    try {
      Map<Key, Entry> out = new TreeMap<>();
      for (Key k : keys) {
        Entry e = table.get(k, snapshot);
        if (e != null) {
          out.put(k, view(e));
        }
      }
      return out;
    } finally {
      table.release(snapshot);
    }
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    checkOpen();
    if (readOnly) {
      throw new ReconcileException.RepairRefusedException(
          "store '" + id + "' is read-only; open it without readOnly to repair it");
    }
    for (RepairAction a : actions) {
      if (!a.target().equals(id)) {
        throw new IllegalArgumentException(
            "action " + a.id() + " targets store '" + a.target() + "', not '" + id + "'");
      }
    }
    return table.write(
        current -> {
          TreeMap<Key, @Nullable Entry> writes = new TreeMap<>();
          Map<Key, @Nullable Entry> staged = new LinkedHashMap<>();
          List<ActionOutcome> outcomes = new ArrayList<>(actions.size());
          for (RepairAction a : actions) {
            Key k = a.key();
            Entry raw = staged.containsKey(k) ? staged.get(k) : current.apply(k);
            Entry now = raw == null ? null : view(raw);
            ActionOutcome.Status status = a.statusFor(now, true); // entries keep their versions
            if (status == ActionOutcome.Status.APPLIED) {
              Entry result = a.result();
              Entry stored = result == null ? null : toStore(a, result);
              staged.put(k, stored);
              writes.put(k, stored);
              outcomes.add(new ActionOutcome(a, status, now, raw == null ? null : raw.fields().fields()));
            } else {
              outcomes.add(new ActionOutcome(a, status, now));
            }
          }
          return new MemoryTable.Staged<>(writes, List.copyOf(outcomes));
        });
  }

  /**
   * Opens the feed of this store's changes: every key a write or delete of any handle on the data
   * touched, with the time of the commit. The table starts keeping history when its first feed
   * opens and keeps the newest {@value ChangeLog#RETAINED} changes; a position older than that, of
   * another table, or malformed opens the feed with a gap.
   */
  @Override
  public ChangeFeed changes(Optional<FeedPosition> after) {
    checkOpen();
    return MemoryFeed.open(id, table, after);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  @Override
  public String toString() {
    return "MemoryStore[" + id + "]";
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new ReconcileException.StoreUnavailableException(
          "store '" + id + "' is closed; open a new handle", false);
    }
  }

  /** The canonical view of a stored entry: normalised, and projected onto the compared fields. */
  private Entry view(Entry stored) {
    Entry e = normalization.apply(stored);
    if (fields.isEmpty()) {
      return e;
    }
    Map<String, Value> kept = new LinkedHashMap<>();
    for (String f : fields) {
      Value v = e.fields().fields().get(f);
      if (v != null) {
        kept.put(f, v);
      }
    }
    return Entry.of(e.key(), Value.MapValue.of(kept), e.version());
  }

  /**
   * What an action writes: a restore's stored row as given, else the canonical entry with dataset
   * field names mapped back to the store's.
   */
  private Entry toStore(RepairAction action, Entry canonical) {
    if (action instanceof RepairAction.Upsert u && u.storedRow() != null) {
      return Entry.of(canonical.key(), Value.MapValue.of(u.storedRow()), canonical.version());
    }
    return Entry.of(canonical.key(), normalization.toStore(canonical.fields()), canonical.version());
  }
}
