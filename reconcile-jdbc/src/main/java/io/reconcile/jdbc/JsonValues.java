package io.reconcile.jdbc;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.reconcile.api.Value;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The values of JSON columns ({@code json}, {@code jsonb}, MariaDB's {@code json}): the document
 * a column holds, not its spelling, so that {@code {"b": 2, "a": 1}} equals {@code {"a":1,"b":2}}
 * and a {@code jsonb} column equals a nested document of another store. Objects are maps, arrays
 * lists, numbers exact decimals by value, strings text, {@code true}/{@code false} booleans, JSON
 * {@code null} the null value. Written back as compact JSON; values JSON has no type for (bytes,
 * UUIDs, dates, timestamps, NaN and infinities) cannot be written to a JSON column.
 */
final class JsonValues {

  private static final JsonFactory FACTORY = JsonFactory.builder()
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();

  private JsonValues() {}

  /**
   * The value of a column's JSON text.
   *
   * @throws IllegalArgumentException if the text is not one JSON value (where it stops being JSON
   *     is told, never the text)
   */
  static Value parse(String json) {
    try (JsonParser p = FACTORY.createParser(json)) {
      if (p.nextToken() == null) {
        throw new IllegalArgumentException("a JSON column held no JSON value");
      }
      Value v = value(p);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("a JSON column held more than one JSON value");
      }
      return v;
    } catch (IOException e) {
      String at = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? " at character " + j.getLocation().getCharOffset() : "";
      throw new IllegalArgumentException("a JSON column held text that is not JSON" + at);
    }
  }

  private static Value value(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    return switch (t) {
      case VALUE_NULL -> Value.ofNull();
      case VALUE_TRUE -> Value.of(true);
      case VALUE_FALSE -> Value.of(false);
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? Value.of(new BigDecimal(p.getBigIntegerValue())) : Value.of(p.getLongValue());
      case VALUE_NUMBER_FLOAT -> Value.of(p.getDecimalValue());
      case VALUE_STRING -> Value.of(p.getText());
      case START_ARRAY -> {
        List<Value> out = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          out.add(value(p));
        }
        yield Value.from(out);
      }
      case START_OBJECT -> {
        Map<String, Value> out = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          p.nextToken();
          out.put(name, value(p));
        }
        yield Value.MapValue.of(out);
      }
      default -> throw new IllegalArgumentException("a JSON column held an unexpected " + t);
    };
  }

  /** Why a JSON column cannot hold {@code v}, naming what it holds, or null if it can. */
  static @Nullable String refusal(Value v) {
    if (v instanceof Value.Null || v instanceof Value.Bool || v instanceof Value.Num || v instanceof Value.Text) {
      return null;
    }
    if (v instanceof Value.ListValue l) {
      return l.values().stream().map(JsonValues::refusal).filter(r -> r != null).findFirst().orElse(null);
    }
    if (v instanceof Value.MapValue m) {
      return m.fields().values().stream().map(JsonValues::refusal).filter(r -> r != null).findFirst().orElse(null);
    }
    return "JSON values only (objects, arrays, text, numbers, booleans, null), and JSON has no type for "
        + v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT) + " values";
  }

  /** The compact JSON text of a value {@link #refusal} accepts. */
  static String format(Value v) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      write(g, v);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void write(JsonGenerator g, Value v) throws IOException {
    if (v instanceof Value.Null) {
      g.writeNull();
    } else if (v instanceof Value.Bool b) {
      g.writeBoolean(b.value());
    } else if (v instanceof Value.Num n) {
      g.writeNumber(n.decimal());
    } else if (v instanceof Value.Text t) {
      g.writeString(t.value());
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
      throw new IllegalArgumentException("a JSON column cannot hold " + refusal(v));
    }
  }
}
