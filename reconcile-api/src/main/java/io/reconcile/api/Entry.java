package io.reconcile.api;

import java.util.Map;
import java.util.Objects;

/**
 * One row or document as a store presents it: its key, its fields in the dataset's canonical view
 * (names and values after the store's {@link Normalization}), and optional version metadata.
 *
 * <p>The {@link #hash() row hash} covers the key and the fields, not the version: two stores that
 * hold the same data under different version metadata agree. Immutable and thread-safe; the hash
 * is computed once, on first use.
 */
public final class Entry {

  private final Key key;
  private final Value.MapValue fields;
  private final Version version;
  private volatile RowHash hash;
  private volatile int encodedLength; // set before hash is published

  private Entry(Key key, Value.MapValue fields, Version version) {
    this.key = Objects.requireNonNull(key, "key");
    this.fields = Objects.requireNonNull(fields, "fields");
    this.version = Objects.requireNonNull(version, "version");
  }

  /** An entry without version metadata. */
  public static Entry of(Key key, Value.MapValue fields) {
    return new Entry(key, fields, Version.NONE);
  }

  /** An entry without version metadata; field values are converted by {@link Value#from}. */
  public static Entry of(Key key, Map<String, ?> fields) {
    return new Entry(key, toFields(fields), Version.NONE);
  }

  /** An entry with version metadata. */
  public static Entry of(Key key, Value.MapValue fields, Version version) {
    return new Entry(key, fields, version);
  }

  /** An entry with version metadata; field values are converted by {@link Value#from}. */
  public static Entry of(Key key, Map<String, ?> fields, Version version) {
    return new Entry(key, toFields(fields), version);
  }

  private static Value.MapValue toFields(Map<String, ?> fields) {
    return (Value.MapValue) Value.from(fields);
  }

  public Key key() {
    return key;
  }

  /** The fields in code point order of their names. */
  public Value.MapValue fields() {
    return fields;
  }

  /** The value of one field, or {@link Value#ofNull()} if the entry has no such field. */
  public Value field(String name) {
    Value v = fields.fields().get(name);
    return v == null ? Value.ofNull() : v;
  }

  public Version version() {
    return version;
  }

  /** This entry with other version metadata. */
  public Entry withVersion(Version newVersion) {
    return new Entry(key, fields, newVersion);
  }

  /** The canonical row hash of key and fields (cached). */
  public RowHash hash() {
    RowHash h = hash;
    if (h == null) {
      int[] length = new int[1];
      h = Canonical.hash(key, fields, length);
      encodedLength = length[0];
      hash = h;
    }
    return h;
  }

  /**
   * The length in bytes of this entry's canonical encoding, which its {@link #hash()} is computed
   * over (and cached with it): an estimate of what reading the entry moves.
   */
  public int encodedLength() {
    hash();
    return encodedLength;
  }

  /** Whether the other entry has the same key and fields (versions aside). */
  public boolean sameData(Entry other) {
    return key.equals(other.key) && hash().equals(other.hash());
  }

  /** Equal key, fields and version. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Entry e
        && key.equals(e.key)
        && fields.equals(e.fields)
        && version.equals(e.version);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, fields, version);
  }

  @Override
  public String toString() {
    return key + " " + fields + (version.equals(Version.NONE) ? "" : " " + version);
  }
}
