package io.reconcile.core.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A faithful JSON codec for {@link AuditRecord audit records} and everything they carry: {@link Key
 * keys}, {@link Value values}, {@link Entry entries}, {@link Expected expected states} and {@link
 * RepairAction repair actions}. Decoding what was encoded gives an equal object: an equal key, a
 * canonically equal value of the same kind (a number keeps its exact decimal text and its
 * scale-significance, a timestamp its nanoseconds), an entry with equal key, fields and version,
 * and an equal action with the same idempotency id (an action's id is checked against the one
 * derived from the rest of it, never taken on trust).
 *
 * <h2>The format</h2>
 *
 * <ul>
 *   <li>A <b>key</b> is an array of its parts, each {@code {"type":T,"value":V}} with {@code T} one
 *       of {@code long} (V the decimal text, so tools that read JSON numbers as doubles keep every
 *       digit), {@code decimal} (a number part that is not a long: V its plain decimal text, e.g.
 *       {@code 1.5}), {@code text}, {@code uuid} (canonical lowercase text) and {@code bytes} (V in
 *       standard Base64 with padding).
 *   <li>A <b>value</b> is {@code {"type":T, ...}} with {@code T} one of {@code null}; {@code bool}
 *       (V a JSON boolean); {@code num} (V the decimal text as {@link BigDecimal#toString()} gives
 *       it, and {@code "scaleSignificant":true} only when the scale counts); {@code nonFinite} (V
 *       {@code NaN}, {@code Infinity} or {@code -Infinity}); {@code text}; {@code bytes} (Base64);
 *       {@code uuid}; {@code date} (ISO-8601, e.g. {@code 2024-02-29}); {@code timestamp} (ISO-8601
 *       instant in UTC with as many fractional digits as needed, e.g. {@code
 *       2024-02-29T12:00:00.000000001Z}); {@code list} (V an array of values); {@code map} (V an
 *       object of field name to value).
 *   <li>An <b>entry</b> is {@code {"key":K,"fields":{name:value,...},"version":{"vector":"{a:3}",
 *       "timestamp":"…Z"}}}; {@code version} is left out when the entry has none, and each of its
 *       members when it is null. The vector is in {@link VersionVector#toText() text form}.
 *   <li>An <b>expected state</b> is {@code {"state":"absent"}} or {@code
 *       {"state":"present","entry":E}}.
 *   <li>An <b>action</b> is {@code {"op":"upsert","id":…,"target":…,"entry":E,"expected":X}} or
 *       {@code {"op":"delete","id":…,"target":…,"key":K,"expected":X}}; an upsert that restores a
 *       whole stored row also has {@code "storedRow":{name:value,...}}.
 *   <li>A <b>record</b> is {@code {"runId":…,"type":…,"time":…}} followed by whichever of {@code
 *       action}, {@code decision}, {@code divergence}, {@code status}, {@code found}, {@code
 *       foundRow} (an object of field name to value), {@code fingerprints} (an object of store id
 *       to an object of part name to text; left out when empty) and {@code note} are not null
 *       ({@code type} and {@code status} by their enum constant names). Records written before
 *       {@code foundRow} and {@code fingerprints} existed read as records without them.
 * </ul>
 *
 * <p>Decoders accept a JSON {@code null} wherever a member may be left out, and ignore members they
 * do not know, so that records written by a later version stay readable.
 *
 * <p>Objects are built member by member in the order above; this class does not sort them (the
 * {@link AuditLog} hashes a sorted form). Text that holds an unpaired surrogate is kept as it is in
 * the tree; writing it faithfully is the writer's business (the audit log escapes surrogates).
 *
 * <p>Stateless and thread-safe. Encoding and decoding cost time and memory linear in the size of
 * the object, and recurse once per level of nesting of values.
 */
final class AuditJson {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final Base64.Encoder BASE64 = Base64.getEncoder();
  private static final Base64.Decoder BASE64_DECODER = Base64.getDecoder();

  private AuditJson() {}

  // ---------------------------------------------------------------------------------- encoding

  /**
   * Encodes a key as an array of typed parts.
   *
   * @param key the key
   * @return a new array, never null
   */
  public static ArrayNode toJson(Key key) {
    ArrayNode parts = NODES.arrayNode(key.size());
    for (Object part : key.parts()) {
      ObjectNode p = parts.addObject();
      if (part instanceof Long l) {
        p.put("type", "long").put("value", Long.toString(l));
      } else if (part instanceof BigDecimal d) {
        p.put("type", "decimal").put("value", d.toPlainString());
      } else if (part instanceof String s) {
        p.put("type", "text").put("value", s);
      } else if (part instanceof UUID u) {
        p.put("type", "uuid").put("value", u.toString());
      } else {
        p.put("type", "bytes").put("value", BASE64.encodeToString((byte[]) part));
      }
    }
    return parts;
  }

  /**
   * Encodes a value of any kind as a typed object.
   *
   * @param value the value
   * @return a new object, never null
   */
  public static ObjectNode toJson(Value value) {
    ObjectNode n = NODES.objectNode();
    if (value instanceof Value.Null) {
      n.put("type", "null");
    } else if (value instanceof Value.Bool b) {
      n.put("type", "bool").put("value", b.value());
    } else if (value instanceof Value.Num num) {
      n.put("type", "num").put("value", num.decimal().toString());
      if (num.scaleSignificant()) {
        n.put("scaleSignificant", true);
      }
    } else if (value instanceof Value.NonFinite f) {
      n.put("type", "nonFinite").put("value", Double.toString(f.value()));
    } else if (value instanceof Value.Text t) {
      n.put("type", "text").put("value", t.value());
    } else if (value instanceof Value.Bytes b) {
      n.put("type", "bytes").put("value", BASE64.encodeToString(b.value()));
    } else if (value instanceof Value.Uuid u) {
      n.put("type", "uuid").put("value", u.value().toString());
    } else if (value instanceof Value.Date d) {
      n.put("type", "date").put("value", d.value().toString());
    } else if (value instanceof Value.Timestamp t) {
      n.put("type", "timestamp").put("value", t.value().toString());
    } else if (value instanceof Value.ListValue l) {
      ArrayNode items = n.put("type", "list").putArray("value");
      for (Value item : l.values()) {
        items.add(toJson(item));
      }
    } else {
      n.put("type", "map").set("value", fieldsToJson((Value.MapValue) value));
    }
    return n;
  }

  private static ObjectNode fieldsToJson(Value.MapValue fields) {
    return fieldsToJson(fields.fields());
  }

  private static ObjectNode fieldsToJson(Map<String, Value> fields) {
    ObjectNode o = NODES.objectNode();
    for (Map.Entry<String, Value> f : fields.entrySet()) {
      o.set(f.getKey(), toJson(f.getValue()));
    }
    return o;
  }

  /**
   * Encodes an entry: key, fields and (when it has any) version metadata.
   *
   * @param entry the entry
   * @return a new object, never null
   */
  public static ObjectNode toJson(Entry entry) {
    ObjectNode n = NODES.objectNode();
    n.set("key", toJson(entry.key()));
    n.set("fields", fieldsToJson(entry.fields()));
    Version v = entry.version();
    if (v.vector() != null || v.timestamp() != null) {
      ObjectNode version = n.putObject("version");
      if (v.vector() != null) {
        version.put("vector", v.vector().toText());
      }
      if (v.timestamp() != null) {
        version.put("timestamp", v.timestamp().toString());
      }
    }
    return n;
  }

  /**
   * Encodes an expected state.
   *
   * @param expected absence or an expected entry
   * @return a new object, never null
   */
  public static ObjectNode toJson(Expected expected) {
    ObjectNode n = NODES.objectNode();
    Entry e = expected.entry();
    if (e == null) {
      n.put("state", "absent");
    } else {
      n.put("state", "present").set("entry", toJson(e));
    }
    return n;
  }

  /**
   * Encodes a repair action with its idempotency id, target, entry or key, and expected state.
   *
   * @param action an upsert or a delete
   * @return a new object, never null
   */
  public static ObjectNode toJson(RepairAction action) {
    ObjectNode n = NODES.objectNode();
    if (action instanceof RepairAction.Upsert u) {
      n.put("op", "upsert").put("id", u.id()).put("target", u.target());
      n.set("entry", toJson(u.entry()));
      if (u.storedRow() != null) {
        n.set("storedRow", fieldsToJson(u.storedRow()));
      }
    } else {
      RepairAction.Delete d = (RepairAction.Delete) action;
      n.put("op", "delete").put("id", d.id()).put("target", d.target());
      n.set("key", toJson(d.key()));
    }
    n.set("expected", toJson(action.expected()));
    return n;
  }

  /**
   * Encodes an audit record, leaving out the members that are null.
   *
   * @param record the record
   * @return a new object, never null
   */
  public static ObjectNode toJson(AuditRecord record) {
    ObjectNode n = NODES.objectNode();
    n.put("runId", record.runId());
    n.put("type", record.type().name());
    n.put("time", record.time().toString());
    if (record.action() != null) {
      n.set("action", toJson(record.action()));
    }
    if (record.decision() != null) {
      n.put("decision", record.decision());
    }
    if (record.divergence() != null) {
      n.put("divergence", record.divergence());
    }
    if (record.status() != null) {
      n.put("status", record.status().name());
    }
    if (record.found() != null) {
      n.set("found", toJson(record.found()));
    }
    if (record.foundRow() != null) {
      n.set("foundRow", fieldsToJson(record.foundRow()));
    }
    if (!record.fingerprints().isEmpty()) {
      ObjectNode stores = n.putObject("fingerprints");
      record.fingerprints().forEach((store, parts) -> {
        ObjectNode o = stores.putObject(store);
        parts.forEach(o::put);
      });
    }
    if (record.note() != null) {
      n.put("note", record.note());
    }
    return n;
  }

  // ---------------------------------------------------------------------------------- decoding

  /**
   * Decodes a key written by {@link #toJson(Key)}.
   *
   * @param json an array of typed parts
   * @return the key, never null
   * @throws IllegalArgumentException if the JSON is not such an array, naming the position (for
   *     example {@code key[1].value}), what was expected there and what kind of JSON was found
   */
  public static Key keyFromJson(JsonNode json) {
    return key(json, "key");
  }

  /**
   * Decodes a value written by {@link #toJson(Value)}.
   *
   * @param json a typed value object
   * @return a value of the kind named by its {@code type}, never null
   * @throws IllegalArgumentException if the JSON is malformed, naming the position, what was
   *     expected and what kind of JSON was found
   */
  public static Value valueFromJson(JsonNode json) {
    return value(json, "value");
  }

  /**
   * Decodes an entry written by {@link #toJson(Entry)}.
   *
   * @param json an entry object
   * @return an entry equal to the one encoded, never null
   * @throws IllegalArgumentException if the JSON is malformed, naming the position, what was
   *     expected and what kind of JSON was found
   */
  public static Entry entryFromJson(JsonNode json) {
    return entry(json, "entry");
  }

  /**
   * Decodes an expected state written by {@link #toJson(Expected)}.
   *
   * @param json an expected-state object
   * @return the expected state, never null
   * @throws IllegalArgumentException if the JSON is malformed, naming the position, what was
   *     expected and what kind of JSON was found
   */
  public static Expected expectedFromJson(JsonNode json) {
    return expected(json, "expected");
  }

  /**
   * Decodes a repair action written by {@link #toJson(RepairAction)}: it is rebuilt with {@link
   * RepairAction#upsert}, {@link RepairAction#restore} or {@link RepairAction#delete}, which derive
   * its id from what it does, and the id written must be that one (or, for a log written before
   * ids were derived from canonical bytes, the id derived as then), so an edited action is found
   * out rather than trusted. The result equals the action encoded.
   *
   * @param json an action object
   * @return an upsert or a delete, never null
   * @throws IllegalArgumentException if the JSON is malformed, naming the position, what was
   *     expected and what kind of JSON was found; if it describes an action the API refuses (a
   *     delete that expects absence, an expected entry of another key); or if its id is not the one
   *     derived from the rest of it
   */
  public static RepairAction actionFromJson(JsonNode json) {
    return action(json, "action");
  }

  /**
   * Decodes an audit record written by {@link #toJson(AuditRecord)}. Members the codec does not
   * know (such as the chain members {@code seq}, {@code prev} and {@code hash} of an audit log
   * line) are ignored.
   *
   * @param json a record object
   * @return the record, never null
   * @throws IllegalArgumentException if the JSON is malformed, naming the position, what was
   *     expected and what kind of JSON was found
   */
  public static AuditRecord recordFromJson(JsonNode json) {
    String at = "record";
    ObjectNode o = object(json, at);
    RepairAction action =
        optional(o, "action") == null ? null : action(o.get("action"), at + ".action");
    Entry found = optional(o, "found") == null ? null : entry(o.get("found"), at + ".found");
    String status = optionalText(o, "status", at);
    Map<String, Value> foundRow =
        optional(o, "foundRow") == null ? null : fields(o.get("foundRow"), at + ".foundRow").fields();
    return new AuditRecord(
        text(o, "runId", at),
        enumConstant(AuditRecord.Type.class, o, "type", at),
        instant(text(o, "time", at), at + ".time"),
        action,
        optionalText(o, "decision", at),
        optionalText(o, "divergence", at),
        status == null ? null : enumConstant(ActionOutcome.Status.class, o, "status", at),
        found,
        optionalText(o, "note", at),
        foundRow,
        fingerprints(optional(o, "fingerprints"), at + ".fingerprints"));
  }

  private static Map<String, Map<String, String>> fingerprints(@Nullable JsonNode json, String at) {
    Map<String, Map<String, String>> out = new LinkedHashMap<>();
    if (json == null) {
      return out;
    }
    ObjectNode stores = object(json, at);
    for (Map.Entry<String, JsonNode> store : stores.properties()) {
      String sat = at + "." + store.getKey();
      ObjectNode parts = object(store.getValue(), sat);
      Map<String, String> fingerprint = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> part : parts.properties()) {
        fingerprint.put(part.getKey(), text(parts, part.getKey(), sat));
      }
      out.put(store.getKey(), fingerprint);
    }
    return out;
  }

  private static Key key(JsonNode json, String at) {
    if (!json.isArray()) {
      throw expectedButFound(at, "an array of key parts", json);
    }
    if (json.isEmpty()) {
      throw new IllegalArgumentException(
          "malformed audit JSON at "
              + at
              + ": expected at least one key part, but the array is empty");
    }
    List<Object> parts = new ArrayList<>(json.size());
    for (int i = 0; i < json.size(); i++) {
      String pat = at + "[" + i + "]";
      ObjectNode p = object(json.get(i), pat);
      String type = text(p, "type", pat);
      String v = text(p, "value", pat);
      String vat = pat + ".value";
      switch (type) {
        case "long" -> parts.add(parseLong(v, vat));
        case "decimal" -> parts.add(decimal(v, vat));
        case "text" -> parts.add(v);
        case "uuid" -> parts.add(uuid(v, vat));
        case "bytes" -> parts.add(base64(v, vat));
        default -> throw unknownTag(pat + ".type", type, "long, decimal, text, uuid, bytes");
      }
    }
    try {
      return Key.composite(parts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "malformed audit JSON at " + at + ": " + e.getMessage(), e);
    }
  }

  private static Value value(JsonNode json, String at) {
    ObjectNode o = object(json, at);
    String type = text(o, "type", at);
    String vat = at + ".value";
    switch (type) {
      case "null":
        return Value.ofNull();
      case "bool":
        {
          JsonNode v = required(o, "value", at);
          if (!v.isBoolean()) {
            throw expectedButFound(vat, "a boolean", v);
          }
          return Value.of(v.booleanValue());
        }
      case "num":
        {
          Value.Num num = (Value.Num) Value.of(decimal(text(o, "value", at), vat));
          JsonNode sig = optional(o, "scaleSignificant");
          if (sig != null && !sig.isBoolean()) {
            throw expectedButFound(at + ".scaleSignificant", "a boolean", sig);
          }
          return sig != null && sig.booleanValue() ? num.withSignificantScale() : num;
        }
      case "nonFinite":
        {
          String v = text(o, "value", at);
          return switch (v) {
            case "NaN" -> new Value.NonFinite(Double.NaN);
            case "Infinity" -> new Value.NonFinite(Double.POSITIVE_INFINITY);
            case "-Infinity" -> new Value.NonFinite(Double.NEGATIVE_INFINITY);
            default -> throw unknownTag(vat, v, "NaN, Infinity, -Infinity");
          };
        }
      case "text":
        return Value.of(text(o, "value", at));
      case "bytes":
        return Value.ofBytes(base64(text(o, "value", at), vat));
      case "uuid":
        return Value.of(uuid(text(o, "value", at), vat));
      case "date":
        {
          String v = text(o, "value", at);
          try {
            return Value.of(LocalDate.parse(v));
          } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                "malformed audit JSON at "
                    + vat
                    + ": expected an ISO-8601 date such as"
                    + " 2024-02-29, but found text that is not one",
                e);
          }
        }
      case "timestamp":
        return Value.of(instant(text(o, "value", at), vat));
      case "list":
        {
          JsonNode v = required(o, "value", at);
          if (!v.isArray()) {
            throw expectedButFound(vat, "an array of values", v);
          }
          List<Value> items = new ArrayList<>(v.size());
          for (int i = 0; i < v.size(); i++) {
            items.add(value(v.get(i), vat + "[" + i + "]"));
          }
          return new Value.ListValue(items);
        }
      case "map":
        return fields(required(o, "value", at), vat);
      default:
        throw unknownTag(
            at + ".type",
            type,
            "null, bool, num, nonFinite, text, bytes, uuid, date, timestamp, list, map");
    }
  }

  private static Value.MapValue fields(JsonNode json, String at) {
    if (!json.isObject()) {
      throw expectedButFound(at, "an object of field name to value", json);
    }
    Map<String, Value> fields = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> f : json.properties()) {
      fields.put(f.getKey(), value(f.getValue(), at + "." + f.getKey()));
    }
    return Value.MapValue.of(fields);
  }

  private static Entry entry(JsonNode json, String at) {
    ObjectNode o = object(json, at);
    Key key = key(required(o, "key", at), at + ".key");
    Value.MapValue fields = fields(required(o, "fields", at), at + ".fields");
    JsonNode v = optional(o, "version");
    if (v == null) {
      return Entry.of(key, fields);
    }
    String vat = at + ".version";
    ObjectNode version = object(v, vat);
    String vector = optionalText(version, "vector", vat);
    String timestamp = optionalText(version, "timestamp", vat);
    VersionVector vv = null;
    if (vector != null) {
      try {
        vv = VersionVector.parse(vector);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "malformed audit JSON at "
                + vat
                + ".vector: expected a version vector in text form,"
                + " but "
                + e.getMessage(),
            e);
      }
    }
    Instant ts = timestamp == null ? null : instant(timestamp, vat + ".timestamp");
    return Entry.of(key, fields, new Version(vv, ts));
  }

  private static Expected expected(JsonNode json, String at) {
    ObjectNode o = object(json, at);
    String state = text(o, "state", at);
    return switch (state) {
      case "absent" -> Expected.absent();
      case "present" -> Expected.present(entry(required(o, "entry", at), at + ".entry"));
      default -> throw unknownTag(at + ".state", state, "absent, present");
    };
  }

  private static RepairAction action(JsonNode json, String at) {
    ObjectNode o = object(json, at);
    String op = text(o, "op", at);
    String id = text(o, "id", at);
    String target = text(o, "target", at);
    RepairAction action;
    try {
      action = switch (op) {
        case "upsert" -> {
          Entry entry = entry(required(o, "entry", at), at + ".entry");
          Expected expected = expected(required(o, "expected", at), at + ".expected");
          yield optional(o, "storedRow") == null
              ? RepairAction.upsert(target, entry, expected)
              : RepairAction.restore(target, entry, fields(o.get("storedRow"), at + ".storedRow").fields(), expected);
        }
        case "delete" ->
            RepairAction.delete(
                target,
                key(required(o, "key", at), at + ".key"),
                expected(required(o, "expected", at), at + ".expected"));
        default -> throw unknownTag(at + ".op", op, "upsert, delete");
      };
    } catch (IllegalArgumentException e) {
      if (e.getMessage() != null && e.getMessage().startsWith("malformed audit JSON")) {
        throw e;
      }
      // The action's own checks (a delete expecting absence, a key mismatch).
      throw new IllegalArgumentException(
          "malformed audit JSON at " + at + ": " + e.getMessage(), e);
    }
    if (!id.equals(action.id()) && !id.equals(legacyId(action))) {
      throw new IllegalArgumentException(
          "malformed audit JSON at " + at + ".id: expected " + action.id() + ", the id derived from the"
              + " action's target, key, expected state and result, but found another; the record was"
              + " changed since it was written, so it cannot be trusted — restore the audit log from a copy");
    }
    return action;
  }

  /**
   * The id an action had in logs written before ids were derived from canonical bytes (24 hex
   * digits: the first 96 bits of a SHA-256 over the target, the key's encoding, and the expected
   * and resulting row hashes as text, separated by zero bytes), so that such logs still verify and
   * their runs can still be undone. Their actions decode with today's ids, the same for every
   * record of the log.
   */
  private static String legacyId(RepairAction a) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM offers no SHA-256, which every Java SE must", e);
    }
    Entry expected = a.expected().entry();
    Entry result = a.result();
    md.update(a.target().getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update(a.key().encode());
    md.update((byte) 0);
    md.update((expected == null ? "absent" : "present " + expected.hash()).getBytes(StandardCharsets.UTF_8));
    md.update((byte) 0);
    md.update((result == null ? "absent" : result.hash().toString()).getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest(), 0, 12);
  }

  // ----------------------------------------------------------------------------------- helpers

  private static ObjectNode object(JsonNode json, String at) {
    if (!json.isObject()) {
      throw expectedButFound(at, "an object", json);
    }
    return (ObjectNode) json;
  }

  /** The member, or null when it is missing or JSON null. */
  private static @Nullable JsonNode optional(ObjectNode o, String field) {
    JsonNode n = o.get(field);
    return n == null || n.isNull() ? null : n;
  }

  private static JsonNode required(ObjectNode o, String field, String at) {
    JsonNode n = optional(o, field);
    if (n == null) {
      throw new IllegalArgumentException(
          "malformed audit JSON at "
              + at
              + ": expected a member \""
              + field
              + "\", but found "
              + (o.has(field) ? "null" : "no such member"));
    }
    return n;
  }

  private static String text(ObjectNode o, String field, String at) {
    JsonNode n = required(o, field, at);
    if (!n.isTextual()) {
      throw expectedButFound(at + "." + field, "text", n);
    }
    return n.textValue();
  }

  private static @Nullable String optionalText(ObjectNode o, String field, String at) {
    JsonNode n = optional(o, field);
    if (n == null) {
      return null;
    }
    if (!n.isTextual()) {
      throw expectedButFound(at + "." + field, "text or null", n);
    }
    return n.textValue();
  }

  private static <E extends Enum<E>> E enumConstant(
      Class<E> type, ObjectNode o, String field, String at) {
    String name = text(o, field, at);
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      StringBuilder allowed = new StringBuilder();
      for (E c : type.getEnumConstants()) {
        allowed.append(allowed.length() == 0 ? "" : ", ").append(c.name());
      }
      throw unknownTag(at + "." + field, name, allowed.toString());
    }
  }

  private static long parseLong(String v, String at) {
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "malformed audit JSON at "
              + at
              + ": expected a long as decimal text such as \"-42\","
              + " but found text that is not one",
          e);
    }
  }

  private static BigDecimal decimal(String v, String at) {
    try {
      return new BigDecimal(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "malformed audit JSON at "
              + at
              + ": expected a decimal number as text such as"
              + " \"12.50\" or \"1E+3\", but found text that is not one",
          e);
    }
  }

  private static UUID uuid(String v, String at) {
    try {
      UUID u = UUID.fromString(v);
      // UUID.fromString also takes short forms such as "1-1-1-1-1"; accept only the canonical one.
      if (u.toString().equals(v.toLowerCase(Locale.ROOT))) {
        return u;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException(
        "malformed audit JSON at "
            + at
            + ": expected a UUID such as"
            + " \"123e4567-e89b-12d3-a456-426614174000\", but found text that is not one");
  }

  private static byte[] base64(String v, String at) {
    try {
      return BASE64_DECODER.decode(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "malformed audit JSON at "
              + at
              + ": expected bytes in standard Base64, but "
              + e.getMessage(),
          e);
    }
  }

  private static Instant instant(String v, String at) {
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "malformed audit JSON at "
              + at
              + ": expected an ISO-8601 instant in UTC such as"
              + " \"2024-02-29T12:00:00.5Z\", but found text that is not one",
          e);
    }
  }

  private static IllegalArgumentException expectedButFound(
      String at, String expected, JsonNode found) {
    return new IllegalArgumentException(
        "malformed audit JSON at " + at + ": expected " + expected + ", but found " + kind(found));
  }

  /**
   * A tag (a type name, an op) that is none of the allowed ones. The tag is shown, shortened,
   * because it is format vocabulary rather than user data.
   */
  private static IllegalArgumentException unknownTag(String at, String found, String allowed) {
    String shown = found.length() > 40 ? found.substring(0, 40) + "…" : found;
    return new IllegalArgumentException(
        "malformed audit JSON at "
            + at
            + ": expected one of "
            + allowed
            + ", but found \""
            + shown
            + "\"");
  }

  /** The kind of a JSON node, never its content (which may be user data). */
  private static String kind(JsonNode n) {
    JsonNodeType t = n.getNodeType();
    return switch (t) {
      case ARRAY -> "an array";
      case OBJECT, POJO -> "an object";
      case STRING -> "text";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case BINARY -> "binary data";
      case MISSING -> "nothing";
    };
  }
}
