package io.reconcile.kafka;

import io.reconcile.api.Key;
import java.util.List;

/**
 * How a topic's record keys map to reconcile {@link Key keys}, both ways: {@link #read} for what
 * the store reads, {@link #write} for the keys of the records a repair produces. Two record keys
 * that read as one {@code Key} are one entry; a repair of an existing entry reuses the record key
 * it found, so that compaction still replaces it.
 *
 * <p>Implementations are immutable and thread-safe; {@link #toString()} names the format for the
 * index's identity (an index built under one format is rebuilt under another).
 */
public interface KeyFormat {

  /**
   * The key a record key stands for.
   *
   * @throws IllegalArgumentException if the bytes are not a key of this format, saying what was
   *     expected (never the bytes)
   */
  Key read(byte[] recordKey);

  /**
   * The record key for {@code key}.
   *
   * @throws IllegalArgumentException if this format cannot write that key (e.g. a part of the wrong
   *     type)
   */
  byte[] write(Key key);

  /** The names of the key's parts, in order: the fields a key is compared and reported under. */
  List<String> fieldNames();

  /**
   * Keys as JSON. With one field name, a key is either a JSON scalar (a number or a string) or an
   * object holding that field; with several, an object holding each (a composite key, in the given
   * order), other members ignored. Written as an object of the named fields, in order, e.g. {@code
   * {"id":42}}.
   *
   * @param fields the key's fields, at least one
   */
  static KeyFormat json(String... fields) {
    return new KeyFormats.JsonKeys(List.of(fields));
  }

  /** Keys as UTF-8 text: a one-part text key named {@code field}. */
  static KeyFormat string(String field) {
    return new KeyFormats.Simple(field, KeyFormats.Simple.Kind.STRING);
  }

  /** Keys as raw bytes: a one-part byte-string key named {@code field} (e.g. a 12-byte id). */
  static KeyFormat bytes(String field) {
    return new KeyFormats.Simple(field, KeyFormats.Simple.Kind.BYTES);
  }

  /** Keys as 8 big-endian bytes, as Kafka's {@code LongSerializer} writes them: a one-part number key. */
  static KeyFormat longs(String field) {
    return new KeyFormats.Simple(field, KeyFormats.Simple.Kind.LONG);
  }
}
