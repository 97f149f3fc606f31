package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class SegmentTest {

  private static List<Key> keys(long from, long to) {
    return LongStream.range(from, to).mapToObj(Key::of).toList();
  }

  @Test
  @DisplayName("keys in order cut into adjacent segments of about equal, exact counts covering the range")
  void equalShares() {
    KeyRange range = KeyRange.of(Key.of(0), Key.of(100));
    List<Segment> s = Segment.ofKeys(range, 10, 3, keys(10, 20).iterator());
    assertThat(s).extracting(Segment::estimatedCount).containsExactly(3L, 3L, 4L);
    assertThat(s.get(0).range().lo()).isEqualTo(Key.of(0));
    assertThat(s.get(2).range().hi()).isEqualTo(Key.of(100));
    for (int i = 1; i < s.size(); i++) {
      assertThat(s.get(i).range().lo()).isEqualTo(s.get(i - 1).range().hi());
    }
    assertThat(s.get(1).range().lo()).isEqualTo(Key.of(13));
  }

  @Test
  @DisplayName("fewer keys than segments give a segment per key; none give the range itself; no segments is refused")
  void edges() {
    assertThat(Segment.ofKeys(KeyRange.all(), 2, 8, keys(0, 2).iterator())).hasSize(2);
    assertThat(Segment.ofKeys(KeyRange.all(), 0, 8, keys(0, 0).iterator())).containsExactly(new Segment(KeyRange.all(), 0));
    assertThatThrownBy(() -> Segment.ofKeys(KeyRange.all(), 1, 0, keys(0, 1).iterator()))
        .hasMessageContaining("maxSegments must be >= 1, but was 0");
  }
}
