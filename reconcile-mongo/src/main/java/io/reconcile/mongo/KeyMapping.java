package io.reconcile.mongo;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * How a collection's {@code _id} maps to {@link Key}s, and key ranges to query filters.
 *
 * <p>A scalar {@code _id} is one key part: a number (int32, int64, double or decimal128, by value),
 * a string, a UUID (binary subtype 4) or an ObjectId (its 12 bytes). A compound {@code _id} is a
 * document of named fields, one key part each, in the declared order. MongoDB orders {@code _id}s
 * of different types by type — numbers, strings, documents, binary data, ObjectIds — and a range
 * predicate matches values of one type only, so a key range becomes one condition per type it
 * spans, whose union, sorted by {@code _id}, comes back in {@link Key} order (numbers before texts
 * before UUIDs before byte strings, the same order).
 */
final class KeyMapping {

  /** The types a scalar key part may have, in {@link Key} order (which is MongoDB's order of them too). */
  private enum Kind {
    NUMBER, TEXT, UUID, OBJECT_ID;

    static Kind of(Object part) {
      if (part instanceof Long || part instanceof BigDecimal) {
        return NUMBER;
      }
      if (part instanceof String) {
        return TEXT;
      }
      if (part instanceof UUID) {
        return UUID;
      }
      return OBJECT_ID;
    }
  }

