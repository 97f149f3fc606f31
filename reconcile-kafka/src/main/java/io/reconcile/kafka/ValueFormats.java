package io.reconcile.kafka;

import io.reconcile.api.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/** The built-in {@link ValueFormat}s. */
final class ValueFormats {

  private ValueFormats() {}

  /**
   * A format whose record values are documents of named fields (a JSON object, an Avro record),
   * where a repair writes a record from some of the fields: a new record also takes the key's
   * fields, and a replacing one keeps the fields the store does not compare.
   */
  interface Documents extends ValueFormat {

    /** Whether a record value has a place for the field: a new record takes the key's fields it has one for. */
    boolean holds(String field);

    /**
     * Refuses the given fields as {@link #write} would, except that fields left out are not asked
     * for: a repair keeps them from the record it replaces.
     *
     * @throws IllegalArgumentException naming the first field a record value cannot hold (never its value)
     */
    void check(Value.MapValue fields);
  }

  /** {@link ValueFormat#json}. */
  static final Documents JSON = new Documents() {
    @Override
    public Value.MapValue read(byte[] recordValue) {
      return Json.readObject(recordValue);
    }

    @Override
    public byte[] write(Value.MapValue fields) {
      return Json.writeObject(fields);
    }

    @Override
    public boolean holds(String field) {
      return true;
    }

    @Override
    public void check(Value.MapValue fields) {
      write(fields);
    }

    @Override
    public String toString() {
      return "json";
    }
  };

  /** {@link ValueFormat#string} and {@link ValueFormat#bytes}: one field. */
  record Single(String field, boolean bytes) implements ValueFormat {
    Single {
      Objects.requireNonNull(field, "field");
    }

    @Override
    public Value.MapValue read(byte[] recordValue) {
      return Value.MapValue.of(Map.of(field,
          bytes ? Value.ofBytes(recordValue) : Value.of(KeyFormats.utf8(recordValue, "a UTF-8 text value"))));
    }

    @Override
    public byte[] write(Value.MapValue fields) {
      Value v = fields.fields().get(field);
      if (fields.fields().size() != 1 || v == null) {
        throw new IllegalArgumentException("a record value of this topic holds the one field " + field
            + ", but the entry has fields " + fields.fields().keySet());
      }
      if (bytes && v instanceof Value.Bytes b) {
        return b.value();
      }
      if (!bytes && v instanceof Value.Text t) {
        return t.value().getBytes(StandardCharsets.UTF_8);
      }
      throw new IllegalArgumentException("field " + field + " of this topic holds " + (bytes ? "bytes" : "text")
          + ", and the value to write is not " + (bytes ? "bytes" : "text"));
    }

    @Override
    public String toString() {
      return (bytes ? "bytes(" : "string(") + field + ")";
    }
  }
}
