package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.UUID;
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
        .hasMessageContaining("key part 0 must be a Long, Integer, String, UUID or byte[], but was java.lang.Double");
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
        .hasMessageContaining("found 0x77");
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
