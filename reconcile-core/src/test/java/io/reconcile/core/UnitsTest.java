package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.core.Detector.Item;
import io.reconcile.core.Detector.State;
import io.reconcile.core.Detector.Unit;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("segments go through the pipeline in units: consecutive, few calls when differences are sparse or dense")
class UnitsTest {

  private static final int LEAF_ROWS = 256;

  /** n adjacent segments of 100 keys each. */
  private static List<KeyRange> segments(int n) {
    List<KeyRange> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(KeyRange.of(Key.of(100L * i), Key.of(100L * (i + 1))));
    }
    return out;
  }

  /** Two stores' digests of n segments of {@code rows} rows each, differing where {@code differs}. */
  private static List<List<Digest>> digests(int n, long rows, IntPredicate differs) {
    List<Digest> a = IntStream.range(0, n).mapToObj(i -> Digest.of(rows, BigInteger.ONE)).toList();
    List<Digest> b = IntStream.range(0, n).mapToObj(i -> Digest.of(rows, differs.test(i) ? BigInteger.TWO : BigInteger.ONE)).toList();
    return List.of(a, b);
  }

  private static List<Unit> units(int n, long rows, IntPredicate differs, boolean fullPass) {
    List<Integer> all = IntStream.range(0, n).boxed().toList();
    return Detector.units(all, segments(n), digests(n, rows, differs), LEAF_ROWS, fullPass);
  }

  private static List<Integer> indexes(List<Unit> units) {
    return units.stream().flatMap(u -> u.indexes().stream()).toList();
  }

  private static long leafRows(Unit u) {
    return u.items().stream().filter(i -> i.state() == State.LEAF).mapToLong(i -> i.digests().get(0).count()).sum();
  }

  @Test
  void denseDifferencesFillUnitsByRows() {
    List<Unit> units = units(1_000, 96, i -> true, false);
    assertThat(indexes(units)).isEqualTo(IntStream.range(0, 1_000).boxed().toList());
    assertThat(units).allSatisfy(u -> assertThat(leafRows(u)).isLessThanOrEqualTo(Detector.ROWS_PER_SCAN));
    assertThat(units).hasSize((int) Math.ceil(1_000 / (double) (Detector.ROWS_PER_SCAN / 96)));
  }

  @Test
  void fullPassStoresReadMoreRowsPerUnit() {
    List<Unit> units = units(1_000, 96, i -> true, true);
    assertThat(units).allSatisfy(u -> assertThat(leafRows(u)).isLessThanOrEqualTo(Detector.ROWS_PER_PASS));
    assertThat(units).hasSize((int) Math.ceil(1_000 / (double) (Detector.ROWS_PER_PASS / 96)));
  }

  @Test
  void sparseDifferencesAreAtMostSoManyRunsPerUnit() {
    List<Unit> units = units(1_000, 96, i -> i % 2 == 0, false);
    assertThat(indexes(units)).isEqualTo(IntStream.range(0, 1_000).boxed().toList());
    assertThat(units).allSatisfy(u ->
        assertThat(u.items().stream().filter(i -> i.state() == State.LEAF).count()).isLessThanOrEqualTo(Detector.LEAVES_PER_SCAN));
    assertThat(units).hasSize((int) Math.ceil(500 / (double) Detector.LEAVES_PER_SCAN));
  }

  @Test
  void aLargeDifferingSegmentStandsAloneAmongDifferingOnes() {
    List<Unit> units = units(5, LEAF_ROWS + 1, i -> i != 1, false);
    assertThat(units).extracting(Unit::indexes).containsExactly(List.of(0, 1), List.of(2), List.of(3), List.of(4));
    assertThat(units.get(0).items()).extracting(Item::state).containsExactly(State.LARGE, State.EQUAL);
  }

  @Test
  void equalSegmentsRideAlongUpToAUnitsLength() {
    List<Unit> units = units(3_000, 96, i -> false, false);
    assertThat(units).extracting(u -> u.items().size())
        .containsExactly(Detector.SEGMENTS_PER_UNIT, Detector.SEGMENTS_PER_UNIT, 3_000 - 2 * Detector.SEGMENTS_PER_UNIT);
  }
}
