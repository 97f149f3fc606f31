package io.reconcile.api.store;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
 * <p>Every action carries an idempotency id derived from what it does (target, key, expected state
 * and resulting state), so the same plan computed twice has the same ids, and replaying an action
 * whose result is already in place changes nothing. {@link #inverse()} gives the action that undoes
 * it, itself conditional on this action's result still being in place.
 *
 * <p>Immutable and thread-safe. The set is closed: {@link Upsert} and {@link Delete}.
 */
public sealed interface RepairAction {

  /** A stable id: the same for the same change to the same target from the same state. */
  String id();

  /** The {@link io.reconcile.api.store.Store#id() id} of the store written to. */
  String target();

  /** The key written. */
  Key key();

  /** What the target must hold for the action to apply. */
  Expected expected();

  /** The entry the key holds once the action has applied, or null if the key is then absent. */
  @Nullable Entry result();

  /** The action that restores the expected state, conditional on {@link #result()}. */
  RepairAction inverse();

  /** Puts {@code entry} into {@code target} if it holds {@code expected}. */
  static Upsert upsert(String target, Entry entry, Expected expected) {
    return new Upsert(idOf(target, entry.key(), expected, entry), target, entry, expected);
  }

  /**
   * Puts back a record exactly as it was stored: {@code entry} is its canonical view (what the
   * expectation and the idempotency check compare), {@code storedRow} every field as the store
   * reported it in {@link ActionOutcome#foundRow()}, compared or not, which the store writes as
   * they are. Undo builds these from the audit trail.
   */
  static Upsert restore(String target, Entry entry, Map<String, Value> storedRow, Expected expected) {
    return new Upsert(idOf(target, entry.key(), expected, entry), target, entry, expected, storedRow);
  }

  /**
   * Deletes {@code key} from {@code target} if it holds {@code expected}.
   *
   * @throws IllegalArgumentException if {@code expected} is absence (nothing to delete) or holds
   *     another key
   */
  static Delete delete(String target, Key key, Expected expected) {
    return new Delete(idOf(target, key, expected, null), target, key, expected);
  }

  /**
   * Puts an entry.
   *
   * @param id the idempotency id
   * @param target the store written to
   * @param entry the entry to put (its key is the action's key)
   * @param expected what the target must hold
   * @param storedRow for an exact {@linkplain RepairAction#restore restore}, every field to write as
   *     stored; null to write the entry
   */
  record Upsert(String id, String target, Entry entry, Expected expected, @Nullable Map<String, Value> storedRow)
      implements RepairAction {
    public Upsert {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(expected, "expected");
      checkKey(entry.key(), expected);
      if (storedRow != null) {
        storedRow = Collections.unmodifiableMap(new LinkedHashMap<>(storedRow));
      }
    }

    /** An upsert that writes its entry ({@code storedRow} null). */
    public Upsert(String id, String target, Entry entry, Expected expected) {
      this(id, target, entry, expected, null);
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
    public String toString() {
      return "upsert " + entry.key() + " in " + target + " if " + expected + " [" + id + "]";
    }
  }

  /**
   * Deletes a key.
   *
   * @param id the idempotency id
   * @param target the store written to
   * @param key the key to delete
   * @param expected what the target must hold; never absence
   */
  record Delete(String id, String target, Key key, Expected expected) implements RepairAction {
    public Delete {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(target, "target");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(expected, "expected");
      if (expected.isAbsent()) {
        throw new IllegalArgumentException(
            "a delete of " + key + " from " + target + " must expect the entry it removes, not absence");
      }
      checkKey(key, expected);
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

  private static String idOf(String target, Key key, Expected expected, @Nullable Entry result) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM offers no SHA-256, which every Java SE must", e);
    }
    md.update(target.getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update(key.encode());
    md.update((byte) 0);
    md.update(expected.toString().getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update((result == null ? "absent" : result.hash().toString()).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest(), 0, 12);
  }
}
