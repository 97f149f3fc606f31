package io.reconcile.mongo;

import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDbPointer;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonJavaScript;
import org.bson.BsonJavaScriptWithScope;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonRegularExpression;
import org.bson.BsonString;
import org.bson.BsonSymbol;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * BSON values to canonical {@link Value}s and back.
 *
 * <p>Reading: numbers by value whatever their BSON type (int32, int64, double and decimal128; NaN
 * and infinities as {@link Value.NonFinite}, −0 as zero); dates as timestamps in milliseconds;
 * strings as text; generic binary as bytes and binary of subtype 4 as a UUID; documents as maps
 * (so field names sorted at every level); arrays as lists, in order. A BSON type that no canonical
 * kind holds is read as its Extended JSON v2 wrapper, the payload in canonical kinds: an ObjectId
 * {@code {"$oid": "<24 hex digits>"}}, other binary subtypes {@code {"$binary": {"base64": …,
 * "subType": "<2 hex digits>"}}} (so a UUID of subtype 3 differs from one of subtype 4), a
 * timestamp {@code {"$timestamp": {"t": …, "i": …}}}, a regular expression, code, a symbol,
 * MinKey, MaxKey, undefined and a DBPointer likewise. A copy made with {@code mongoexport} or a
 * change-data-capture tool that writes Extended JSON into a JSON column so compares equal.
 *
 * <p>Writing: the way back, after what the target document holds at each place (the hint): an
 * unchanged number as it is stored, a nested document's fields in its order, new fields after; a
 * changed number in the type the target holds there when that type holds it exactly (so a repair
 * keeps a collection's types),
 * else int32 or int64 for an integer that fits, a double for a fraction whose shortest double form
 * is the same value, and decimal128 otherwise. What BSON cannot hold — a date without time, a
 * timestamp finer than a millisecond, a number beyond decimal128, a field name starting with
 * {@code $} that is no wrapper — is {@link #unwritable}, named by its place and never its value.
 */
final class BsonValues {

  private static final HexFormat HEX = HexFormat.of();
  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private BsonValues() {}

  /** The canonical value of a BSON value. */
  static Value read(BsonValue v) {
    return switch (v.getBsonType()) {
      case NULL -> Value.ofNull();
      case BOOLEAN -> Value.of(v.asBoolean().getValue());
      case INT32 -> Value.of(v.asInt32().getValue());
      case INT64 -> Value.of(v.asInt64().getValue());
      case DOUBLE -> Value.of(v.asDouble().getValue());
      case DECIMAL128 -> decimal(v.asDecimal128().getValue());
      case STRING -> Value.of(v.asString().getValue());
      case DATE_TIME -> Value.of(java.time.Instant.ofEpochMilli(v.asDateTime().getValue()));
      case DOCUMENT -> readDocument(v.asDocument());
      case ARRAY -> {
        List<Value> values = new ArrayList<>(v.asArray().size());
        for (BsonValue element : v.asArray()) {
          values.add(read(element));
        }
        yield Value.from(values);
      }
      case BINARY -> binary(v.asBinary());
      case OBJECT_ID -> wrapper("$oid", Value.of(v.asObjectId().getValue().toHexString()));
      case TIMESTAMP -> wrapper("$timestamp", Value.MapValue.of(Map.of(
          "t", Value.of(Integer.toUnsignedLong(v.asTimestamp().getTime())),
          "i", Value.of(Integer.toUnsignedLong(v.asTimestamp().getInc())))));
      case REGULAR_EXPRESSION -> wrapper("$regularExpression", Value.MapValue.of(Map.of(
          "pattern", Value.of(v.asRegularExpression().getPattern()),
          "options", Value.of(v.asRegularExpression().getOptions()))));
      case JAVASCRIPT -> wrapper("$code", Value.of(v.asJavaScript().getCode()));
      case JAVASCRIPT_WITH_SCOPE -> Value.MapValue.of(Map.of(
          "$code", Value.of(v.asJavaScriptWithScope().getCode()),
          "$scope", readDocument(v.asJavaScriptWithScope().getScope())));
      case SYMBOL -> wrapper("$symbol", Value.of(v.asSymbol().getSymbol()));
      case MIN_KEY -> wrapper("$minKey", Value.of(1));
      case MAX_KEY -> wrapper("$maxKey", Value.of(1));
      case UNDEFINED -> wrapper("$undefined", Value.of(true));
      case DB_POINTER -> wrapper("$dbPointer", Value.MapValue.of(Map.of(
          "$ref", Value.of(v.asDBPointer().getNamespace()),
          "$id", wrapper("$oid", Value.of(v.asDBPointer().getId().toHexString())))));
      case END_OF_DOCUMENT -> throw new IllegalArgumentException("a BSON end-of-document marker is no value");
    };
  }

  /** The canonical map of a document's fields. */
  static Value.MapValue readDocument(BsonDocument d) {
    Map<String, Value> fields = new LinkedHashMap<>();
    d.forEach((name, value) -> fields.put(name, read(value)));
    return Value.MapValue.of(fields);
  }

  private static Value decimal(Decimal128 d) {
    if (d.isNaN()) {
      return new Value.NonFinite(Double.NaN);
    }
    if (d.isInfinite()) {
      return new Value.NonFinite(d.isNegative() ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY);
    }
    try {
      return Value.of(d.bigDecimalValue());
    } catch (ArithmeticException negativeZero) {
      return Value.of(BigDecimal.ZERO); // the one finite decimal128 without a BigDecimal: -0, zero by value
    }
  }

  private static Value binary(BsonBinary b) {
    byte type = b.getType();
    if (type == BsonBinarySubType.BINARY.getValue()) {
      return Value.ofBytes(b.getData());
    }
    if (type == BsonBinarySubType.UUID_STANDARD.getValue() && b.getData().length == 16) {
      return Value.of(b.asUuid());
    }
    return wrapper("$binary", Value.MapValue.of(Map.of(
        "base64", Value.of(Base64.getEncoder().encodeToString(b.getData())),
        "subType", Value.of(HEX.toHexDigits(type)))));
  }

  private static Value.MapValue wrapper(String name, Value payload) {
    return Value.MapValue.of(Map.of(name, payload));
  }

  /**
   * The BSON of a canonical value, with the types {@code hint} (what the target holds at this place,
   * or null) has where they hold the value exactly.
   *
   * @throws IllegalArgumentException if BSON cannot hold the value ({@link #unwritable} says why)
   */
  static BsonValue write(Value v, @Nullable BsonValue hint) {
    Optional<String> why = unwritable(v, "");
    if (why.isPresent()) {
      throw new IllegalArgumentException("MongoDB cannot hold " + why.get());
    }
    return toBson(v, hint);
  }

  /** The BSON document of canonical fields, typed after {@code hint} where it holds them exactly. */
  static BsonDocument writeDocument(Value.MapValue fields, @Nullable BsonDocument hint) {
    BsonDocument out = new BsonDocument();
    fields.fields().forEach((name, value) -> out.put(name, write(value, hint == null ? null : hint.get(name))));
    return out;
  }

  /**
   * Why BSON cannot hold {@code v} at the field path {@code place} (e.g. {@code amount} or {@code
   * tags[2]}), naming the place and what it takes, never the value; empty if it can.
   */
  static Optional<String> unwritable(Value v, String place) {
    if (v instanceof Value.Date) {
      return Optional.of("a date without a time (field '" + place + "'): BSON has dates with a time only;"
          + " compare it as text (normalisation asText, --normalize text=" + place + ")");
    }
    if (v instanceof Value.Timestamp t && t.value().getNano() % 1_000_000 != 0) {
      return Optional.of("a timestamp finer than a millisecond (field '" + place + "'): BSON dates are whole"
          + " milliseconds; normalise timestamps to milliseconds (--normalize timestamps=millis)");
    }
    if (v instanceof Value.Num n && number(n.decimal(), null) == null) {
      return Optional.of("a number of more than 34 significant digits or out of decimal128's range (field '"
          + place + "')");
    }
    if (v instanceof Value.ListValue l) {
      for (int i = 0; i < l.values().size(); i++) {
        Optional<String> why = unwritable(l.values().get(i), place + "[" + i + "]");
        if (why.isPresent()) {
          return why;
        }
      }
    }
    if (v instanceof Value.MapValue m && wrapped(m) == null) {
      for (Map.Entry<String, Value> f : m.fields().entrySet()) {
        String path = place.isEmpty() ? f.getKey() : place + "." + f.getKey();
        if (f.getKey().startsWith("$")) {
          return Optional.of("a field name starting with '$' that is no Extended JSON wrapper (field '" + path + "')");
        }
        Optional<String> why = unwritable(f.getValue(), path);
        if (why.isPresent()) {
          return why;
        }
      }
    }
    return Optional.empty();
  }

  private static BsonValue toBson(Value v, @Nullable BsonValue hint) {
    if (v instanceof Value.Null) {
      return BsonNull.VALUE;
    }
    if (v instanceof Value.Bool b) {
      return BsonBoolean.valueOf(b.value());
    }
    if (v instanceof Value.Num n) {
      return number(n.decimal(), hint);
    }
    if (v instanceof Value.NonFinite f) {
      return hint != null && hint.isDecimal128() ? new BsonDecimal128(nonFinite(f.value())) : new BsonDouble(f.value());
    }
    if (v instanceof Value.Text t) {
      return new BsonString(t.value());
    }
    if (v instanceof Value.Bytes b) {
      return new BsonBinary(b.value());
    }
    if (v instanceof Value.Uuid u) {
      return new BsonBinary(u.value());
    }
    if (v instanceof Value.Timestamp t) {
      return new BsonDateTime(t.value().toEpochMilli());
    }
    if (v instanceof Value.ListValue l) {
      BsonArray hints = hint != null && hint.isArray() ? hint.asArray() : null;
      BsonArray out = new BsonArray(new ArrayList<>(l.values().size()));
      for (int i = 0; i < l.values().size(); i++) {
        out.add(toBson(l.values().get(i), hints != null && i < hints.size() ? hints.get(i) : null));
      }
      return out;
    }
    if (v instanceof Value.MapValue m) {
      BsonValue wrapped = wrapped(m);
      if (wrapped != null) {
        return wrapped;
      }
      BsonDocument hints = hint != null && hint.isDocument() ? hint.asDocument() : null;
      BsonDocument out = new BsonDocument();
      if (hints != null) { // the fields the hint holds in its order, so a nested document keeps its field order
        hints.keySet().forEach(name -> {
          if (m.fields().containsKey(name)) {
            out.put(name, toBson(m.fields().get(name), hints.get(name)));
          }
        });
      }
      m.fields().forEach((name, value) -> {
        if (!out.containsKey(name)) {
          out.put(name, toBson(value, null));
        }
      });
      return out;
    }
    throw new IllegalArgumentException("BSON has no type for a " + v.getClass().getSimpleName());
  }

  private static Decimal128 nonFinite(double d) {
    return Double.isNaN(d) ? Decimal128.NaN : d > 0 ? Decimal128.POSITIVE_INFINITY : Decimal128.NEGATIVE_INFINITY;
  }

  /** The BSON number of value {@code d}: the hint's type if it holds it exactly, else the narrowest exact one; null if none. */
  static @Nullable BsonValue number(BigDecimal d, @Nullable BsonValue hint) {
    boolean integer = d.signum() == 0 || d.scale() <= 0 || d.stripTrailingZeros().scale() <= 0;
    if (hint != null && hint.isNumber() && sameNumber(hint, d)) {
      return hint; // unchanged: kept exactly as stored, its type and its scale (a decimal128 1.50 stays 1.50)
    }
    if (hint != null) {
      if (hint.isInt32() && integer && inRange(d, INT_MIN, INT_MAX)) {
        return new BsonInt32(d.intValueExact());
      }
      if (hint.isInt64() && integer && inRange(d, LONG_MIN, LONG_MAX)) {
        return new BsonInt64(d.longValueExact());
      }
      if (hint.isDouble() && exactDouble(d)) {
        return new BsonDouble(d.doubleValue());
      }
      if (hint.isDecimal128()) {
        Decimal128 dec = decimal128(d);
        if (dec != null) {
          return new BsonDecimal128(dec);
        }
      }
    }
    if (integer && inRange(d, INT_MIN, INT_MAX)) {
      return new BsonInt32(d.intValueExact());
    }
    if (integer && inRange(d, LONG_MIN, LONG_MAX)) {
      return new BsonInt64(d.longValueExact());
    }
    if (!integer && exactDouble(d)) {
      return new BsonDouble(d.doubleValue());
    }
    Decimal128 dec = decimal128(d);
    return dec == null ? null : new BsonDecimal128(dec);
  }

  private static boolean sameNumber(BsonValue stored, BigDecimal d) {
    Value v = read(stored);
    return v instanceof Value.Num n && n.decimal().compareTo(d) == 0;
  }

  private static boolean inRange(BigDecimal d, BigDecimal min, BigDecimal max) {
    return d.compareTo(min) >= 0 && d.compareTo(max) <= 0;
  }

  private static boolean exactDouble(BigDecimal d) {
    double x = d.doubleValue();
    return Double.isFinite(x) && new BigDecimal(Double.toString(x)).compareTo(d) == 0;
  }

  /** The decimal128 of exactly {@code d}, written plainly where it fits (1E+29 as 100…0), or null if none holds it. */
  private static @Nullable Decimal128 decimal128(BigDecimal d) {
    BigDecimal stripped = d.stripTrailingZeros();
    for (BigDecimal form : stripped.scale() < 0 ? List.of(stripped.setScale(0), stripped) : List.of(stripped)) {
      try {
        return new Decimal128(form);
      } catch (NumberFormatException | ArithmeticException e) {
        // too many digits in this form; try the next
      }
    }
    return null;
  }

  /** The BSON value an Extended JSON wrapper stands for, or null if {@code m} is no well-formed wrapper. */
  private static @Nullable BsonValue wrapped(Value.MapValue m) {
    Map<String, Value> f = m.fields();
    if (f.isEmpty() || !f.keySet().iterator().next().startsWith("$")) {
      return null;
    }
    try {
      if (f.size() == 2 && f.get("$code") instanceof Value.Text code && f.get("$scope") instanceof Value.MapValue scope
          && unwritable(scope, "$scope").isEmpty()) {
        return new BsonJavaScriptWithScope(code.value(), writeDocument(scope, null));
      }
      if (f.size() != 1) {
        return null;
      }
      Map.Entry<String, Value> only = f.entrySet().iterator().next();
      Value p = only.getValue();
      return switch (only.getKey()) {
        case "$oid" -> p instanceof Value.Text t && ObjectId.isValid(t.value())
            && t.value().equals(t.value().toLowerCase(Locale.ROOT)) ? new BsonObjectId(new ObjectId(t.value())) : null;
        case "$binary" -> p instanceof Value.MapValue b && b.size() == 2
            && b.fields().get("base64") instanceof Value.Text data && b.fields().get("subType") instanceof Value.Text type
            && type.value().length() == 2
            ? new BsonBinary((byte) HEX.fromHexDigits(type.value()), Base64.getDecoder().decode(data.value())) : null;
        case "$timestamp" -> p instanceof Value.MapValue ts && ts.size() == 2
            && ts.fields().get("t") instanceof Value.Num t && ts.fields().get("i") instanceof Value.Num i
            ? new BsonTimestamp((int) t.decimal().longValueExact(), (int) i.decimal().longValueExact()) : null;
        case "$regularExpression" -> p instanceof Value.MapValue r && r.size() == 2
            && r.fields().get("pattern") instanceof Value.Text pattern && r.fields().get("options") instanceof Value.Text options
            ? new BsonRegularExpression(pattern.value(), options.value()) : null;
        case "$code" -> p instanceof Value.Text t ? new BsonJavaScript(t.value()) : null;
        case "$symbol" -> p instanceof Value.Text t ? new BsonSymbol(t.value()) : null;
        case "$minKey" -> new BsonMinKey();
        case "$maxKey" -> new BsonMaxKey();
        case "$undefined" -> new BsonUndefined();
        case "$dbPointer" -> p instanceof Value.MapValue ptr && ptr.fields().get("$ref") instanceof Value.Text ns
            && ptr.fields().get("$id") instanceof Value.MapValue id && wrapped(id) instanceof BsonObjectId oid
            ? new BsonDbPointer(ns.value(), oid.getValue()) : null;
        default -> null;
      };
    } catch (IllegalArgumentException | ArithmeticException e) {
      return null;
    }
  }

}
