package io.reconcile.api;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One field value in the canonical, store-independent form that reconcile hashes and compares.
 *
 * <p>The set of kinds is closed: null, boolean, number, non-finite float, text, bytes, UUID, date,
 * timestamp, list and map (a nested document). Every store converts its native values into these,
 * so that equal data hashes equal in every store; see {@link Canonical} for the exact encoding.
 * Numbers compare by value ({@code 1.0} equals {@code 1.00}, and an integer equals a decimal of
 * the same value) unless their scale was declared significant by a {@link Normalization} rule.
 *
 * <p>All values are immutable and thread-safe. {@code equals} means canonically equal.
 */
public sealed interface Value
    permits Value.Null,
        Value.Bool,
        Value.Num,
        Value.NonFinite,
        Value.Text,
        Value.Bytes,
        Value.Uuid,
        Value.Date,
        Value.Timestamp,
        Value.ListValue,
        Value.MapValue {

  /** The null value: distinct from empty text and from the text {@code "NULL"}. */
  static Value ofNull() {
    return Null.INSTANCE;
  }

  static Value of(boolean b) {
    return b ? Bool.TRUE : Bool.FALSE;
  }

  static Value of(long n) {
    return Num.of(n);
  }

  static Value of(BigDecimal n) {
    return Num.of(n);
  }

  /**
   * A floating-point number: a finite value becomes the {@link Num} of its shortest decimal form
   * ({@code 0.1} is {@code 0.1}, not {@code 0.1000000000000000055…}), {@code -0.0} becomes zero, and
   * NaN or an infinity becomes a {@link NonFinite}.
   */
  static Value of(double d) {
    if (Double.isNaN(d) || Double.isInfinite(d)) {
      return new NonFinite(d);
    }
    return Num.of(d == 0.0 ? BigDecimal.ZERO : new BigDecimal(Double.toString(d)));
  }

  static Value of(String s) {
    return new Text(s);
  }

  static Value of(UUID u) {
    return new Uuid(u);
  }

  static Value of(LocalDate d) {
    return new Date(d);
  }

  static Value of(Instant t) {
    return new Timestamp(t);
  }

  static Value ofBytes(byte[] b) {
    return Bytes.of(b);
  }

  /**
   * Converts a plain Java value: {@code null}; {@link Boolean}; {@link Byte}, {@link Short}, {@link
   * Integer}, {@link Long}, {@link BigInteger}, {@link BigDecimal}, {@link Float}, {@link Double};
   * {@link CharSequence}; {@code byte[]}; {@link UUID}; {@link LocalDate}; {@link Instant}, {@link
   * OffsetDateTime}, {@link ZonedDateTime} (as instants) and {@link LocalDateTime} (read as UTC);
   * a {@link List} of such values; a {@link Map} with text keys; or a {@link Value} as it is.
   *
   * @throws IllegalArgumentException for any other type, naming it
   */
  static Value from(Object o) {
    if (o == null) {
      return Null.INSTANCE;
    }
    if (o instanceof Value v) {
      return v;
    }
    if (o instanceof Boolean b) {
      return of(b);
    }
    if (o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return of(((Number) o).longValue());
    }
    if (o instanceof BigDecimal d) {
      return of(d);
    }
    if (o instanceof BigInteger i) {
      return of(new BigDecimal(i));
    }
    if (o instanceof Double || o instanceof Float) {
      // Float through its own shortest form, so 0.1f is 0.1 rather than 0.10000000149011612.
      return o instanceof Float f && Float.isFinite(f)
          ? Num.of(new BigDecimal(Float.toString(f)))
          : of(((Number) o).doubleValue());
    }
    if (o instanceof CharSequence s) {
      return of(s.toString());
    }
    if (o instanceof byte[] b) {
      return ofBytes(b);
    }
    if (o instanceof UUID u) {
      return of(u);
    }
    if (o instanceof LocalDate d) {
      return of(d);
    }
    if (o instanceof Instant t) {
      return of(t);
    }
    if (o instanceof OffsetDateTime t) {
      return of(t.toInstant());
    }
    if (o instanceof ZonedDateTime t) {
      return of(t.toInstant());
    }
    if (o instanceof LocalDateTime t) {
      return of(t.toInstant(ZoneOffset.UTC));
    }
    if (o instanceof List<?> l) {
      return ListValue.of(l.stream().map(Value::from).toList());
    }
    if (o instanceof Map<?, ?> m) {
      Map<String, Value> fields = new TreeMap<>(Canonical.FIELD_ORDER);
      m.forEach(
          (k, v) -> {
            if (!(k instanceof String name)) {
              throw new IllegalArgumentException(
                  "map keys must be text, but found a "
                      + (k == null ? "null" : k.getClass().getName())
                      + " key");
            }
            fields.put(name, from(v));
          });
      return MapValue.of(fields);
    }
    throw new IllegalArgumentException(
        "cannot convert a "
            + o.getClass().getName()
            + " to a reconcile Value; convert it to one of: Boolean, a number, CharSequence,"
            + " byte[], UUID, LocalDate, Instant, List, Map");
  }

  /** The null value. */
  final class Null implements Value {
    static final Null INSTANCE = new Null();

    private Null() {}

    @Override
    public String toString() {
      return "NULL";
    }
  }

  /** A boolean. */
  record Bool(boolean value) implements Value {
    static final Bool TRUE = new Bool(true);
    static final Bool FALSE = new Bool(false);

    @Override
    public String toString() {
      return Boolean.toString(value);
    }
  }

  /**
   * An exact number (integer or decimal), compared by value unless {@code scaleSignificant}.
   *
   * <p>The canonical form (trailing fractional zeros stripped, unless the scale is significant) is
   * worked out once, on construction, and kept as a {@code long} and a scale whenever it fits,
   * which keeps hashing number-heavy rows cheap.
   */
  final class Num implements Value {
    private final BigDecimal given; // as constructed; null for a long
    private final long unscaled; // canonical unscaled value, when compact
    private final int scale; // canonical scale (>= 0), when compact
    private final BigDecimal canonical; // canonical value when it does not fit a long; else null
    private final boolean scaleSignificant;

    private Num(BigDecimal given, long unscaled, int scale, BigDecimal canonical, boolean significant) {
      this.given = given;
      this.unscaled = unscaled;
      this.scale = scale;
      this.canonical = canonical;
      this.scaleSignificant = significant;
    }

    static Num of(long n) {
      return new Num(null, n, 0, null, false);
    }

    static Num of(BigDecimal n) {
      return of(n, false);
    }

    private static Num of(BigDecimal n, boolean significant) {
      Objects.requireNonNull(n, "n");
      BigDecimal c = n;
      if (!significant) {
        c = n.signum() == 0 ? BigDecimal.ZERO : n.stripTrailingZeros();
      }
      if (c.scale() < 0) {
        c = c.setScale(0);
      }
      if (c.unscaledValue().bitLength() < 64) {
        return new Num(n, c.unscaledValue().longValue(), c.scale(), null, significant);
      }
      return new Num(n, 0, 0, c, significant);
    }

    /** The number as a {@link BigDecimal}, with the scale it was given. */
    public BigDecimal decimal() {
      return given != null ? given : BigDecimal.valueOf(unscaled);
    }

    /** Whether the scale counts: {@code 1.0} and {@code 1.00} differ only when it does. */
    public boolean scaleSignificant() {
      return scaleSignificant;
    }

    /** This number with its scale declared significant ({@code 1.0 ≠ 1.00}). */
    public Num withSignificantScale() {
      return of(decimal(), true);
    }

    /** Whether the canonical form is {@link #unscaled()} with {@link #scale()} fractional digits. */
    boolean isCompact() {
      return canonical == null;
    }

    long unscaled() {
      return unscaled;
    }

    int scale() {
      return scale;
    }

    /** The canonical decimal text: plain (no exponent), by value unless the scale is significant. */
    String canonicalText() {
      return canonical != null
          ? canonical.toPlainString()
          : BigDecimal.valueOf(unscaled, scale).toPlainString();
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof Num n) || n.scaleSignificant != scaleSignificant) {
        return false;
      }
      if (canonical == null || n.canonical == null) {
        return canonical == n.canonical && unscaled == n.unscaled && scale == n.scale;
      }
      return canonical.equals(n.canonical);
    }

    @Override
    public int hashCode() {
      return canonical != null ? canonical.hashCode() : Long.hashCode(unscaled) * 31 + scale;
    }

    @Override
    public String toString() {
      return canonicalText();
    }
  }

  /** A floating-point NaN or infinity, which no decimal can hold. */
  record NonFinite(double value) implements Value {
    public NonFinite {
      if (!Double.isNaN(value) && !Double.isInfinite(value)) {
        throw new IllegalArgumentException(
            "NonFinite holds NaN or an infinity, but got " + value + "; use Value.of(double)");
      }
    }

    @Override
    public String toString() {
      return Double.toString(value);
    }
  }

  /** Text, hashed as UTF-8. */
  record Text(String value) implements Value {
    public Text {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return '"' + value + '"';
    }
  }

  /** A byte string; the array is copied in and out. */
  final class Bytes implements Value {
    private final byte[] bytes;

    private Bytes(byte[] bytes) {
      this.bytes = bytes;
    }

    static Bytes of(byte[] b) {
      return new Bytes(b.clone());
    }

    /** A copy of the bytes. */
    public byte[] value() {
      return bytes.clone();
    }

    byte[] raw() {
      return bytes;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
      return "0x" + HexFormat.of().formatHex(bytes);
    }
  }

  /** A UUID. */
  record Uuid(UUID value) implements Value {
    public Uuid {
      Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
      return value.toString();
    }
  }

  /** A calendar date without time zone. */
  record Date(LocalDate value) implements Value {
    public Date {
      Objects.requireNonNull(value, "value");
    }

    /** The ISO date; {@code infinity} and {@code -infinity} for {@link LocalDate#MAX} and {@link LocalDate#MIN}. */
    @Override
    public String toString() {
      return value.equals(LocalDate.MAX) ? "infinity" : value.equals(LocalDate.MIN) ? "-infinity" : value.toString();
    }
  }

  /** A point in time, hashed in UTC at nanosecond resolution after normalisation. */
  record Timestamp(Instant value) implements Value {
    public Timestamp {
      Objects.requireNonNull(value, "value");
    }

    /** The ISO instant; {@code infinity} and {@code -infinity} for {@link Instant#MAX} and {@link Instant#MIN}. */
    @Override
    public String toString() {
      return value.equals(Instant.MAX) ? "infinity" : value.equals(Instant.MIN) ? "-infinity" : value.toString();
    }
  }

  /** An ordered list of values. */
  record ListValue(List<Value> values) implements Value {
    public ListValue {
      values = List.copyOf(values);
    }

    static ListValue of(List<Value> values) {
      return new ListValue(values);
    }

    @Override
    public String toString() {
      return values.toString();
    }
  }

  /**
   * A nested document: text field names to values, iterated in code point order of the names (the
   * order hashing uses). Held as two sorted arrays, lighter than a tree map for the many small
   * documents a store holds.
   */
  final class MapValue implements Value {
    private static final MapValue EMPTY = new MapValue(new String[0], new Value[0]);

    private final String[] names;
    private final Value[] values;
    private final Map<String, Value> view;

    private MapValue(String[] names, Value[] values) {
      this.names = names;
      this.values = values;
      this.view = new FieldsView(names, values);
    }

    /** A document of the given fields (copied). */
    public static MapValue of(Map<String, ? extends Value> fields) {
      if (fields.isEmpty()) {
        return EMPTY;
      }
      String[] names = new String[fields.size()];
      int n = 0;
      for (String name : fields.keySet()) {
        names[n++] = Objects.requireNonNull(name, "field name");
      }
      Arrays.sort(names, Canonical.FIELD_ORDER);
      Value[] values = new Value[names.length];
      for (int i = 0; i < names.length; i++) {
        values[i] = Objects.requireNonNull(fields.get(names[i]), names[i]);
      }
      return new MapValue(names, values);
    }

    /** The fields, unmodifiable, in code point order of their names. */
    public Map<String, Value> fields() {
      return view;
    }

    /** The number of fields. */
    public int size() {
      return names.length;
    }

    /** The sorted names array itself, not a copy: callers must not modify it. */
    String[] namesArray() {
      return names;
    }

    /** The values array itself, not a copy: callers must not modify it. */
    Value[] valuesArray() {
      return values;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof MapValue m && Arrays.equals(names, m.names) && Arrays.equals(values, m.values);
    }

    @Override
    public int hashCode() {
      return view.hashCode();
    }

    @Override
    public String toString() {
      return view.toString();
    }

    /** A read-only map over the sorted arrays; lookups by binary search. */
    private static final class FieldsView extends AbstractMap<String, Value> {
      private final String[] names;
      private final Value[] values;

      FieldsView(String[] names, Value[] values) {
        this.names = names;
        this.values = values;
      }

      @Override
      public Value get(Object key) {
        if (!(key instanceof String name)) {
          return null;
        }
        int i = Arrays.binarySearch(names, name, Canonical.FIELD_ORDER);
        return i >= 0 ? values[i] : null;
      }

      @Override
      public boolean containsKey(Object key) {
        return get(key) != null;
      }

      @Override
      public int size() {
        return names.length;
      }

      @Override
      public Set<Map.Entry<String, Value>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public Iterator<Map.Entry<String, Value>> iterator() {
            return new Iterator<>() {
              private int i;

              @Override
              public boolean hasNext() {
                return i < names.length;
              }

              @Override
              public Map.Entry<String, Value> next() {
                if (i >= names.length) {
                  throw new NoSuchElementException();
                }
                Map.Entry<String, Value> e = new SimpleImmutableEntry<>(names[i], values[i]);
                i++;
                return e;
              }
            };
          }

          @Override
          public int size() {
            return names.length;
          }
        };
      }
    }
  }
}