  private static final BsonBinary LEAST_UUID = new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[16]);
  private static final BsonBinary GREATEST_UUID = greatestUuid();

  /** The fields of a compound {@code _id}, or empty for a scalar one. */
  private final List<String> compound;

  private KeyMapping(List<String> compound) {
    this.compound = List.copyOf(compound);
  }

  /** Keys from a scalar {@code _id}. */
  static KeyMapping scalar() {
    return new KeyMapping(List.of());
  }

  /** Keys from a compound {@code _id}: a document of these fields, in this order. */
  static KeyMapping compound(List<String> fields) {
    if (fields.isEmpty()) {
      throw new IllegalArgumentException("a compound _id has at least one field");
    }
    return new KeyMapping(fields);
  }

  boolean isCompound() {
    return !compound.isEmpty();
  }

  /** The key names as a user writes them: {@code _id}, or {@code _id.a}, {@code _id.b}. */
  List<String> names() {
    return compound.isEmpty() ? List.of("_id") : compound.stream().map(f -> "_id." + f).toList();
  }

  /**
   * The key of a document's {@code _id}.
   *
   * @throws UnkeyableException if the {@code _id} cannot be a key of this mapping (its type, not its
   *     value, in the message)
   */
  Key key(BsonValue id) {
    if (compound.isEmpty()) {
      return Key.of(part(id));
    }
    if (!id.isDocument() || !id.asDocument().keySet().equals(new java.util.LinkedHashSet<>(compound))
        || !new ArrayList<>(id.asDocument().keySet()).equals(compound)) {
      throw new UnkeyableException("an _id that is " + (id.isDocument()
          ? "a document of other fields than " + compound + " (or in another order)" : "a " + typeName(id))
          + ", where the key is a compound _id of the fields " + compound);
    }
    List<Object> parts = new ArrayList<>(compound.size());
    for (String f : compound) {
      parts.add(part(id.asDocument().get(f)));
    }
    return Key.composite(parts);
  }

  /** The {@code _id} of a key, as a document written with it holds it. */
  BsonValue id(Key key) {
    if (compound.isEmpty()) {
      if (key.size() != 1) {
        throw new IllegalArgumentException("a key of " + key.size() + " parts, where the collection's _id is one value;"
            + " key the collection by a compound _id (_id.a,_id.b) to hold such keys");
      }
      return bson(key.part(0));
    }
    if (key.size() != compound.size()) {
      throw new IllegalArgumentException("a key of " + key.size() + " parts, where the collection's _id has the "
          + compound.size() + " fields " + compound);
    }
    BsonDocument doc = new BsonDocument();
    for (int i = 0; i < compound.size(); i++) {
      doc.put(compound.get(i), bson(key.part(i)));
    }
    return doc;
  }

  /** Why a key could not be written as an {@code _id} of this mapping, or null if it can. */
  @Nullable String unwritable(Key key) {
    try {
      id(key);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The filter on {@code _id} that selects exactly the documents whose keys lie in {@code range}. */
  BsonDocument filter(KeyRange range) {
    if (isCompound()) {
      BsonDocument cond = new BsonDocument("$type", new BsonString("object"));
      if (range.lo() != null) {
        cond.put("$gte", id(range.lo()));
      }
      if (range.hi() != null) {
        cond.put("$lt", id(range.hi()));
      }
      return new BsonDocument("_id", cond);
    }
    Kind first = range.lo() == null ? Kind.NUMBER : Kind.of(range.lo().part(0));
    Kind last = range.hi() == null ? Kind.OBJECT_ID : Kind.of(range.hi().part(0));
    List<BsonDocument> perKind = new ArrayList<>();
    for (Kind k : Kind.values()) {
      if (k.compareTo(first) < 0 || k.compareTo(last) > 0) {
        continue;
      }
      @Nullable Key lo = k == first ? range.lo() : null;
      @Nullable Key hi = k == last ? range.hi() : null;
      if (lo != null && lo.size() > 1) {
        lo = Key.of(lo.part(0)); // a longer key of the same first part is after it: (5, "a") > 5
      }
      perKind.add(new BsonDocument("_id", scalarCondition(k, lo, hi, range)));
    }
    return perKind.size() == 1 ? perKind.get(0) : new BsonDocument("$or", new BsonArray(perKind));
  }

  private BsonDocument scalarCondition(Kind kind, @Nullable Key lo, @Nullable Key hi, KeyRange range) {
    BsonDocument cond = new BsonDocument();
    switch (kind) {
      case NUMBER -> cond.put("$type", new BsonString("number"));
      case TEXT -> cond.put("$type", new BsonString("string"));
      case OBJECT_ID -> cond.put("$type", new BsonString("objectId"));
      case UUID -> {
        cond.put("$gte", LEAST_UUID);
        cond.put("$lte", GREATEST_UUID);
      }
    }
    if (lo != null) {
      // A key of several parts starting with this part lies after the part alone, so it starts the range too.
      boolean inclusive = range.lo() == null || range.lo().size() == 1;
      cond.put(inclusive ? "$gte" : "$gt", bson(lo.part(0)));
    }
    if (hi != null) {
      boolean exclusive = hi.size() == 1;
      if (kind == Kind.UUID) {
        cond.remove("$lte");
      }
      cond.put(exclusive ? "$lt" : "$lte", bson(hi.part(0)));
    }
    return cond;
  }

  /**
   * A filter matching the documents whose {@code _id} this mapping cannot key, using the {@code _id}
   * index: {@code _id}s of the other types (booleans, dates, nulls, arrays, timestamps, regular
   * expressions, MinKey, MaxKey, and documents or scalars where the other is expected), NaN and
   * infinities, and binary data other than UUIDs of subtype 4. (JavaScript, symbols and the deprecated
   * types are not searched for; reading one fails the read instead.)
   */
  BsonDocument unkeyable() {
    List<BsonDocument> odd = new ArrayList<>();
    List<String> types = new ArrayList<>(List.of("bool", "date", "null", "array", "timestamp", "regex", "minKey", "maxKey"));
    if (isCompound()) {
      types.addAll(List.of("double", "int", "long", "decimal", "string", "binData", "objectId"));
    } else {
      types.add("object");
      odd.add(new BsonDocument("_id", new BsonDouble(Double.NaN)));
      odd.add(new BsonDocument("_id", new BsonDocument("$in", new BsonArray(List.of(
          new BsonDouble(Double.POSITIVE_INFINITY), new BsonDouble(Double.NEGATIVE_INFINITY))))));
      odd.add(new BsonDocument("$and", new BsonArray(List.of(
          new BsonDocument("_id", new BsonDocument("$type", new BsonString("binData"))),
          new BsonDocument("_id", new BsonDocument("$not", new BsonDocument("$gte", LEAST_UUID).append("$lte", GREATEST_UUID)))))));
    }
    for (String t : types) {
      odd.add(new BsonDocument("_id", new BsonDocument("$type", new BsonString(t))));
    }
    return new BsonDocument("$or", new BsonArray(odd));
  }

  /** What is wrong with an {@code _id} {@link #unkeyable()} found, by its type, never its value. */
  String describe(BsonValue id) {
    try {
      key(id);
      return "an _id this key cannot hold";
    } catch (UnkeyableException e) {
      return e.getMessage();
    }
  }

  /** The key part a BSON value is, or an {@link UnkeyableException} naming its type. */
  private static Object part(BsonValue v) {
    switch (v.getBsonType()) {
      case INT32:
        return (long) v.asInt32().getValue();
      case INT64:
        return v.asInt64().getValue();
      case DOUBLE: {
        double d = v.asDouble().getValue();
        if (!Double.isFinite(d)) {
          throw new UnkeyableException("an _id that is a double NaN or infinity");
        }
        return d == 0.0 ? 0L : new BigDecimal(Double.toString(d));
      }
      case DECIMAL128: {
        Decimal128 d = v.asDecimal128().getValue();
        if (d.isNaN() || d.isInfinite()) {
          throw new UnkeyableException("an _id that is a decimal128 NaN or infinity");
        }
        try {
          return d.bigDecimalValue();
        } catch (ArithmeticException negativeZero) {
          return 0L;
        }
      }
      case STRING:
        return v.asString().getValue();
      case OBJECT_ID:
        return v.asObjectId().getValue().toByteArray();
      case BINARY:
        if (v.asBinary().getType() == BsonBinarySubType.UUID_STANDARD.getValue() && v.asBinary().getData().length == 16) {
          return v.asBinary().asUuid();
        }
        throw new UnkeyableException("an _id that is binary data of subtype " + v.asBinary().getType()
            + " (only UUIDs of subtype 4 are keys)");
      default:
        throw new UnkeyableException("an _id that is a " + typeName(v));
    }
  }

  /** The BSON of one key part: numbers as {@link BsonValues#number}, 12 bytes as an ObjectId. */
  private static BsonValue bson(Object part) {
    if (part instanceof Long l) {
      return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? new BsonInt32((int) (long) l) : new org.bson.BsonInt64(l);
    }
    if (part instanceof BigDecimal d) {
      BsonValue n = BsonValues.number(d, null);
      if (n == null) {
        throw new IllegalArgumentException("a key number of more than 34 significant digits, which decimal128 cannot hold");
      }
      return n;
    }
    if (part instanceof String s) {
      return new BsonString(s);
    }
    if (part instanceof UUID u) {
      return new BsonBinary(u);
    }
    byte[] bytes = (byte[]) part;
    if (bytes.length != 12) {
      throw new IllegalArgumentException("a key of " + bytes.length + " bytes, where a byte-string key is an"
          + " ObjectId of 12 bytes");
    }
    return new BsonObjectId(new ObjectId(bytes));
  }

  static String typeName(BsonValue v) {
    return v.getBsonType().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
  }

  private static BsonBinary greatestUuid() {
    byte[] b = new byte[16];
    Arrays.fill(b, (byte) 0xFF);
    return new BsonBinary(BsonBinarySubType.UUID_STANDARD, b);
  }

  /** A document whose {@code _id} cannot be a key; the message names its type, never its value. */
  static final class UnkeyableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnkeyableException(String message) {
      super(message);
    }
  }
}
