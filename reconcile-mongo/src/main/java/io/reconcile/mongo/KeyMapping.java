package io.reconcile.mongo;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.jspecify.annotations.Nullable;

/**
 * Where a collection keeps its keys, and key ranges as query filters.
 *
 * <p>Three shapes: a scalar {@code _id}, one key part — a number (int32, int64, double or
 * decimal128, by value), a string, a UUID (binary subtype 4) or an ObjectId (its 12 bytes); a
 * compound {@code _id}, a document of named fields, one key part each, in the declared order; or
 * the top-level fields of a unique index, one key part each.
 *
 * <p>MongoDB orders values of different types by type — numbers, strings, documents, binary data,
 * ObjectIds — and a range predicate matches values of one type only, so a range over one field
 * becomes one condition per type it spans. A range over several key fields becomes boxes: an
 * equality on a prefix of the fields and a range on the next one, which each use the index. Their
 * union, sorted by the key, comes back in {@link Key} order (numbers before texts before UUIDs
 * before byte strings, MongoDB's order of them too).
 */
final class KeyMapping {

  private enum Shape { SCALAR_ID, COMPOUND_ID, FIELDS }

  /** The types a key part may have, in {@link Key} order (which is MongoDB's order of them too). */
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

    /** The condition on a field that matches every value of this kind. */
    BsonDocument all() {
      return switch (this) {
        case NUMBER -> new BsonDocument("$type", new BsonString("number"));
        case TEXT -> new BsonDocument("$type", new BsonString("string"));
        case UUID -> new BsonDocument("$gte", LEAST_UUID).append("$lte", GREATEST_UUID);
        case OBJECT_ID -> new BsonDocument("$type", new BsonString("objectId"));
      };
    }
  }

  private static final BsonBinary LEAST_UUID = new BsonBinary(BsonBinarySubType.UUID_STANDARD, new byte[16]);
  private static final BsonBinary GREATEST_UUID = greatestUuid();

  private final Shape shape;
  /** The fields of a compound {@code _id} or of the unique index; empty for a scalar {@code _id}. */
  private final List<String> fields;

  private KeyMapping(Shape shape, List<String> fields) {
    this.shape = shape;
    this.fields = List.copyOf(fields);
  }

  /** Keys from a scalar {@code _id}. */
  static KeyMapping scalar() {
    return new KeyMapping(Shape.SCALAR_ID, List.of());
  }

  /** Keys from a compound {@code _id}: a document of these fields, in this order. */
  static KeyMapping compound(List<String> fields) {
    return new KeyMapping(Shape.COMPOUND_ID, fields);
  }

  /** Keys from these top-level fields, which a unique index covers. */
  static KeyMapping indexed(List<String> fields) {
    return new KeyMapping(Shape.FIELDS, fields);
  }

  /** Whether the key is the fields of a unique index rather than the {@code _id}. */
  boolean isIndexed() {
    return shape == Shape.FIELDS;
  }

  /** The fields of a unique index keyed by; empty for an {@code _id} key. */
  List<String> indexFields() {
    return shape == Shape.FIELDS ? fields : List.of();
  }

  /** The key's names as a user writes them: {@code _id}; {@code _id.a}, {@code _id.b}; or {@code a}, {@code b}. */
  List<String> names() {
    return switch (shape) {
      case SCALAR_ID -> List.of("_id");
      case COMPOUND_ID -> fields.stream().map(f -> "_id." + f).toList();
      case FIELDS -> fields;
    };
  }

  /** Whether a document's top-level field {@code name} holds (part of) the key, or is the {@code _id}. */
  boolean isKeyField(String name) {
    return name.equals("_id") || (shape == Shape.FIELDS && fields.contains(name));
  }

  /** The sort of a scan in key order. */
  BsonDocument sort() {
    return shape == Shape.FIELDS ? ascending(fields) : new BsonDocument("_id", new BsonInt32(1));
  }

  /** The projection of the key alone. */
  BsonDocument projection() {
    return shape == Shape.FIELDS ? ascending(fields) : new BsonDocument("_id", new BsonInt32(1));
  }

  private static BsonDocument ascending(List<String> fields) {
    BsonDocument d = new BsonDocument();
    fields.forEach(f -> d.put(f, new BsonInt32(1)));
    return d;
  }

  /**
   * The key of a document (its key fields at least).
   *
   * @throws UnkeyableException if the document cannot have a key of this mapping (its type, not its
   *     value, in the message)
   */
  Key key(BsonDocument document) {
    switch (shape) {
      case SCALAR_ID:
        return Key.of(part(required(document, "_id"), "_id"));
      case COMPOUND_ID: {
        BsonValue id = required(document, "_id");
        if (!id.isDocument() || !new ArrayList<>(id.asDocument().keySet()).equals(fields)) {
          throw new UnkeyableException("its _id is " + (id.isDocument()
              ? "a document of other fields than " + fields + " (or in another order)" : "of type " + typeName(id))
              + ", where the key is a compound _id of the fields " + fields);
        }
        return parts(id.asDocument());
      }
      default:
        return parts(document);
    }
  }

  private Key parts(BsonDocument d) {
    List<Object> parts = new ArrayList<>(fields.size());
    for (String f : fields) {
      parts.add(part(required(d, f), f));
    }
    return Key.composite(parts);
  }

  private static BsonValue required(BsonDocument d, String field) {
    BsonValue v = d.get(field);
    if (v == null) {
      throw new UnkeyableException("its key field '" + field + "' is missing");
    }
    return v;
  }

  /**
   * The filter that selects the document of {@code key}: {@code {_id: …}}, or the index fields'
   * values. A document written for the key starts with these fields.
   *
   * @throws IllegalArgumentException if the key does not fit this mapping (its parts, their number)
   */
  BsonDocument selector(Key key) {
    List<String> names = shape == Shape.SCALAR_ID ? List.of("_id") : fields;
    if (key.size() != names.size()) {
      throw new IllegalArgumentException("a key of " + key.size() + " parts, where the collection's key " + names()
          + " has " + names.size());
    }
    BsonDocument values = new BsonDocument();
    for (int i = 0; i < names.size(); i++) {
      values.put(names.get(i), bson(key.part(i)));
    }
    return shape == Shape.COMPOUND_ID ? new BsonDocument("_id", values) : values;
  }

  /** Why a key could not be written under this mapping, or null if it can. */
  @Nullable String unwritable(Key key) {
    try {
      selector(key);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** The filter that selects exactly the documents whose keys lie in {@code range}. */
  BsonDocument filter(KeyRange range) {
    if (shape == Shape.COMPOUND_ID) {
      BsonDocument cond = new BsonDocument("$type", new BsonString("object"));
      if (range.lo() != null) {
        cond.put("$gte", compoundBound(range.lo()));
      }
      if (range.hi() != null) {
        cond.put("$lt", compoundBound(range.hi()));
      }
      return new BsonDocument("_id", cond);
    }
    List<String> names = shape == Shape.SCALAR_ID ? List.of("_id") : fields;
    if (range.lo() == null && range.hi() == null) {
      return new BsonDocument(); // every document: one whose key cannot be read then fails the read, loudly
    }
    List<BsonDocument> boxes = new Boxes(names, range).all();
    return boxes.isEmpty() ? new BsonDocument("_id", new BsonDocument("$exists", org.bson.BsonBoolean.FALSE)) // none
        : boxes.size() == 1 ? boxes.get(0) : new BsonDocument("$or", new BsonArray(boxes));
  }

  /**
   * A bound of a compound {@code _id} range: the document of the key's parts. A key with fewer parts
   * than the {@code _id} has fields bounds the documents that start with them from below, as MongoDB
   * orders a document that is a prefix of another before it; a longer key is cut to the fields.
   */
  private BsonDocument compoundBound(Key key) {
    BsonDocument d = new BsonDocument();
    for (int i = 0; i < Math.min(key.size(), fields.size()); i++) {
      d.put(fields.get(i), bson(key.part(i)));
    }
    return d;
  }

  /**
   * The boxes of a lexicographic range over key fields {@code f0 … fn-1}: for a bound {@code (a0 …
   * am-1)}, the keys above it are those equal to it on a prefix {@code f0 … fj-1} and above {@code
   * aj} on {@code fj}; below the upper bound likewise; between the first part where the bounds
   * differ, a range on that field alone. Each box is an equality on a prefix and a range on the next
   * field, split by kind.
   */
  private final class Boxes {
    private final List<String> names;
    private final @Nullable List<Object> lo;
    private final @Nullable List<Object> hi;
    private final List<BsonDocument> out = new ArrayList<>();

    Boxes(List<String> names, KeyRange range) {
      this.names = names;
      this.lo = range.lo() == null ? null : range.lo().parts();
      this.hi = range.hi() == null ? null : range.hi().parts();
    }

    List<BsonDocument> all() {
      int n = names.size();
      int common = 0;
      while (lo != null && hi != null && common < Math.min(n, Math.min(lo.size(), hi.size()))
          && Key.of(lo.get(common)).equals(Key.of(hi.get(common)))) {
        common++;
      }
      if (common == n) {
        // lo and hi agree on every field: the key of those parts lies in [lo, hi) iff lo has no more parts and hi has more.
        if (lo.size() <= n && hi.size() > n) {
          out.add(prefix(lo, n));
        }
        return out;
      }
      boolean loHere = lo != null && lo.size() > common;
      boolean hiHere = hi != null && hi.size() > common;
      // keys equal to lo on a longer prefix than the common one, above lo after it
      if (loHere) {
        for (int j = Math.min(lo.size(), n) - 1; j > common; j--) {
          boolean inclusive = j == lo.size() - 1;
          add(prefix(lo, j), names.get(j), lo.get(j), inclusive, null, false);
        }
      }
      // on the first field where the bounds differ: strictly between them (or from lo on if lo ends there)
      BsonDocument eq = prefix(lo != null ? lo : hi, common);
      Object from = loHere ? lo.get(common) : null;
      boolean fromInclusive = loHere && lo.size() == common + 1;
      Object to = hiHere ? hi.get(common) : null;
      add(eq, names.get(common), from, fromInclusive, to, false);
      // keys equal to hi on a longer prefix, below hi after it
      if (hiHere) {
        for (int j = common + 1; j < Math.min(hi.size(), n); j++) {
          add(prefix(hi, j), names.get(j), null, false, hi.get(j), false);
        }
        if (hi.size() > n) {
          out.add(prefix(hi, n)); // the key of hi's first n parts is below hi, a longer key
        }
      }
      return out;
    }

    private BsonDocument prefix(@Nullable List<Object> parts, int length) {
      BsonDocument d = new BsonDocument();
      for (int i = 0; i < length; i++) {
        d.put(names.get(i), bson(parts.get(i)));
      }
      return d;
    }

    /** Adds the boxes {@code eq} and {@code from <(=) field < to}, one per kind the range spans. */
    private void add(BsonDocument eq, String field, @Nullable Object from, boolean fromInclusive, @Nullable Object to,
        boolean toInclusive) {
      Kind first = from == null ? Kind.NUMBER : Kind.of(from);
      Kind last = to == null ? Kind.OBJECT_ID : Kind.of(to);
      for (Kind k = first; k.compareTo(last) <= 0; k = Kind.values()[k.ordinal() + 1]) {
        BsonDocument cond = k.all();
        if (k == first && from != null) {
          cond.remove("$gte");
          cond.put(fromInclusive ? "$gte" : "$gt", bson(from));
        }
        if (k == last && to != null) {
          cond.remove("$lte");
          cond.put(toInclusive ? "$lte" : "$lt", bson(to));
        }
        out.add(eq.clone().append(field, cond));
        if (k == Kind.OBJECT_ID) {
          break;
        }
      }
    }
  }

  /**
   * A filter matching the documents this mapping cannot key, using the index: key values of the
   * other types (booleans, dates, nulls, arrays, timestamps, regular expressions, MinKey, MaxKey,
   * and documents or scalars where the other is expected), NaN and infinities, binary data other
   * than UUIDs of subtype 4, and (keyed by index fields) documents without a key field.
   * (JavaScript, symbols and the deprecated types are not searched for; reading one fails the read
   * instead.)
   */
  BsonDocument unkeyable() {
    List<BsonDocument> odd = new ArrayList<>();
    List<String> bad = List.of("bool", "date", "null", "array", "timestamp", "regex", "minKey", "maxKey");
    if (shape == Shape.COMPOUND_ID) {
      for (String t : new LinkedHashSet<>(concat(bad, List.of("double", "int", "long", "decimal", "string", "binData", "objectId")))) {
        odd.add(new BsonDocument("_id", new BsonDocument("$type", new BsonString(t))));
      }
      return new BsonDocument("$or", new BsonArray(odd));
    }
    for (String f : shape == Shape.SCALAR_ID ? List.of("_id") : fields) {
      if (shape == Shape.FIELDS) {
        odd.add(new BsonDocument(f, new BsonDocument("$exists", org.bson.BsonBoolean.FALSE)));
      }
      for (String t : concat(bad, List.of("object"))) {
        odd.add(new BsonDocument(f, new BsonDocument("$type", new BsonString(t))));
      }
      odd.add(new BsonDocument(f, new BsonDouble(Double.NaN)));
      odd.add(new BsonDocument(f, new BsonDocument("$in", new BsonArray(List.of(
          new BsonDouble(Double.POSITIVE_INFINITY), new BsonDouble(Double.NEGATIVE_INFINITY))))));
      odd.add(new BsonDocument("$and", new BsonArray(List.of(
          new BsonDocument(f, new BsonDocument("$type", new BsonString("binData"))),
          new BsonDocument(f, new BsonDocument("$not", Kind.UUID.all()))))));
    }
    return new BsonDocument("$or", new BsonArray(odd));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /** What is wrong with a document {@link #unkeyable()} found, by type, never by value. */
  String describe(BsonDocument document) {
    try {
      key(document);
      return "its key cannot be read";
    } catch (UnkeyableException e) {
      return e.getMessage();
    }
  }

  /** The key part a BSON value is, or an {@link UnkeyableException} naming its type. */
  private static Object part(BsonValue v, String field) {
    switch (v.getBsonType()) {
      case INT32:
        return (long) v.asInt32().getValue();
      case INT64:
        return v.asInt64().getValue();
      case DOUBLE: {
        double d = v.asDouble().getValue();
        if (!Double.isFinite(d)) {
          throw new UnkeyableException("its key field '" + field + "' is a double NaN or infinity");
        }
        return d == 0.0 ? 0L : new BigDecimal(Double.toString(d));
      }
      case DECIMAL128: {
        Decimal128 d = v.asDecimal128().getValue();
        if (d.isNaN() || d.isInfinite()) {
          throw new UnkeyableException("its key field '" + field + "' is a decimal128 NaN or infinity");
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
        throw new UnkeyableException("its key field '" + field + "' is binary data of subtype " + v.asBinary().getType()
            + " (only UUIDs of subtype 4 are keys)");
      default:
        throw new UnkeyableException("its key field '" + field + "' is of type " + typeName(v));
    }
  }

  /** The BSON of one key part: numbers as {@link BsonValues#number}, 12 bytes as an ObjectId. */
  private static BsonValue bson(Object part) {
    if (part instanceof Long l) {
      return l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE ? new BsonInt32((int) (long) l) : new BsonInt64(l);
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
    return v.getBsonType().name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }

  private static BsonBinary greatestUuid() {
    byte[] b = new byte[16];
    Arrays.fill(b, (byte) 0xFF);
    return new BsonBinary(BsonBinarySubType.UUID_STANDARD, b);
  }

  /** A document whose key cannot be read; the message names the type, never the value. */
  static final class UnkeyableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    UnkeyableException(String message) {
      super(message);
    }
  }
}
