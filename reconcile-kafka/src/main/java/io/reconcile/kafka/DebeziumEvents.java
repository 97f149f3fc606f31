package io.reconcile.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.Schema;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Debezium change events of one table, as Kafka Connect's {@code JsonConverter} writes them (with
 * the {@code {"schema":…,"payload":…}} envelope or without), read as changes of a store's keys:
 * the record key holds the primary key columns, each turned into the key part the store's {@link
 * Schema} declares — a number ({@code NUMBER}: JSON numbers, Connect decimals, Debezium's
 * variable-scale decimals, decimals as text), text, a UUID, or bytes (base64).
 *
 * <p>Every event ({@code c}, {@code u}, {@code d}, {@code r}, and any other but {@code m}) and every
 * tombstone is a change of its key, committed at the event's {@code source.ts_ms} (else its {@code
 * ts_ms}, else the record's timestamp); a truncate ({@code t}) is a gap. A record key that does not
 * fit the schema is refused with {@link ReconcileException.ConfigurationException}, naming the field
 * and what was expected (never a value).
 */
final class DebeziumEvents implements TopicChangeFeed.Reader {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final String DECIMAL = "org.apache.kafka.connect.data.Decimal";
  private static final String VARIABLE_SCALE_DECIMAL = "io.debezium.data.VariableScaleDecimal";
  /** Where Debezium tells a column's type, with {@code column.propagate.source.type}. */
  private static final String SOURCE_TYPE = "__debezium.source.column.type";

  private final String name;
  private final String topic;
  private final List<String> fields;
  private final List<Schema.Type> types;

  /**
   * @param name the feed's name for messages
   * @param fields the record key's fields, in key part order
   * @param types the type of each key part
   */
  DebeziumEvents(String name, String topic, List<String> fields, List<Schema.Type> types) {
    this.name = name;
    this.topic = topic;
    this.fields = List.copyOf(fields);
    this.types = List.copyOf(types);
  }

  @Override
  public void read(ConsumerRecord<byte[], byte[]> r, TopicChangeFeed.Batch batch) {
    Event e = r.value() == null ? null : event(r);
    if (e != null && "t".equals(e.op)) {
      batch.gap("the table of topic '" + topic + "' was truncated (partition " + r.partition() + " offset " + r.offset() + ")");
      return;
    }
    if (e != null && "m".equals(e.op)) {
      batch.skip("a logical decoding message (op m)");
      return;
    }
    if (r.key() == null) {
      throw refused(r, "the record has no key, so its change names no row: Debezium writes keyless records for"
          + " a table without a primary key; give the table one, or set message.key.columns");
    }
    Key key;
    try {
      key = key(r.key());
    } catch (IllegalArgumentException ex) {
      throw refused(r, ex.getMessage());
    }
    Instant at = e != null && e.committedAt != null ? e.committedAt : TopicChangeFeed.timestamp(r);
    batch.change(key, at);
  }

  private ReconcileException.ConfigurationException refused(ConsumerRecord<byte[], byte[]> r, String why) {
    return new ReconcileException.ConfigurationException(name + ": the record at partition " + r.partition() + " offset "
        + r.offset() + " of topic '" + topic + "' is not a change event of the store's key " + fields + " " + types
        + ": " + why);
  }

  /** The op and commit time of a change event. */
  private record Event(@Nullable String op, @Nullable Instant committedAt) {}

