package io.reconcile.api.store;

import io.reconcile.api.Normalization;
import io.reconcile.api.Redaction;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * How to open a store: which dataset (table, collection, topic), which fields form the key and
 * which are compared, how values are normalised, whether writing is allowed, and plugin-specific
 * properties. Each plugin documents which options it reads and rejects what it cannot honour.
 *
 * <p>Immutable. {@link #toString()} never shows the value of a property whose name suggests a
 * secret ({@link Redaction#isSecretName}).
 */
public final class StoreOptions {

  private static final StoreOptions DEFAULTS = newBuilder().build();

  private final @Nullable String id;
  private final @Nullable String dataset;
  private final List<String> keyFields;
  private final List<String> fields;
  private final Normalization normalization;
  private final @Nullable String versionField;
  private final @Nullable String filter;
  private final boolean readOnly;
  private final Map<String, String> properties;

  private StoreOptions(Builder b) {
    this.id = b.id;
    this.dataset = b.dataset;
    this.keyFields = b.keyFields == null ? List.of() : b.keyFields;
    this.fields = b.fields == null ? List.of() : b.fields;
    this.normalization = b.normalization == null ? Normalization.none() : b.normalization;
    this.versionField = b.versionField;
    this.filter = b.filter;
    this.readOnly = b.readOnly != null && b.readOnly;
    this.properties = java.util.Collections.unmodifiableMap(new TreeMap<>(b.properties));
  }

  /** No options: the plugin's defaults. */
  public static StoreOptions defaults() {
    return DEFAULTS;
  }

  /** A builder with no option set: every option at the plugin's default until set. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The store's id for reports, if set; otherwise the plugin derives one (without secrets). */
  public Optional<String> id() {
    return Optional.ofNullable(id);
  }

  /** The table, collection or topic, if set (e.g. {@code sales.orders}). */
  public Optional<String> dataset() {
    return Optional.ofNullable(dataset);
  }

  /** The fields that form the key, in order; empty means the store's own (e.g. primary key). */
  public List<String> keyFields() {
    return keyFields;
  }

  /** The fields compared; empty means all but the key fields. */
  public List<String> fields() {
    return fields;
  }

  /** How the store normalises what it reads; {@link Normalization#none()} unless set. */
  public Normalization normalization() {
    return normalization;
  }

  /** The field holding version metadata (a timestamp or a version vector), if any. */
  public Optional<String> versionField() {
    return Optional.ofNullable(versionField);
  }

  /** A store-specific filter limiting which entries take part (e.g. a SQL WHERE clause). */
  public Optional<String> filter() {
    return Optional.ofNullable(filter);
  }

  /** Whether writes are refused even if the store could write. */
  public boolean readOnly() {
    return readOnly;
  }

  /** Plugin-specific properties, sorted by name. */
  public Map<String, String> properties() {
    return properties;
  }

  /** One plugin-specific property. */
  public Optional<String> property(String name) {
    return Optional.ofNullable(properties.get(name));
  }

  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    properties.forEach((k, v) -> shown.put(k, Redaction.isSecretName(k) ? Redaction.MASK : v));
    return "StoreOptions[id="
        + id
        + ", dataset="
        + dataset
        + ", keyFields="
        + keyFields
        + ", fields="
        + fields
        + ", versionField="
        + versionField
        + ", filter="
        + filter
        + ", readOnly="
        + readOnly
        + ", normalization="
        + normalization
        + ", properties="
        + shown
        + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoreOptions s
        && Objects.equals(id, s.id)
        && Objects.equals(dataset, s.dataset)
        && keyFields.equals(s.keyFields)
        && fields.equals(s.fields)
        && normalization.equals(s.normalization)
        && Objects.equals(versionField, s.versionField)
        && Objects.equals(filter, s.filter)
        && readOnly == s.readOnly
        && properties.equals(s.properties);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, dataset, keyFields, fields, normalization, versionField, filter, readOnly, properties);
  }

  /**
   * Collects options. Each option may be set once: a second call of a setter throws {@link
   * IllegalStateException} naming the option and its value (e.g. {@code id was already set to
   * orders}), so that a later setting never silently replaces an earlier one. What each option
   * means to a store is the plugin's to document; the built-in ones are the JDBC store ({@code
   * jdbc:}, see {@code JdbcStoreProvider}) and the in-memory store ({@code mem:}, which honours
   * {@code id}, {@code fields}, {@code normalization} and {@code readOnly} and rejects the others).
   * A plugin rejects, with a {@link io.reconcile.api.ReconcileException.ConfigurationException}
   * when the store is opened, an option it cannot honour. Not thread-safe.
   */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String dataset;
    private @Nullable List<String> keyFields;
    private @Nullable List<String> fields;
    private @Nullable Normalization normalization;
    private @Nullable String versionField;
    private @Nullable String filter;
    private @Nullable Boolean readOnly;
    private final Map<String, String> properties = new TreeMap<>();

    private Builder() {}

    /**
     * The store's id in reports, logs and the audit trail, e.g. {@code orders-replica}; it must not
     * hold a secret. Default: the plugin derives one without secrets (the JDBC store: the table
     * name as given; the in-memory store: its name). Every store honours it.
     *
     * @throws IllegalArgumentException if {@code id} is blank
     * @throws IllegalStateException if the id was already set
     */
    public Builder id(String id) {
      this.id = once(this.id, "id", requireText(id, "id"));
      return this;
    }

    /**
     * The table, collection or topic the store reads, e.g. {@code sales.orders}. Default: none.
     * The JDBC store requires it (the table, as {@code table} or {@code schema.table}); the
     * in-memory store rejects it (its name is in its URI).
     *
     * @throws IllegalArgumentException if {@code dataset} is blank
     * @throws IllegalStateException if the dataset was already set
     */
    public Builder dataset(String dataset) {
      this.dataset = once(this.dataset, "dataset", requireText(dataset, "dataset"));
      return this;
    }

    /**
     * The fields that form the key, in key order. Default (or none given): the store's own key —
     * the JDBC store's primary key. The JDBC store takes them as key columns (the primary key, or
     * covering a unique index unless the property {@code trustKey} is {@code true}); the
     * in-memory store rejects them (its entries carry their keys).
     *
     * @throws IllegalArgumentException if a name is blank or given twice
     * @throws IllegalStateException if the key fields were already set
     */
    public Builder keyFields(String... keyFields) {
      this.keyFields = once(this.keyFields, "keyFields", names(keyFields, "keyFields"));
      return this;
    }

    /**
     * The fields compared, by their names in the dataset's view (after the normalisation's
     * renames). Default (or none given): every field but the key fields, less those the
     * normalisation ignores. The JDBC store compares only these columns; the in-memory store
     * projects its entries onto them.
     *
     * @throws IllegalArgumentException if a name is blank or given twice
     * @throws IllegalStateException if the fields were already set
     */
    public Builder fields(String... fields) {
      this.fields = once(this.fields, "fields", names(fields, "fields"));
      return this;
    }

    /**
     * How the store normalises what it reads (renames, ignored fields, precision, trimming, text
     * forms), so that stores of different products compare. Default: {@link Normalization#none()}.
     * Every store honours it.
     *
     * @throws IllegalStateException if the normalisation was already set
     */
    public Builder normalization(Normalization normalization) {
      this.normalization =
          once(this.normalization, "normalization", Objects.requireNonNull(normalization, "normalization"));
      return this;
    }

    /**
     * The field holding each entry's version metadata: a timestamp (last write wins) or a {@link
     * io.reconcile.api.VersionVector} in its text form. Default: none. The JDBC store reads it into
     * every entry's version and writes the winner's with each repair (and then declares {@link
     * Capability#VERSIONS}); the in-memory store rejects it (its entries carry their versions).
     *
     * @throws IllegalArgumentException if {@code versionField} is blank
     * @throws IllegalStateException if the version field was already set
     */
    public Builder versionField(String versionField) {
      this.versionField = once(this.versionField, "versionField", requireText(versionField, "versionField"));
      return this;
    }

    /**
     * A store-specific condition limiting which entries take part. Default: none, every entry.
     * The JDBC store takes one SQL boolean expression, e.g. {@code region = 'eu'}, checked before
     * any statement runs and added to every read; the in-memory store rejects it.
     *
     * @throws IllegalArgumentException if {@code filter} is blank
     * @throws IllegalStateException if the filter was already set
     */
    public Builder filter(String filter) {
      this.filter = once(this.filter, "filter", requireText(filter, "filter"));
      return this;
    }

    /**
     * Whether to refuse writes even if the store could write: the store then lacks {@link
     * Capability#WRITE} (and the write semantics that come with it), and its {@link Store#apply}
     * throws {@link io.reconcile.api.ReconcileException.RepairRefusedException}. Default: false.
     * Every store honours it.
     *
     * @throws IllegalStateException if read-only was already set
     */
    public Builder readOnly(boolean readOnly) {
      this.readOnly = once(this.readOnly, "readOnly", readOnly);
      return this;
    }

    /**
     * One plugin-specific property. Default: none. The JDBC store reads {@code user}, {@code
     * password}, {@code fetchSize} and {@code trustKey} and passes any other to the driver as a
     * connection property; the in-memory store rejects every property. {@link
     * StoreOptions#toString()} masks the value of a property whose name suggests a secret.
     *
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if a property of this name was already set (the message names
     *     it, never its value)
     */
    public Builder property(String name, String value) {
      requireText(name, "property name");
      Objects.requireNonNull(value, name);
      if (properties.containsKey(name)) {
        throw new IllegalStateException("property " + name + " was already set");
      }
      properties.put(name, value);
      return this;
    }

    /** The options set so far, immutable; the builder may go on to build others. */
    public StoreOptions build() {
      return new StoreOptions(this);
    }

    private static <T> T once(@Nullable T current, String what, T value) {
      if (current != null) {
        throw new IllegalStateException(what + " was already set to " + current);
      }
      return value;
    }

    private static List<String> names(String[] names, String what) {
      List<String> out = List.of(names);
      for (int i = 0; i < out.size(); i++) {
        requireText(out.get(i), what + " name");
        if (out.indexOf(out.get(i)) != i) {
          throw new IllegalArgumentException(what + " names '" + out.get(i) + "' twice; name each field once");
        }
      }
      return out;
    }

    private static String requireText(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }
  }
}
