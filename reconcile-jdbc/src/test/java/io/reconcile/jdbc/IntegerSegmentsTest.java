package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Segment;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("an integer key splits by index probes, without reading the rows")
class IntegerSegmentsTest {

  private static long rows(DataSource ds, KeyRange r) {
    String where =
        (r.lo() == null ? "TRUE" : "id >= " + r.lo().part(0))
            + " AND " + (r.hi() == null ? "TRUE" : "id < " + r.hi().part(0));
    return H2.count(ds, "SELECT count(*) FROM t WHERE " + where);
  }

  private static void assertCovers(List<Segment> segments, KeyRange range) {
    assertThat(segments.get(0).range().lo()).isEqualTo(range.lo());
    assertThat(segments.get(segments.size() - 1).range().hi()).isEqualTo(range.hi());
    for (int i = 1; i < segments.size(); i++) {
      assertThat(segments.get(i).range().lo()).isEqualTo(segments.get(i - 1).range().hi());
    }
  }

  @Test
  @DisplayName("dense keys: even segments whose estimates are exact")
  void denseKeys() {
    DataSource ds = H2.fresh("CREATE TABLE t (id bigint PRIMARY KEY, v int)",
        "INSERT INTO t SELECT x, x FROM SYSTEM_RANGE(1, 1000)");
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").build();
    List<Segment> segments = store.segments(KeyRange.all(), 10);
    assertThat(segments).hasSize(10);
    assertCovers(segments, KeyRange.all());
    for (Segment s : segments) {
      assertThat(rows(ds, s.range())).isEqualTo(100).isEqualTo(s.estimatedCount());
    }
  }

  @Test
  @DisplayName("gapped keys: no empty segments over the gaps, and the range's own bounds are kept")
  void gappedKeys() {
    DataSource ds = H2.fresh("CREATE TABLE t (id bigint PRIMARY KEY, v int)",
        "INSERT INTO t SELECT x, x FROM SYSTEM_RANGE(1, 100)",
        "INSERT INTO t SELECT x + 1000000000000, x FROM SYSTEM_RANGE(1, 100)",
        "INSERT INTO t VALUES (-9223372036854775808, 0), (9223372036854775807, 0)");
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").build();
    for (KeyRange range : List.of(KeyRange.all(), KeyRange.of(Key.of(-5), Key.of(1000000000050L)))) {
      List<Segment> segments = store.segments(range, 16);
      assertCovers(segments, range);
      assertThat(segments.size()).isBetween(2, 16);
      for (Segment s : segments) {
        assertThat(rows(ds, s.range())).as("%s", s).isPositive();
      }
    }
    // One segment estimates rows, not the key span: what the engine sizes its plan by.
    assertThat(store.segments(KeyRange.all(), 1)).containsExactly(new Segment(KeyRange.all(), 202));
  }

  @Test
  @DisplayName("an empty range is one empty segment; a single key is one segment")
  void degenerate() {
    DataSource ds = H2.fresh("CREATE TABLE t (id int PRIMARY KEY)", "INSERT INTO t VALUES (5)");
    JdbcStore store = JdbcStore.newBuilder(ds).table("t").build();
    KeyRange empty = KeyRange.of(Key.of(10), Key.of(20));
    assertThat(store.segments(empty, 8)).containsExactly(new Segment(empty, 0));
    assertThat(store.segments(KeyRange.all(), 8)).containsExactly(new Segment(KeyRange.all(), 1));
  }
}
