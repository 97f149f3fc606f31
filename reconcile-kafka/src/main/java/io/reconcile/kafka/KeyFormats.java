package io.reconcile.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
      JsonNode n = Json.parse(recordKey);
      if (!n.isObject()) {
        if (fields.size() == 1 && (n.isNumber() || n.isTextual())) {
          return Key.of(part(n, fields.get(0)));
        }
        throw new IllegalArgumentException("a JSON object with fields " + fields + " was expected as the record key, but found a "
            + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
      }
      List<Object> parts = new ArrayList<>(fields.size());
      for (String f : fields) {
        JsonNode p = n.get(f);
        if (p == null || p.isNull()) {
          throw new IllegalArgumentException("the record key's JSON object has no field " + f + " (the key is " + fields + ")");
        }
        parts.add(part(p, f));
      }
      return Key.composite(parts);
    }

    private static Object part(JsonNode n, String field) {
      if (n.isIntegralNumber() && n.canConvertToLong()) {
        return n.longValue();
      }
      if (n.isNumber()) {
        return n.decimalValue();
      }
      if (n.isTextual()) {
        return n.textValue();
      }
      throw new IllegalArgumentException(
          "key field " + field + " must be a JSON number or string, but is a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public byte[] write(Key key) {
      if (key.size() != fields.size()) {
        throw new IllegalArgumentException("a key of " + fields.size() + " parts " + fields + " was expected, but it has " + key.size());
      }
      ObjectNode o = Json.nodes().objectNode();
      for (int i = 0; i < fields.size(); i++) {
        Object p = key.part(i);
        String f = fields.get(i);
        if (p instanceof Long l) {
          o.put(f, l);
        } else if (p instanceof BigDecimal d) {
          o.put(f, d);
        } else if (p instanceof String s) {
          o.put(f, s);
        } else if (p instanceof UUID u) {
          o.put(f, u.toString());
        } else {
          throw new IllegalArgumentException("key field " + f + " cannot be written as JSON: it is " + typeOf(p));
        }
      }
      return Json.write(o);
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
