package io.reconcile.api;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;

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
 *   <tr><td>timestamp</td><td>{@code t}, UTC, always nine fractional digits</td>
 *       <td>{@code t30:2024-02-29T13:45:00.123456000Z}</td></tr>
 *   <tr><td>list</td><td>{@code l}, the elements' encodings concatenated</td>
 *       <td>{@code l7:n1:1s0:}</td></tr>
 *   <tr><td>map</td><td>{@code m}, per field in code point order of the names: the name encoded
 *       as text, then the value</td><td>{@code m8:s1:an1:1}</td></tr>
 * </table>
 *
 * <p>A row (key and fields) is {@code k}, the length, a colon and the key's parts encoded as
 * values ({@code long} as a number, text, UUID, bytes), followed by the fields encoded as a map:
 * key 7 with field {@code a = 1} is {@code k4:n1:7m8:s1:an1:1}. The row hash is the MD5 of those
 * bytes. Length prefixes make the encoding unambiguous: {@code ("1", "11")} and {@code ("11",
 * "1")} differ, as do null, empty text and the text {@code "NULL"}.
 *
 * <p>Normalisation (precision, trimming, renames) happens before encoding, in {@link
 * Normalization}; the encoding itself only fixes the spelling. All methods are thread-safe.
 */
public final class Canonical {

  /** Orders field names by Unicode code point, the unsigned byte order of their UTF-8 forms. */
  static final Comparator<String> FIELD_ORDER = Key::compareCodePoints;

  private static final DateTimeFormatter WIDE_TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'");

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

    void reset() {
      len = 0;
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
      ascii(tag);
      decimal(payloadLength);
      ascii(':');
    }

    private void framed(char tag, Writer payload) {
      header(tag, payload.len);
      ensure(payload.len);
      System.arraycopy(payload.buf, 0, buf, len, payload.len);
      len += payload.len;
    }

    void row(Key key, Value.MapValue fields) {
      Writer k = child();
      for (int i = 0; i < key.size(); i++) {
        k.keyPart(key.rawPart(i));
      }
      framed('k', k);
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
        if (n.isSmall()) {
          number(n.small());
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
        Writer c = child();
        for (Map.Entry<String, Value> f : ((Value.MapValue) v).fields().entrySet()) {
          c.text('s', f.getKey());
          c.value(f.getValue());
        }
        framed('m', c);
      }
    }

    private void number(long n) {
      header('n', decimalLength(n));
      decimal(n);
    }

    private void uuid(UUID u) {
      ascii("u36:");
      ascii(u.toString());
    }

    private void bytes(byte[] b) {
      header('x', b.length * 2);
      ensure(b.length * 2);
      for (byte x : b) {
        buf[len++] = (byte) Character.forDigit((x >> 4) & 0xF, 16);
        buf[len++] = (byte) Character.forDigit(x & 0xF, 16);
      }
    }

    private void timestamp(Instant t) {
      LocalDateTime utc = LocalDateTime.ofEpochSecond(t.getEpochSecond(), t.getNano(), ZoneOffset.UTC);
      int year = utc.getYear();
      if (year < 0 || year > 9999) {
        String s = WIDE_TIMESTAMP.format(utc);
        header('t', s.length());
        ascii(s);
        return;
      }
      ascii("t30:");
      fixed(year, 4);
      ascii('-');
      fixed(utc.getMonthValue(), 2);
      ascii('-');
      fixed(utc.getDayOfMonth(), 2);
      ascii('T');
      fixed(utc.getHour(), 2);
      ascii(':');
      fixed(utc.getMinute(), 2);
      ascii(':');
      fixed(utc.getSecond(), 2);
      ascii('.');
      fixed(utc.getNano(), 9);
      ascii('Z');
    }

    private void fixed(int v, int digits) {
      ensure(digits);
      for (int i = digits - 1; i >= 0; i--) {
        buf[len + i] = (byte) ('0' + v % 10);
        v /= 10;
      }
      len += digits;
    }

    private void decimal(long v) {
      int n = decimalLength(v);
      ensure(n);
      int end = len + n;
      if (v == Long.MIN_VALUE) {
        ascii("-9223372036854775808");
        return;
      }
      boolean negative = v < 0;
      long x = negative ? -v : v;
      int i = end;
      do {
        buf[--i] = (byte) ('0' + (x % 10));
        x /= 10;
      } while (x != 0);
      if (negative) {
        buf[--i] = '-';
      }
      len = end;
    }

    private static int decimalLength(long v) {
      if (v == Long.MIN_VALUE) {
        return 20;
      }
      int n = v < 0 ? 2 : 1;
      long x = Math.abs(v);
      while (x >= 10) {
        x /= 10;
        n++;
      }
      return n;
    }

    private void text(char tag, String s) {
      int n = utf8Length(s);
      header(tag, n);
      ensure(n);
      int slen = s.length();
      for (int i = 0; i < slen; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          buf[len++] = (byte) c;
        } else if (c < 0x800) {
          buf[len++] = (byte) (0xC0 | (c >> 6));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        } else if (Character.isHighSurrogate(c)
            && i + 1 < slen
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          int cp = Character.toCodePoint(c, s.charAt(++i));
          buf[len++] = (byte) (0xF0 | (cp >> 18));
          buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (cp & 0x3F));
        } else if (Character.isSurrogate(c)) {
          buf[len++] = '?'; // an unpaired surrogate has no UTF-8 form; String.getBytes agrees
        } else {
          buf[len++] = (byte) (0xE0 | (c >> 12));
          buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          buf[len++] = (byte) (0x80 | (c & 0x3F));
        }
      }
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
