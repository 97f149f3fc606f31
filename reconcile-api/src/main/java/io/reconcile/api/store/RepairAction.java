package io.reconcile.api.store;

import io.reconcile.api.Canonical;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A concrete, replayable write to one store: put an entry, or delete a key, but only if the target
 * still holds the {@link Expected expected} state seen at detection.
 *
 * <p>Every action carries an idempotency {@link #id() id} derived from what it does, so the same
 * plan computed twice has the same ids. Actions are made only by {@link #upsert}, {@link #restore}
 * and {@link #delete}, which derive the id; nobody can make an action with an id of their own. A
 * store decides what to do with an action by {@link #statusFor}: write it, report it already
 * applied (replaying an action whose result is in place changes nothing), or refuse it. {@link
 * #inverse()} gives the action that undoes it, itself conditional on this action's result still
 * being in place.
 *
 * <p>Immutable and thread-safe. The set is closed: {@link Upsert} and {@link Delete}, told apart
 * with {@code instanceof} or a pattern ({@code if (a instanceof RepairAction.Upsert u) …}). Two
 * actions are equal when they are of the same kind with equal target, entry or key, expectation and
 * stored row (and so equal ids).
 */
public sealed interface RepairAction permits RepairAction.Upsert, RepairAction.Delete {

  /**
   * A stable id of the change: 32 lowercase hex digits, the first 128 bits of a SHA-256 over the
   * action's canonical bytes — the target's UTF-8 name, the key's {@linkplain Key#encode()
   * encoding}, the {@linkplain Entry#hash() row hash} of the expected entry (or absence), the row
   * hash and the version of the resulting entry (or absence), and, for a {@linkplain #restore
   * restore}, the {@linkplain Canonical#encode(Value) canonical encoding} of the stored row; each
   * part framed by its length, so no two different actions share the bytes hashed. Equal for the
   * same change to the same target from the same state, whenever and wherever it is computed.
   */
  String id();

  /** The {@link Store#id() id} of the store written to. */
  String target();

  /** The key written. */
  Key key();

  /** What the target must hold for the action to apply. */
  Expected expected();

  /** The entry the key holds once the action has applied, or null if the key is then absent. */
  @Nullable Entry result();

  /** The action that restores the expected state, conditional on {@link #result()}. */
  RepairAction inverse();

  /**
   * What a store does with this action when its key holds {@code current} now: the one rule every
   * store applies (see {@link Store#apply}).
   *
   * <table>
   *   <caption>The outcome, by what the target holds</caption>
   *   <tr><th>the target holds</th><th>status</th><th>the store</th></tr>
   *   <tr><td>the {@linkplain #result() result}: absence for a delete; for an upsert, the result's
   *       data ({@link Entry#sameData}) and, when {@code versioned}, its {@link Entry#version()
   *       version}</td>
   *       <td>{@link ActionOutcome.Status#ALREADY_APPLIED ALREADY_APPLIED}</td><td>writes
   *       nothing</td></tr>
   *   <tr><td>otherwise, what {@linkplain #expected() expected} {@linkplain Expected#matches
   *       matches} (canonical data, versions aside; or absence)</td>
   *       <td>{@link ActionOutcome.Status#APPLIED APPLIED}</td><td>writes the result</td></tr>
   *   <tr><td>anything else</td><td>{@link ActionOutcome.Status#REFUSED REFUSED}</td><td>writes
   *       nothing</td></tr>
   * </table>
   *
   * <p>So a store that keeps versions writes an upsert whose data is in place but whose version is
   * not (the version is part of what it holds), while a store that keeps none reports it already
   * applied instead of writing the same data again. This agrees with the engine's planner, which
   * plans an upsert when a target's data or version differs from the decided entry.
   *
   * @param current what the target holds under {@link #key()} now, or null if the key is absent; a
   *     store that keeps only part of a version (one version column) passes the version it holds,
   *     completed with the parts of the result's version it cannot hold
   * @param versioned whether the store keeps versions ({@link Capability#VERSIONS})
   * @throws IllegalArgumentException if {@code current} holds another key
   */
  default ActionOutcome.Status statusFor(@Nullable Entry current, boolean versioned) {
    if (current != null && !current.key().equals(key())) {
      throw new IllegalArgumentException(
          "action " + id() + " writes key " + key() + ", but was given the entry of key " + current.key()
              + " as what its target holds; pass the entry the target holds under the action's key");
    }
    Entry result = result();
    boolean inPlace =
        result == null
            ? current == null
            : current != null
                && current.sameData(result)
                && (!versioned || current.version().equals(result.version()));
    if (inPlace) {
      return ActionOutcome.Status.ALREADY_APPLIED;
    }
    return expected().matches(current) ? ActionOutcome.Status.APPLIED : ActionOutcome.Status.REFUSED;
  }

  /**
   * Puts {@code entry} into {@code target} if it holds {@code expected}.
   *
   * @throws IllegalArgumentException if {@code expected} holds an entry of another key
   */
  static Upsert upsert(String target, Entry entry, Expected expected) {
    return new Upsert(target, entry, expected, null);
  }

  /**
   * Puts back a record exactly as it was stored: {@code entry} is its canonical view (what the
   * expectation and the idempotency check compare), {@code storedRow} every field as the store
   * reported it in {@link ActionOutcome#foundRow()}, compared or not, which the store writes as
   * they are. Undo builds these from the audit trail.
   *
   * @throws IllegalArgumentException if {@code expected} holds an entry of another key
   */
  static Upsert restore(String target, Entry entry, Map<String, Value> storedRow, Expected expected) {
    return new Upsert(target, entry, expected, Objects.requireNonNull(storedRow, "storedRow"));
  }

  /**
   * Deletes {@code key} from {@code target} if it holds {@code expected}.
   *
   * @throws IllegalArgumentException if {@code expected} is absence (nothing to delete) or holds
   *     another key
   */
  static Delete delete(String target, Key key, Expected expected) {
    return new Delete(target, key, expected);
  }

  /** Puts an entry (made by {@link #upsert} or {@link #restore}). */
  final class Upsert implements RepairAction {
    private final String id;
    private final String target;
    private final Entry entry;
    private final Expected expected;
    private final @Nullable Map<String, Value> storedRow;

    private Upsert(String target, Entry entry, Expected expected, @Nullable Map<String, Value> storedRow) {
      this.target = Objects.requireNonNull(target, "target");
      this.entry = Objects.requireNonNull(entry, "entry");
      this.expected = Objects.requireNonNull(expected, "expected");
      checkKey(entry.key(), expected);
      this.storedRow = storedRow == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(storedRow));
      this.id = idOf(target, entry.key(), expected, entry, this.storedRow);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public String target() {
      return target;
    }

    /** The entry to put; its key is the action's key. */
    public Entry entry() {
      return entry;
    }

    @Override
    public Expected expected() {
      return expected;
    }

    /**
     * For an exact {@linkplain RepairAction#restore restore}, every field to write as stored
     * (unmodifiable, in the order given); null for an upsert that writes its entry.
     */
    public @Nullable Map<String, Value> storedRow() {
      return storedRow;
    }

    @Override
    public Key key() {
      return entry.key();
    }

    @Override
    public Entry result() {
      return entry;
    }

    @Override
    public RepairAction inverse() {
      Entry before = expected.entry();
      return before == null
          ? RepairAction.delete(target, entry.key(), Expected.present(entry))
          : RepairAction.upsert(target, before, Expected.present(entry));
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Upsert u
          && id.equals(u.id)
          && target.equals(u.target)
          && entry.equals(u.entry)
          && expected.equals(u.expected)
          && Objects.equals(storedRow, u.storedRow);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }

    @Override
    public String toString() {
      return (storedRow == null ? "upsert " : "restore ") + entry.key() + " in " + target + " if " + expected
          + " [" + id + "]";
    }
  }

  /** Deletes a key (made by {@link #delete}). */
  final class Delete implements RepairAction {
    private final String id;
    private final String target;
    private final Key key;
    private final Expected expected;

    private Delete(String target, Key key, Expected expected) {
      this.target = Objects.requireNonNull(target, "target");
      this.key = Objects.requireNonNull(key, "key");
      this.expected = Objects.requireNonNull(expected, "expected");
      if (expected.isAbsent()) {
        throw new IllegalArgumentException(
            "a delete of " + key + " from " + target + " must expect the entry it removes, not absence");
      }
      checkKey(key, expected);
      this.id = idOf(target, key, expected, null, null);
    }

    @Override
    public String id() {
      return id;
    }

    @Override
    public String target() {
      return target;
    }

    @Override
    public Key key() {
      return key;
    }

    /** What the target must hold; never absence. */
    @Override
    public Expected expected() {
      return expected;
    }

    @Override
    public @Nullable Entry result() {
      return null;
    }

    @Override
    public RepairAction inverse() {
      return RepairAction.upsert(target, Objects.requireNonNull(expected.entry()), Expected.absent());
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Delete d
          && id.equals(d.id)
          && target.equals(d.target)
          && key.equals(d.key)
          && expected.equals(d.expected);
    }

    @Override
    public int hashCode() {
      return id.hashCode();
    }

    @Override
    public String toString() {
      return "delete " + key + " from " + target + " if " + expected + " [" + id + "]";
    }
  }

  private static void checkKey(Key key, Expected expected) {
    Entry e = expected.entry();
    if (e != null && !e.key().equals(key)) {
      throw new IllegalArgumentException(
          "an action on key " + key + " cannot expect an entry of key " + e.key());
    }
  }

  /** See {@link #id()}. */
  private static String idOf(
      String target, Key key, Expected expected, @Nullable Entry result, @Nullable Map<String, Value> storedRow) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM offers no SHA-256, which every Java SE must", e);
    }
    framed(md, target.getBytes(StandardCharsets.UTF_8));
    framed(md, key.encode());
    Entry before = expected.entry();
    framed(md, before == null ? null : hashBytes(before.hash()));
    framed(md, result == null ? null : hashBytes(result.hash()));
    if (result != null) {
      Version v = result.version();
      VersionVector vector = v.vector();
      framed(md, vector == null ? null : vector.toBytes());
      Instant t = v.timestamp();
      framed(md, t == null ? null : ByteBuffer.allocate(12).putLong(t.getEpochSecond()).putInt(t.getNano()).array());
    }
    framed(md, storedRow == null ? null : Canonical.encode(Value.MapValue.of(storedRow)));
    return HexFormat.of().formatHex(md.digest(), 0, 16);
  }

  /** A length (-1 for absent) then the bytes, so that parts cannot run into each other. */
  private static void framed(MessageDigest md, byte @Nullable [] bytes) {
    md.update(ByteBuffer.allocate(4).putInt(bytes == null ? -1 : bytes.length).array());
    if (bytes != null) {
      md.update(bytes);
    }
  }

  private static byte[] hashBytes(RowHash h) {
    return ByteBuffer.allocate(16).putLong(h.hi()).putLong(h.lo()).array();
  }
}
