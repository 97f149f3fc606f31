package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class CanonicalTest {

  @Provide
  Arbitrary<Value> values() {
    return Generators.values();
  }

  @Provide
  Arbitrary<String> texts() {
    return Generators.text();
  }

  @Provide
  Arbitrary<Key> keys() {
    return Generators.keys();
  }

  @Provide
  Arbitrary<Value.MapValue> documents() {
    return Generators.documents();
  }

  private static String text(Value v) {
    return new String(Canonical.encode(v), StandardCharsets.UTF_8);
  }

  @Test
  void documentedExamples() {
    Value.MapValue a1 = Value.MapValue.of(Map.of("a", Value.of(1)));
    assertThat(new String(Canonical.encodeRow(Key.of(7), a1), StandardCharsets.UTF_8))
        .isEqualTo("n1:7m8:s1:an1:1");
    assertThat(text(Value.ofNull())).isEqualTo("N");
    assertThat(text(Value.of(true))).isEqualTo("b1:1");
    assertThat(text(Value.of(new BigDecimal("-1.50")))).isEqualTo("n4:-1.5");
    assertThat(text(Value.of(Double.POSITIVE_INFINITY))).isEqualTo("f8:Infinity");
    assertThat(text(Value.of("NULL"))).isEqualTo("s4:NULL");
    assertThat(text(Value.of(""))).isEqualTo("s0:");
    assertThat(text(Value.ofBytes(new byte[] {0, (byte) 0xff}))).isEqualTo("x4:00ff");
    assertThat(text(Value.of(LocalDate.of(2024, 2, 29)))).isEqualTo("d10:2024-02-29");
    assertThat(text(Value.of(Instant.parse("2024-02-29T13:45:00.123456Z")))).isEqualTo("t17:1709214300.123456");
    assertThat(text(Value.of(Instant.parse("1969-12-31T23:59:58.5Z")))).isEqualTo("t4:-1.5");
    assertThat(text(Value.of(Instant.parse("1969-12-31T23:59:59.75Z")))).isEqualTo("t5:-0.25");
    assertThat(text(Value.of(Instant.EPOCH))).isEqualTo("t1:0");
    assertThat(text(Value.of(new BigDecimal("-0.00500")))).isEqualTo("n6:-0.005");
    assertThat(text(Value.of(new BigDecimal("12345678901234567890.10")))).isEqualTo("n22:12345678901234567890.1");
    assertThat(text(Value.from(List.of(1, "")))).isEqualTo("l7:n1:1s0:");
    assertThat(text(Value.from(Map.of("é", 1)))).isEqualTo("m9:s2:én1:1");
    assertThat(text(Value.of(UUID.fromString("123E4567-E89B-12D3-A456-426614174000"))))
        .isEqualTo("u36:123e4567-e89b-12d3-a456-426614174000");
    assertThat(new String(Canonical.encodeRow(Key.of(new BigDecimal("1.50")), Value.MapValue.of(Map.of())),
        StandardCharsets.UTF_8)).isEqualTo("n3:1.5m0:");
    // A decimal key part of an integral value is the long part: same key, same row bytes.
    assertThat(Canonical.encodeRow(Key.of(new BigDecimal("7.00")), a1)).isEqualTo(Canonical.encodeRow(Key.of(7), a1));
  }

  @Test
  void nullEmptyAndTextNullDiffer() {
    assertThat(Canonical.encode(Value.ofNull()))
        .isNotEqualTo(Canonical.encode(Value.of("")))
        .isNotEqualTo(Canonical.encode(Value.of("NULL")));
    assertThat(Canonical.encode(Value.of(""))).isNotEqualTo(Canonical.encode(Value.of("NULL")));
  }

  @Test
  void anAbsentFieldDiffersFromANullOne() {
    Map<String, Object> withNull = new LinkedHashMap<>();
    withNull.put("name", "Ada");
    withNull.put("email", null);
    Entry present = Entry.of(Key.of(1), withNull);
    Entry absent = Entry.of(Key.of(1), Map.of("name", "Ada"));
    // The null field is written as its name and N; the absent one is not written at all.
    assertThat(new String(Canonical.encodeRow(present.key(), present.fields()), StandardCharsets.UTF_8))
        .isEqualTo("n1:1m22:s5:emailNs4:names3:Ada");
    assertThat(new String(Canonical.encodeRow(absent.key(), absent.fields()), StandardCharsets.UTF_8))
        .isEqualTo("n1:1m13:s4:names3:Ada");
    assertThat(present.hash()).isNotEqualTo(absent.hash());
    assertThat(Digest.EMPTY.plus(present.hash())).isNotEqualTo(Digest.EMPTY.plus(absent.hash()));
    // Nested documents too, and an empty map is neither.
    Map<String, Object> nestedNull = new LinkedHashMap<>();
    nestedNull.put("updatedAt", null);
    assertThat(Canonical.encode(Value.from(Map.of("meta", nestedNull))))
        .isNotEqualTo(Canonical.encode(Value.from(Map.of("meta", Map.of()))));
    assertThat(Canonical.encode(Value.from(Map.of("meta", Map.of()))))
        .isNotEqualTo(Canonical.encode(Value.from(Map.of())));
    // A missing field reads as null through Entry.field, but hashes as absent.
    assertThat(absent.field("email")).isEqualTo(Value.ofNull());
  }

  @Property(tries = 1000)
  void droppingAFieldChangesTheHashWhateverItHeld(
      @ForAll("keys") Key k, @ForAll("documents") Value.MapValue fields) {
    for (String name : fields.fields().keySet()) {
      Map<String, Value> without = new LinkedHashMap<>(fields.fields());
      without.remove(name);
      assertThat(Canonical.hash(k, Value.MapValue.of(without))).isNotEqualTo(Canonical.hash(k, fields));
    }
  }

  @Test
  void fieldBoundariesCannotShift() {
    Entry a = Entry.of(Key.of(1), Map.of("a", "1", "b", "11"));
    Entry b = Entry.of(Key.of(1), Map.of("a", "11", "b", "1"));
    assertThat(a.hash()).isNotEqualTo(b.hash());
    assertThat(Key.of("1", "11")).isNotEqualTo(Key.of("11", "1"));
    assertThat(Canonical.hash(Key.of("1", "11"), Value.MapValue.of(Map.of())))
        .isNotEqualTo(Canonical.hash(Key.of("11", "1"), Value.MapValue.of(Map.of())));
  }

  @Test
  void numbersCompareByValueUnlessScaleIsSignificant() {
    assertThat(Canonical.encode(Value.of(new BigDecimal("1.0"))))
        .isEqualTo(Canonical.encode(Value.of(new BigDecimal("1.00"))))
        .isEqualTo(Canonical.encode(Value.of(1)))
        .isEqualTo(Canonical.encode(Value.of(1.0)));
    assertThat(Canonical.encode(Value.of(0.1))).isEqualTo(Canonical.encode(Value.of(new BigDecimal("0.1"))));
    assertThat(Canonical.encode(Value.from(0.1f))).isEqualTo(Canonical.encode(Value.of(new BigDecimal("0.1"))));
    assertThat(Canonical.encode(Value.of(-0.0))).isEqualTo(Canonical.encode(Value.of(0)));
    assertThat(text(Value.of(new BigDecimal("1E+3")))).isEqualTo("n4:1000");
    Value.Num oneTenth = (Value.Num) Value.of(new BigDecimal("1.0"));
    Value.Num oneHundredth = (Value.Num) Value.of(new BigDecimal("1.00"));
    assertThat(Canonical.encode(oneTenth.withSignificantScale()))
        .isNotEqualTo(Canonical.encode(oneHundredth.withSignificantScale()));
    assertThat(Value.of(new BigDecimal("2.50"))).isEqualTo(Value.of(new BigDecimal("2.5")));
  }

  @Test
  void timestampsAreUtcInstants() {
    Instant t = Instant.parse("2024-06-01T10:00:00Z");
    assertThat(Value.from(OffsetDateTime.of(2024, 6, 1, 12, 0, 0, 0, ZoneOffset.ofHours(2))))
        .isEqualTo(Value.of(t));
    assertThat(Value.from(LocalDateTime.of(2024, 6, 1, 10, 0))).isEqualTo(Value.of(t));
    assertThat(text(Value.of(Instant.parse("+12024-01-01T00:00:00.5Z")))).isEqualTo("t14:317273587200.5");
    assertThat(text(Value.of(Instant.MIN))).isEqualTo("t18:-31557014167219200");
  }

  @Test
  void mapsAreSortedByCodePointWhateverTheInsertionOrder() {
    Map<String, Object> one = new LinkedHashMap<>();
    one.put("b", 1);
    one.put("\uFFFD", 2);
    one.put("😀", 3);
    Map<String, Object> two = new LinkedHashMap<>();
    two.put("😀", 3);
    two.put("\uFFFD", 2);
    two.put("b", 1);
    assertThat(Canonical.encode(Value.from(one))).isEqualTo(Canonical.encode(Value.from(two)));
    assertThat(text(Value.from(one))).startsWith("m").contains("s1:bn1:1s3:\uFFFDn1:2s4:😀n1:3");
  }

  @Test
  void listsKeepTheirOrder() {
    assertThat(Canonical.encode(Value.from(List.of(1, 2)))).isNotEqualTo(Canonical.encode(Value.from(List.of(2, 1))));
    assertThat(Canonical.encode(Value.from(List.of(List.of(1), List.of()))))
        .isNotEqualTo(Canonical.encode(Value.from(List.of(List.of(), List.of(1)))));
  }

  @Property(tries = 1000)
  void encodingIsInjective(@ForAll("values") Value a, @ForAll("values") Value b) {
    boolean sameBytes = Arrays.equals(Canonical.encode(a), Canonical.encode(b));
    assertThat(sameBytes).as("%s vs %s", a, b).isEqualTo(a.equals(b));
  }

  @Property(tries = 1000)
  void equalValuesHashEqual(@ForAll("values") Value a) {
    Value copy = Value.from(rebuild(a));
    assertThat(Canonical.encode(copy)).isEqualTo(Canonical.encode(a));
  }

  /** A structurally fresh copy of a value, built from plain Java objects. */
  private static Object rebuild(Value v) {
    if (v instanceof Value.ListValue l) {
      return l.values().stream().map(CanonicalTest::rebuild).toList();
    }
    if (v instanceof Value.MapValue m) {
      Map<String, Object> out = new LinkedHashMap<>();
      m.fields().forEach((k, x) -> out.put(k, rebuild(x)));
      return out;
    }
    if (v instanceof Value.Num n) {
      return n.decimal().setScale(n.decimal().scale() + 2); // same value, another scale
    }
    return v;
  }

  @Property(tries = 1000)
  void timestampsEncodeTheirExactValue(@ForAll("values") Value v) {
    if (v instanceof Value.Timestamp t) {
      String s = text(v);
      BigDecimal seconds = new BigDecimal(s.substring(s.indexOf(':') + 1));
      BigDecimal expected = BigDecimal.valueOf(t.value().getEpochSecond()).add(BigDecimal.valueOf(t.value().getNano(), 9));
      assertThat(seconds.compareTo(expected)).isZero();
      assertThat(s).doesNotEndWith("0.").doesNotContain("E");
    }
  }

  @Property(tries = 1000)
  void numbersEncodeTheirExactValue(@ForAll("values") Value v) {
    if (v instanceof Value.Num n) {
      String s = text(v);
      String body = s.substring(s.indexOf(':') + 1);
      assertThat(new BigDecimal(body).compareTo(n.decimal())).isZero();
      assertThat(body).doesNotContain("E");
      if (body.contains(".")) {
        assertThat(body).doesNotEndWith("0");
      }
    }
  }

  @Property(tries = 1000)
  void textPayloadIsUtf8(@ForAll("texts") String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    assertThat(Canonical.encode(Value.of(s)))
        .isEqualTo(("s" + utf8.length + ":" + s).getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000)
  void rowHashIsMd5OfTheRowEncoding(@ForAll("keys") Key k, @ForAll("documents") Value.MapValue fields)
      throws Exception {
    byte[] md5 = MessageDigest.getInstance("MD5").digest(Canonical.encodeRow(k, fields));
    assertThat(Canonical.hash(k, fields)).isEqualTo(RowHash.fromBytes(md5));
  }

  @Property(tries = 1000)
  void aRowHashFunctionIsLentExactlyTheRowEncoding(
      @ForAll("keys") Key k, @ForAll("documents") Value.MapValue fields) throws Exception {
    byte[][] seen = new byte[1][];
    RowHash md5 = Canonical.hash(k, fields, (b, off, len) -> {
      seen[0] = Arrays.copyOfRange(b, off, off + len);
      return md5(b, off, len);
    });
    assertThat(seen[0]).isEqualTo(Canonical.encodeRow(k, fields));
    assertThat(md5).isEqualTo(Canonical.hash(k, fields));
  }

  @Test
  void aRowHashFunctionThatCallsBackStillReadsItsOwnRow() {
    Key k = Key.of(7);
    Value.MapValue fields = Value.MapValue.of(Map.of("a", Value.of(1)));
    Key other = Key.of("a much longer key than seven");
    Value.MapValue otherFields = Value.MapValue.of(Map.of("b", Value.of("a much longer value than one")));
    byte[][] inner = new byte[1][];
    RowHash outer = Canonical.hash(k, fields, (b, off, len) -> {
      Canonical.hash(other, otherFields); // MD5 through the same thread's encoder
      Canonical.hash(other, otherFields, (b2, off2, len2) -> {
        inner[0] = Arrays.copyOfRange(b2, off2, off2 + len2);
        return new RowHash(0, 0);
      });
      return md5(b, off, len);
    });
    assertThat(outer).isEqualTo(Canonical.hash(k, fields));
    assertThat(inner[0]).isEqualTo(Canonical.encodeRow(other, otherFields));
    assertThat(Canonical.hash(k, fields, CanonicalTest::md5)).isEqualTo(outer); // the buffer is free again
  }

  private static RowHash md5(byte[] b, int off, int len) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(b, off, len);
      return RowHash.fromBytes(md5.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Property(tries = 1000)
  void rowEncodingMatchesAReferenceEncoder(
      @ForAll("keys") Key k, @ForAll("documents") Value.MapValue fields) throws Exception {
    byte[] expected = ReferenceEncoder.row(k, fields);
    assertThat(Canonical.encodeRow(k, fields)).isEqualTo(expected);
    byte[] md5 = MessageDigest.getInstance("MD5").digest(expected);
    assertThat(Canonical.hash(k, fields)).isEqualTo(RowHash.fromBytes(md5));
  }

  @Test
  void longPayloadsMatchTheReferenceEncoder() {
    // payload lengths around the header widths the encoder guesses (2 digits nested, 3 on top)
    for (int n : new int[] {0, 1, 8, 9, 10, 95, 99, 100, 101, 990, 999, 1000, 5000, 70_000}) {
      Value text = Value.of("x".repeat(n));
      Value list = Value.ListValue.of(List.of(text, Value.of(n), text));
      Value.MapValue nested = Value.MapValue.of(Map.of("a", list, "é", text));
      Value.MapValue row = Value.MapValue.of(Map.of("n", nested, "t", text, "l", list));
      for (Value v : List.of(text, list, nested, row)) {
        assertThat(Canonical.encode(v)).isEqualTo(ReferenceEncoder.value(v));
      }
      Key key = Key.composite(List.of(-(long) n, "k".repeat(n)));
      assertThat(Canonical.encodeRow(key, row)).isEqualTo(ReferenceEncoder.row(key, row));
      assertThat(Canonical.encodeRow(key, Value.MapValue.of(Map.of())))
          .isEqualTo(ReferenceEncoder.row(key, Value.MapValue.of(Map.of())));
    }
  }

  @Property(tries = 1000)
  void valueEncodingMatchesAReferenceEncoder(@ForAll("values") Value v) {
    assertThat(Canonical.encode(v)).isEqualTo(ReferenceEncoder.value(v));
  }

  /**
   * The encoding written the obvious way, straight from the table in {@link Canonical}'s javadoc:
   * each payload built as a string or byte array, then framed as tag, length, colon, payload.
   */
  private static final class ReferenceEncoder {
    static byte[] row(Key key, Value.MapValue fields) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      for (int i = 0; i < key.size(); i++) {
        Object part = key.rawPart(i);
        Value asValue =
            part instanceof Long l
                ? Value.of(l)
                : part instanceof BigDecimal d
                ? Value.of(d)
                : part instanceof String s
                    ? Value.of(s)
                    : part instanceof UUID u ? Value.of(u) : Value.ofBytes((byte[]) part);
        out.writeBytes(value(asValue));
      }
      out.writeBytes(value(fields));
      return out.toByteArray();
    }

    static byte[] value(Value v) {
      if (v instanceof Value.Null) {
        return "N".getBytes(StandardCharsets.US_ASCII);
      }
      if (v instanceof Value.Bool b) {
        return framed('b', b.value() ? "1" : "0");
      }
      if (v instanceof Value.Num n) {
        BigDecimal d = n.decimal();
        if (!n.scaleSignificant()) {
          d = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        if (d.scale() < 0) {
          d = d.setScale(0);
        }
        return framed('n', d.toPlainString());
      }
      if (v instanceof Value.NonFinite f) {
        return framed('f', Double.toString(f.value()));
      }
      if (v instanceof Value.Text t) {
        return framed('s', t.value());
      }
      if (v instanceof Value.Bytes b) {
        StringBuilder hex = new StringBuilder();
        for (byte x : b.value()) {
          hex.append(String.format("%02x", x & 0xFF));
        }
        return framed('x', hex.toString());
      }
      if (v instanceof Value.Uuid u) {
        return framed('u', u.value().toString());
      }
      if (v instanceof Value.Date d) {
        return framed('d', d.value().toString());
      }
      if (v instanceof Value.Timestamp t) {
        BigDecimal seconds =
            BigDecimal.valueOf(t.value().getEpochSecond())
                .add(BigDecimal.valueOf(t.value().getNano(), 9));
        seconds = seconds.signum() == 0 ? BigDecimal.ZERO : seconds.stripTrailingZeros();
        if (seconds.scale() < 0) {
          seconds = seconds.setScale(0);
        }
        return framed('t', seconds.toPlainString());
      }
      java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
      if (v instanceof Value.ListValue l) {
        for (Value e : l.values()) {
          payload.writeBytes(value(e));
        }
        return framed('l', payload.toByteArray());
      }
      Value.MapValue m = (Value.MapValue) v;
      List<String> names = new java.util.ArrayList<>(m.fields().keySet());
      names.sort(
          (x, y) ->
              Arrays.compareUnsigned(
                  x.getBytes(StandardCharsets.UTF_8), y.getBytes(StandardCharsets.UTF_8)));
      for (String name : names) {
        payload.writeBytes(value(Value.of(name)));
        payload.writeBytes(value(m.fields().get(name)));
      }
      return framed('m', payload.toByteArray());
    }

    private static byte[] framed(char tag, String payload) {
      return framed(tag, payload.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] framed(char tag, byte[] payload) {
      byte[] header =
          (tag + Integer.toString(payload.length) + ":").getBytes(StandardCharsets.US_ASCII);
      byte[] all = Arrays.copyOf(header, header.length + payload.length);
      System.arraycopy(payload, 0, all, header.length, payload.length);
      return all;
    }
  }
}
