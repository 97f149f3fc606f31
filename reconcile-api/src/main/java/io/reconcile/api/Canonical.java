package io.reconcile.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The canonical encoding of keys and values, and the canonical row hash built on it.
 *
 * <p>The encoding is text (ASCII framing around UTF-8 payloads) so that a SQL engine can build the
 * very same bytes with string functions and hash them with its own {@code MD5}. Every value is a
 * one-letter type tag, the byte length of its payload in decimal, a colon, and the payload; null
 * alone is the single letter {@code N}:
 *
 * <table>
 *   <caption>Canonical value encoding</caption>
 *   <tr><th>kind</th><th>encoding</th><th>example</th></tr>
 *   <tr><td>null</td><td>{@code N}</td><td>{@code N}</td></tr>
 *   <tr><td>boolean</td><td>{@code b1:} then {@code 1} or {@code 0}</td><td>{@code b1:1}</td></tr>
 *   <tr><td>number</td><td>{@code n}, plain decimal without exponent; trailing fractional zeros
 *       stripped unless the scale is significant</td><td>{@code n4:-1.5}</td></tr>
 *   <tr><td>NaN / infinity</td><td>{@code f}, Java's spelling</td><td>{@code f8:Infinity}</td></tr>
 *   <tr><td>text</td><td>{@code s}, UTF-8 bytes</td><td>{@code s4:NULL}, {@code s0:}</td></tr>
 *   <tr><td>bytes</td><td>{@code x}, lowercase hex</td><td>{@code x4:00ff}</td></tr>
 *   <tr><td>UUID</td><td>{@code u}, lowercase 8-4-4-4-12 form</td><td>{@code u36:…}</td></tr>
 *   <tr><td>date</td><td>{@code d}, ISO-8601</td><td>{@code d10:2024-02-29}</td></tr>
 *   <tr><td>timestamp</td><td>{@code t}, seconds since 1970-01-01T00:00:00Z as a plain decimal by
 *       value (so UTC, and no trailing zeros)</td><td>{@code t17:1709214300.123456}</td></tr>
 *   <tr><td>list</td><td>{@code l}, the elements' encodings concatenated</td>
 *       <td>{@code l7:n1:1s0:}</td></tr>
 *   <tr><td>map</td><td>{@code m}, per field in code point order of the names: the name encoded
 *       as text, then the value</td><td>{@code m8:s1:an1:1}</td></tr>
 * </table>
 *
 * <p>A row (key and fields) is the key's parts encoded as values ({@code long} as a number, text,
 * UUID, bytes) followed by the fields encoded as a map, whose {@code m} tag ends the key: key 7
 * with field {@code a = 1} is {@code n1:7m8:s1:an1:1}. The row hash is the MD5 of those bytes.
 * Length prefixes make the encoding unambiguous: {@code ("1", "11")} and {@code ("11", "1")}
 * differ, as do null, empty text and the text {@code "NULL"}. The encoding is compact on purpose:
 * MD5 works in 64-byte blocks, so a typical row that fits in two blocks hashes a third faster than
 * one that needs three.
 *
 * <p>Normalisation (precision, trimming, renames) happens before encoding, in {@link
 * Normalization}; the encoding itself only fixes the spelling. All methods are thread-safe.
 */
public final class Canonical {

  /** Orders field names by Unicode code point, the unsigned byte order of their UTF-8 forms. */
  static final Comparator<String> FIELD_ORDER = Key::compareCodePoints;

  /** Powers of ten that fit a long: 10^0 .. 10^18. */
  private static final long[] POW10 = new long[19];

  static {
    POW10[0] = 1;
    for (int i = 1; i < POW10.length; i++) {
      POW10[i] = POW10[i - 1] * 10;
    }
  }

  private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  private static final ThreadLocal<RowHasher> HASHERS = ThreadLocal.withInitial(RowHasher::new);

  private Canonical() {}

