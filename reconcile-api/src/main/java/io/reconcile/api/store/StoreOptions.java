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
    this.keyFields = List.copyOf(b.keyFields);
    this.fields = List.copyOf(b.fields);
    this.normalization = b.normalization;
    this.versionField = b.versionField;
    this.filter = b.filter;
    this.readOnly = b.readOnly;
    this.properties = java.util.Collections.unmodifiableMap(new TreeMap<>(b.properties));
  }

  /** No options: the plugin's defaults. */
  public static StoreOptions defaults() {
    return DEFAULTS;
  }

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

  /** Collects options; not thread-safe. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String dataset;
    private List<String> keyFields = List.of();
    private List<String> fields = List.of();
    private Normalization normalization = Normalization.none();
    private @Nullable String versionField;
    private @Nullable String filter;
    private boolean readOnly;
    private final Map<String, String> properties = new TreeMap<>();

    private Builder() {}

    public Builder id(String id) {
      this.id = requireText(id, "id");
      return this;
    }

    public Builder dataset(String dataset) {
      this.dataset = requireText(dataset, "dataset");
      return this;
    }

    public Builder keyFields(String... keyFields) {
      this.keyFields = List.of(keyFields);
      return this;
    }

    public Builder fields(String... fields) {
      this.fields = List.of(fields);
      return this;
    }

    public Builder normalization(Normalization normalization) {
      this.normalization = Objects.requireNonNull(normalization, "normalization");
      return this;
    }

    public Builder versionField(String versionField) {
      this.versionField = requireText(versionField, "versionField");
      return this;
    }

    public Builder filter(String filter) {
      this.filter = requireText(filter, "filter");
      return this;
    }

    public Builder readOnly(boolean readOnly) {
      this.readOnly = readOnly;
      return this;
    }

    public Builder property(String name, String value) {
      properties.put(requireText(name, "property name"), Objects.requireNonNull(value, name));
      return this;
    }

    private static String requireText(String value, String what) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(what + " must not be blank");
      }
      return value;
    }

    public StoreOptions build() {
      return new StoreOptions(this);
    }
  }
}
