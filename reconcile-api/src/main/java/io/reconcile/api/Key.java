package io.reconcile.api;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A store-independent, totally ordered key: one part or several (a composite key).
 *
 * <p>Each part is an exact number, a text, a {@link UUID} or a byte string. A number is held as a
 * {@code Long} when it is an integer that fits one, else as a {@link BigDecimal} without trailing
 * fractional zeros ({@code 1.50} and {@code 1.5} are one part, as are {@code 5.00} and {@code 5L}),
 * so a key compares by value whichever numeric type a store's column has. Keys order part by part;
 * within a part, numbers order by value (negatives first), texts by Unicode code point (the same as
 * the unsigned byte order of their UTF-8 form, the "byte-order collation" every store can honour),
 * UUIDs by their 16 bytes unsigned, byte strings unsigned lexicographically; a key that is a proper
 * prefix of another orders first. When parts of different types meet at one position, numbers order
 * before texts, texts before UUIDs, UUIDs before byte strings.
 *
 * <p>{@link #encode()} gives an order-preserving byte encoding: for any two keys {@code a} and
 * {@code b}, {@code Arrays.compareUnsigned(a.encode(), b.encode())} has the sign of {@code
 * a.compareTo(b)}. That is what lets a key range mean the same thing in every store, and what a
 * store with only byte-ordered keys (a compacted topic, an object store) uses to bucket entries.
 *
 * <p>Instances are immutable and thread-safe. Other key types map onto these parts: dates and
 * timestamps to ISO-8601 text (which orders chronologically for years 0000–9999); a MongoDB
 * ObjectId to its 12 bytes (whose unsigned order is MongoDB's order of ObjectIds, see the api
 * README). Floating-point numbers are refused: convert them to {@link BigDecimal} explicitly if
 * their exact binary value is the key.
 */
public final class Key implements Comparable<Key> {

  /** A number below {@code Long.MIN_VALUE}. */
  static final byte TAG_NEGATIVE_BIG = 0x08;
  /** A number whose floor fits a long: the long, then its fraction if it has one. */
  static final byte TAG_LONG = 0x10;
  /** A number of at least 2<sup>63</sup>. */
  static final byte TAG_POSITIVE_BIG = 0x18;
  static final byte TAG_TEXT = 0x20;
  static final byte TAG_UUID = 0x30;
  static final byte TAG_BYTES = 0x40;
  /** Starts the fraction of a number, after its floor: above every tag, so {@code 1 < (1, …) < 1.5}. */
  static final byte FRACTION = (byte) 0x80;

  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private static final HexFormat HEX = HexFormat.of();

  /**
   * Each part is a Long, a BigDecimal (canonical: no trailing fractional zeros, scale at least 0,
   * never an integer that fits a long), a String, a UUID or a private byte[] that never escapes.
   */
  private final Object[] parts;

  private int hash;

  private Key(Object[] parts) {
    this.parts = parts;
  }

  /** A single-part key holding a {@code long}. */
  public static Key of(long value) {
    return new Key(new Object[] {value});
  }

  /**
   * A single-part key holding a text.
   *
   * @throws IllegalArgumentException if the text holds an unpaired surrogate (it has no UTF-8 form)
   */
  public static Key of(String value) {
    return new Key(new Object[] {checkText(value)});
  }

  /**
   * A single-part key holding an exact number, by value: {@code 1.50} is the key {@code 1.5}, and
   * {@code 5.00} the key {@code 5} (the same as {@code Key.of(5L)}).
   */
  public static Key of(BigDecimal value) {
    return new Key(new Object[] {number(Objects.requireNonNull(value, "value"))});
  }

  /** A single-part key holding a UUID. */
  public static Key of(UUID value) {
    return new Key(new Object[] {Objects.requireNonNull(value, "value")});
  }

  /** A single-part key holding a copy of the given bytes. */
  public static Key ofBytes(byte[] value) {
    return new Key(new Object[] {value.clone()});
  }

  /**
   * A key of one or more parts, in order. Each part is a {@code Long}, {@code Integer}, {@code
   * Short}, {@code Byte}, {@code BigInteger}, {@code BigDecimal} (numbers by value, see {@link
   * #part}), {@code String}, {@code UUID} or {@code byte[]} (copied).
   *
   * @throws IllegalArgumentException if there are no parts, or a part is null or of another type
   */
  public static Key of(Object... parts) {
    return composite(Arrays.asList(parts));
  }

  /**
   * A key of one or more parts, in order; see {@link #of(Object...)} for the accepted part types.
   *
   * @throws IllegalArgumentException if there are no parts, or a part is null or of another type
   */
  public static Key composite(List<?> parts) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("a key needs at least one part, but none was given");
    }
    Object[] copy = new Object[parts.size()];
    for (int i = 0; i < copy.length; i++) {
      copy[i] = normalisePart(parts.get(i), i);
    }
    return new Key(copy);
  }

  private static Object normalisePart(Object part, int index) {
    if (part instanceof Long || part instanceof UUID) {
      return part;
    }
    if (part instanceof Integer || part instanceof Short || part instanceof Byte) {
      return ((Number) part).longValue();
    }
    if (part instanceof BigDecimal d) {
      return number(d);
    }
    if (part instanceof BigInteger i) {
      return number(new BigDecimal(i));
    }
    if (part instanceof String s) {
      return checkText(s);
    }
    if (part instanceof byte[] b) {
      return b.clone();
    }
    throw new IllegalArgumentException(
        "key part "
            + index
            + " must be a Long, Integer, BigDecimal, String, UUID or byte[], but was "
            + (part == null ? "null" : part.getClass().getName())
            + "; convert dates and timestamps to ISO-8601 text, and a floating-point number to the"
            + " BigDecimal of the value it stands for");
  }

  /** A number part in canonical form: a Long when it is an integer that fits one. */
  private static Object number(BigDecimal d) {
    BigDecimal c = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
    if (c.scale() < 0) {
      c = c.setScale(0);
    }
    if (c.scale() == 0 && c.compareTo(LONG_MIN) >= 0 && c.compareTo(LONG_MAX) <= 0) {
      return c.longValueExact();
    }
    return c;
  }

  private static String checkText(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
          continue;
        }
        throw unpaired(i);
      }
      if (Character.isLowSurrogate(c)) {
        throw unpaired(i);
      }
    }
    return s;
  }

  private static IllegalArgumentException unpaired(int index) {
    return new IllegalArgumentException(
        "key text has an unpaired surrogate at index " + index + "; it has no UTF-8 form");
  }

  /** The number of parts (1 for a simple key). */
  public int size() {
    return parts.length;
  }

  /**
   * Part {@code index}: a {@code Long}, a {@code BigDecimal} (a number that is not an integer
   * fitting a long, without trailing fractional zeros and with a scale of at least 0), a {@code
   * String}, a {@code UUID} or a fresh copy of a {@code byte[]}.
   */
  public Object part(int index) {
    Object p = parts[index];
    return p instanceof byte[] b ? b.clone() : p;
  }

  /** All parts in order, as {@link #part(int)} returns them. */
  public List<Object> parts() {
    List<Object> out = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      out.add(part(i));
    }
    return List.copyOf(out);
  }

  /** Feeds each part to the canonical encoder without copying byte arrays. */
  Object rawPart(int index) {
    return parts[index];
  }

  /**
   * The order-preserving byte encoding: per part a type tag and its payload —
   *
   * <ul>
   *   <li>a number whose floor fits a long (every {@code Long}): {@code 0x10}, the floor as 8
   *       big-endian bytes with the sign bit flipped, then, for a number with a fraction, {@code
   *       0x80}, the fraction's decimal digits in pairs (a trailing {@code 0} completing the last),
   *       each pair {@code p} as the byte {@code p + 1}, and {@code 0x00};
   *   <li>a number of at least 2<sup>63</sup>: {@code 0x18}, the byte length of its floor's
   *       magnitude as 4 big-endian bytes, the magnitude big-endian, then the fraction as above;
   *   <li>a number below {@code Long.MIN_VALUE}: {@code 0x08}, then the same as for {@code 0x18}
   *       of its floor's magnitude with every byte inverted (length included), then the fraction;
   *   <li>a UUID: {@code 0x30} and its 16 bytes;
   *   <li>text (UTF-8, tag {@code 0x20}) and byte strings ({@code 0x40}): each {@code 0x00}
   *       escaped as {@code 0x00 0xFF}, terminated by {@code 0x00}.
   * </ul>
   *
   * <p>A key of longs, texts, UUIDs and bytes encodes as it always has; decimals and numbers beyond
   * a long only add bytes where none were before.
   */
  public byte[] encode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * parts.length);
    for (Object p : parts) {
      if (p instanceof Long l) {
        out.write(TAG_LONG);
        writeLong(out, l ^ Long.MIN_VALUE);
      } else if (p instanceof BigDecimal d) {
        writeNumber(out, d);
      } else if (p instanceof String s) {
        out.write(TAG_TEXT);
        writeEscaped(out, s.getBytes(StandardCharsets.UTF_8));
      } else if (p instanceof UUID u) {
        out.write(TAG_UUID);
        writeLong(out, u.getMostSignificantBits());
        writeLong(out, u.getLeastSignificantBits());
      } else {
        out.write(TAG_BYTES);
        writeEscaped(out, (byte[]) p);
      }
    }
    return out.toByteArray();
  }

  /** A canonical BigDecimal part: its floor, by size, then its fraction. */
  private static void writeNumber(ByteArrayOutputStream out, BigDecimal d) {
    BigInteger floor = d.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    BigDecimal fraction = d.subtract(new BigDecimal(floor));
    if (floor.bitLength() < 64) {
      out.write(TAG_LONG);
      writeLong(out, floor.longValueExact() ^ Long.MIN_VALUE);
    } else {
      boolean negative = floor.signum() < 0;
      byte[] magnitude = floor.abs().toByteArray();
      int skip = magnitude[0] == 0 ? 1 : 0; // the sign byte of a positive two's complement
      int length = magnitude.length - skip;
      int flip = negative ? 0xFF : 0;
      out.write(negative ? TAG_NEGATIVE_BIG : TAG_POSITIVE_BIG);
      for (int shift = 24; shift >= 0; shift -= 8) {
        out.write(((length >>> shift) & 0xFF) ^ flip);
      }
      for (int i = skip; i < magnitude.length; i++) {
        out.write((magnitude[i] & 0xFF) ^ flip);
      }
    }
    if (fraction.signum() != 0) {
      String digits = fraction.stripTrailingZeros().unscaledValue().toString();
      int scale = fraction.stripTrailingZeros().scale();
      digits = "0".repeat(scale - digits.length()) + digits + (scale % 2 == 0 ? "" : "0");
      out.write(FRACTION);
      for (int i = 0; i < digits.length(); i += 2) {
        out.write((digits.charAt(i) - '0') * 10 + (digits.charAt(i + 1) - '0') + 1);
      }
      out.write(0);
    }
  }

  private static void writeLong(ByteArrayOutputStream out, long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
  }

  private static void writeEscaped(ByteArrayOutputStream out, byte[] bytes) {
    for (byte b : bytes) {
      out.write(b);
      if (b == 0) {
        out.write(0xFF);
      }
    }
    out.write(0);
  }

  /**
   * Decodes what {@link #encode()} produced.
   *
   * @throws IllegalArgumentException if the bytes are not a complete, well-formed key encoding
   */
  public static Key decode(byte[] encoded) {
    List<Object> out = new ArrayList<>();
    int i = 0;
    while (i < encoded.length) {
      byte tag = encoded[i++];
      switch (tag) {
        case TAG_LONG -> {
          requireBytes(encoded, i, 8);
          long floor = readLong(encoded, i) ^ Long.MIN_VALUE;
          i += 8;
          if (i < encoded.length && encoded[i] == FRACTION) {
            BigDecimal[] fraction = new BigDecimal[1];
            i = readFraction(encoded, i + 1, fraction);
            out.add(BigDecimal.valueOf(floor).add(fraction[0]));
          } else {
            out.add(floor);
          }
        }
        case TAG_POSITIVE_BIG, TAG_NEGATIVE_BIG -> {
          int flip = tag == TAG_NEGATIVE_BIG ? 0xFF : 0;
          requireBytes(encoded, i, 4);
          int length = 0;
          for (int k = 0; k < 4; k++) {
            length = (length << 8) | ((encoded[i + k] & 0xFF) ^ flip);
          }
          i += 4;
          if (length < 8) {
            throw new IllegalArgumentException(
                "malformed key encoding: expected a number of at least 8 magnitude bytes at byte "
                    + (i - 4) + " but found " + length);
          }
          requireBytes(encoded, i, length);
          byte[] magnitude = new byte[length];
          for (int k = 0; k < length; k++) {
            magnitude[k] = (byte) ((encoded[i + k] & 0xFF) ^ flip);
          }
          i += length;
          BigInteger floor = new BigInteger(1, magnitude);
          floor = flip == 0 ? floor : floor.negate();
          if (magnitude[0] == 0 || floor.bitLength() < 64) {
            throw new IllegalArgumentException(
                "malformed key encoding: the number at byte " + (i - length - 5)
                    + " is not in its shortest form (its floor fits a long or has a leading zero byte)");
          }
          BigDecimal value = new BigDecimal(floor);
          if (i < encoded.length && encoded[i] == FRACTION) {
            BigDecimal[] fraction = new BigDecimal[1];
            i = readFraction(encoded, i + 1, fraction);
            value = value.add(fraction[0]);
          }
          out.add(value);
        }
        case TAG_UUID -> {
          requireBytes(encoded, i, 16);
          out.add(new UUID(readLong(encoded, i), readLong(encoded, i + 8)));
          i += 16;
        }
        case TAG_TEXT, TAG_BYTES -> {
          ByteArrayOutputStream part = new ByteArrayOutputStream();
          i = readEscaped(encoded, i, part);
          byte[] bytes = part.toByteArray();
          out.add(tag == TAG_TEXT ? decodeUtf8(bytes) : bytes);
        }
        default ->
            throw new IllegalArgumentException(
                String.format(
                    "malformed key encoding: expected a type tag (0x08, 0x10, 0x18, 0x20, 0x30 or"
                        + " 0x40) at byte %d but found 0x%02x",
                    i - 1, tag));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("malformed key encoding: it is empty, a key has parts");
    }
    return composite(out);
  }

  /**
   * Reads the digit pairs of a fraction from {@code from} (after its marker) to its terminating
   * {@code 0x00} into {@code out[0]}; returns the index after the terminator.
   */
  private static int readFraction(byte[] b, int from, BigDecimal[] out) {
    StringBuilder digits = new StringBuilder();
    int i = from;
    while (i < b.length && b[i] != 0) {
      int pair = (b[i] & 0xFF) - 1;
      if (pair > 99) {
        throw new IllegalArgumentException(String.format(
            "malformed key encoding: expected a digit pair (0x01 to 0x64) at byte %d but found 0x%02x",
            i, b[i]));
      }
      digits.append((char) ('0' + pair / 10)).append((char) ('0' + pair % 10));
      i++;
    }
    if (i == b.length) {
      throw new IllegalArgumentException(
          "malformed key encoding: a number's fraction is not terminated by 0x00");
    }
    if (digits.length() == 0 || digits.charAt(digits.length() - 2) == '0' && digits.charAt(digits.length() - 1) == '0') {
      throw new IllegalArgumentException(
          "malformed key encoding: the fraction ending at byte " + i
              + " is not in its shortest form (empty, or ending in a 00 pair)");
    }
    out[0] = new BigDecimal(new BigInteger(digits.toString()), digits.length()).stripTrailingZeros();
    return i + 1;
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .decode(java.nio.ByteBuffer.wrap(bytes))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new IllegalArgumentException("malformed key encoding: a text part is not UTF-8", e);
    }
  }

  private static void requireBytes(byte[] encoded, int from, int count) {
    if (encoded.length - from < count) {
      throw new IllegalArgumentException(
          "malformed key encoding: expected "
              + count
              + " bytes at byte "
              + from
              + " but only "
              + (encoded.length - from)
              + " remain");
    }
  }

  private static long readLong(byte[] b, int from) {
    long v = 0;
    for (int k = 0; k < 8; k++) {
      v = (v << 8) | (b[from + k] & 0xFF);
    }
    return v;
  }

  private static int readEscaped(byte[] b, int i, ByteArrayOutputStream part) {
    while (i < b.length) {
      byte x = b[i++];
      if (x != 0) {
        part.write(x);
      } else if (i < b.length && b[i] == (byte) 0xFF) {
        part.write(0);
        i++;
      } else {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "malformed key encoding: a text or byte part is not terminated by 0x00");
  }

  @Override
  public int compareTo(Key other) {
    int n = Math.min(parts.length, other.parts.length);
    for (int i = 0; i < n; i++) {
      int c = comparePart(parts[i], other.parts[i]);
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(parts.length, other.parts.length);
  }

  private static int comparePart(Object a, Object b) {
    int ta = tag(a);
    int tb = tag(b);
    if (ta != tb) {
      return Integer.compare(ta, tb);
    }
    if (a instanceof Long la && b instanceof Long lb) {
      return Long.compare(la, lb);
    }
    if (ta == TAG_LONG) {
      return decimal(a).compareTo(decimal(b));
    }
    if (a instanceof String sa) {
      return compareCodePoints(sa, (String) b);
    }
    if (a instanceof UUID ua) {
      UUID ub = (UUID) b;
      int c = Long.compareUnsigned(ua.getMostSignificantBits(), ub.getMostSignificantBits());
      return c != 0
          ? c
          : Long.compareUnsigned(ua.getLeastSignificantBits(), ub.getLeastSignificantBits());
    }
    return Arrays.compareUnsigned((byte[]) a, (byte[]) b);
  }

  private static BigDecimal decimal(Object number) {
    return number instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) number;
  }

  /** The rank of a part's type among types: every number ranks as {@link #TAG_LONG}. */
  private static int tag(Object p) {
    if (p instanceof Long || p instanceof BigDecimal) {
      return TAG_LONG;
    }
    if (p instanceof String) {
      return TAG_TEXT;
    }
    return p instanceof UUID ? TAG_UUID : TAG_BYTES;
  }

  /**
   * Compares two strings by Unicode code point, which is the unsigned byte order of their UTF-8
   * encodings (Java's {@link String#compareTo} compares UTF-16 units, which differs for
   * supplementary characters).
   */
  static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char ca = a.charAt(i);
      char cb = b.charAt(i);
      if (ca != cb) {
        return fixUp(ca) - fixUp(cb);
      }
    }
    return a.length() - b.length();
  }

  /** Moves surrogates above U+E000..U+FFFF so UTF-16 units compare in code point order. */
  private static int fixUp(char c) {
    if (c >= 0xD800) {
      return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof Key k) || k.parts.length != parts.length) {
      return false;
    }
    for (int i = 0; i < parts.length; i++) {
      Object a = parts[i];
      Object b = k.parts[i];
      boolean same =
          a instanceof byte[] ba ? b instanceof byte[] bb && Arrays.equals(ba, bb) : a.equals(b);
      if (!same) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = 1;
      for (Object p : parts) {
        h = 31 * h + (p instanceof byte[] b ? Arrays.hashCode(b) : p.hashCode());
      }
      hash = h;
    }
    return h;
  }

  /**
   * A readable form such as {@code 42}, {@code 1.5}, {@code "eu"} or {@code ("eu", 42)}; bytes in
   * hex, numbers as plain decimals.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    if (parts.length > 1) {
      sb.append('(');
    }
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      Object p = parts[i];
      if (p instanceof String s) {
        sb.append('"').append(s.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else if (p instanceof byte[] b) {
        sb.append("0x").append(HEX.formatHex(b));
      } else if (p instanceof BigDecimal d) {
        sb.append(d.toPlainString());
      } else {
        sb.append(p);
      }
    }
    if (parts.length > 1) {
      sb.append(')');
    }
    return sb.toString();
  }
}
