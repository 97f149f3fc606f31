package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.VersionVector.Order;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of {@link VersionVector}, checked against a plain {@code Map} model. Node ids come from a
 * small alphabet and counters are mostly small, so equal, ordered and concurrent pairs are all
 * common.
 */
class VersionVectorPropertiesTest {

  private static final String[] NODES = {"a", "b", "c", "node-1", "n.2", "Z_3"};

  @Provide
  Arbitrary<String> nodes() {
    return Arbitraries.of(NODES);
  }

  @Provide
  Arbitrary<VersionVector> vectors() {
    Arbitrary<Long> counters =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.longs().between(1, 3)),
            Tuple.of(1, Arbitraries.longs().between(1, Long.MAX_VALUE)));
    return Arbitraries.maps(nodes(), counters).ofMaxSize(5).map(VersionVector::of);
  }

  /** Mutations of an encoding: flip, overwrite, insert or delete one byte, or truncate. */
  record Mutation(int kind, int position, byte value) {
    byte[] applyTo(byte[] in) {
      int at = Math.floorMod(position, in.length + 1);
      switch (kind) {
        case 0: // flip one bit
          if (at == in.length) {
            return in;
          }
          byte[] flipped = in.clone();
          flipped[at] ^= (byte) (1 << (value & 7));
          return flipped;
        case 1: // overwrite a byte
          if (at == in.length) {
            return in;
          }
          byte[] written = in.clone();
          written[at] = value;
          return written;
        case 2: // insert a byte
          byte[] longer = new byte[in.length + 1];
          System.arraycopy(in, 0, longer, 0, at);
          longer[at] = value;
          System.arraycopy(in, at, longer, at + 1, in.length - at);
          return longer;
        case 3: // delete a byte
          if (at == in.length) {
            return in;
          }
          byte[] shorter = new byte[in.length - 1];
          System.arraycopy(in, 0, shorter, 0, at);
          System.arraycopy(in, at + 1, shorter, at, in.length - at - 1);
          return shorter;
        default: // truncate
          return Arrays.copyOf(in, at);
      }
    }

    String applyTo(String in) {
      int at = Math.floorMod(position, in.length() + 1);
      String palette = ":,{}0123456789abcZ-. \u00e9";
      char ch = palette.charAt(Math.floorMod(value, palette.length()));
      StringBuilder sb = new StringBuilder(in);
      switch (kind) {
        case 0:
        case 1:
          if (at < in.length()) {
            sb.setCharAt(at, ch);
          }
          return sb.toString();
        case 2:
          return sb.insert(at, ch).toString();
        case 3:
          return at < in.length() ? sb.deleteCharAt(at).toString() : in;
        default:
          return in.substring(0, at);
      }
    }
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    return Combinators.combine(
            Arbitraries.integers().between(0, 4),
            Arbitraries.integers().between(0, 200),
            // Bytes that matter to varints and ids (continuation bits, zero, the largest group)
            // half of the time, so overlong and oversized varints turn up.
            Arbitraries.oneOf(
                Arbitraries.bytes(),
                Arbitraries.of((byte) 0x00, (byte) 0x01, (byte) 0x7F, (byte) 0x80, (byte) 0xFF)))
        .as(Mutation::new);
  }

  /** The model: pointwise maximum over maps. */
  private static Map<String, Long> maxModel(VersionVector a, VersionVector b) {
    Map<String, Long> m = new TreeMap<>(a.asMap());
    b.asMap().forEach((node, counter) -> m.merge(node, counter, Math::max));
    return m;
  }

  /** The model: compare pointwise over the union of nodes, absent meaning 0. */
  private static Order compareModel(VersionVector a, VersionVector b) {
    TreeSet<String> all = new TreeSet<>(a.asMap().keySet());
    all.addAll(b.asMap().keySet());
    boolean less = false;
    boolean greater = false;
    for (String node : all) {
      less |= a.get(node) < b.get(node);
      greater |= a.get(node) > b.get(node);
    }
    if (less && greater) {
      return Order.CONCURRENT;
    }
    return less ? Order.BEFORE : greater ? Order.AFTER : Order.EQUAL;
  }

  /** A decoded vector must keep the invariants {@link VersionVector#of} enforces. */
  private static void assertValid(VersionVector v) {
    Map<String, Long> map = v.asMap();
    assertThat(map.values()).allMatch(counter -> counter >= 1, "counters of at least 1");
    assertThat(map.keySet()).allMatch(node -> node.matches("[A-Za-z0-9._-]{1,64}"), "valid ids");
    assertThat(v).isEqualTo(VersionVector.of(map));
  }

  // ---------------------------------------------------------------------------------------------
  // merge

  @Property(tries = 1000)
  void mergeIsThePointwiseMaximum(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    assertThat(a.merge(b).asMap()).isEqualTo(maxModel(a, b));
  }

  @Property(tries = 1000)
  void mergeIsCommutative(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    assertThat(a.merge(b)).isEqualTo(b.merge(a));
  }

  @Property(tries = 1000)
  void mergeIsAssociative(
      @ForAll("vectors") VersionVector a,
      @ForAll("vectors") VersionVector b,
      @ForAll("vectors") VersionVector c) {
    assertThat(a.merge(b).merge(c)).isEqualTo(a.merge(b.merge(c)));
  }

  @Property(tries = 1000)
  void mergeIsIdempotent(@ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    assertThat(a.merge(a)).isEqualTo(a);
    VersionVector ab = a.merge(b);
    assertThat(ab.merge(b)).isEqualTo(ab);
    assertThat(ab.merge(a)).isEqualTo(ab);
  }

  @Property(tries = 1000)
  void mergeDominatesBothInputs(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    VersionVector merged = a.merge(b);
    assertThat(merged.dominates(a)).isTrue();
    assertThat(merged.dominates(b)).isTrue();
    assertThat(merged.compare(a)).isIn(Order.AFTER, Order.EQUAL);
    assertThat(merged.compare(b)).isIn(Order.AFTER, Order.EQUAL);
  }

  @Property(tries = 1000)
  void mergeEqualsAnInputExactlyWhenThatInputDominates(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    assertThat(a.merge(b).equals(a)).isEqualTo(a.dominates(b));
  }

  // ---------------------------------------------------------------------------------------------
  // compare

  @Property(tries = 1000)
  void compareMatchesThePointwiseModel(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    Order order = a.compare(b);
    Statistics.label("order")
        .collect(order)
        .coverage(
            checker -> {
              for (Order each : Order.values()) {
                checker.check(each).percentage(p -> p >= 1);
              }
            });
    assertThat(order).isEqualTo(compareModel(a, b));
  }

  @Property(tries = 1000)
  void compareIsAntisymmetric(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    Order ab = a.compare(b);
    Order ba = b.compare(a);
    assertThat(ab == Order.BEFORE).isEqualTo(ba == Order.AFTER);
    assertThat(ab == Order.AFTER).isEqualTo(ba == Order.BEFORE);
    assertThat(ab == Order.CONCURRENT).isEqualTo(ba == Order.CONCURRENT);
    assertThat(ab == Order.EQUAL).isEqualTo(ba == Order.EQUAL).isEqualTo(a.equals(b));
    if (a.equals(b)) {
      assertThat(a.hashCode()).isEqualTo(b.hashCode());
    }
  }

  @Property(tries = 1000)
  void dominatesIsAfterOrEqual(
      @ForAll("vectors") VersionVector a, @ForAll("vectors") VersionVector b) {
    Order order = a.compare(b);
    assertThat(a.dominates(b)).isEqualTo(order == Order.AFTER || order == Order.EQUAL);
    assertThat(a.compare(a)).isEqualTo(Order.EQUAL);
  }

  // ---------------------------------------------------------------------------------------------
  // increment

  @Property(tries = 1000)
  void incrementMakesAStrictlyLaterVector(
      @ForAll("vectors") VersionVector v, @ForAll("nodes") String node) {
    long before = v.get(node);
    if (before == Long.MAX_VALUE) {
      assertThatThrownBy(() -> v.increment(node)).isInstanceOf(ArithmeticException.class);
      return;
    }
    VersionVector next = v.increment(node);
    assertThat(next.compare(v)).isEqualTo(Order.AFTER);
    assertThat(v.compare(next)).isEqualTo(Order.BEFORE);
    assertThat(next.get(node)).isEqualTo(before + 1);
    Map<String, Long> expected = new TreeMap<>(v.asMap());
    expected.put(node, before + 1);
    assertThat(next.asMap()).isEqualTo(expected);
  }

  @Property(tries = 1000)
  void concurrentIncrementsAreConcurrentAndMergeToALaterVector(
      @ForAll("vectors") VersionVector base,
      @ForAll("nodes") String left,
      @ForAll("nodes") String right) {
    if (base.get(left) == Long.MAX_VALUE || base.get(right) == Long.MAX_VALUE) {
      return; // covered by incrementMakesAStrictlyLaterVector
    }
    VersionVector l = base.increment(left);
    VersionVector r = base.increment(right);
    assertThat(l.compare(r)).isEqualTo(left.equals(right) ? Order.EQUAL : Order.CONCURRENT);
    assertThat(l.merge(r).compare(base)).isEqualTo(Order.AFTER);
  }

  // ---------------------------------------------------------------------------------------------
  // codecs

  @Property(tries = 1000)
  void textRoundTrips(@ForAll("vectors") VersionVector v) {
    String text = v.toText();
    assertThat(VersionVector.parse(text)).isEqualTo(v);
    assertThat(VersionVector.parse(text).toText()).isEqualTo(text);
  }

  @Property(tries = 1000)
  void binaryRoundTrips(@ForAll("vectors") VersionVector v) {
    byte[] bytes = v.toBytes();
    assertThat(bytes[0]).isEqualTo((byte) 1);
    assertThat(VersionVector.fromBytes(bytes)).isEqualTo(v);
    assertThat(VersionVector.fromBytes(bytes).toBytes()).isEqualTo(bytes);
  }

  /**
   * An independent encoder following the documented layout. If {@code padVarint} is a varint's
   * index (0 the entry count, then length and counter of each entry), that varint is written
   * non-minimally with one redundant {@code 0x80, 0x00} group.
   */
  private static byte[] referenceEncoding(VersionVector v, int padVarint) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    int index = 0;
    Map<String, Long> map = v.asMap();
    writeVarint(out, map.size(), index++ == padVarint);
    for (Map.Entry<String, Long> e : map.entrySet()) {
      byte[] id = e.getKey().getBytes(StandardCharsets.US_ASCII);
      writeVarint(out, id.length, index++ == padVarint);
      out.write(id, 0, id.length);
      writeVarint(out, e.getValue(), index++ == padVarint);
    }
    return out.toByteArray();
  }

  private static void writeVarint(ByteArrayOutputStream out, long value, boolean pad) {
    while (value >= 0x80) {
      out.write((int) (value & 0x7F) | 0x80);
      value >>>= 7;
    }
    if (pad) {
      out.write((int) value | 0x80);
      out.write(0);
    } else {
      out.write((int) value);
    }
  }

  @Property(tries = 1000)
  void binaryMatchesTheDocumentedLayout(@ForAll("vectors") VersionVector v) {
    assertThat(v.toBytes()).isEqualTo(referenceEncoding(v, -1));
  }

  @Property(tries = 1000)
  void overlongVarintsAreRejected(
      @ForAll("vectors") VersionVector v, @ForAll @IntRange(max = 10) int varint) {
    int pad = varint % (1 + 2 * v.asMap().size());
    byte[] padded = referenceEncoding(v, pad);
    assertThatThrownBy(() -> VersionVector.fromBytes(padded))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageMatching(".*(an overlong one of \\d+ bytes|a varint of more than 63 bits).*");
  }

  @Property(tries = 1000)
  void mutatedBytesDecodeCanonicallyOrFailWithIllegalArgument(
      @ForAll("vectors") VersionVector v,
      @ForAll @Size(min = 1, max = 3) List<@From("mutations") Mutation> mutations) {
    byte[] bytes = v.toBytes();
    for (Mutation m : mutations) {
      bytes = m.applyTo(bytes);
    }
    VersionVector decoded;
    try {
      decoded = VersionVector.fromBytes(bytes);
    } catch (IllegalArgumentException e) {
      Statistics.label("outcome").collect("rejected");
      assertThat(e).hasMessageStartingWith("cannot decode version vector bytes: at offset ");
      return;
    }
    // Any other exception type escapes and fails the property.
    Statistics.label("outcome").collect("decoded");
    // The encoding is canonical: whatever decodes re-encodes to exactly the same bytes.
    assertThat(decoded.toBytes()).isEqualTo(bytes);
    assertValid(decoded);
  }

  @Property(tries = 1000)
  void mutatedTextParsesCanonicallyOrFailsWithIllegalArgument(
      @ForAll("vectors") VersionVector v,
      @ForAll @Size(min = 1, max = 3) List<@From("mutations") Mutation> mutations) {
    String text = v.toText();
    for (Mutation m : mutations) {
      text = m.applyTo(text);
    }
    VersionVector parsed;
    try {
      parsed = VersionVector.parse(text);
    } catch (IllegalArgumentException e) {
      Statistics.label("outcome").collect("rejected");
      assertThat(e).hasMessageStartingWith("cannot parse version vector ");
      return;
    }
    Statistics.label("outcome").collect("parsed");
    assertThat(parsed.toText()).isEqualTo(text);
    assertValid(parsed);
  }

  @Property(tries = 1000)
  void ofAndAsMapRoundTrip(@ForAll("vectors") VersionVector v) {
    Map<String, Long> map = v.asMap();
    assertThat(VersionVector.of(map)).isEqualTo(v);
    List<String> keys = new ArrayList<>(map.keySet());
    assertThat(keys).isSorted();
    assertThat(map.values()).allMatch(counter -> counter >= 1);
    assertThat(v.isEmpty()).isEqualTo(map.isEmpty());
  }
}
