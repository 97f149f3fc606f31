package io.reconcile.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.core.checkpoint.CheckpointStore;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a watcher knows between cycles and across restarts, for one set of stores: the leaves (the
 * fixed key ranges the key space is cut into) with each store's digest of each leaf at its last
 * check, the dirty leaves and the keys that made them dirty, the divergences still settling, each
 * feed's position, whether a full sweep is owed, and running totals. Kept in the reconciler's
 * {@link CheckpointStore} under two names: {@code NAME} (small, saved every cycle, before any feed
 * position is committed) and {@code NAME.leaves} (the layout and digests, saved after sweeps and on
 * a clean close). Mutable; used by the watcher's thread only.
 */
final class WatchState {

  static final int FORMAT = 1;

  /** Keys remembered per dirty leaf; a leaf with more is dirty as a whole. */
  static final int KEYS_PER_LEAF = 64;

  /** Divergences settling key by key, at most; beyond, their leaves settle as a whole. */
  static final int MAX_SETTLING = 50_000;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  /**
   * The latest change of a key a feed told of (epoch ms).
   *
   * @param committed when it was committed at its source, as the feed says (else when it was seen);
   *     a source's clock may be coarse or skewed, so this only measures the time to detect
   * @param seen when the watch polled it: the settle window counts from here
   */
  record Changed(long committed, long seen) {
    Changed latest(Changed other) {
      return new Changed(Math.max(committed, other.committed), Math.max(seen, other.seen));
    }
  }

  /** A leaf that changed since its last check: the changed keys and their latest changes. */
  static final class Dirty {
    /** The changed keys and their latest changes, or null when there were too many to follow. */
    @Nullable TreeMap<Key, Changed> keys = new TreeMap<>();

    void add(Key key, Changed change) {
      if (keys != null) {
        keys.merge(key, change, Changed::latest);
        if (keys.size() > KEYS_PER_LEAF) {
          keys = null;
        }
      }
    }

    /**
     * The latest change of {@code key}, if this leaf knows: not once it held too many keys to follow
     * (another key's time could be older than this key's change).
     */
    Optional<Changed> changed(Key key) {
      return keys == null ? Optional.empty() : Optional.ofNullable(keys.get(key));
    }
  }

  /**
   * Divergences seen but not yet reported: re-checked when due.
   *
   * @param firstSeen when the key was first seen diverging (in this stretch of divergence)
   * @param state a fingerprint of what the sides hold ({@link Watcher#fingerprint}); 0 for a leaf
   * @param changedAt the commit time of the key's latest change a feed told of, or -1
   * @param due when it is reported if it still diverges
   * @param count how many divergences: 1 for a key, more for a leaf settling as a whole
   */
  record Settling(long firstSeen, long state, long changedAt, long due, long count) {}

  /** The cycle whose pipeline run was under way when the state was saved. */
  record Running(String runId, List<KeyRange> ranges) {}

  final String name;
  final List<String> stores;
  /** Leaf i is [cuts[i-1], cuts[i]); the first starts at the beginning, the last runs to the end. */
  private List<Key> cuts = List.of();
  private @Nullable String layout;
  /** Per store id, per leaf: the digest at the last check, null if unknown. */
  Map<String, @Nullable Digest[]> digests = new LinkedHashMap<>();
  final TreeMap<Integer, Dirty> dirty = new TreeMap<>();
  final TreeMap<Key, Settling> settling = new TreeMap<>();
  /** Leaves whose divergences settle as a whole (too many to follow key by key). */
  final TreeMap<Integer, Settling> settlingLeaves = new TreeMap<>();
  /**
   * Divergences reported by a watch that does not repair, with what the sides held: not reported
   * again while they hold the same (at most {@link #MAX_SETTLING}; forgotten when their leaf agrees).
   */
  final TreeMap<Key, Long> reported = new TreeMap<>();
  final Map<String, FeedPosition> positions = new LinkedHashMap<>();
  @Nullable String sweepOwed;
  long lastSweep;
  boolean open;
  long cycle;
  @Nullable Running running;
  /** Running totals, by name (see {@link WatchReport}). */
  final Map<String, Long> totals = new TreeMap<>();

  WatchState(String name, List<String> stores) {
    this.name = name;
    this.stores = List.copyOf(stores);
  }

  List<Key> cuts() {
    return cuts;
  }

  /** Cuts the key space anew: the leaves' digests are unknown until checked. */
  void cut(List<Key> newCuts) {
    cuts = List.copyOf(newCuts);
    layout = null;
    digests.clear();
    for (String id : stores) {
      digests.put(id, new Digest[leaves()]);
    }
  }

  int leaves() {
    return cuts.size() + 1;
  }

