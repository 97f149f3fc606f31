package io.reconcile.api;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Shared jqwik generators for keys and values. */
final class Generators {

  private Generators() {}

  /** Text over all of Unicode (paired surrogates only), with NUL, ASCII and edge code points common. */
  static Arbitrary<String> text() {
    Arbitrary<Integer> codePoint =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(4, Arbitraries.integers().between('a', 'e')),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF)),
            net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(0, 0x10FFFF).filter(cp -> cp < 0xD800 || cp > 0xDFFF)));
    return codePoint.list().ofMaxSize(6).map(cps -> {
      StringBuilder sb = new StringBuilder();
      cps.forEach(sb::appendCodePoint);
      return sb.toString();
    });
  }

  static Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(6);
  }

  /**
   * Exact numbers around the edges of the key encoding: small decimals, decimals next to integers
   * and to the ends of a long, numbers far beyond a long (both signs), many fractional digits.
   */
  static Arbitrary<BigDecimal> keyDecimals() {
    BigDecimal min = BigDecimal.valueOf(Long.MIN_VALUE);
    BigDecimal max = BigDecimal.valueOf(Long.MAX_VALUE);
    return Arbitraries.oneOf(
        Arbitraries.bigDecimals().between(new BigDecimal("-3"), new BigDecimal("3")).ofScale(3),
        Arbitraries.bigDecimals().between(new BigDecimal("-1E25"), new BigDecimal("1E25")).ofScale(2),
        Arbitraries.of(new BigDecimal("0.5"), new BigDecimal("-0.5"), new BigDecimal("0.05"),
            new BigDecimal("0.50"), new BigDecimal("1.005"), new BigDecimal("-1.005"), new BigDecimal("5.00"),
            new BigDecimal("1E+3"), new BigDecimal("0.000000000000000000001"),
            min, max, min.subtract(BigDecimal.ONE), max.add(BigDecimal.ONE),
            min.subtract(new BigDecimal("0.5")), max.add(new BigDecimal("0.5")),
            min.add(new BigDecimal("0.5")), max.subtract(new BigDecimal("0.5")),
            min.multiply(max), max.multiply(max).add(new BigDecimal("0.25")), min.multiply(max).negate()),
        Combinators.combine(Arbitraries.bigIntegers().between(
                    min.toBigInteger().multiply(java.math.BigInteger.TEN.pow(30)),
                    max.toBigInteger().multiply(java.math.BigInteger.TEN.pow(30))),
                Arbitraries.integers().between(0, 40))
            .as(BigDecimal::new));
  }

  static Arbitrary<Object> keyPart() {
    return Arbitraries.oneOf(
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, -1L, 0L, 1L).map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.longs().between(-3, 3).map(Object.class::cast),
        keyDecimals().map(Object.class::cast),
        text().map(Object.class::cast),
        Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong())).map(Object.class::cast),
        Arbitraries.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 1)).map(Object.class::cast),
        bytes().map(Object.class::cast));
  }

  static Arbitrary<Key> keys() {
    return keyPart().list().ofMinSize(1).ofMaxSize(3).map(Key::composite);
  }

  /** Scalar and nested values, with nulls, empty text, extreme numbers and non-ASCII common. */
  static Arbitrary<Value> values() {
    Arbitrary<Value> scalar =
        Arbitraries.oneOf(
            Arbitraries.just(Value.ofNull()),
            Arbitraries.of(true, false).map(Value::of),
            Arbitraries.longs().map(Value::of),
            Arbitraries.bigDecimals().ofScale(4).map(Value::of),
            Arbitraries.of(new BigDecimal("1E+3"), new BigDecimal("-0.000"), new BigDecimal("123456789012345678901234567890.5")).map(Value::of),
            Arbitraries.doubles().map(Value::of),
            Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY).map(Value::of),
            text().map(Value::of),
            Arbitraries.of("", "NULL", "null", "N").map(Value::of),
            bytes().map(Value::ofBytes),
            Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong())).map(Value::of),
            Arbitraries.longs().between(-100_000, 2_900_000).map(d -> Value.of(LocalDate.ofEpochDay(d))),
            Combinators.combine(Arbitraries.longs().between(-62_000_000_000L, 250_000_000_000L), Arbitraries.integers().between(0, 999_999_999))
                .as((s, n) -> Value.of(Instant.ofEpochSecond(s, n))));
    return Arbitraries.recursive(
        () -> scalar,
        inner ->
            Arbitraries.oneOf(
                scalar,
                inner.list().ofMaxSize(3).map(l -> (Value) Value.ListValue.of(l)),
                Arbitraries.maps(text(), inner).ofMaxSize(3).map(m -> (Value) Value.MapValue.of(m))),
        2);
  }

  static Arbitrary<Value.MapValue> documents() {
    return Arbitraries.maps(Arbitraries.of("a", "b", "id", "name", "é", "😀"), values())
        .ofMaxSize(4)
        .map(Value.MapValue::of);
  }

  static Arbitrary<Entry> entries() {
    return Combinators.combine(keys(), documents()).as(Entry::of);
  }

}
