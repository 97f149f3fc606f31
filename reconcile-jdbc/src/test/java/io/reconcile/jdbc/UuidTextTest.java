package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.store.Segment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The canonical text of UUIDs, and text bounds turned into UUID bounds: for any text and any UUID,
 * the UUID's text is at or after the text exactly when the UUID is at or after the text's ceiling;
 * and a UUID key compared as text scans, for any text bounds, exactly the keys {@link Key} order
 * puts in the range.
 */
class UuidTextTest {

  @Example
  void parsesOnlyTheCanonicalText() {
    UUID u = UUID.fromString("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9");
    assertThat(UuidText.parse("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")).isEqualTo(u);
    assertThat(UuidText.parse("0A1B2C3D-4E5F-6071-8293-A4B5C6D7E8F9")).isNull(); // upper case
    assertThat(UuidText.parse("a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")).isNull(); // UUID.fromString takes it
    assertThat(UuidText.parse("0a1b2c3d4e5f-6071-8293-a4b5c6d7e8f9x")).isNull();
    assertThat(UuidText.parse("{0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f}")).isNull();
    assertThat(UuidText.parse("")).isNull();
  }

  @Example
  void ceilings() {
    assertThat(UuidText.ceiling("")).isEqualTo(new UUID(0, 0));
    assertThat(UuidText.ceiling("0a")).hasToString("0a000000-0000-0000-0000-000000000000");
    assertThat(UuidText.ceiling("0A")).hasToString("0a000000-0000-0000-0000-000000000000");
    assertThat(UuidText.ceiling("09z")).hasToString("0a000000-0000-0000-0000-000000000000");
    assertThat(UuidText.ceiling("0123456789")).hasToString("01234568-0000-0000-0000-000000000000");
    assertThat(UuidText.ceiling("01234567-")).hasToString("01234567-0000-0000-0000-000000000000");
    assertThat(UuidText.ceiling("01234567-0000-0000-0000-000000000000\0"))
        .hasToString("01234567-0000-0000-0000-000000000001");
    assertThat(UuidText.ceiling("0fffffff-ffff-ffff-ffff-ffffffffffff\0"))
        .hasToString("10000000-0000-0000-0000-000000000000");
    assertThat(UuidText.ceiling("ffffffff-ffff-ffff-ffff-ffffffffffff")).isEqualTo(new UUID(-1, -1));
    assertThat(UuidText.ceiling("ffffffff-ffff-ffff-ffff-ffffffffffff\0")).isNull();
    assertThat(UuidText.ceiling("g")).isNull();
    assertThat(UuidText.ceiling("\uD83D\uDE42")).isNull();
  }

  @Property(tries = 2000)
  void aTextsCeilingSplitsTheUuidsAsTheTextDoes(@ForAll("texts") String s, @ForAll("uuids") UUID u) {
    UUID ceiling = UuidText.ceiling(s);
    boolean atOrAfter = Key.of(u.toString()).compareTo(Key.of(s)) >= 0;
    assertThat(ceiling != null && Key.of(u).compareTo(Key.of(ceiling)) >= 0).as("%s vs %s: %s", u, s, ceiling)
        .isEqualTo(atOrAfter);
    if (ceiling != null) {
      // The least such: its text is at or after s, and the UUID just before it is before s.
      assertThat(Key.of(ceiling.toString()).compareTo(Key.of(s))).isGreaterThanOrEqualTo(0);
      if (!ceiling.equals(new UUID(0, 0))) {
        UUID before = ceiling.getLeastSignificantBits() != 0
            ? new UUID(ceiling.getMostSignificantBits(), ceiling.getLeastSignificantBits() - 1)
            : new UUID(ceiling.getMostSignificantBits() - 1, -1L);
        assertThat(Key.of(before.toString()).compareTo(Key.of(s))).as("%s before %s", before, s).isNegative();
      }
    }
  }

  @Property(tries = 40)
  void uuidKeysComparedAsTextScanAsKeyOrderSays(
      @ForAll("uuidLists") List<UUID> uuids,
      @ForAll("texts") String a,
      @ForAll("texts") String b,
      @ForAll @IntRange(min = 1, max = 5) int fetchSize,
      @ForAll @IntRange(min = 1, max = 4) int segments)
      throws Exception {
    DataSource ds = H2.fresh("CREATE TABLE t (id UUID, n BIGINT, v BIGINT, PRIMARY KEY (id, n))");
    TreeSet<Key> model = new TreeSet<>();
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, 0)")) {
      for (UUID u : uuids) {
        for (long n = 0; n < 2; n++) {
          if (model.add(Key.of(u.toString(), n))) {
            ps.setObject(1, u);
            ps.setLong(2, n);
            ps.executeUpdate();
          }
        }
      }
    }
    JdbcStore s = JdbcStore.newBuilder(ds).table("t").fetchSize(fetchSize)
        .normalization(Normalization.newBuilder().asText("id").build()).build();
    Key lo = Key.of(a);
    Key hi = Key.of(b, 1L); // a bound of both parts, the other a prefix
    KeyRange range = lo.compareTo(hi) < 0 ? KeyRange.of(lo, hi) : KeyRange.of(hi, lo);
    List<Key> expected = model.stream().filter(range::contains).toList();
    try (Stream<Entry> scanned = s.scan(range)) {
      assertThat(scanned.map(Entry::key).toList()).isEqualTo(expected);
    }
    assertThat(s.get(expected).keySet()).containsExactlyElementsOf(expected);
    // A look-up of text that spells no UUID (or none of the table's) finds nothing.
    Key probe = Key.of(a, 0L);
    assertThat(s.get(List.of(probe)).keySet()).isEqualTo(model.contains(probe) ? java.util.Set.of(probe) : java.util.Set.of());
    long counted = 0;
    for (Segment seg : s.segments(range, segments)) {
      try (Stream<Entry> scanned = s.scan(seg.range())) {
        counted += scanned.count();
      }
    }
    assertThat(counted).isEqualTo(expected.size());
  }

  @Provide
  Arbitrary<String> texts() {
    // Near UUID texts: their characters, the ones just around them, and the ends of the range.
    Arbitrary<Character> chars = Arbitraries.of(
        '0', '1', '8', '9', 'a', 'e', 'f', '-', '/', ':', '`', 'g', 'A', 'F', '\0', ',', '.', '~');
    Arbitrary<String> near = Arbitraries.strings().withChars("0189aef-").ofMinLength(0).ofMaxLength(40);
    Arbitrary<String> any = chars.list().ofMaxSize(40).map(l -> {
      StringBuilder sb = new StringBuilder();
      l.forEach(sb::append);
      return sb.toString();
    });
    Arbitrary<String> edited = Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong()).toString())
        .flatMap(t -> Arbitraries.integers().between(0, 36).flatMap(cut ->
            Arbitraries.of("", "\0", "0", "f", "g", "-", "z").map(tail -> t.substring(0, cut) + tail)));
    return Arbitraries.oneOf(near, any, edited, Arbitraries.of("", "\uD83D\uDE42", "ffffffff-ffff-ffff-ffff-ffffffffffff"));
  }

  @Provide
  Arbitrary<UUID> uuids() {
    Arbitrary<Long> halves = Arbitraries.oneOf(
        Arbitraries.longs(), Arbitraries.of(0L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, 0x0fffffffffffffffL));
    return net.jqwik.api.Combinators.combine(halves, halves).as(UUID::new);
  }

  @Provide
  Arbitrary<List<UUID>> uuidLists() {
    return uuids().list().ofMaxSize(12);
  }
}
