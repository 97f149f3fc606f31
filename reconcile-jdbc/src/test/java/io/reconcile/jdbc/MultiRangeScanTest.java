package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("several ranges scan as one: the rows of each range in turn")
class MultiRangeScanTest {

  private static List<Entry> scan(JdbcStore store, List<KeyRange> ranges) {
    try (Stream<Entry> s = store.scan(ranges)) {
      return s.toList();
    }
  }

  private static List<Entry> oneByOne(JdbcStore store, List<KeyRange> ranges) {
    List<Entry> out = new ArrayList<>();
    for (KeyRange r : ranges) {
      try (Stream<Entry> s = store.scan(r)) {
        s.forEach(out::add);
      }
    }
    return out;
  }

  /** Ascending, non-overlapping ranges with random (possibly open) bounds over -10..1010. */
  private static List<KeyRange> randomRanges(SplittableRandom random, int count) {
    TreeSet<Long> bounds = new TreeSet<>();
    while (bounds.size() < 2 * count) {
      bounds.add(random.nextLong(-10, 1010));
    }
    List<Long> b = new ArrayList<>(bounds);
    List<KeyRange> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Key lo = i == 0 && random.nextBoolean() ? null : Key.of(b.get(2 * i));
      Key hi = i == count - 1 && random.nextBoolean() ? null : Key.of(b.get(2 * i + 1));
      out.add(KeyRange.of(lo, hi));
    }
    return out;
  }

  @Test
  @DisplayName("equals scanning each range, across page boundaries, for random ranges")
  void equalsOneByOne() {
    DataSource ds = H2.fresh("CREATE TABLE t (id bigint PRIMARY KEY, v varchar(10))",
        "INSERT INTO t SELECT X * 2, 'v' || X FROM SYSTEM_RANGE(0, 500)");
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").fetchSize(7).build();
    SplittableRandom random = new SplittableRandom(42);
    for (int trial = 0; trial < 200; trial++) {
      List<KeyRange> ranges = randomRanges(random, 1 + random.nextInt(20));
      assertThat(scan(store, ranges)).as("%s", ranges).isEqualTo(oneByOne(store, ranges));
    }
    assertThat(scan(store, List.of())).isEmpty();
  }

  @Test
  @DisplayName("composite keys and prefix bounds")
  void compositeKeys() {
    DataSource ds = H2.fresh("CREATE TABLE c (a int, b varchar(5), v int, PRIMARY KEY (a, b))",
        "INSERT INTO c SELECT X / 3, CHAR(97 + MOD(X, 3)), X FROM SYSTEM_RANGE(0, 89)");
    JdbcStore store = JdbcStore.newBuilder(ds).table("c").fetchSize(4).build();
    List<KeyRange> ranges = List.of(
        KeyRange.of(null, Key.of(2L, "b")),
        KeyRange.of(Key.of(5L), Key.of(7L)),
        KeyRange.of(Key.of(7L, "c"), Key.of(9L, "a")),
        KeyRange.of(Key.of(28L, "b"), null));
    List<Entry> rows = scan(store, ranges);
    assertThat(rows).isEqualTo(oneByOne(store, ranges));
    assertThat(rows).extracting(e -> e.key().toString()).contains("(5, \"a\")", "(6, \"c\")", "(29, \"c\")")
        .doesNotContain("(7, \"a\")", "(9, \"a\")");
  }

  @Test
  @DisplayName("ranges out of order are refused")
  void refusesUnorderedRanges() {
    JdbcStore store = JdbcStore.newBuilder(H2.fresh("CREATE TABLE t (id int PRIMARY KEY)")).table("t").build();
    assertThatThrownBy(() -> store.scan(List.of(KeyRange.of(Key.of(5), Key.of(9)), KeyRange.of(Key.of(1), Key.of(3)))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName("adjacent ranges are read by one range condition, not an OR of many")
  void adjacentRangesCoalesce() {
    KeyRange a = KeyRange.below(Key.of(10));
    KeyRange b = KeyRange.of(Key.of(10), Key.of(20));
    KeyRange c = KeyRange.of(Key.of(25), Key.of(30));
    KeyRange d = KeyRange.atLeast(Key.of(30));
    assertThat(Cursor.coalesced(List.of(a, b, c, d)))
        .containsExactly(KeyRange.below(Key.of(20)), KeyRange.atLeast(Key.of(25)));
    assertThat(Cursor.coalesced(List.of(a, c))).containsExactly(a, c);
  }
}
