package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("differing leaves are read in batches: few range conditions when sparse, few queries when dense")
class LeafBatchesTest {

  /** n adjacent segments of 100 keys each, every one holding {@code rows} rows in both stores. */
  private static List<KeyRange> segments(int n) {
    List<KeyRange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(KeyRange.of(Key.of(100L * i), Key.of(100L * (i + 1))));
    }
    return out;
  }

  private static List<List<Digest>> counts(int n, long rows) {
    List<Digest> one = IntStream.range(0, n).mapToObj(i -> Digest.of(rows, BigInteger.ONE)).toList();
    return List.of(one, one);
  }

  @Test
  void denseLeavesFillBatchesByRows() {
    List<Integer> all = IntStream.range(0, 1_000).boxed().toList();
    List<List<Integer>> batches = Run.leafBatches(all, segments(1_000), counts(1_000, 96));
    assertThat(batches).allSatisfy(b -> assertThat(b.size() * 96L).isLessThanOrEqualTo(Run.ROWS_PER_SCAN));
    assertThat(batches).hasSize((int) Math.ceil(1_000 / (double) (Run.ROWS_PER_SCAN / 96)));
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(all);
  }

  @Test
  void sparseLeavesAreAtMostSoManyRunsPerBatch() {
    List<Integer> everyOther = IntStream.range(0, 1_000).filter(i -> i % 2 == 0).boxed().toList();
    List<List<Integer>> batches = Run.leafBatches(everyOther, segments(1_000), counts(1_000, 96));
    assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeLessThanOrEqualTo(Run.LEAVES_PER_SCAN));
    assertThat(batches).hasSize((int) Math.ceil(500 / (double) Run.LEAVES_PER_SCAN));
    assertThat(batches.stream().flatMap(List::stream).toList()).isEqualTo(everyOther);
  }

  @Test
  void aLargeLeafStandsAlone() {
    List<List<Integer>> batches = Run.leafBatches(List.of(0, 1, 2), segments(3), counts(3, Run.ROWS_PER_SCAN));
    assertThat(batches).containsExactly(List.of(0), List.of(1), List.of(2));
  }
}
