package io.reconcile.testkit.example;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/** The store over a sorted map that docs/writing-a-store-plugin.md builds; keys of every shape. */
public final class SortedMapStore implements Store {

  private final String id;
  private final boolean readOnly;
  private final String instance = java.util.UUID.randomUUID().toString();
  private final Object writeLock = new Object();
  private volatile NavigableMap<Key, Entry> rows = Collections.emptyNavigableMap(); // replaced whole by each batch
  private volatile boolean closed;

  public SortedMapStore(String id, boolean readOnly) {
    this.id = id;
    this.readOnly = readOnly;
  }

  @Override
  public String id() {
    return id;
  }

  /** Every store is a map of its own, so its identity is an id drawn when it is made. */
  @Override
  public java.util.Map<String, String> fingerprint() {
    return java.util.Map.of("product", "sorted-map", "dataset", id, "instance", instance);
  }

  /** Entries are kept whole, versions included; a batch is decided and published under one lock. */
  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.of(Capability.ORDERED_SCAN, Capability.KEY_INDEX, Capability.VERSIONS);
    if (!readOnly) {
      c.addAll(EnumSet.of(Capability.WRITE, Capability.COMPARE_AND_SET, Capability.ATOMIC_BATCH, Capability.READ_YOUR_WRITES));
    }
    return c;
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    if (maxSegments < 1) {
      throw new IllegalArgumentException("maxSegments must be >= 1, but was " + maxSegments);
    }
    NavigableMap<Key, Entry> snapshot = rows(range);
    List<Key> keys = new ArrayList<>(snapshot.keySet());
    int parts = Math.max(1, Math.min(maxSegments, keys.size()));
    List<Key> cuts = new ArrayList<>();
    for (int i = 1; i < parts; i++) {
      cuts.add(keys.get(i * keys.size() / parts)); // strictly ascending, each after the range's start
    }
    List<Segment> out = new ArrayList<>();
    for (KeyRange part : range.split(cuts)) {
      out.add(new Segment(part, rows(snapshot, part).size()));
    }
    return out;
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    if (!hashSchemes().contains(scheme)) {
      throw new IllegalArgumentException("store '" + id + "' digests with " + hashSchemes() + ", not " + scheme);
    }
    KeyRange.requireAscending(ranges);
    NavigableMap<Key, Entry> snapshot = rows(KeyRange.all());
    List<Digest> out = new ArrayList<>();
    for (KeyRange r : ranges) {
      Digest d = Digest.EMPTY;
      for (Entry e : rows(snapshot, r).values()) {
        d = d.plus(e.hash());
      }
      out.add(d);
    }
    return out;
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return rows(range).values().stream();
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    checkOpen();
    if (readOnly) {
      throw new ReconcileException.RepairRefusedException("store '" + id + "' is read-only");
    }
    for (RepairAction a : actions) {
      if (!a.target().equals(id)) {
        throw new IllegalArgumentException("action " + a.id() + " targets store '" + a.target() + "', not '" + id + "'");
      }
    }
    synchronized (writeLock) {
      TreeMap<Key, Entry> next = new TreeMap<>(rows);
      List<ActionOutcome> outcomes = new ArrayList<>();
      for (RepairAction a : actions) {
        Entry now = next.get(a.key());
        ActionOutcome.Status status = a.statusFor(now, true); // true: this store keeps versions
        if (status == ActionOutcome.Status.APPLIED) {
          next.compute(a.key(), (k, old) -> a.result()); // a delete's null result removes the key
        }
        outcomes.add(new ActionOutcome(a, status, now));
      }
      rows = Collections.unmodifiableNavigableMap(next); // publish the whole batch at once
      return outcomes;
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /** The current snapshot's entries in {@code range}; fails if the store is closed. */
  private NavigableMap<Key, Entry> rows(KeyRange range) {
    checkOpen();
    return rows(rows, range);
  }

  private static NavigableMap<Key, Entry> rows(NavigableMap<Key, Entry> map, KeyRange range) {
    NavigableMap<Key, Entry> r = range.lo() == null ? map : map.tailMap(range.lo(), true);
    return range.hi() == null ? r : r.headMap(range.hi(), false);
  }

  private void checkOpen() {
    if (closed) {
      throw new ReconcileException.StoreUnavailableException("store '" + id + "' is closed", false);
    }
  }
}