  /** The canonical bytes of one value. */
  public static byte[] encode(Value value) {
    Writer w = new Writer();
    w.value(value);
    return w.toByteArray();
  }

  /** The canonical bytes of a row: its key, then its fields as a map. */
  public static byte[] encodeRow(Key key, Value.MapValue fields) {
    Writer w = new Writer();
    w.row(key, fields);
    return w.toByteArray();
  }

  /** The canonical row hash: MD5 of {@link #encodeRow(Key, Value.MapValue)}. */
  public static RowHash hash(Key key, Value.MapValue fields) {
    return HASHERS.get().hash(key, fields);
  }

  /** Reuses one buffer and one MD5 instance per thread. */
  private static final class RowHasher {
    private final Writer writer = new Writer();
    private final MessageDigest md5;
    private final byte[] out = new byte[16];

    RowHasher() {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM offers no MD5, which every Java SE must", e);
      }
    }

    RowHash hash(Key key, Value.MapValue fields) {
      writer.reset();
      writer.row(key, fields);
      md5.update(writer.buf, 0, writer.len);
      try {
        md5.digest(out, 0, 16);
      } catch (java.security.DigestException e) {
        throw new IllegalStateException(e);
      }
      return RowHash.fromBytes(out);
    }
  }

  /** A growable byte buffer that writes the encoding; nested payloads go through child writers. */
  private static final class Writer {
    byte[] buf = new byte[256];
    int len;
    private Writer child;

    /**
     * Encoded field names by identity: rows of one dataset share their name strings, so a name is
     * encoded once instead of once per row. Bounded; cleared when full.
     */
    private java.util.@Nullable IdentityHashMap<String, byte[]> names;

    void reset() {
      len = 0;
    }

    private void fieldName(String name) {
      if (names == null) {
        names = new java.util.IdentityHashMap<>();
      }
      byte[] encoded = names.get(name);
      if (encoded == null) {
        Writer w = new Writer();
        w.text('s', name);
        encoded = w.toByteArray();
        if (names.size() >= 4096) {
          names.clear();
        }
        names.put(name, encoded);
      }
      ensure(encoded.length);
      System.arraycopy(encoded, 0, buf, len, encoded.length);
      len += encoded.length;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }

    private Writer child() {
      if (child == null) {
        child = new Writer();
      }
      child.reset();
      return child;
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
      }
    }

    private void ascii(char c) {
      ensure(1);
      buf[len++] = (byte) c;
    }

    private void ascii(String s) {
      ensure(s.length());
      for (int i = 0; i < s.length(); i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    private void header(char tag, int payloadLength) {
      ensure(12);
      byte[] b = buf;
      int at = len;
      b[at++] = (byte) tag;
      if (payloadLength < 10) {
        b[at++] = (byte) ('0' + payloadLength);
      } else if (payloadLength < 100) {
        b[at++] = (byte) ('0' + payloadLength / 10);
        b[at++] = (byte) ('0' + payloadLength % 10);
      } else {
        len = at;
        decimal(payloadLength);
        at = len;
        b = buf;
      }
      b[at++] = ':';
      len = at;
    }

    private void framed(char tag, Writer payload) {
      header(tag, payload.len);
      ensure(payload.len);
      System.arraycopy(payload.buf, 0, buf, len, payload.len);
      len += payload.len;
    }

    void row(Key key, Value.MapValue fields) {
      for (int i = 0; i < key.size(); i++) {
        keyPart(key.rawPart(i));
      }
      value(fields);
    }

    private void keyPart(Object part) {
      if (part instanceof Long l) {
        number(l);
      } else if (part instanceof String s) {
        text('s', s);
      } else if (part instanceof UUID u) {
        uuid(u);
      } else {
        bytes((byte[]) part);
      }
    }

    void value(Value v) {
      if (v instanceof Value.Text t) {
        text('s', t.value());
      } else if (v instanceof Value.Num n) {
        if (n.isCompact()) {
          decimalNumber('n', n.unscaled(), n.scale());
        } else {
          String s = n.canonicalText();
          header('n', s.length());
          ascii(s);
        }
      } else if (v instanceof Value.Null) {
        ascii('N');
      } else if (v instanceof Value.Bool b) {
        ascii(b.value() ? "b1:1" : "b1:0");
      } else if (v instanceof Value.Timestamp t) {
        timestamp(t.value());
      } else if (v instanceof Value.Date d) {
        String s = d.value().toString();
        header('d', s.length());
        ascii(s);
      } else if (v instanceof Value.Uuid u) {
        uuid(u.value());
      } else if (v instanceof Value.Bytes b) {
        bytes(b.raw());
      } else if (v instanceof Value.NonFinite f) {
        String s = Double.toString(f.value());
        header('f', s.length());
        ascii(s);
      } else if (v instanceof Value.ListValue l) {
        Writer c = child();
        for (Value e : l.values()) {
          c.value(e);
        }
        framed('l', c);
      } else {
        Value.MapValue m = (Value.MapValue) v;
        Writer c = child();
        for (int i = 0; i < m.size(); i++) {
          c.fieldName(m.name(i));
          c.value(m.value(i));
        }
        framed('m', c);
      }
    }

    private void number(long n) {
      header('n', decimalLength(n));
      decimal(n);
    }

    /** {@code unscaled / 10^scale} as plain decimal text, e.g. (-5, 3) is {@code -0.005}. */
    private void decimalNumber(char tag, long unscaled, int scale) {
      if (scale == 0) {
        header(tag, decimalLength(unscaled));
        decimal(unscaled);
        return;
      }
      if (unscaled == Long.MIN_VALUE) {
        String s = java.math.BigDecimal.valueOf(unscaled, scale).toPlainString();
        header(tag, s.length());
        ascii(s);
        return;
      }
      boolean negative = unscaled < 0;
      long abs = Math.abs(unscaled);
      // At least scale + 1 digits (leading zeros as needed), then the point before the last scale.
      int digits = Math.max(digitCount(abs), scale + 1);
      int length = (negative ? 1 : 0) + digits + 1;
      header(tag, length);
      ensure(length);
      int end = len + length;
      int i = digitsBackwards(abs, end);
      int first = end - digits;
      while (i > first) {
        buf[--i] = '0';
      }
      // shift the integer digits one to the left to make room for the point
      int point = end - scale - 1;
      System.arraycopy(buf, first, buf, first - 1, point - first + 1);
      buf[point] = '.';
      if (negative) {
        buf[first - 2] = '-';
      }
      len = end;
    }

    private void uuid(UUID u) {
      ascii("u36:");
      ensure(36);
      hex(u.getMostSignificantBits() >>> 32, 8);
      buf[len++] = '-';
      hex(u.getMostSignificantBits() >>> 16, 4);
      buf[len++] = '-';
      hex(u.getMostSignificantBits(), 4);
      buf[len++] = '-';
      hex(u.getLeastSignificantBits() >>> 48, 4);
      buf[len++] = '-';
      hex(u.getLeastSignificantBits(), 12);
    }

    /** The low {@code digits} hex digits of {@code v}, lowercase; the caller ensured room. */
    private void hex(long v, int digits) {
      for (int i = digits - 1; i >= 0; i--) {
        buf[len + i] = HEX_DIGITS[(int) (v & 0xF)];
        v >>>= 4;
      }
      len += digits;
    }

    private void bytes(byte[] b) {
      header('x', b.length * 2);
      ensure(b.length * 2);
      for (byte x : b) {
        buf[len++] = HEX_DIGITS[(x >> 4) & 0xF];
        buf[len++] = HEX_DIGITS[x & 0xF];
      }
    }

    /** Seconds since 1970-01-01T00:00Z as a plain decimal by value: {@code 1.5}, {@code -0.25}. */
    private void timestamp(Instant t) {
      long seconds = t.getEpochSecond();
      int nanos = t.getNano();
      if (nanos == 0) {
        decimalNumber('t', seconds, 0);
        return;
      }
      // value = seconds + nanos / 1e9; as unscaled nanoseconds it fits a long for years ±292
      long whole = seconds;
      int fraction = nanos;
      if (seconds < 0) {
        whole = seconds + 1;
        fraction = 1_000_000_000 - nanos;
      }
      int scale = 9;
      while (fraction % 10 == 0) {
        fraction /= 10;
        scale--;
      }
      // sign, whole seconds, point, then the fraction padded to its scale
      boolean negative = seconds < 0;
      long absWhole = Math.abs(whole);
      int wholeDigits = digitCount(absWhole);
      int length = (negative ? 1 : 0) + wholeDigits + 1 + scale;
      header('t', length);
      ensure(length);
      int end = len + length;
      int i = digitsBackwards(fraction, end);
      while (i > end - scale) {
        buf[--i] = '0';
      }
      buf[--i] = '.';
      i = digitsBackwards(absWhole, i);
      if (negative) {
        buf[--i] = '-';
      }
      len = end;
    }


    private void decimal(long v) {
      if (v == Long.MIN_VALUE) {
        ascii("-9223372036854775808");
        return;
      }
      int n = decimalLength(v);
      ensure(n);
      int end = len + n;
      int i = digitsBackwards(Math.abs(v), end);
      if (v < 0) {
        buf[--i] = '-';
      }
      len = end;
    }

    /**
     * Writes the digits of {@code x >= 0} so that the last lands at {@code end - 1}; returns the
     * index of the first. Works nine digits at a time in {@code int}s: a 64-bit division costs
     * tens of cycles where the JIT turns an {@code int} division by ten into a multiplication.
     */
    private int digitsBackwards(long x, int end) {
      int i = end;
      while (x > Integer.MAX_VALUE) {
        long q = x / 1_000_000_000L;
        int r = (int) (x - q * 1_000_000_000L);
        for (int k = 0; k < 9; k++) {
          buf[--i] = (byte) ('0' + r % 10);
          r /= 10;
        }
        x = q;
      }
      int y = (int) x;
      do {
        buf[--i] = (byte) ('0' + y % 10);
        y /= 10;
      } while (y != 0);
      return i;
    }

    private static int decimalLength(long v) {
      if (v == Long.MIN_VALUE) {
        return 20;
      }
      return (v < 0 ? 1 : 0) + digitCount(Math.abs(v));
    }

    /** The number of decimal digits of {@code x >= 0}. */
    private static int digitCount(long x) {
      int n = 1;
      while (n < POW10.length && x >= POW10[n]) {
        n++;
      }
      return n;
    }

    private void text(char tag, String s) {
      int slen = s.length();
      int n = utf8Length(s);
      header(tag, n);
      ensure(n);
      byte[] b = buf;
      int at = len;
      if (n == slen) { // all ASCII
        for (int i = 0; i < slen; i++) {
          b[at++] = (byte) s.charAt(i);
        }
        len = at;
        return;
      }
      for (int i = 0; i < slen; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          b[at++] = (byte) c;
        } else if (c < 0x800) {
          b[at++] = (byte) (0xC0 | (c >> 6));
          b[at++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < slen
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[at++] = (byte) (0xF0 | (cp >> 18));
          b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[at++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(c)) {
          b[at++] = '?'; // an unpaired surrogate has no UTF-8 form; String.getBytes agrees
        } else {
          b[at++] = (byte) (0xE0 | (c >> 12));
          b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[at++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      len = at;
    }

    private static int utf8Length(String s) {
      int n = 0;
      int slen = s.length();
      for (int i = 0; i < slen; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          n++;
        } else if (c < 0x800) {
          n += 2;
        } else if (Character.isHighSurrogate(c)
            && i + 1 < slen
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          n += 4;
          i++;
        } else if (Character.isSurrogate(c)) {
          n++;
        } else {
          n += 3;
        }
      }
      return n;
    }
  }
}
