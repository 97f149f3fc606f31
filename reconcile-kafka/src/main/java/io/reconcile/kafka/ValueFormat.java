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

  /**
   * Values as Apache Avro records of {@code schema}: a record value is the plain Avro binary
   * encoding of one record of that schema, and nothing else — no object container file header, no
   * schema-registry wire prefix (a magic byte and a schema id). A schema registry's format (as
   * Confluent's serializers write it) is a {@code ValueFormat} of the user's own.
   *
   * <p>The record's fields are the entry's fields. Avro values map to values as follows, and
   * {@link #write} takes the kinds of values {@link #read} gives:
   *
   * <ul>
   *   <li>a record is a nested document; a map is a document of its entries; an array is a list;
   *   <li>a string and an enum symbol are text; bytes and fixed are bytes; a boolean is a boolean;
   *       null is null;
   *   <li>an int or a long is a number; a float or a double is a number when finite, else a
   *       {@link Value.NonFinite};
   *   <li>a union is the value of its branch; a value is written to the first branch that takes it
   *       (null to the null branch);
   *   <li>logical types: a {@code decimal} (bytes or fixed) and a {@code big-decimal} are exact
   *       numbers, and a number that does not fit the decimal's scale and precision is refused, not
   *       rounded; a {@code uuid} (string or fixed) is a UUID; a {@code date} is a date; a {@code
   *       timestamp-millis}, {@code -micros} or {@code -nanos} is a timestamp, and so is a {@code
   *       local-timestamp-*}, read as UTC; a timestamp finer than the unit is refused. A {@code
   *       time-millis} or {@code time-micros} is the number of units after midnight. Any other
   *       logical type ({@code duration}, a custom one) is its underlying type.
   * </ul>
   *
   * <p>{@link #write} fills a field the entry lacks with the schema's default, and refuses
   * (naming the field, and the Avro type it holds) a field without a default, a field the
   * record does not have, and a value its type cannot hold. {@link #read} refuses bytes that are
   * not exactly one record of the schema, trailing bytes included, and strings that are not UTF-8.
   * Neither names a value. {@link #toString()} is {@code avro(NAME@FINGERPRINT)}: the record's
   * full name and a fingerprint of the whole schema (logical types and defaults included), so that
   * an index built under one schema is rebuilt under another.
   *
   * <p>Avro ({@code org.apache.avro:avro}) is an optional dependency of this module: add it to use
   * this format. The schema must not be changed after it is given.
   *
   * @param schema the schema of the record values, a record schema
   * @throws IllegalArgumentException if the schema is not a record's
   */
  static ValueFormat avro(org.apache.avro.Schema schema) {
    return new AvroValueFormat(schema);
  }
}
