package io.reconcile.kafka;

import io.reconcile.api.Value;

/**
 * How a topic's record values map to an entry's fields, both ways: {@link #read} for what the
 * store reads, {@link #write} for the values of the records a repair produces. A tombstone (a null
 * value) is a deleted key whatever the format; a format never sees one.
 *
 * <p>Implementations are immutable and thread-safe; {@link #toString()} names the format for the
 * index's identity (an index built under one format is rebuilt under another). A user's own
 * mapping (a schema registry's wire format, a protobuf message) implements this interface.
 */
public interface ValueFormat {

  /**
   * The fields a record value holds.
   *
   * @throws IllegalArgumentException if the bytes are not a value of this format, saying what was
   *     expected (never the bytes)
   */
  Value.MapValue read(byte[] recordValue);

  /**
   * The record value holding {@code fields}.
   *
   * @throws IllegalArgumentException if this format cannot hold them, naming the field (never its
   *     value)
   */
  byte[] write(Value.MapValue fields);

  /**
   * Values as JSON objects: each member is a field, nested objects nested documents, arrays lists,
   * numbers exact decimals. JSON has no type for UUIDs, dates, timestamps or bytes: they are
   * written as text (ISO-8601, base64) and read back as text.
   */
  static ValueFormat json() {
    return ValueFormats.JSON;
  }

  /** Values as UTF-8 text: one text field named {@code field}. */
  static ValueFormat string(String field) {
    return new ValueFormats.Single(field, false);
  }

  /** Values as raw bytes: one byte-string field named {@code field}. */
  static ValueFormat bytes(String field) {
    return new ValueFormats.Single(field, true);
  }
}
