package io.reconcile.kafka;

import io.reconcile.api.Key;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** The built-in {@link KeyFormat}s. */
final class KeyFormats {

  private KeyFormats() {}

  /** {@link KeyFormat#string}, {@link KeyFormat#bytes} and {@link KeyFormat#longs}. */
  record Simple(String field, Kind kind) implements KeyFormat {
    enum Kind { STRING, BYTES, LONG }

    Simple {
      Objects.requireNonNull(field, "field");
    }

    @Override
    public Key read(byte[] recordKey) {
      return switch (kind) {
        case STRING -> Key.of(utf8(recordKey, "UTF-8 text"));
        case BYTES -> Key.ofBytes(recordKey);
        case LONG -> {
          if (recordKey.length != 8) {
            throw new IllegalArgumentException(
                "a key of 8 bytes (a long) was expected, but the record key has " + recordKey.length);
          }
          yield Key.of(ByteBuffer.wrap(recordKey).getLong());
        }
      };
    }

    @Override
    public byte[] write(Key key) {
      if (key.size() != 1) {
        throw new IllegalArgumentException("a key of one part (" + field + ") was expected, but it has " + key.size());
      }
      Object p = key.part(0);
      return switch (kind) {
        case STRING -> {
          if (!(p instanceof String s)) {
            throw new IllegalArgumentException("key field " + field + " is text in this topic, not a " + typeOf(p));
          }
          yield s.getBytes(StandardCharsets.UTF_8);
        }
        case BYTES -> {
          if (!(p instanceof byte[] b)) {
            throw new IllegalArgumentException("key field " + field + " is bytes in this topic, not a " + typeOf(p));
          }
          yield b;
        }
        case LONG -> {
          if (!(p instanceof Long l)) {
            throw new IllegalArgumentException("key field " + field + " is a long in this topic, not a " + typeOf(p));
          }
          yield ByteBuffer.allocate(8).putLong(l).array();
        }
      };
    }

    @Override
    public List<String> fieldNames() {
      return List.of(field);
    }

    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + "(" + field + ")";
    }
  }

  /** {@link KeyFormat#json}. */
  record JsonKeys(List<String> fields) implements KeyFormat {
    JsonKeys {
      fields = List.copyOf(fields);
      if (fields.isEmpty()) {
        throw new IllegalArgumentException("a JSON key needs at least one field name");
      }
    }

    @Override
    public Key read(byte[] recordKey) {
      return Key.composite(Json.readKey(recordKey, fields));
    }

    @Override
    public byte[] write(Key key) {
      if (key.size() != fields.size()) {
        throw new IllegalArgumentException("a key of " + fields.size() + " parts " + fields + " was expected, but it has " + key.size());
      }
      return Json.writeKey(fields, key);
    }

    @Override
    public List<String> fieldNames() {
      return fields;
    }

    @Override
    public String toString() {
      return "json" + fields;
    }
  }

  private static String typeOf(Object part) {
    return part instanceof byte[] ? "byte string" : part instanceof String ? "text" : part instanceof UUID ? "UUID" : "number";
  }

  /** Strict UTF-8: malformed bytes are an error, never replaced. */
  static String utf8(byte[] bytes, String expected) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(expected + " was expected, but the bytes are not valid UTF-8");
    }
  }
}