  /** Reads the op and the times of an event, skipping its rows; null for a null payload (a tombstone). */
  private @Nullable Event event(ConsumerRecord<byte[], byte[]> r) {
    try (JsonParser p = FACTORY.createParser(r.value())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw refused(r, "its value is not a JSON object; read the topic of a connector that uses JsonConverter");
      }
      EventFields top = new EventFields();
      EventFields payload = null;
      boolean enveloped = false;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("payload") && t == JsonToken.START_OBJECT) {
          payload = new EventFields();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String inner = p.currentName();
            payload.read(inner, p, p.nextToken());
          }
        } else if (field.equals("payload") && t == JsonToken.VALUE_NULL) {
          enveloped = true;
        } else {
          top.read(field, p, t);
        }
      }
      EventFields f = payload != null ? payload : top;
      if (payload == null && enveloped) {
        return null; // {"schema":null,"payload":null}: a tombstone as some converters write it
      }
      if (f.op == null) {
        throw refused(r, "its value has no op, so it is not a Debezium change event");
      }
      Long ms = f.sourceMs != null ? f.sourceMs : f.ms;
      return new Event(f.op, ms == null ? null : Instant.ofEpochMilli(ms));
    } catch (IOException ex) {
      throw refused(r, "its value is not JSON; read the topic of a connector that uses JsonConverter");
    }
  }

  /** The fields of an event that say what and when; the rest is skipped. */
  private static final class EventFields {
    @Nullable String op;
    @Nullable Long ms;
    @Nullable Long sourceMs;

    void read(String field, JsonParser p, JsonToken t) throws IOException {
      if (field.equals("op") && t == JsonToken.VALUE_STRING) {
        op = p.getText();
      } else if (field.equals("ts_ms") && t == JsonToken.VALUE_NUMBER_INT) {
        ms = p.getLongValue();
      } else if (field.equals("source") && t == JsonToken.START_OBJECT) {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          JsonToken v = p.nextToken();
          if (inner.equals("ts_ms") && v == JsonToken.VALUE_NUMBER_INT) {
            sourceMs = p.getLongValue();
          } else {
            p.skipChildren();
          }
        }
      } else {
        p.skipChildren();
      }
    }
  }

  /**
   * The key a record key holds.
   *
   * @throws IllegalArgumentException naming the field and what it should hold, never its value
   */
  Key key(byte[] recordKey) {
    Value.MapValue top;
    try {
      top = Json.readObject(recordKey);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("its key is not a JSON object of the key's fields ("
          + e.getMessage() + "); read the topic of a connector that uses JsonConverter");
    }
    Map<String, Value> payload = top.fields();
    Map<String, Map<String, Value>> schemas = Map.of();
    if (payload.size() == 2 && payload.get("payload") instanceof Value.MapValue inner
        && (payload.get("schema") instanceof Value.MapValue || payload.get("schema") instanceof Value.Null)) {
      schemas = fieldSchemas(payload.get("schema"));
      payload = inner.fields();
    }
    if (payload.size() != fields.size()) {
      throw new IllegalArgumentException("its key has the fields " + new ArrayList<>(payload.keySet())
          + "; give the feed the record key's field names (keyFields), or check that it reads this table's topic");
    }
    List<Object> parts = new ArrayList<>(fields.size());
    for (int i = 0; i < fields.size(); i++) {
      String field = fields.get(i);
      String found = field(payload, field);
      Map<String, Value> schema = schemas.getOrDefault(found, Map.of());
      parts.add(part(payload.get(found), types.get(i), schema, found));
    }
    return Key.composite(parts);
  }

  /** The field of the payload named {@code field}, exactly or else ignoring case. */
  private String field(Map<String, Value> payload, String field) {
    if (payload.containsKey(field)) {
      return field;
    }
    List<String> alike = payload.keySet().stream().filter(f -> f.equalsIgnoreCase(field)).toList();
    if (alike.size() != 1) {
      throw new IllegalArgumentException("its key has the fields " + new ArrayList<>(payload.keySet()) + ", not "
          + field + "; give the feed the record key's field names (keyFields), or check that it reads this table's topic");
    }
    return alike.get(0);
  }

  /** The schema of each field of a key's struct schema, by field name. */
  private static Map<String, Map<String, Value>> fieldSchemas(Value schema) {
    Map<String, Map<String, Value>> out = new HashMap<>();
    if (schema instanceof Value.MapValue m && m.fields().get("fields") instanceof Value.ListValue list) {
      for (Value f : list.values()) {
        if (f instanceof Value.MapValue fm && fm.fields().get("field") instanceof Value.Text name) {
          out.put(name.value(), fm.fields());
        }
      }
    }
    return out;
  }

  private static Object part(Value v, Schema.Type type, Map<String, Value> schema, String field) {
    String logical = text(schema.get("name"));
    String connectType = text(schema.get("type"));
    return switch (type) {
      case NUMBER -> number(v, logical, connectType, schema, field);
      case TEXT -> {
        if (!(v instanceof Value.Text t)) {
          throw expected(field, "text", v);
        }
        String sourceType = text(parameters(schema).get(SOURCE_TYPE));
        yield sourceType != null && padded(sourceType) ? unpadded(t.value()) : t.value();
      }
      case UUID -> {
        if (!(v instanceof Value.Text t)) {
          throw expected(field, "a UUID as text", v);
        }
        try {
          yield UUID.fromString(t.value());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("key field " + field + " should hold a UUID as text, but its text is no UUID");
        }
      }
      case BYTES -> {
        if (!(v instanceof Value.Text t)) {
          throw expected(field, "bytes as base64 text", v);
        }
        yield base64(t.value(), field);
      }
      default -> throw new IllegalStateException("not a key part type: " + type); // refused when the feed is built
    };
  }

  /**
   * A number part: a JSON number; a Connect decimal (base64 of the unscaled value, its scale in the
   * schema's parameters); a Debezium variable-scale decimal ({@code {"scale":…,"value":…}}); or, for
   * {@code decimal.handling.mode=string}, a decimal as text.
   */
  private static Object number(Value v, @Nullable String logical, @Nullable String connectType,
      Map<String, Value> schema, String field) {
    if (v instanceof Value.Num n) {
      return n.decimal();
    }
    if (v instanceof Value.MapValue m && m.fields().get("scale") instanceof Value.Num scale
        && m.fields().get("value") instanceof Value.Text unscaled) {
      return new BigDecimal(new BigInteger(base64(unscaled.value(), field)), scale.decimal().intValueExact());
    }
    if (v instanceof Value.Text t) {
      if (DECIMAL.equals(logical) || "bytes".equals(connectType)) {
        String scale = text(parameters(schema).get("scale"));
        if (scale == null) {
          throw new IllegalArgumentException("key field " + field + " is a decimal whose schema gives no scale");
        }
        return new BigDecimal(new BigInteger(base64(t.value(), field)), Integer.parseInt(scale));
      }
      try {
        return new BigDecimal(t.value());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("key field " + field + " should hold a number, but holds text that is no"
            + " decimal number: a decimal column under decimal.handling.mode=precise is base64 bytes whose scale only"
            + " the schema envelope gives; enable key schemas (key.converter.schemas.enable=true) or set"
            + " decimal.handling.mode=string");
      }
    }
    if (VARIABLE_SCALE_DECIMAL.equals(logical)) {
      throw new IllegalArgumentException("key field " + field + " is a variable-scale decimal without its scale and value");
    }
    throw expected(field, "a number", v);
  }

  private static Map<String, Value> parameters(Map<String, Value> schema) {
    return schema.get("parameters") instanceof Value.MapValue m ? m.fields() : Map.of();
  }

  private static boolean padded(String sourceType) {
    String t = sourceType.toUpperCase(Locale.ROOT);
    return t.equals("BPCHAR") || t.equals("CHAR") || t.equals("NCHAR") || t.equals("CHARACTER");
  }

  /** Drops trailing pad spaces, as the JDBC store reads a {@code char(n)} column. */
  private static String unpadded(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  private static byte[] base64(String s, String field) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("key field " + field + " should hold base64 text (bytes as JsonConverter"
          + " writes them), but does not");
    }
  }

  private static @Nullable String text(@Nullable Value v) {
    return v instanceof Value.Text t ? t.value() : null;
  }

  private static IllegalArgumentException expected(String field, String what, @Nullable Value found) {
    String kind = found instanceof Value.Num ? "a number" : found instanceof Value.Text ? "text"
        : found instanceof Value.Null || found == null ? "null" : found instanceof Value.MapValue ? "an object"
        : found instanceof Value.Bool ? "a boolean" : "a list";
    return new IllegalArgumentException("key field " + field + " should hold " + what + ", but holds " + kind);
  }
}
