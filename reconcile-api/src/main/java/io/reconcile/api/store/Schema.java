package io.reconcile.api.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a store's entries hold, as its schema declares it (a table's column types): the type of each
 * key part and of each compared field, by the families that {@link io.reconcile.api.Canonical}
 * compares values in — an integer column and a decimal one both hold {@link Type#NUMBER}s and can
 * hold equal values; a text column and a number column never can. Stores that know their schema
 * report it through {@link Store#schema()}, so that the engine refuses, before reading any row, to
 * compare stores whose entries could never be equal.
 *
 * @param key the type of each key part, in key order
 * @param fields the type of each compared field, by its dataset name (after renames)
 */
public record Schema(List<Type> key, Map<String, Type> fields) {

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

  /** Copies both, immutably; fields in name order. */
  public Schema {
    key = List.copyOf(key);
    fields = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(fields, "fields")));
  }

  /**
   * Why entries of a store with this schema ({@code store}) and of one with {@code other} ({@code
   * otherStore}) can never compare equal, or empty when they can: the key parts differ in number
   * or type, a field holds different types, or a field is compared on one side only. The message
   * names the stores, the field and the types, and says what to do.
   */
  public Optional<String> mismatch(String store, Schema other, String otherStore) {
    if (!key.equals(other.key)) {
      return Optional.of(
          "store '" + store + "' keys by " + key + " but store '" + otherStore + "' by " + other.key
              + ": keys must have the same parts of the same types on every side; choose matching key"
              + " columns (StoreOptions.keyFields)");
    }
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, Type> f : fields.entrySet()) {
      Type theirs = other.fields.get(f.getKey());
      if (theirs == null) {
        problems.add(onlyIn(f.getKey(), store, otherStore));
      } else if (theirs != f.getValue()) {
        problems.add(
            "field '" + f.getKey() + "' holds " + f.getValue() + " in store '" + store + "' but "
                + theirs + " in store '" + otherStore + "', so no row could compare equal; convert"
                + " one column, or leave the field out (StoreOptions.fields, Normalization.ignore)");
      }
    }
    for (String f : other.fields.keySet()) {
      if (!fields.containsKey(f)) {
        problems.add(onlyIn(f, otherStore, store));
      }
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }

  private static String onlyIn(String field, String in, String notIn) {
    return "field '" + field + "' is compared in store '" + in + "' but store '" + notIn
        + "' has no such field; compare the same fields on both sides (StoreOptions.fields), rename"
        + " it (Normalization.rename) or leave it out (Normalization.ignore)";
  }
}
