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
 * <p>A row (key and fields) is the key's parts encoded as values (a number part — {@code Long} or
 * {@code BigDecimal} — as a number, text, UUID, bytes) followed by the fields encoded as a map,
 * whose {@code m} tag ends the key: key 7 with field {@code a = 1} is {@code n1:7m8:s1:an1:1}, key
 * 1.5 with no fields {@code n3:1.5m0:}. The row hash is the MD5 of those bytes; a store that hashes
 * in the JVM may hash them with a faster function instead ({@link HashScheme#CANONICAL_XXH3_128}),
 * through {@link #hash(Key, Value.MapValue, RowHashFunction)}.
 * Length prefixes make the encoding unambiguous: {@code ("1", "11")} and {@code ("11", "1")}
 * differ, as do null, empty text and the text {@code "NULL"}. The encoding is compact on purpose:
 * MD5 works in 64-byte blocks, so a typical row that fits in two blocks hashes a third faster than
 * one that needs three.
 *
 * <p><b>Field presence.</b> A map (and a row's fields) encodes the fields it holds and nothing
 * else: a field that is absent does not appear, while a field holding null appears as its name and
 * {@code N}. So an absent field and a null one hash differently ({@code {name: "Ada"}} is {@code
 * m13:s4:names3:Ada}, {@code {email: null, name: "Ada"}} is {@code m22:s5:emailNs4:names3:Ada}), as
 * do an empty map and an absent one. Stores that should compare alike despite that — a table whose
 * column is NULL against a document that lacks the field — say so with the normalisation rule
 * {@link Normalization.Rule#nullAsAbsent()}, which drops null fields before encoding.
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

  /** The tens and ones digit of 0 .. 99, for writing two digits per step. */
  private static final byte[] DIGIT_TENS = new byte[100];

  private static final byte[] DIGIT_ONES = new byte[100];

  static {
    for (int i = 0; i < 100; i++) {
      DIGIT_TENS[i] = (byte) ('0' + i / 10);
      DIGIT_ONES[i] = (byte) ('0' + i % 10);
    }
  }

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
    return HASHERS.get().hash(key, fields, null);
  }

  /**
   * A hash function over a row's canonical encoding, given the bytes in place: what a store passes
   * to {@link #hash(Key, Value.MapValue, RowHashFunction)} to hash rows under a scheme of its own
   * over this encoding, such as {@link HashScheme#CANONICAL_XXH3_128}.
   */
  @FunctionalInterface
  public interface RowHashFunction {

    /**
     * The hash of {@code bytes[offset, offset + length)}. The array is lent for the duration of
     * the call: the function must neither keep nor change it.
     */
    RowHash hash(byte[] bytes, int offset, int length);
  }

  /**
   * {@code function} applied to the bytes of {@link #encodeRow(Key, Value.MapValue)}, encoded into
   * a buffer reused per thread instead of a new array (with a fast hash, copying the bytes out
   * costs a fifth to a half of the rows per second). The function may itself call into this class
   * (another row's hash, say) and still reads its own row.
   */
  public static RowHash hash(Key key, Value.MapValue fields, RowHashFunction function) {
    RowHasher h = HASHERS.get();
    if (h.lent) {
      byte[] own = encodeRow(key, fields); // called from inside a function: the buffer is taken
      return function.hash(own, 0, own.length);
    }
    Writer w = h.writer;
    w.reset();
    w.row(key, fields);
    h.lent = true;
    try {
      return function.hash(w.buf, 0, w.len);
    } finally {
      h.lent = false;
    }
  }

  /** The hash, and the length of the encoding it was computed over in {@code length[0]}. */
  static RowHash hash(Key key, Value.MapValue fields, int[] length) {
    return HASHERS.get().hash(key, fields, length);
  }

  /** Reuses one buffer and one MD5 instance per thread. */
  private static final class RowHasher {
    private static final java.lang.invoke.VarHandle LONG_BE =
        java.lang.invoke.MethodHandles.byteArrayViewVarHandle(
            long[].class, java.nio.ByteOrder.BIG_ENDIAN);

    private final Writer writer = new Writer();

    /** Whether the writer's buffer is lent to a {@link RowHashFunction} (which may call back). */
    boolean lent;

    private final MessageDigest md5;
    private final byte[] out = new byte[16];

    RowHasher() {
      try {
        md5 = MessageDigest.getInstance("MD5");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM offers no MD5, which every Java SE must", e);
      }
    }

    RowHash hash(Key key, Value.MapValue fields, int @Nullable [] length) {
      Writer w = lent ? new Writer() : writer; // a function holding the buffer called back
      w.reset();
      w.row(key, fields);
      if (length != null) {
        length[0] = w.len;
      }
      md5.update(w.buf, 0, w.len);
      try {
        md5.digest(out, 0, 16);
      } catch (java.security.DigestException e) {
        throw new IllegalStateException(e);
      }
      return new RowHash((long) LONG_BE.get(out, 0), (long) LONG_BE.get(out, 8));
    }
  }

  /**
   * A growable byte buffer that writes the encoding. Each value makes room for an upper bound of
   * its encoding once, then writes without further checks. Nested payloads (lists, maps) are
   * written in place after a gap sized for a guessed length of their header; when the guess is
   * wrong the payload moves by the difference.
   */
  private static final class Writer {
    /** The larger header any value writes: a tag, up to ten digits of an int length, a colon. */
    private static final int HEADER_MAX = 12;

    byte[] buf = new byte[256];
    int len;

    /**
     * Top-level field names: the names array last seen (by identity), the element references it
     * held (rows of one dataset share their name strings even when each row has its own array),
     * and their encodings, concatenated, with the end offset of each.
     */
    private String @Nullable [] lastNames;

    private String[] cachedNames = new String[0];
    private byte[] nameBlock = new byte[0];
    private int[] nameEnds = new int[0];

    /**
     * Encoded field names of nested maps by identity: rows of one dataset share their name
     * strings, so a name is encoded once instead of once per row. Bounded; cleared when full.
     */
    private java.util.@Nullable IdentityHashMap<String, byte[]> names;

    void reset() {
      len = 0;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }

    private void ensure(int extra) {
      if (len + extra > buf.length) {
        grow(extra);
      }
    }

    private void grow(int extra) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + extra));
    }

    /** Writes {@code tag}, the decimal length and a colon at {@code at}; returns the next index. */
    private static int header(byte[] b, int at, char tag, int payloadLength) {
      b[at++] = (byte) tag;
      if (payloadLength < 10) {
        b[at++] = (byte) ('0' + payloadLength);
      } else if (payloadLength < 100) {
        b[at++] = DIGIT_TENS[payloadLength];
        b[at++] = DIGIT_ONES[payloadLength];
      } else {
        int n = digitCount(payloadLength);
        at += n;
        intDigitsBackwards(b, payloadLength, at);
      }
      b[at++] = ':';
      return at;
    }

    /** A header then ASCII text as payload. */
    private void asciiFramed(char tag, String s) {
      int n = s.length();
      ensure(HEADER_MAX + n);
      byte[] b = buf;
      int at = header(b, len, tag, n);
      for (int i = 0; i < n; i++) {
        b[at++] = (byte) s.charAt(i);
      }
      len = at;
    }

    /** Reserves the header of a nested payload guessed to have {@code digits} length digits. */
    private int openFrame(int digits) {
      ensure(digits + 2);
      int start = len;
      len = start + digits + 2;
      return start;
    }

    /** Writes the header of the payload opened at {@code start}, moving it if the guess missed. */
    private void closeFrame(int start, int digits, char tag) {
      int payloadStart = start + digits + 2;
      int payloadLength = len - payloadStart;
      int actual = digitCount(payloadLength);
      if (actual != digits) {
        int shift = actual - digits;
        if (shift > 0) {
          ensure(shift);
        }
        System.arraycopy(buf, payloadStart, buf, payloadStart + shift, payloadLength);
        len += shift;
      }
      header(buf, start, tag, payloadLength);
    }

    void row(Key key, Value.MapValue fields) {
      for (int i = 0; i < key.size(); i++) {
        keyPart(key.rawPart(i));
      }
      // a typical row's fields take 100 to 999 bytes: three digits
      int start = openFrame(3);
      topFields(fields);
      closeFrame(start, 3, 'm');
    }

    private void keyPart(Object part) {
      if (part instanceof Long l) {
        number(l);
      } else if (part instanceof java.math.BigDecimal d) {
        value(Value.of(d));
      } else if (part instanceof String s) {
        text('s', s);
      } else if (part instanceof UUID u) {
        uuid(u);
      } else {
        bytes((byte[]) part);
      }
    }

    /** The fields of a row's map, with the names' encodings cached per set of names. */
    private void topFields(Value.MapValue m) {
      String[] ns = m.namesArray();
      Value[] vs = m.valuesArray();
      if (ns != lastNames && !sameNames(ns)) {
        cacheNames(ns);
      }
      lastNames = ns;
      byte[] block = nameBlock;
      int[] ends = nameEnds;
      int from = 0;
      for (int i = 0; i < vs.length; i++) {
        int to = ends[i];
        int n = to - from;
        ensure(n);
        System.arraycopy(block, from, buf, len, n);
        len += n;
        from = to;
        value(vs[i]);
      }
    }

    private boolean sameNames(String[] ns) {
      String[] cached = cachedNames;
      if (ns.length != cached.length) {
        return false;
      }
      for (int i = 0; i < ns.length; i++) {
        if (ns[i] != cached[i]) {
          return false;
        }
      }
      return true;
    }

    private void cacheNames(String[] ns) {
      Writer w = new Writer();
      int[] ends = new int[ns.length];
      for (int i = 0; i < ns.length; i++) {
        w.text('s', ns[i]);
        ends[i] = w.len;
      }
      cachedNames = ns.clone();
      nameBlock = w.toByteArray();
      nameEnds = ends;
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

    void value(Value v) {
      if (v instanceof Value.Text t) {
        text('s', t.value());
      } else if (v instanceof Value.Num n) {
        if (n.isCompact()) {
          decimalNumber('n', n.unscaled(), n.scale());
        } else {
          asciiFramed('n', n.canonicalText());
        }
      } else if (v instanceof Value.Null) {
        ensure(1);
        buf[len++] = 'N';
      } else if (v instanceof Value.Bool b) {
        ensure(4);
        byte[] x = buf;
        int at = len;
        x[at] = 'b';
        x[at + 1] = '1';
        x[at + 2] = ':';
        x[at + 3] = (byte) (b.value() ? '1' : '0');
        len = at + 4;
      } else if (v instanceof Value.Timestamp t) {
        timestamp(t.value());
      } else if (v instanceof Value.Date d) {
        asciiFramed('d', d.value().toString());
      } else if (v instanceof Value.Uuid u) {
        uuid(u.value());
      } else if (v instanceof Value.Bytes b) {
        bytes(b.raw());
      } else if (v instanceof Value.NonFinite f) {
        asciiFramed('f', Double.toString(f.value()));
      } else if (v instanceof Value.ListValue l) {
        int start = openFrame(2);
        for (Value e : l.values()) {
          value(e);
        }
        closeFrame(start, 2, 'l');
      } else {
        Value.MapValue m = (Value.MapValue) v;
        String[] ns = m.namesArray();
        Value[] vs = m.valuesArray();
        int start = openFrame(2);
        for (int i = 0; i < ns.length; i++) {
          fieldName(ns[i]);
          value(vs[i]);
        }
        closeFrame(start, 2, 'm');
      }
    }

    private void number(long n) {
      decimalNumber('n', n, 0);
    }

    /** {@code unscaled / 10^scale} as plain decimal text, e.g. (-5, 3) is {@code -0.005}. */
    private void decimalNumber(char tag, long unscaled, int scale) {
      if (unscaled == Long.MIN_VALUE) {
        asciiFramed(tag, java.math.BigDecimal.valueOf(unscaled, scale).toPlainString());
        return;
      }
      boolean negative = unscaled < 0;
      long abs = Math.abs(unscaled);
      int absDigits = digitCount(abs);
      if (scale == 0) {
        int length = (negative ? 1 : 0) + absDigits;
        ensure(HEADER_MAX + length);
        byte[] b = buf;
        int end = header(b, len, tag, length) + length;
        int i = digitsBackwards(b, abs, end);
        if (negative) {
          b[i - 1] = '-';
        }
        len = end;
        return;
      }
      // At least scale + 1 digits (leading zeros as needed), then the point before the last scale.
      int digits = Math.max(absDigits, scale + 1);
      int length = (negative ? 1 : 0) + digits + 1;
      ensure(HEADER_MAX + length);
      byte[] b = buf;
      int end = header(b, len, tag, length) + length;
      // the fraction: the low scale digits, zero-padded
      int point = end - scale - 1;
      long whole;
      if (scale <= 9 && abs <= Integer.MAX_VALUE) { // int division: a multiplication
        int p = (int) POW10[scale];
        int a = (int) abs;
        int w = a / p;
        int i = intDigitsBackwards(b, a - w * p, end);
        while (i > point + 1) {
          b[--i] = '0';
        }
        whole = w;
      } else if (scale <= 18) {
        long p = POW10[scale];
        whole = abs / p;
        long fraction = abs - whole * p;
        int i = digitsBackwards(b, fraction, end);
        while (i > point + 1) {
          b[--i] = '0';
        }
      } else { // abs < 10^19 <= 10^scale: the fraction is all of abs, the whole part zero
        int i = digitsBackwards(b, abs, end);
        while (i > point + 1) {
          b[--i] = '0';
        }
        whole = 0;
      }
      b[point] = '.';
      int i = digitsBackwards(b, whole, point);
      if (negative) {
        b[i - 1] = '-';
      }
      len = end;
    }

    private void uuid(UUID u) {
      ensure(40);
      byte[] b = buf;
      int at = len;
      b[at] = 'u';
      b[at + 1] = '3';
      b[at + 2] = '6';
      b[at + 3] = ':';
      long msb = u.getMostSignificantBits();
      long lsb = u.getLeastSignificantBits();
      hex(b, at + 4, msb >>> 32, 8);
      b[at + 12] = '-';
      hex(b, at + 13, msb >>> 16, 4);
      b[at + 17] = '-';
      hex(b, at + 18, msb, 4);
      b[at + 22] = '-';
      hex(b, at + 23, lsb >>> 48, 4);
      b[at + 27] = '-';
      hex(b, at + 28, lsb, 12);
      len = at + 40;
    }

    /** The low {@code digits} hex digits of {@code v}, lowercase, at {@code at}. */
    private static void hex(byte[] b, int at, long v, int digits) {
      for (int i = at + digits - 1; i >= at; i--) {
        b[i] = HEX_DIGITS[(int) (v & 0xF)];
        v >>>= 4;
      }
    }

    private void bytes(byte[] raw) {
      int n = raw.length * 2;
      ensure(HEADER_MAX + n);
      byte[] b = buf;
      int at = header(b, len, 'x', n);
      for (byte x : raw) {
        b[at++] = HEX_DIGITS[(x >> 4) & 0xF];
        b[at++] = HEX_DIGITS[x & 0xF];
      }
      len = at;
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
      ensure(HEADER_MAX + length);
      byte[] b = buf;
      int end = header(b, len, 't', length) + length;
      int i = intDigitsBackwards(b, fraction, end);
      while (i > end - scale) {
        b[--i] = '0';
      }
      b[--i] = '.';
      i = digitsBackwards(b, absWhole, i);
      if (negative) {
        b[--i] = '-';
      }
      len = end;
    }

    /**
     * Writes the digits of {@code x >= 0} so that the last lands at {@code end - 1}; returns the
     * index of the first. Works nine digits at a time in {@code int}s: a 64-bit division costs
     * tens of cycles where the JIT turns an {@code int} division into a multiplication.
     */
    private static int digitsBackwards(byte[] b, long x, int end) {
      int i = end;
      while (x > Integer.MAX_VALUE) {
        long q = x / 1_000_000_000L;
        int r = (int) (x - q * 1_000_000_000L);
        for (int k = 0; k < 4; k++) {
          int r2 = r / 100;
          int d = r - r2 * 100;
          b[--i] = DIGIT_ONES[d];
          b[--i] = DIGIT_TENS[d];
          r = r2;
        }
        b[--i] = (byte) ('0' + r);
        x = q;
      }
      return intDigitsBackwards(b, (int) x, i);
    }

    /** {@link #digitsBackwards} for an {@code int >= 0}, two digits per step. */
    private static int intDigitsBackwards(byte[] b, int y, int end) {
      int i = end;
      while (y >= 100) {
        int q = y / 100;
        int d = y - q * 100;
        b[--i] = DIGIT_ONES[d];
        b[--i] = DIGIT_TENS[d];
        y = q;
      }
      if (y >= 10) {
        b[--i] = DIGIT_ONES[y];
        b[--i] = DIGIT_TENS[y];
      } else {
        b[--i] = (byte) ('0' + y);
      }
      return i;
    }

    /** The number of decimal digits of {@code x >= 0}. */
    private static int digitCount(long x) {
      if (x < 10) {
        return 1;
      }
      // floor(log10(x)) is t or t - 1 for t ~ bits * log10(2)
      int t = ((64 - Long.numberOfLeadingZeros(x)) * 1233) >>> 12;
      return t + (x >= POW10[t] ? 1 : 0);
    }

    private void text(char tag, String s) {
      int slen = s.length();
      // optimistic: all ASCII, so the UTF-8 length is the char count; checked while copying
      ensure(HEADER_MAX + slen);
      byte[] b = buf;
      int start = len;
      int at = header(b, start, tag, slen);
      int seen = 0;
      for (int i = 0; i < slen; i++) {
        char c = s.charAt(i);
        seen |= c;
        b[at + i] = (byte) c;
      }
      if (seen < 0x80) {
        len = at + slen;
        return;
      }
      len = start;
      utf8Text(tag, s);
    }

    private void utf8Text(char tag, String s) {
      int slen = s.length();
      int n = utf8Length(s);
      ensure(HEADER_MAX + n);
      byte[] b = buf;
      int at = header(b, len, tag, n);
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
