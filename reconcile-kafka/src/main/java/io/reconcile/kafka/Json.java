package io.reconcile.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.util.ArrayList;
import java.math.BigDecimal;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * JSON text and reconcile values, both ways, streamed (no tree in between): objects are
 * documents, arrays lists, numbers exact decimals (an integer that fits a long as one), strings
 * text, {@code null} the null value. Values JSON has no type for are written as text: a UUID, a
 * date and a timestamp as their ISO-8601 form, bytes as base64; so they read back as text.
 */
final class Json {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private Json() {}

  /**
   * The fields of a JSON object, parsed as a stream straight into values (no tree); {@link
   * IllegalArgumentException} when the text is not one JSON object.
   */
  static Value.MapValue readObject(byte[] utf8) {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("a JSON object was expected as the record value, but found "
            + (first == null ? "nothing" : "a " + kind(first)));
      }
      Value.MapValue fields = object(p);
      end(p);
      return fields;
    } catch (IOException e) {
      throw notJson(e);
    }
  }

  /**
   * The parts of a JSON key: the named fields of an object (others skipped), or a scalar for a key
   * of one field; {@link IllegalArgumentException} naming what was expected otherwise.
   */
  static List<Object> readKey(byte[] utf8, List<String> fields) {
    try (JsonParser p = FACTORY.createParser(utf8)) {
      JsonToken first = p.nextToken();
      List<Object> parts;
      if (first == JsonToken.START_OBJECT) {
        Object[] found = new Object[fields.size()];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          int at = fields.indexOf(p.currentName());
          JsonToken t = p.nextToken();
          if (at < 0 || t == JsonToken.VALUE_NULL) {
            p.skipChildren();
          } else {
            found[at] = keyPart(p, fields.get(at));
          }
        }
        for (int i = 0; i < found.length; i++) {
          if (found[i] == null) {
            throw new IllegalArgumentException(
                "the record key's JSON object has no field " + fields.get(i) + " (the key is " + fields + ")");
          }
        }
        parts = List.of(found);
      } else if (fields.size() == 1 && first != null && first.isScalarValue() && first != JsonToken.VALUE_NULL) {
        parts = List.of(keyPart(p, fields.get(0)));
      } else {
        throw new IllegalArgumentException("a JSON object with fields " + fields + " was expected as the record key, but found "
            + (first == null ? "nothing" : "a " + kind(first)));
      }
      end(p);
      return parts;
    } catch (IOException e) {
      throw notJson(e);
    }
  }

  private static Object keyPart(JsonParser p, String field) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NUMBER_INT) {
      return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? new BigDecimal(p.getBigIntegerValue()) : p.getLongValue();
    }
    if (t == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDecimalValue();
    }
    if (t == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    throw new IllegalArgumentException("key field " + field + " must be a JSON number or string, but is a " + kind(t));
  }

  private static Value.MapValue object(JsonParser p) throws IOException {
    Map<String, Value> out = new HashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      p.nextToken();
      out.put(name, value(p));
    }
    return Value.MapValue.of(out);
  }

  private static Value value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    switch (t) {
      case VALUE_NULL:
        return Value.ofNull();
      case VALUE_TRUE:
        return Value.of(true);
      case VALUE_FALSE:
        return Value.of(false);
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? Value.of(new BigDecimal(p.getBigIntegerValue())) : Value.of(p.getLongValue());
      case VALUE_NUMBER_FLOAT:
        return Value.of(p.getDecimalValue());
      case VALUE_STRING:
        return Value.of(p.getText());
      case START_ARRAY: {
        List<Value> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          out.add(value(p));
        }
        return Value.from(out);
      }
      case START_OBJECT:
        return object(p);
      default:
        throw new IllegalArgumentException("a JSON " + kind(t) + " has no reconcile value");
    }
  }

  /** Refuses anything after the first JSON value. */
  private static void end(JsonParser p) throws IOException {
    if (p.nextToken() != null) {
      throw new IllegalArgumentException("one JSON value was expected, but more follows it");
    }
  }

  private static String kind(JsonToken t) {
    return switch (t) {
      case START_OBJECT -> "object";
      case START_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private static IllegalArgumentException notJson(IOException e) {
    // Jackson's message quotes the text it met, which may be a value: only where it stopped is told.
    String at = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
        ? " (it stops being JSON at byte " + j.getLocation().getByteOffset() + ")" : "";
    return new IllegalArgumentException("JSON text was expected, but the bytes are not JSON" + at);
  }

  /** A document as a JSON object, fields in the document's order, written as a stream. */
  static byte[] writeObject(Value.MapValue fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, fields);
    } catch (IOException e) {
      throw new IllegalStateException("JSON could not be written to memory: " + e, e);
    }
    return out.toByteArray();
  }

  /** A key as the JSON object of its named parts, in order, e.g. {@code {"id":42}}. */
  static byte[] writeKey(List<String> fields, Key key) {
    byte[] plain = plainKey(fields, key);
    if (plain != null) {
      return plain;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 8 * fields.size());
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      for (int i = 0; i < fields.size(); i++) {
        Object p = key.part(i);
        g.writeFieldName(fields.get(i));
        if (p instanceof Long l) {
          g.writeNumber(l);
        } else if (p instanceof BigDecimal d) {
          g.writeNumber(d);
        } else if (p instanceof String s) {
          g.writeString(s);
        } else if (p instanceof UUID u) {
          g.writeString(u.toString());
        } else {
          throw new IllegalArgumentException("key field " + fields.get(i) + " cannot be written as JSON: it is a byte string");
        }
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("JSON could not be written to memory: " + e, e);
    }
    return out.toByteArray();
  }

  /**
   * The common case of {@link #writeKey} without a generator — every part a long or text of
   * printable ASCII other than quote and backslash, every field name so too — or null.
   */
  private static byte @Nullable [] plainKey(List<String> fields, Key key) {
    StringBuilder b = new StringBuilder(16 * fields.size()).append('{');
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.get(i);
      Object p = key.part(i);
      if (!plain(name) || !(p instanceof Long || (p instanceof String s && plain(s)))) {
        return null;
      }
      b.append(i == 0 ? "\"" : ",\"").append(name).append("\":");
      if (p instanceof Long l) {
        b.append(l.longValue());
      } else {
        b.append('"').append((String) p).append('"');
      }
    }
    return b.append('}').toString().getBytes(StandardCharsets.US_ASCII);
  }

  private static boolean plain(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /**
   * Writes a value. JSON has no type for UUIDs, dates, timestamps or bytes: they are written as
   * text (their ISO-8601 form, base64), and so read back as text.
   */
  private static void write(JsonGenerator g, Value v) throws IOException {
    if (v instanceof Value.Null) {
      g.writeNull();
    } else if (v instanceof Value.Bool b) {
      g.writeBoolean(b.value());
    } else if (v instanceof Value.Num n) {
      g.writeNumber(n.decimal());
    } else if (v instanceof Value.NonFinite f) {
      g.writeString(Double.toString(f.value()));
    } else if (v instanceof Value.Text t) {
      g.writeString(t.value());
    } else if (v instanceof Value.Bytes b) {
      g.writeString(Base64.getEncoder().encodeToString(b.value()));
    } else if (v instanceof Value.ListValue l) {
      g.writeStartArray();
      for (Value e : l.values()) {
        write(g, e);
      }
      g.writeEndArray();
    } else if (v instanceof Value.MapValue m) {
      g.writeStartObject();
      for (Map.Entry<String, Value> f : m.fields().entrySet()) {
        g.writeFieldName(f.getKey());
        write(g, f.getValue());
      }
      g.writeEndObject();
    } else {
      g.writeString(v.toString()); // a UUID, a date, a timestamp
    }
  }
}
