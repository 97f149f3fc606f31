package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Segment;
import io.reconcile.core.memory.MemoryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.sql.DataSource;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Scans, digests and segments of a composite (text, long) key agree with {@link Key} order, for
 * random keys, bounds (full, prefix and longer-than-key) and page sizes. Text is drawn from
 * characters below U+D800, where H2's UTF-16 order and code point order coincide.
 */
class ScanPropertiesTest {

  @Property(tries = 60)
  void scansDigestsAndSegmentsFollowKeyOrder(
      @ForAll("keyLists") List<Key> keys,
      @ForAll("bounds") Key a,
      @ForAll("bounds") Key b,
      @ForAll @IntRange(min = 1, max = 9) int fetchSize,
      @ForAll @IntRange(min = 1, max = 6) int segments)
      throws Exception {
    DataSource ds = H2.fresh("CREATE TABLE t (k1 VARCHAR(10), k2 BIGINT, v BIGINT, PRIMARY KEY (k1, k2))");
    TreeSet<Key> model = new TreeSet<>(keys);
    MemoryStore mem = MemoryStore.create("mem");
    try (Connection c = ds.getConnection();
        PreparedStatement ps = c.prepareStatement("INSERT INTO t VALUES (?, ?, ?)")) {
      for (Key k : model) {
        ps.setString(1, (String) k.part(0));
        ps.setLong(2, (Long) k.part(1));
        ps.setLong(3, k.hashCode());
        ps.executeUpdate();
        mem.put(Entry.of(k, Map.of("v", (long) k.hashCode())));
      }
    }
    JdbcStore s = JdbcStore.newBuilder(ds).table("t").fetchSize(fetchSize).build();
    KeyRange range = a.compareTo(b) < 0 ? KeyRange.of(a, b) : a.equals(b) ? KeyRange.atLeast(a) : KeyRange.of(b, a);
    List<Key> expected = model.stream().filter(range::contains).toList();
    try (Stream<Entry> st = s.scan(range)) {
      assertThat(st.map(Entry::key).toList()).isEqualTo(expected);
    }
    assertThat(s.digest(range)).isEqualTo(mem.digest(range));
    List<Segment> segs = s.segments(range, segments);
    assertThat(segs.get(0).range().lo()).isEqualTo(range.lo());
    assertThat(segs.get(segs.size() - 1).range().hi()).isEqualTo(range.hi());
    assertThat(segs.stream().mapToLong(Segment::estimatedCount).sum()).isEqualTo(expected.size());
    List<KeyRange> parts = new ArrayList<>();
    for (int i = 0; i < segs.size(); i++) {
      if (i > 0) {
        assertThat(segs.get(i).range().lo()).isEqualTo(segs.get(i - 1).range().hi());
      }
      parts.add(segs.get(i).range());
    }
    List<Digest> digests = s.digest(parts, HashScheme.CANONICAL_MD5);
    assertThat(digests).isEqualTo(mem.digest(parts, HashScheme.CANONICAL_MD5));
    for (int i = 0; i < segs.size(); i++) {
      assertThat(digests.get(i).count()).isEqualTo(segs.get(i).estimatedCount());
    }
  }

  private static Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange(' ', '\u00ff').withCharRange('\u0400', '\u04ff').ofMaxLength(3);
  }

  @Provide
  Arbitrary<List<Key>> keyLists() {
    return keys().list().ofMaxSize(40);
  }

  Arbitrary<Key> keys() {
    return Combinators.combine(text(), Arbitraries.longs().between(-5, 5)).as((t, n) -> Key.of(t, n));
  }

  @Provide
  Arbitrary<Key> bounds() {
    return Arbitraries.oneOf(
        keys(),
        text().map(Key::of),
        Combinators.combine(text(), Arbitraries.longs().between(-5, 5), text()).as((t, n, x) -> Key.of(t, n, x)));
  }
}
