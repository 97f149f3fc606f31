package io.reconcile.kafka;

import io.reconcile.api.Value;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/** The built-in {@link ValueFormat}s. */
final class ValueFormats {

  private ValueFormats() {}

  /** {@link ValueFormat#json}. */
  static final ValueFormat JSON = new ValueFormat() {
    @Override
    public Value.MapValue read(byte[] recordValue) {
      return Json.readObject(recordValue);
    }

    @Override
    public byte[] write(Value.MapValue fields) {
      return Json.writeObject(fields);
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
