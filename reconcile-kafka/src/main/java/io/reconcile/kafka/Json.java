package io.reconcile.kafka;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Value;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON text and reconcile values, both ways: objects are documents, arrays lists, numbers exact
 * decimals (an integer that fits a long as one), strings text, {@code null} the null value. Values
 * JSON has no type for are written as text: a UUID, a date and a timestamp as their ISO-8601 form,
 * bytes as base64; so they read back as text.
 */
final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private Json() {}

  /** The JSON text's tree; {@link IllegalArgumentException} when it is not JSON. */
  static JsonNode parse(byte[] utf8) {
    try {
      JsonNode node = MAPPER.readTree(utf8);
      if (node == null || node.isMissingNode()) {
        throw new IllegalArgumentException("empty, where JSON text was expected");
      }
      return node;
    } catch (IOException e) {
      // Jackson's message quotes the text it met, which may be a value: only where it stopped is told.
      String at = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? " (it stops being JSON at byte " + j.getLocation().getByteOffset() + ")" : "";
      throw new IllegalArgumentException("JSON text was expected, but the bytes are not JSON" + at);
    }
  }

  static byte[] write(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree could not be written: " + e, e);
    }
  }

  /** The value of a JSON node. */
  static Value value(JsonNode n) {
    if (n.isNull() || n.isMissingNode()) {
      return Value.ofNull();
    }
    if (n.isBoolean()) {
      return Value.of(n.booleanValue());
    }
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return Value.of(n.longValue());
    }
    if (n.isNumber()) {
      return Value.of(n.decimalValue());
    }
    if (n.isTextual()) {
      return Value.of(n.textValue());
    }
    if (n.isArray()) {
      List<Value> out = new ArrayList<>(n.size());
      n.forEach(e -> out.add(value(e)));
      return Value.from(out);
    }
    if (n.isObject()) {
      return fields(n);
    }
    if (n.isBinary()) {
      try {
        return Value.ofBytes(n.binaryValue());
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
    }
    throw new IllegalArgumentException("a JSON " + n.getNodeType() + " has no reconcile value");
  }

  /** The fields of a JSON object. */
  static Value.MapValue fields(JsonNode object) {
    Map<String, Value> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      out.put(f.getKey(), value(f.getValue()));
    }
    return Value.MapValue.of(out);
  }

  /** The JSON node of a value. */
  static JsonNode node(Value v) {
    if (v instanceof Value.Null) {
      return NODES.nullNode();
    }
    if (v instanceof Value.Bool b) {
      return NODES.booleanNode(b.value());
    }
    if (v instanceof Value.Num n) {
      return NODES.numberNode(n.decimal());
    }
    if (v instanceof Value.NonFinite f) {
      return NODES.textNode(Double.toString(f.value()));
    }
    if (v instanceof Value.Text t) {
      return NODES.textNode(t.value());
    }
    if (v instanceof Value.Bytes b) {
      return NODES.textNode(Base64.getEncoder().encodeToString(b.value()));
    }
    if (v instanceof Value.ListValue l) {
      ArrayNode a = NODES.arrayNode(l.values().size());
      l.values().forEach(e -> a.add(node(e)));
      return a;
    }
    if (v instanceof Value.MapValue m) {
      return object(m);
    }
    return NODES.textNode(v.toString()); // a UUID, a date, a timestamp: ISO-8601 text
  }

  /** The JSON object of a document, fields in the document's order. */
  static ObjectNode object(Value.MapValue m) {
    ObjectNode o = NODES.objectNode();
    m.fields().forEach((name, value) -> o.set(name, node(value)));
    return o;
  }

  static JsonNodeFactory nodes() {
    return NODES;
  }
}