  KeyRange leaf(int i) {
    return KeyRange.of(i == 0 ? null : cuts.get(i - 1), i == cuts.size() ? null : cuts.get(i));
  }

  /** The leaf holding {@code key}. */
  int leafOf(Key key) {
    int i = Collections.binarySearch(cuts, key);
    return i >= 0 ? i + 1 : -i - 1;
  }

  void add(String total, long n) {
    totals.merge(total, n, Long::sum);
  }

  long total(String name) {
    return totals.getOrDefault(name, 0L);
  }

  /** Rows per store over the whole key space, from the digests known; a store with an unknown leaf is left out. */
  Map<String, Long> rows() {
    Map<String, Long> out = new LinkedHashMap<>();
    digests.forEach((store, d) -> {
      long n = 0;
      for (Digest x : d) {
        if (x == null) {
          return;
        }
        n += x.count();
      }
      out.put(store, n);
    });
    return out;
  }

  /** A fingerprint of the leaves' cuts: the small state refers to leaves by index under it. */
  String layout() {
    if (layout == null) {
      layout = fingerprint(cuts);
    }
    return layout;
  }

  private static String fingerprint(List<Key> cuts) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (Key k : cuts) {
        byte[] b = k.encode();
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
      }
      return HexFormat.of().formatHex(md.digest(), 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is in every JDK", e);
    }
  }

  /** Saves the small part: dirty leaves, settling divergences, positions, totals. */
  void save(CheckpointStore store) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    stores.forEach(o.putArray("stores")::add);
    o.put("layout", layout());
    o.put("open", open);
    o.put("cycle", cycle);
    o.put("lastSweep", lastSweep);
    if (sweepOwed != null) {
      o.put("sweepOwed", sweepOwed);
    }
    ObjectNode pos = o.putObject("positions");
    positions.forEach((k, v) -> pos.put(k, v.token()));
    ArrayNode d = o.putArray("dirty");
    dirty.forEach((leaf, x) -> {
      ObjectNode n = d.addObject().put("leaf", leaf);
      if (x.keys != null) {
        ArrayNode keys = n.putArray("keys");
        x.keys.forEach((k, at) -> keys.addArray().add(B64.encodeToString(k.encode())).add(at.committed()).add(at.seen()));
      }
    });
    ArrayNode s = o.putArray("settling");
    settling.forEach((k, x) -> settling(s.addArray().add(B64.encodeToString(k.encode())), x));
    ArrayNode rep = o.putArray("reported");
    reported.forEach((k, fp) -> rep.addArray().add(B64.encodeToString(k.encode())).add(fp));
    ArrayNode sl = o.putArray("settlingLeaves");
    settlingLeaves.forEach((leaf, x) -> settling(sl.addArray().add(leaf), x));
    if (running != null) {
      ObjectNode r = o.putObject("running").put("runId", running.runId());
      ArrayNode ranges = r.putArray("ranges");
      running.ranges().forEach(x -> ranges.addArray().add(key(x.lo())).add(key(x.hi())));
    }
    ObjectNode t = o.putObject("totals");
    totals.forEach(t::put);
    store.save(name, o.toString());
  }

  /** Saves the leaves: their cuts and every store's digests. */
  void saveLeaves(CheckpointStore store) {
    ObjectNode o = JSON.createObjectNode();
    o.put("format", FORMAT);
    o.put("layout", layout());
    ArrayNode c = o.putArray("cuts");
    cuts.forEach(k -> c.add(B64.encodeToString(k.encode())));
    ObjectNode ds = o.putObject("digests");
    digests.forEach((id, d) -> {
      ByteBuffer b = ByteBuffer.allocate(d.length * 24);
      for (Digest x : d) {
        b.putLong(x == null ? -1 : x.count()).putLong(x == null ? 0 : x.sumHi()).putLong(x == null ? 0 : x.sumLo());
      }
      ds.put(id, B64.encodeToString(b.array()));
    });
    store.save(name + ".leaves", o.toString());
  }

  /**
   * The state saved under {@code name}, if any.
   *
   * @throws ReconcileException.ConfigurationException if it belongs to other stores, or cannot be read
   */
  static Optional<WatchState> load(CheckpointStore store, String name, List<String> stores) {
    Optional<String> small = store.load(name);
    if (small.isEmpty()) {
      return Optional.empty();
    }
    WatchState s = new WatchState(name, stores);
    try {
      JsonNode o = JSON.readTree(small.get());
      if (o.path("format").asInt() != FORMAT) {
        throw new ReconcileException.ConfigurationException("the watch state '" + name + "' is in format "
            + o.path("format").asInt() + ", this version reads format " + FORMAT + "; delete it to start watching afresh");
      }
      List<String> saved = new ArrayList<>();
      o.path("stores").forEach(n -> saved.add(n.asText()));
      if (!saved.equals(stores)) {
        throw new ReconcileException.ConfigurationException("the watch state '" + name + "' belongs to stores " + saved
            + ", not " + stores + "; give this watch its own state (another checkpoint directory or watch name)");
      }
      s.open = o.path("open").asBoolean();
      s.cycle = o.path("cycle").asLong();
      s.lastSweep = o.path("lastSweep").asLong();
      s.sweepOwed = o.hasNonNull("sweepOwed") ? o.get("sweepOwed").asText() : null;
      o.path("positions").fields().forEachRemaining(e -> s.positions.put(e.getKey(), new FeedPosition(e.getValue().asText())));
      for (JsonNode n : o.path("dirty")) {
        Dirty x = new Dirty();
        if (n.has("keys")) {
          for (JsonNode k : n.get("keys")) {
            x.keys.put(Key.decode(B64D.decode(k.get(0).asText())), new Changed(k.get(1).asLong(), k.get(2).asLong()));
          }
        } else {
          x.keys = null;
        }
        s.dirty.put(n.get("leaf").asInt(), x);
      }
      for (JsonNode n : o.path("settling")) {
        s.settling.put(Key.decode(B64D.decode(n.get(0).asText())), settling(n, 1));
      }
      for (JsonNode n : o.path("reported")) {
        s.reported.put(Key.decode(B64D.decode(n.get(0).asText())), n.get(1).asLong());
      }
      for (JsonNode n : o.path("settlingLeaves")) {
        s.settlingLeaves.put(n.get(0).asInt(), settling(n, 1));
      }
      if (o.has("running")) {
        List<KeyRange> ranges = new ArrayList<>();
        for (JsonNode r : o.get("running").get("ranges")) {
          ranges.add(KeyRange.of(key(r.get(0)), key(r.get(1))));
        }
        s.running = new Running(o.get("running").get("runId").asText(), ranges);
      }
      o.path("totals").fields().forEachRemaining(e -> s.totals.put(e.getKey(), e.getValue().asLong()));
      String layout = o.path("layout").asText();
      if (!s.loadLeaves(store, layout)) {
        // The leaves are gone or of another layout: the leaf numbers above mean nothing.
        s.dirty.clear();
        s.settlingLeaves.clear();
        s.cuts = List.of();
        s.layout = null;
        s.digests.clear();
        s.sweepOwed = "the saved leaves do not match the saved state";
      }
      return Optional.of(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
      if (e instanceof ReconcileException.ConfigurationException ce) {
        throw ce;
      }
      throw new ReconcileException.ConfigurationException(
          "the watch state '" + name + "' cannot be read (" + e.getMessage() + "); delete it to start watching afresh", e);
    }
  }

  private boolean loadLeaves(CheckpointStore store, String layout) throws com.fasterxml.jackson.core.JsonProcessingException {
    Optional<String> saved = store.load(name + ".leaves");
    if (saved.isEmpty()) {
      return false;
    }
    JsonNode o = JSON.readTree(saved.get());
    List<Key> read = new ArrayList<>();
    o.path("cuts").forEach(n -> read.add(Key.decode(B64D.decode(n.asText()))));
    cuts = List.copyOf(read);
    this.layout = null;
    if (!layout().equals(layout) || !o.path("layout").asText().equals(layout)) {
      return false;
    }
    for (String id : stores) {
      Digest[] d = new Digest[leaves()];
      JsonNode packed = o.path("digests").get(id);
      if (packed != null) {
        ByteBuffer b = ByteBuffer.wrap(B64D.decode(packed.asText()));
        for (int i = 0; i < d.length && b.remaining() >= 24; i++) {
          long count = b.getLong();
          long hi = b.getLong();
          long lo = b.getLong();
          d[i] = count < 0 ? null : new Digest(count, hi, lo);
        }
      }
      digests.put(id, d);
    }
    return true;
  }

  private static void settling(ArrayNode a, Settling x) {
    a.add(x.firstSeen()).add(x.state()).add(x.changedAt()).add(x.due()).add(x.count());
  }

  private static Settling settling(JsonNode n, int from) {
    return new Settling(n.get(from).asLong(), n.get(from + 1).asLong(), n.get(from + 2).asLong(), n.get(from + 3).asLong(),
        n.get(from + 4).asLong());
  }

  private static @Nullable String key(@Nullable Key k) {
    return k == null ? null : B64.encodeToString(k.encode());
  }

  private static @Nullable Key key(JsonNode n) {
    return n == null || n.isNull() ? null : Key.decode(B64D.decode(n.asText()));
  }
}
