package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.reconcile.api.VersionVector.Order;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class VersionVectorTest {

  private static VersionVector vv(String text) {
    return VersionVector.parse(text);
  }

  @Nested
  @DisplayName("construction and access")
  class Construction {

    @Test
    @DisplayName("the empty vector has no entries and every counter is 0")
    void emptyVector() {
      VersionVector empty = VersionVector.empty();
      assertThat(empty.isEmpty()).isTrue();
      assertThat(empty.get("a")).isZero();
      assertThat(empty.asMap()).isEmpty();
      assertThat(VersionVector.of(Map.of())).isSameAs(empty);
    }

    @Test
    @DisplayName("of copies the map and exposes it sorted by node id")
    void ofCopiesAndSorts() {
      Map<String, Long> source = new HashMap<>();
      source.put("zeta", 2L);
      source.put("alpha", 7L);
      source.put("Mid", 1L);
      VersionVector v = VersionVector.of(source);
      source.put("alpha", 99L);
      source.put("other", 1L);

      assertThat(v.isEmpty()).isFalse();
      assertThat(v.get("alpha")).isEqualTo(7L);
      assertThat(v.get("zeta")).isEqualTo(2L);
      assertThat(v.get("other")).isZero();
      assertThat(v.get("not a valid id")).isZero();
      assertThat(v.asMap()).containsExactly(
          Map.entry("Mid", 1L), Map.entry("alpha", 7L), Map.entry("zeta", 2L));
    }

    @Test
    @DisplayName("asMap is unmodifiable and a snapshot")
    void asMapIsUnmodifiable() {
      VersionVector v = vv("{a:1}");
      Map<String, Long> map = v.asMap();
      assertThatThrownBy(() -> map.put("b", 1L)).isInstanceOf(UnsupportedOperationException.class);
      assertThat(v.get("b")).isZero();
    }

    @Test
    @DisplayName("of rejects zero and negative counters, telling the caller to leave the node out")
    void ofRejectsNonPositiveCounters() {
      assertThatThrownBy(() -> VersionVector.of(Map.of("a", 0L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "counter for node \"a\" must be at least 1, but found 0; leave the node out of the"
                  + " map to mean 0");
      assertThatThrownBy(() -> VersionVector.of(Map.of("a", -5L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("but found -5");
    }

    @ParameterizedTest(name = "rejects node id [{0}]")
    @ValueSource(
        strings = {
          "",
          "has space",
          "colon:",
          "comma,",
          "brace}",
          "caf\u00e9",
          "tab\t",
          "x12345678901234567890123456789012345678901234567890123456789012345"
        })
    void ofRejectsInvalidNodeIds(String node) {
      assertThatThrownBy(() -> VersionVector.of(Map.of(node, 1L)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "node id must be 1 to 64 characters from [A-Za-z0-9._-], but found ");
    }

    @Test
    @DisplayName("node id messages say which character is wrong and where")
    void nodeIdMessageNamesTheCharacter() {
      assertThatThrownBy(() -> VersionVector.of(Map.of("db 1", 1L)))
          .hasMessage(
              "node id must be 1 to 64 characters from [A-Za-z0-9._-], but found \"db 1\" with ' '"
                  + " at index 2; replace other characters, e.g. with '-' or '_'");
      assertThatThrownBy(() -> VersionVector.of(Map.of("", 1L)))
          .hasMessageContaining("but found an empty id");
      assertThatThrownBy(() -> VersionVector.of(Map.of("a".repeat(65), 1L)))
          .hasMessageContaining("but found one of 65 characters");
    }

    @Test
    @DisplayName("node ids of exactly 64 characters and every allowed symbol are accepted")
    void acceptsBoundaryNodeIds() {
      String longest = "a".repeat(64);
      VersionVector v = VersionVector.of(Map.of(longest, 1L, "A-z_0.9", 2L));
      assertThat(v.get(longest)).isEqualTo(1L);
      assertThat(v.get("A-z_0.9")).isEqualTo(2L);
    }

    @Test
    @DisplayName("of rejects a node id given twice by an identity map")
    void ofRejectsDuplicateIds() {
      Map<String, Long> identity = new IdentityHashMap<>();
      identity.put(new String("a"), 1L);
      identity.put(new String("a"), 2L);
      assertThatThrownBy(() -> VersionVector.of(identity))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must hold each node id once, but found \"a\" twice");
    }

    @Test
    @DisplayName("of rejects null keys and values with a NullPointerException")
    void ofRejectsNulls() {
      Map<String, Long> nullKey = new HashMap<>();
      nullKey.put(null, 1L);
      Map<String, Long> nullValue = new HashMap<>();
      nullValue.put("a", null);
      assertThatThrownBy(() -> VersionVector.of(nullKey))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("null node id");
      assertThatThrownBy(() -> VersionVector.of(nullValue))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("null for node \"a\"");
    }
  }

  @Nested
  @DisplayName("increment, merge, compare")
  class Operations {

    @Test
    @DisplayName("increment adds one to a node, starting absent nodes at 1, leaving the original")
    void increment() {
      VersionVector v = vv("{b:2}");
      assertThat(v.increment("b").toText()).isEqualTo("{b:3}");
      assertThat(v.increment("a").toText()).isEqualTo("{a:1,b:2}");
      assertThat(v.increment("c").toText()).isEqualTo("{b:2,c:1}");
      assertThat(v.toText()).isEqualTo("{b:2}");
      assertThat(VersionVector.empty().increment("x").toText()).isEqualTo("{x:1}");
    }

    @Test
    @DisplayName("increment fails clearly instead of overflowing")
    void incrementOverflow() {
      VersionVector max = VersionVector.of(Map.of("a", Long.MAX_VALUE));
      assertThatThrownBy(() -> max.increment("a"))
          .isInstanceOf(ArithmeticException.class)
          .hasMessageContaining("cannot increment the counter of node \"a\"")
          .hasMessageContaining("already 9223372036854775807");
      assertThat(max.increment("b").get("b")).isEqualTo(1L);
    }

    @Test
    @DisplayName("increment validates the node id")
    void incrementValidates() {
      assertThatThrownBy(() -> VersionVector.empty().increment("a b"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("node id must be");
    }

    @Test
    @DisplayName("merge takes the pointwise maximum")
    void merge() {
      assertThat(vv("{a:3,b:1}").merge(vv("{b:4,c:2}")).toText()).isEqualTo("{a:3,b:4,c:2}");
      assertThat(vv("{a:1}").merge(VersionVector.empty()).toText()).isEqualTo("{a:1}");
    }

    @Test
    @DisplayName("merge returns a dominating input unchanged")
    void mergeReusesDominatingInput() {
      VersionVector big = vv("{a:3,b:4}");
      VersionVector small = vv("{b:2}");
      assertThat(big.merge(small)).isSameAs(big);
      assertThat(small.merge(big)).isSameAs(big);
    }

    @ParameterizedTest(name = "{0} compare {1} = {2}")
    @CsvSource(
        delimiter = '|',
        value = {
          "{}          | {}          | EQUAL",
          "{}          | {a:1}       | BEFORE",
          "{a:1}       | {}          | AFTER",
          "{a:1,b:2}   | {a:1,b:2}   | EQUAL",
          "{a:1,b:2}   | {a:1,b:3}   | BEFORE",
          "{a:1}       | {a:1,b:1}   | BEFORE",
          "{a:2,b:1}   | {a:1,b:1}   | AFTER",
          "{a:1,c:1}   | {a:1}       | AFTER",
          "{a:2}       | {b:1}       | CONCURRENT",
          "{a:2,b:1}   | {a:1,b:2}   | CONCURRENT",
          "{a:1}       | {a:2,b:1,c:1} | BEFORE",
          "{a:1,c:5}   | {a:2,b:1}   | CONCURRENT",
          "{b:1}       | {a:1,c:1}   | CONCURRENT",
        })
    void compare(String left, String right, Order expected) {
      assertThat(vv(left).compare(vv(right))).isEqualTo(expected);
    }

    @Test
    @DisplayName("dominates means AFTER or EQUAL")
    void dominates() {
      assertThat(vv("{a:2}").dominates(vv("{a:1}"))).isTrue();
      assertThat(vv("{a:2}").dominates(vv("{a:2}"))).isTrue();
      assertThat(vv("{a:1}").dominates(vv("{a:2}"))).isFalse();
      assertThat(vv("{a:2}").dominates(vv("{b:1}"))).isFalse();
      assertThat(vv("{a:1}").dominates(VersionVector.empty())).isTrue();
    }
  }

  @Nested
  @DisplayName("equals, hashCode, toString")
  class ObjectMethods {

    @Test
    void equalsAndHashCodeFollowEntries() {
      VersionVector a = VersionVector.of(Map.of("a", 1L, "b", 2L));
      VersionVector b = vv("{a:1}").increment("b").increment("b");
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
      assertThat(a).isNotEqualTo(vv("{a:1,b:3}"));
      assertThat(a).isNotEqualTo(vv("{a:1,c:2}"));
      assertThat(a).isNotEqualTo("{a:1,b:2}");
      assertThat(a.equals(null)).isFalse();
    }

    @Test
    void toStringShowsTheEntries() {
      assertThat(vv("{a:1,b:2}")).hasToString("VersionVector{a:1,b:2}");
      assertThat(VersionVector.empty()).hasToString("VersionVector{}");
    }
  }

  @Nested
  @DisplayName("text form")
  class Text {

    @Test
    @DisplayName("writes sorted entries and reads them back")
    void roundTrip() {
      VersionVector v = VersionVector.of(Map.of("b", 5L, "a", 3L, "node-7.x_Y", Long.MAX_VALUE));
      assertThat(v.toText()).isEqualTo("{a:3,b:5,node-7.x_Y:9223372036854775807}");
      assertThat(VersionVector.parse(v.toText())).isEqualTo(v);
      assertThat(VersionVector.empty().toText()).isEqualTo("{}");
      assertThat(VersionVector.parse("{}")).isSameAs(VersionVector.empty());
    }

    @Test
    @DisplayName("a parse error says where, what was expected, what was found and what to do")
    void fullErrorMessage() {
      assertThatThrownBy(() -> VersionVector.parse("{a:3;b:5}"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "cannot parse version vector \"{a:3;b:5}\": at index 4 expected ',' or '}' after the"
                  + " counter of node \"a\" but found ';'; write it as {node:counter,...} (e.g."
                  + " {a:3,b:5}, or {} when empty) with no spaces, node ids of 1 to 64 characters"
                  + " from [A-Za-z0-9._-] in ascending order, each once, and counters from 1 to"
                  + " 9223372036854775807 without leading zeros");
    }

    static Stream<Arguments> malformedText() {
      return Stream.of(
          arguments("", 0, "expected '{' but found the end of the text"),
          arguments("a:1", 0, "expected '{' but found 'a'"),
          arguments("{", 1, "expected a node id of 1 to 64 characters"),
          arguments("{}x", 2, "expected the end of the text after the closing '}' but found 'x'"),
          arguments("{a:1}}", 5, "expected the end of the text after the closing '}'"),
          arguments("{a:1} ", 5, "but found ' '"),
          arguments("{ a:1}", 1, "expected a node id of 1 to 64 characters"),
          arguments("{a: 1}", 3, "expected a counter from 1 to"),
          arguments(
              "{a:1",
              4,
              "expected ',' or '}' after the counter of node \"a\" but found the end of the text"),
          arguments("{a:1,}", 5, "expected a node id"),
          arguments("{a}", 2, "expected ':' after node id \"a\" but found '}'"),
          arguments(
              "{a:}",
              3,
              "expected a counter from 1 to 9223372036854775807 without sign or leading zeros but"
                  + " found '}'"),
          arguments("{a:0}", 3, "but found '0'"),
          arguments("{a:01}", 3, "but found '0'"),
          arguments("{a:-1}", 3, "but found '-'"),
          arguments("{a:+1}", 3, "but found '+'"),
          arguments("{a:1.5}", 4, "expected ',' or '}'"),
          arguments(
              "{a:9223372036854775808}",
              3,
              "expected a counter of at most 9223372036854775807 but found a larger number"),
          arguments("{a:99999999999999999999}", 3, "but found a larger number"),
          arguments(
              "{b:1,a:2}", 5, "expected a node id after \"b\" in ascending order but found \"a\""),
          arguments("{a:1,a:2}", 5, "but found the same node again, \"a\""),
          arguments("{a:1,B:2}", 5, "expected a node id after \"a\" in ascending order"),
          arguments("{a\u00e9:1}", 2, "expected ':' after node id \"a\" but found '\\u00e9'"),
          arguments("{a:1}\n", 5, "but found '\\u000a'"));
    }

    @ParameterizedTest(name = "[{0}] fails at index {1}")
    @MethodSource("malformedText")
    void rejectsMalformedText(String text, int index, String detail) {
      assertThatThrownBy(() -> VersionVector.parse(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cannot parse version vector ")
          .hasMessageContaining(": at index " + index + " expected ")
          .hasMessageContaining(detail);
    }

    @Test
    @DisplayName("rejects a node id longer than 64 characters")
    void rejectsLongNodeId() {
      String text = "{" + "n".repeat(65) + ":1}";
      assertThatThrownBy(() -> VersionVector.parse(text))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(
              "at index 1 expected a node id of at most 64 characters but found a longer one");
      assertThat(VersionVector.parse("{" + "n".repeat(64) + ":1}").get("n".repeat(64)))
          .isEqualTo(1L);
    }

    @Test
    @DisplayName("shortens very long input in messages")
    void shortensLongInput() {
      String text = "{a:1," + "x".repeat(500);
      assertThatThrownBy(() -> VersionVector.parse(text))
          .hasMessageContaining("...(505 characters)")
          .message()
          .doesNotContain("x".repeat(100));
    }
  }

  @Nested
  @DisplayName("binary form")
  class Binary {

    @Test
    @DisplayName("has the documented layout")
    void layout() {
      byte[] bytes = vv("{a:3,bc:300}").toBytes();
      assertThat(bytes)
          .containsExactly(1, 2, 1, 'a', 3, 2, 'b', 'c', 0xAC - 256, 0x02);
      assertThat(VersionVector.empty().toBytes()).containsExactly(1, 0);
    }

    @Test
    @DisplayName("round-trips extreme counters and long ids")
    void roundTrip() {
      Map<String, Long> map = new TreeMap<>();
      map.put("a", 1L);
      map.put("b", 127L);
      map.put("c", 128L);
      map.put("d", Long.MAX_VALUE);
      map.put("e".repeat(64), (1L << 56) - 1);
      map.put("f", 1L << 56);
      VersionVector v = VersionVector.of(map);
      byte[] bytes = v.toBytes();
      assertThat(VersionVector.fromBytes(bytes)).isEqualTo(v);
      assertThat(VersionVector.fromBytes(VersionVector.empty().toBytes()))
          .isSameAs(VersionVector.empty());
    }

    @Test
    @DisplayName("does not retain or share the array")
    void arraysAreCopies() {
      VersionVector v = vv("{a:1}");
      byte[] bytes = v.toBytes();
      VersionVector decoded = VersionVector.fromBytes(bytes);
      bytes[4] = 9;
      assertThat(decoded.get("a")).isEqualTo(1L);
      assertThat(v.toBytes()).containsExactly(1, 1, 1, 'a', 1);
    }

    @Test
    @DisplayName("a decode error says where, what was expected, what was found and what to do")
    void fullErrorMessage() {
      assertThatThrownBy(() -> VersionVector.fromBytes(new byte[] {2, 0}))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "cannot decode version vector bytes: at offset 0 expected format version byte 0x01"
                  + " but found 0x02; pass only bytes produced by VersionVector.toBytes(); the"
                  + " input is truncated, corrupted or not a version vector");
    }

    record Bad(String name, int[] bytes, String detail) {
      @Override
      public String toString() {
        return name;
      }
    }

    static List<Bad> malformed() {
      return List.of(
          new Bad(
              "empty",
              new int[] {},
              "at offset 0 expected format version byte 0x01 but found no bytes at all"),
          new Bad(
              "version 0",
              new int[] {0, 0},
              "at offset 0 expected format version byte 0x01 but found 0x00"),
          new Bad("version 0xff", new int[] {0xFF, 0}, "but found 0xff"),
          new Bad(
              "no count",
              new int[] {1},
              "at offset 1 expected more bytes of an entry count (a varint) but found the end"
                  + " of the input"),
          new Bad(
              "trailing byte",
              new int[] {1, 0, 0},
              "at offset 2 expected the end of the input but found 1 trailing byte(s)"),
          new Bad(
              "trailing after entry",
              new int[] {1, 1, 1, 'a', 1, 7, 7},
              "at offset 5 expected the end of the input but found 2 trailing byte(s)"),
          new Bad(
              "count too large",
              new int[] {1, 2, 1, 'a', 1},
              "at offset 1 expected an entry count of at most 1 but found 2"),
          new Bad(
              "overlong count",
              new int[] {1, 0x81, 0x00, 1, 'a', 1},
              "at offset 1 expected a minimal varint for an entry count but found an overlong"
                  + " one of 2 bytes"),
          new Bad(
              "truncated count varint",
              new int[] {1, 0x81},
              "at offset 2 expected more bytes of an entry count"),
          new Bad(
              "zero id length",
              new int[] {1, 1, 0, 1},
              "at offset 2 expected a node id length from 1 to 64 but found 0"),
          new Bad(
              "id length 65",
              new int[] {1, 1, 65, 'a', 1},
              "at offset 2 expected the length of node id 0 of at most 64 but found 65"),
          new Bad(
              "truncated id",
              new int[] {1, 1, 3, 'a', 'b'},
              "at offset 5 expected the remaining 1 bytes of node id 0 but found the end of"
                  + " the input"),
          new Bad(
              "bad id byte",
              new int[] {1, 1, 2, 'a', ' ', 1},
              "at offset 4 expected a node id byte from [A-Za-z0-9._-] but found 0x20"),
          new Bad(
              "non-ascii id byte",
              new int[] {1, 1, 2, 'a', 0xC3, 1},
              "at offset 4 expected a node id byte from [A-Za-z0-9._-] but found 0xc3"),
          new Bad(
              "missing counter",
              new int[] {1, 1, 1, 'a'},
              "at offset 4 expected more bytes of the counter of node \"a\" (a varint) but"
                  + " found the end of the input"),
          new Bad(
              "truncated counter",
              new int[] {1, 1, 1, 'a', 0x80},
              "at offset 5 expected more bytes of the counter of node \"a\""),
          new Bad(
              "zero counter",
              new int[] {1, 1, 1, 'a', 0},
              "at offset 4 expected a counter of at least 1 for node \"a\" but found 0"),
          new Bad(
              "overlong counter",
              new int[] {1, 1, 1, 'a', 0x85, 0x00},
              "at offset 4 expected a minimal varint for the counter of node \"a\" but found"
                  + " an overlong one of 2 bytes"),
          new Bad(
              "counter of 64 bits",
              new int[] {1, 1, 1, 'a', 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01},
              "at offset 4 expected the counter of node \"a\" of at most 9223372036854775807"
                  + " but found a varint of more than 63 bits"),
          new Bad(
              "unsorted ids",
              new int[] {1, 2, 1, 'b', 1, 1, 'a', 1},
              "at offset 6 expected a node id after \"b\" in ascending order but found \"a\""),
          new Bad(
              "duplicate ids",
              new int[] {1, 2, 1, 'a', 1, 1, 'a', 2},
              "at offset 6 expected a node id after \"a\" in ascending order but found the"
                  + " same node again"));
    }

    @ParameterizedTest(name = "rejects {0}")
    @MethodSource("malformed")
    void rejectsMalformedBytes(Bad bad) {
      byte[] bytes = new byte[bad.bytes().length];
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = (byte) bad.bytes()[i];
      }
      assertThatThrownBy(() -> VersionVector.fromBytes(bytes))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("cannot decode version vector bytes: ")
          .hasMessageContaining(bad.detail())
          .hasMessageEndingWith("; pass only bytes produced by VersionVector.toBytes(); the input"
              + " is truncated, corrupted or not a version vector");
    }

    @Test
    @DisplayName("accepts the largest counter, nine varint bytes")
    void largestCounter() {
      byte[] bytes = {1, 1, 1, 'a', -1, -1, -1, -1, -1, -1, -1, -1, 0x7F};
      assertThat(VersionVector.fromBytes(bytes).get("a")).isEqualTo(Long.MAX_VALUE);
      assertThat(VersionVector.of(Map.of("a", Long.MAX_VALUE)).toBytes()).isEqualTo(bytes);
    }
  }
}
