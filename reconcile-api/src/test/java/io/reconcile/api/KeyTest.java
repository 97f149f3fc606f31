package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class KeyTest {

  @Provide
  Arbitrary<Key> keys() {
    return Generators.keys();
  }

  @Property(tries = 1000)
  void encodingPreservesOrder(@ForAll("keys") Key a, @ForAll("keys") Key b) {
    int byKey = Integer.signum(a.compareTo(b));
    int byBytes = Integer.signum(Arrays.compareUnsigned(a.encode(), b.encode()));
    assertThat(byBytes).as("order of %s vs %s", a, b).isEqualTo(byKey);
  }

  @Property(tries = 1000)
  void encodingRoundTrips(@ForAll("keys") Key k) {
    Key decoded = Key.decode(k.encode());
    assertThat(decoded).isEqualTo(k);
    assertThat(decoded.hashCode()).isEqualTo(k.hashCode());
  }

  @Property(tries = 1000)
  void orderIsConsistentWithEquals(@ForAll("keys") Key a, @ForAll("keys") Key b) {
    assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(-Integer.signum(b.compareTo(a)));
  }

  @Provide
  Arbitrary<BigDecimal> decimals() {
    return Arbitraries.oneOf(Generators.keyDecimals(), Arbitraries.longs().map(BigDecimal::valueOf));
  }

  @Property(tries = 2000)
  void numbersEncodeInTheOrderOfTheirValues(@ForAll("decimals") BigDecimal a, @ForAll("decimals") BigDecimal b) {
    Key ka = Key.of(a);
    Key kb = Key.of(b);
    int byValue = Integer.signum(a.compareTo(b));
    assertThat(Integer.signum(ka.compareTo(kb))).as("%s vs %s", a, b).isEqualTo(byValue);
    assertThat(Integer.signum(Arrays.compareUnsigned(ka.encode(), kb.encode()))).as("%s vs %s", a, b).isEqualTo(byValue);
    assertThat(ka.equals(kb)).isEqualTo(byValue == 0);
    // In a composite, the number decides before anything that follows it.
    Key ca = Key.of(a, "z");
    Key cb = Key.of(b, Long.MIN_VALUE);
    if (byValue != 0) {
      assertThat(Integer.signum(Arrays.compareUnsigned(ca.encode(), cb.encode()))).isEqualTo(byValue);
    }
  }

  @Property(tries = 2000)
  void numbersRoundTripByValue(@ForAll("decimals") BigDecimal a) {
    Key k = Key.of(a);
    Key decoded = Key.decode(k.encode());
    assertThat(decoded).isEqualTo(k).hasSameHashCodeAs(k);
    Object part = decoded.part(0);
    assertThat(part instanceof Long l ? BigDecimal.valueOf(l) : (BigDecimal) part).isEqualByComparingTo(a);
    // Integers that fit a long are Long parts, whatever type they came as; others BigDecimal.
    boolean fitsLong = a.stripTrailingZeros().scale() <= 0
        && a.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) >= 0 && a.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
    assertThat(part).isInstanceOf(fitsLong ? Long.class : BigDecimal.class);
    assertThat(Key.of(a.setScale(Math.max(0, a.scale()) + 3))).isEqualTo(k);
  }

  @Test
  void numbersAreKeysByValue() {
    assertThat(Key.of(new BigDecimal("1.50"))).isEqualTo(Key.of(new BigDecimal("1.5")));
    assertThat(Key.of(new BigDecimal("5.00"))).isEqualTo(Key.of(5)).isEqualTo(Key.of(java.math.BigInteger.valueOf(5)));
    assertThat(Key.of(new BigDecimal("1E+3")).part(0)).isEqualTo(1000L);
    assertThat(Key.of(new BigDecimal("-0.000")).part(0)).isEqualTo(0L);
    assertThat(Key.of(new BigDecimal("1.50")).part(0)).isEqualTo(new BigDecimal("1.5"));
    assertThat(Key.of(new BigDecimal("0.0000001"), "eu").toString()).isEqualTo("(0.0000001, \"eu\")");
    assertThat(Key.of(new BigDecimal("1E+20")).toString()).isEqualTo("100000000000000000000");
    assertThat(Key.of(4L)).isLessThan(Key.of(new BigDecimal("4.5"))).isLessThan(Key.of(5L));
    assertThat(Key.of(new BigDecimal("9.5"))).isLessThan(Key.of("0"));
  }

  @Test
  void encodingsOfLongsTextsUuidsAndBytesAreUnchanged() {
    java.util.HexFormat hex = java.util.HexFormat.of();
    assertThat(hex.formatHex(Key.of(7).encode())).isEqualTo("108000000000000007");
    assertThat(hex.formatHex(Key.of(-1).encode())).isEqualTo("107fffffffffffffff");
    assertThat(hex.formatHex(Key.of("a\0").encode())).isEqualTo("206100ff00");
    assertThat(hex.formatHex(Key.of(new UUID(1, 2)).encode())).isEqualTo("3000000000000000010000000000000002");
    assertThat(hex.formatHex(Key.ofBytes(new byte[] {0, 1}).encode())).isEqualTo("4000ff0100");
    // Decimals add bytes after a long's, numbers beyond a long have tags of their own.
    assertThat(hex.formatHex(Key.of(new BigDecimal("1.5")).encode())).isEqualTo("1080000000000000018033" + "00");
    assertThat(hex.formatHex(Key.of(new BigDecimal("-0.05")).encode())).isEqualTo("107fffffffffffffff80" + "60" + "00"); // floor -1, fraction .95
    assertThat(hex.formatHex(Key.of(new BigDecimal("9223372036854775808")).encode()))
        .isEqualTo("18" + "00000008" + "8000000000000000");
    assertThat(hex.formatHex(Key.of(new BigDecimal("-9223372036854775809")).encode()))
        .isEqualTo("08" + "fffffff7" + "7ffffffffffffffe");
  }

  @Test
  void longsOrderNumericallyIncludingNegatives() {
    List<Key> keys = List.of(Key.of(Long.MIN_VALUE), Key.of(-1), Key.of(0), Key.of(1), Key.of(Long.MAX_VALUE));
    for (int i = 1; i < keys.size(); i++) {
      assertThat(Arrays.compareUnsigned(keys.get(i - 1).encode(), keys.get(i).encode())).isNegative();
    }
  }

  @Test
  void textOrdersByCodePointNotUtf16() {
    Key bmp = Key.of("\uFFFD"); // U+FFFD sorts below U+1F600 by code point but above it in UTF-16
    Key emoji = Key.of("😀");
    assertThat(bmp).isLessThan(emoji);
    assertThat("\uFFFD".compareTo("😀")).isPositive();
  }

  @Test
  void prefixOrdersFirst() {
    assertThat(Key.of("a")).isLessThan(Key.of("a", 1L));
    assertThat(Key.of("a")).isLessThan(Key.of("a\0"));
    assertThat(Key.of("a", 5L)).isLessThan(Key.of("a\0b", 5L));
  }

  @Test
  void uuidsOrderUnsigned() {
    assertThat(Key.of(new UUID(1, 0))).isLessThan(Key.of(new UUID(-1, 0)));
  }

  @Test
  void bytesAreCopied() {
    byte[] b = {1, 2};
    Key k = Key.ofBytes(b);
    b[0] = 9;
    assertThat((byte[]) k.part(0)).containsExactly(1, 2);
    ((byte[]) k.part(0))[1] = 9;
    assertThat(k).isEqualTo(Key.ofBytes(new byte[] {1, 2}));
  }

  @Test
  void rejectsBadParts() {
    assertThatThrownBy(() -> Key.of(1.5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key part 0 must be a Long, Integer, BigDecimal, String, UUID or byte[], but was"
            + " java.lang.Double; convert dates and timestamps to ISO-8601 text, and a floating-point"
            + " number to the BigDecimal of the value it stands for");
    assertThatThrownBy(() -> Key.composite(List.of()))
        .hasMessageContaining("at least one part");
    assertThatThrownBy(() -> Key.of("a\uD800b"))
        .hasMessageContaining("unpaired surrogate at index 1");
  }

  @Test
  void rejectsMalformedEncodings() {
    assertThatThrownBy(() -> Key.decode(new byte[0])).hasMessageContaining("empty");
    assertThatThrownBy(() -> Key.decode(new byte[] {0x10, 1, 2}))
        .hasMessageContaining("expected 8 bytes at byte 1 but only 2 remain");
    assertThatThrownBy(() -> Key.decode(new byte[] {0x20, 'a'}))
        .hasMessageContaining("not terminated");
    assertThatThrownBy(() -> Key.decode(new byte[] {0x77}))
        .hasMessage("malformed key encoding: expected a type tag (0x08, 0x10, 0x18, 0x20, 0x30 or 0x40)"
            + " at byte 0 but found 0x77");
    byte[] one = Key.of(1).encode();
    assertThatThrownBy(() -> Key.decode(concat(one, (byte) 0x80, (byte) 0x33)))
        .hasMessage("malformed key encoding: a number's fraction is not terminated by 0x00");
    assertThatThrownBy(() -> Key.decode(concat(one, (byte) 0x80, (byte) 0x33, (byte) 0x01, (byte) 0)))
        .hasMessage("malformed key encoding: the fraction ending at byte 12 is not in its shortest form"
            + " (empty, or ending in a 00 pair)");
    assertThatThrownBy(() -> Key.decode(concat(one, (byte) 0x80, (byte) 0)))
        .hasMessageContaining("not in its shortest form");
    assertThatThrownBy(() -> Key.decode(concat(one, (byte) 0x80, (byte) 0x65, (byte) 0)))
        .hasMessage("malformed key encoding: expected a digit pair (0x01 to 0x64) at byte 10 but found 0x65");
    assertThatThrownBy(() -> Key.decode(new byte[] {0x18, 0, 0, 0, 1, 5}))
        .hasMessage("malformed key encoding: expected a number of at least 8 magnitude bytes at byte 1 but found 1");
    assertThatThrownBy(() -> Key.decode(new byte[] {0x18, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 5}))
        .hasMessage("malformed key encoding: the number at byte 0 is not in its shortest form (its floor"
            + " fits a long or has a leading zero byte)");
  }

  private static byte[] concat(byte[] a, byte... b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void readableToString() {
    assertThat(Key.of("eu", 42L).toString()).isEqualTo("(\"eu\", 42)");
    assertThat(Key.ofBytes(new byte[] {0, (byte) 0xff}).toString()).isEqualTo("0x00ff");
  }

  @Test
  void rangesSplitAndContain() {
    KeyRange r = KeyRange.of(Key.of(0), Key.of(100));
    List<KeyRange> parts = r.split(List.of(Key.of(10), Key.of(50)));
    assertThat(parts)
        .containsExactly(
            KeyRange.of(Key.of(0), Key.of(10)),
            KeyRange.of(Key.of(10), Key.of(50)),
            KeyRange.of(Key.of(50), Key.of(100)));
    assertThat(r.contains(Key.of(0))).isTrue();
    assertThat(r.contains(Key.of(100))).isFalse();
    assertThat(KeyRange.all().contains(Key.of(Long.MIN_VALUE))).isTrue();
    assertThat(KeyRange.all().encloses(r)).isTrue();
    assertThat(r.encloses(KeyRange.all())).isFalse();
    assertThat(r.overlaps(KeyRange.atLeast(Key.of(99)))).isTrue();
    assertThat(r.overlaps(KeyRange.atLeast(Key.of(100)))).isFalse();
    assertThat(r.adjoins(KeyRange.atLeast(Key.of(100)))).isTrue();
    assertThat(r.adjoins(KeyRange.atLeast(Key.of(101)))).isFalse();
    assertThat(KeyRange.atLeast(Key.of(5)).adjoins(KeyRange.all())).isFalse();
    assertThatThrownBy(() -> r.split(List.of(Key.of(50), Key.of(10))))
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> KeyRange.of(Key.of(5), Key.of(5)))
        .hasMessageContaining("needs lo < hi, but lo was 5 and hi was 5");
    assertThat(KeyRange.below(Key.of(3)).toString()).isEqualTo("[-∞, 3)");
  }
}
