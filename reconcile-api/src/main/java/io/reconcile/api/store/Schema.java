package io.reconcile.api.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * What a store's entries hold, as its schema declares it (a table's column types): the type of each
 * key part and of each compared field, by the families that {@link io.reconcile.api.Canonical}
 * compares values in — an integer column and a decimal one both hold {@link Type#NUMBER}s and can
 * hold equal values; a text column and a number column never can. Stores that know their schema
 * report it through {@link Store#schema()}, after their normalisation (a UUID column compared
 * {@linkplain io.reconcile.api.Normalization.Builder#asText as text} holds {@link Type#TEXT}), so
 * that the engine refuses, before reading any row, to compare stores whose entries could never be
 * equal.
 *
 * @param key the type of each key part, in key order
 * @param fields the type of each compared field, by its dataset name (after renames)
 * @param keyNames the name of each key part (e.g. its column), in key order, for messages; empty
 *     when the store does not name them
 */
public record Schema(List<Type> key, Map<String, Type> fields, List<String> keyNames) {

  /** The families of values that can compare equal to one another. */
  public enum Type {
    NUMBER,
    TEXT,
    BOOLEAN,
    DATE,
    TIMESTAMP,
    UUID,
    BYTES,
    LIST,
    MAP
  }

  /**
   * Copies all three, immutably; fields in name order.
   *
   * @throws IllegalArgumentException if key names are given, but not one per key part
   */
  public Schema {
    key = List.copyOf(key);
    fields = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(fields, "fields")));
    keyNames = List.copyOf(keyNames);
    if (!keyNames.isEmpty() && keyNames.size() != key.size()) {
      throw new IllegalArgumentException(
          "a schema names each key part or none, but names " + keyNames.size() + " of " + key.size());
    }
  }

  /** A schema whose key parts are not named. */
  public Schema(List<Type> key, Map<String, Type> fields) {
    this(key, fields, List.of());
  }

  /**
   * Why entries of a store with this schema ({@code store}) and of one with {@code other} ({@code
   * otherStore}) can never compare equal, or empty when they can: the key parts differ in number
   * or type, a field holds different types, or a field is compared on one side only. The message
   * names the stores, the field and the types, and says what to do — for types one side can be
   * converted to (a UUID and text), the exact normalisation rule that converts it.
   */
  public Optional<String> mismatch(String store, Schema other, String otherStore) {
    if (key.size() != other.key.size()) {
      return Optional.of(differentKeys(store, other, otherStore));
    }
    List<String> keyProblems = new ArrayList<>();
    for (int i = 0; i < key.size(); i++) {
      Type mine = key.get(i);
      Type theirs = other.key.get(i);
      if (mine == theirs) {
        continue;
      }
      String convert = conversion(mine, keyName(i), store, theirs, other.keyName(i), otherStore);
      if (convert == null) {
        return Optional.of(differentKeys(store, other, otherStore));
      }
      String names = keyName(i) == null ? ""
          : keyName(i).equals(other.keyName(i)) ? " '" + keyName(i) + "'"
          : " ('" + keyName(i) + "' in store '" + store + "', '" + other.keyName(i) + "' in store '"
              + otherStore + "')";
      keyProblems.add("key part " + (i + 1) + names + " holds " + mine + " in store '" + store
          + "' but " + theirs + " in store '" + otherStore + "'; " + convert);
    }
    if (!keyProblems.isEmpty()) {
      return Optional.of(String.join("; ", keyProblems));
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Type> f : fields.entrySet()) {
      Type theirs = other.fields.get(f.getKey());
      if (theirs == null) {
        problems.add(onlyIn(f.getKey(), store, otherStore));
      } else if (theirs != f.getValue()) {
        String convert = conversion(f.getValue(), f.getKey(), store, theirs, f.getKey(), otherStore);
        problems.add(
            "field '" + f.getKey() + "' holds " + f.getValue() + " in store '" + store + "' but "
                + theirs + " in store '" + otherStore + "', so no row could compare equal; "
                + (convert != null ? convert : "convert one column, or leave the field out"
                    + " (StoreOptions.fields, Normalization.ignore)"));
      }
    }
    for (String f : other.fields.keySet()) {
      if (!fields.containsKey(f)) {
        problems.add(onlyIn(f, otherStore, store));
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  /** Part {@code i}'s name, or null when the store names none. */
  private @Nullable String keyName(int i) {
    return keyNames.isEmpty() ? null : keyNames.get(i);
  }

  private String differentKeys(String store, Schema other, String otherStore) {
    return "store '" + store + "' keys by " + key + " but store '" + otherStore + "' by " + other.key
        + ": keys must have the same parts of the same types on every side; choose matching key"
        + " columns (StoreOptions.keyFields)";
  }

  /**
   * The rule that makes a part or field of type {@code a} in store {@code aStore} (named {@code
   * aName} there, null if unnamed) compare with one of type {@code b}, or null when none does:
   * UUIDs compared as text.
   */
  private static @Nullable String conversion(
      Type a, @Nullable String aName, String aStore, Type b, @Nullable String bName, String bStore) {
    if (a == Type.UUID && b == Type.TEXT) {
      return asText(aName, aStore);
    }
    if (a == Type.TEXT && b == Type.UUID) {
      return asText(bName, bStore);
    }
    return null;
  }

  private static String asText(@Nullable String name, String store) {
    return "to compare UUIDs with text that spells them (lowercase, 8-4-4-4-12), compare "
        + (name == null ? "the UUID side" : "'" + name + "'") + " as text in store '" + store + "' ("
        + (name == null ? "Normalization.Builder.asText with its name"
            : "Normalization.Builder.asText(\"" + name + "\")")
        + ")";
  }

  private static String onlyIn(String field, String in, String notIn) {
    return "field '" + field + "' is compared in store '" + in + "' but store '" + notIn
        + "' has no such field; compare the same fields on both sides (StoreOptions.fields), rename"
        + " it (Normalization.rename) or leave it out (Normalization.ignore)";
  }
}
