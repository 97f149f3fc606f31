package io.reconcile.debezium;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.store.FeedPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Where a {@link PostgresChangeFeed} stands, as the text of its {@link FeedPosition}: a JSON
 * object, version {@value #VERSION}, naming the database, the replication slot and the table, the
 * LSN the slot must not have passed for the feed to resume without loss, and Debezium's source
 * offset of the last change delivered (absent before the first one). No secret, no row value.
 *
 * @param database the database the slot belongs to
 * @param slot the replication slot
 * @param table the table, {@code schema.table}
 * @param resumeLsn the LSN at or before which the slot's confirmed position must stand for every
 *     change after this position to be sent again
 * @param offset Debezium's source offset (LSNs, transaction id, commit time in microseconds), or
 *     null for the position of a feed that has delivered nothing yet: it resumes at the slot's
 *     position
 * @param keyShape the names and types of the key columns of the last change delivered, to tell a
 *     schema change that happened while the feed was closed; null before the first change
 */
record Position(
    String database,
    String slot,
    String table,
    long resumeLsn,
    @Nullable Map<String, Object> offset,
    @Nullable String keyShape) {

  static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The token, with members in a fixed order (so equal positions have equal tokens). */
  FeedPosition toFeedPosition() {
    ObjectNode o = JSON.createObjectNode();
    o.put("v", VERSION);
    o.put("database", database);
    o.put("slot", slot);
    o.put("table", table);
    o.put("resumeLsn", resumeLsn);
    if (offset != null) {
      o.set("offset", JSON.valueToTree(offset));
    }
    if (keyShape != null) {
      o.put("keyShape", keyShape);
    }
    try {
      return new FeedPosition(JSON.writeValueAsString(o));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a position as JSON", e);
    }
  }

  /**
   * Reads a token this class wrote.
   *
   * @throws IllegalArgumentException saying what is wrong with it (never quoting more of it than
   *     its version), if it is not such a token
   */
  static Position parse(FeedPosition position) {
    JsonNode o;
    try {
      o = JSON.readTree(position.token());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("it is not JSON");
    }
    if (o == null || !o.isObject()) {
      throw new IllegalArgumentException("it is not a JSON object");
    }
    JsonNode v = o.get("v");
    if (v == null || !v.isInt() || v.intValue() != VERSION) {
      throw new IllegalArgumentException("it is not of version " + VERSION + " (found " + (v == null ? "none" : v.toString()) + ")");
    }
    String database = text(o, "database");
    String slot = text(o, "slot");
    String table = text(o, "table");
    JsonNode lsn = o.get("resumeLsn");
    if (lsn == null || !lsn.canConvertToLong() || !lsn.isIntegralNumber() || lsn.longValue() < 0) {
      throw new IllegalArgumentException("it has no resumeLsn, a non-negative integer");
    }
    JsonNode offsetNode = o.get("offset");
    Map<String, Object> offset = null;
    if (offsetNode != null) {
      offset = offset(offsetNode);
    }
    JsonNode shape = o.get("keyShape");
    if (shape != null && !shape.isTextual()) {
      throw new IllegalArgumentException("its keyShape is not text");
    }
    return new Position(database, slot, table, lsn.longValue(), offset, shape == null ? null : shape.textValue());
  }

  private static String text(JsonNode o, String name) {
    JsonNode n = o.get(name);
    if (n == null || !n.isTextual() || n.textValue().isEmpty()) {
      throw new IllegalArgumentException("it names no " + name);
    }
    return n.textValue();
  }

  /** Debezium's offset: numbers as Longs (as its offset loader expects), texts, booleans. */
  private static Map<String, Object> offset(JsonNode node) {
    if (!node.isObject() || node.isEmpty()) {
      throw new IllegalArgumentException("its offset is not a non-empty JSON object");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : node.properties()) {
      JsonNode value = f.getValue();
      if (value.isIntegralNumber() && value.canConvertToLong()) {
        out.put(f.getKey(), value.longValue());
      } else if (value.isTextual()) {
        out.put(f.getKey(), value.textValue());
      } else if (value.isBoolean()) {
        out.put(f.getKey(), value.booleanValue());
      } else {
        throw new IllegalArgumentException("its offset member '" + f.getKey() + "' is not an integer, text or boolean");
      }
    }
    if (!(out.get("lsn_proc") instanceof Long) && !(out.get("lsn") instanceof Long)) {
      throw new IllegalArgumentException("its offset holds no LSN");
    }
    return out;
  }
}
