package io.reconcile.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hashing;
import io.reconcile.api.Canonical;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.RowHash;
import io.reconcile.api.Value;
import io.reconcile.testkit.ReconcileArbitraries;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** canonical-xxh3-128/v1: XXH3-128 of the canonical encoding. */
class CanonicalXxh3Test {

  @Provide
  Arbitrary<Entry> entries() {
    return ReconcileArbitraries.entries();
  }

  private static RowHash xxh3(Key key, Map<String, ?> fields) {
    return CanonicalXxh3.hash(Entry.of(key, fields));
  }

  /**
   * Expected values are the xxHash reference implementation's (libxxhash 0.8.3, {@code
   * XXH3_128bits}, as {@code xxhsum -H2} prints them) over the encodings shown, one per length
   * class of XXH3's code: up to 16 bytes, 17 to 128, 129 to 240, longer.
   */
  @Test
  @DisplayName("equals the xxHash reference implementation over rows of every XXH3 length class")
  void knownAnswers() {
    assertThat(new String(Canonical.encodeRow(Key.of(7), Value.MapValue.of(Map.of("a", Value.of(1)))), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("n1:7m8:s1:an1:1");
    assertThat(xxh3(Key.of(7), Map.of("a", 1))).isEqualTo(RowHash.fromHex("9bc2961eb0cc2d03096ccb5961885a6b"));

    Map<String, Object> six = new LinkedHashMap<>();
    six.put("name", "customer-123456");
    six.put("amount", new BigDecimal("12345.67"));
    six.put("created", Instant.parse("2024-02-29T12:34:56.123456Z"));
    six.put("active", true);
    six.put("qty", 42);
    Map<String, Object> eight = new LinkedHashMap<>(six);
    eight.put("ref", UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
    eight.put("email", "ada@example.org");
    Map<String, Object> wide = new LinkedHashMap<>(eight);
    wide.put("note", "Grüße, 東京 🌍");
    wide.put("tags", List.of("a", "b"));
    wide.put("address", Map.of("city", "Zürich", "zip", "8001"));
    wide.put("missing", null);

    assertKnown(Key.of(1_000_000L), six, 116, "3578fdcb43d8e6f21cf72788143cdad7");
    assertKnown(Key.of(1_000_000L), eight, 189, "850ee6bc77b5f7631d0f9b9f0377bbb5");
    assertKnown(Key.of("eu", 42L), wide, 293, "a7c9cf55ee6d97ce35bf5b583872185b");
  }

  private static void assertKnown(Key key, Map<String, Object> fields, int encodedLength, String hex) {
    Entry e = Entry.of(key, fields);
    assertThat(Canonical.encodeRow(key, e.fields())).as("the encoding of %s", e).hasSize(encodedLength);
    assertThat(CanonicalXxh3.hash(e)).as("XXH3-128 of %s", e).isEqualTo(RowHash.fromHex(hex));
  }

  @Property(tries = 500)
  @Label("is XXH3-128 of the bytes Canonical.encodeRow returns, the version aside")
  void hashesTheRowEncoding(@ForAll("entries") Entry e) {
    HashValue128 h = Hashing.xxh3_128().hashBytesTo128Bits(Canonical.encodeRow(e.key(), e.fields()));
    assertThat(CanonicalXxh3.hash(e)).isEqualTo(new RowHash(h.getMostSignificantBits(), h.getLeastSignificantBits()));
    assertThat(CanonicalXxh3.hash(Entry.of(e.key(), e.fields()))).isEqualTo(CanonicalXxh3.hash(e));
  }

  @Property(tries = 500)
  @Label("rows hash equal exactly when their canonical encodings are equal")
  void equalExactlyWhenEncodingsAre(@ForAll("entries") Entry a, @ForAll("entries") Entry b) {
    boolean sameEncoding = Arrays.equals(Canonical.encodeRow(a.key(), a.fields()), Canonical.encodeRow(b.key(), b.fields()));
    assertThat(CanonicalXxh3.hash(a).equals(CanonicalXxh3.hash(b))).isEqualTo(sameEncoding);
  }

  @Test
  @DisplayName("keeps the canonical encoding's promises: typed, NULL ≠ '' ≠ 'NULL', no concatenation collisions, numbers by value")
  void canonicalPromises() {
    Map<String, Object> nullField = new LinkedHashMap<>();
    nullField.put("v", null);
    RowHash isNull = xxh3(Key.of(1), nullField);
    RowHash empty = xxh3(Key.of(1), Map.of("v", ""));
    RowHash text = xxh3(Key.of(1), Map.of("v", "NULL"));
    assertThat(List.of(isNull, empty, text)).doesNotHaveDuplicates();
    assertThat(xxh3(Key.of(1), Map.of("v", 1))).isNotEqualTo(xxh3(Key.of(1), Map.of("v", "1")));
    assertThat(xxh3(Key.of("1", "11"), Map.of())).isNotEqualTo(xxh3(Key.of("11", "1"), Map.of()));
    assertThat(xxh3(Key.of(1), Map.of("a", "1", "b", "11"))).isNotEqualTo(xxh3(Key.of(1), Map.of("a", "11", "b", "1")));
    assertThat(xxh3(Key.of(1), Map.of("v", new BigDecimal("1.50")))).isEqualTo(xxh3(Key.of(1), Map.of("v", new BigDecimal("1.5"))));
    assertThat(xxh3(Key.of(1), Map.of("v", 2))).isEqualTo(xxh3(Key.of(1), Map.of("v", new BigDecimal("2.000"))));
  }
}
