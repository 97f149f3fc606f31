package io.reconcile.core.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.core.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CountCheckerTest {

  private static Entry row(long id) {
    return Entry.of(Key.of(id), Map.of("v", "v" + id));
  }

  /** A store holding keys 0..99. */
  private static MemoryStore hundred(String id) {
    MemoryStore s = MemoryStore.create(id);
    List<Entry> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(row(i));
    }
    s.putAll(rows);
    return s;
  }

  private static List<Divergence> check(CountChecker checker, KeyRange range, MemoryStore... s) {
    return check(checker, range, TestContext.of(s));
  }

  private static List<Divergence> check(CountChecker checker, KeyRange range, TestContext ctx) {
    List<Divergence> found = new ArrayList<>();
    checker.check(ctx, range, found::add);
    return found;
  }

  @Test
  @DisplayName("equal counts report nothing")
  void equalCounts() {
    assertThat(check(new CountChecker(4), KeyRange.all(), hundred("a"), hundred("b"))).isEmpty();
  }

  @Test
  @DisplayName("equal counts report nothing even when a row's data changed: counts only count")
  void changedDataKeepsCount() {
    MemoryStore b = hundred("b");
    b.put(Entry.of(Key.of(30), Map.of("v", "changed")));
    assertThat(check(new CountChecker(4), KeyRange.all(), hundred("a"), b)).isEmpty();
  }

  @Test
  @DisplayName("rows missing from another store: MISSING, keyed by the part's lower bound")
  void missingRows() {
    MemoryStore b = hundred("b");
    b.remove(Key.of(30));
    b.remove(Key.of(31));
    List<Divergence> found = check(new CountChecker(4), KeyRange.all(), hundred("a"), b);

    assertThat(found).hasSize(1);
    Divergence d = found.get(0);
    assertThat(d.key()).isEqualTo(Key.of(25));
    assertThat(d.kind()).isEqualTo(Kind.MISSING);
    assertThat(d.detail()).isEqualTo("row counts differ in [25, 50): a=25, b=23");
    assertThat(d.checker()).isEqualTo("row-count");
    assertThat(d.detectedAt()).isEqualTo(TestContext.NOW);
    assertThat(d.sides()).extracting(Side::store).containsExactly("a", "b");
    assertThat(d.sides()).allSatisfy(s -> assertThat(s.entry()).isNull());
  }

  @Test
  @DisplayName("rows only another store holds: EXTRA, one divergence per differing part")
  void extraRows() {
    MemoryStore b = hundred("b");
    b.put(row(1000));
    b.put(row(1001));
    b.remove(Key.of(60));
    List<Divergence> found = check(new CountChecker(4), KeyRange.all(), hundred("a"), b);

    assertThat(found).extracting(Divergence::key).containsExactly(Key.of(50), Key.of(75));
    assertThat(found).extracting(Divergence::kind).containsExactly(Kind.MISSING, Kind.EXTRA);
    assertThat(found.get(1).detail()).isEqualTo("row counts differ in [75, +∞): a=25, b=27");
  }

  @Test
  @DisplayName("a part with an open lower bound is keyed by the smallest key any store holds there")
  void openLowerBound() {
    MemoryStore b = hundred("b");
    b.put(row(-5));
    b.put(row(-3));
    // b scans in reverse order and without ORDERED_SCAN: the smallest key needs a full look.
    TrackingStore a = TrackingStore.of(hundred("a"));
    TrackingStore unordered = new TrackingStore(b, true);
    List<Divergence> found =
        check(new CountChecker(4), KeyRange.all(), TestContext.of(a, unordered));

    assertThat(found).hasSize(1);
    assertThat(found.get(0).key()).isEqualTo(Key.of(-5));
    assertThat(found.get(0).kind()).isEqualTo(Kind.EXTRA);
    assertThat(found.get(0).detail()).isEqualTo("row counts differ in [-∞, 25): a=25, b=27");
    assertThat(a.scansOpened.get() + unordered.scansOpened.get()).isPositive();
    assertThat(a.scansClosed).hasValue(a.scansOpened.get());
    assertThat(unordered.scansClosed).hasValue(unordered.scansOpened.get());
    assertThat(a.writes.get() + unordered.writes.get()).isZero();
  }

  @Test
  @DisplayName("with the reference's first rows missing elsewhere, the reference's first key names the part")
  void openLowerBoundReferenceFirst() {
    MemoryStore b = hundred("b");
    b.remove(Key.of(0));
    List<Divergence> found = check(new CountChecker(4), KeyRange.all(), hundred("a"), b);
    assertThat(found).extracting(Divergence::key).containsExactly(Key.of(0));
    assertThat(found.get(0).kind()).isEqualTo(Kind.MISSING);
  }

  @Test
  @DisplayName("only the given range is counted")
  void onlyTheRange() {
    MemoryStore b = hundred("b");
    b.remove(Key.of(80));
    KeyRange range = KeyRange.of(Key.of(10), Key.of(60));
    assertThat(check(new CountChecker(4), range, hundred("a"), b)).isEmpty();

    b.remove(Key.of(40));
    List<Divergence> found = check(new CountChecker(4), range, hundred("a"), b);
    assertThat(found).hasSize(1);
    assertThat(range.contains(found.get(0).key())).isTrue();
    assertThat(found.get(0).key().compareTo(Key.of(40))).isLessThanOrEqualTo(0);
  }

  @Test
  @DisplayName("with three stores, any store short of the reference makes it MISSING; all counts shown")
  void threeStores() {
    MemoryStore b = hundred("b");
    b.remove(Key.of(3));
    MemoryStore c = hundred("c");
    c.put(row(-1));
    List<Divergence> found = check(new CountChecker(1), KeyRange.all(), hundred("a"), b, c);
    assertThat(found).hasSize(1);
    assertThat(found.get(0).kind()).isEqualTo(Kind.MISSING);
    assertThat(found.get(0).key()).isEqualTo(Key.of(-1));
    assertThat(found.get(0).detail()).isEqualTo("row counts differ in [-∞, +∞): a=100, b=99, c=101");
    assertThat(found.get(0).sides()).extracting(Side::store).containsExactly("a", "b", "c");
  }

  @Test
  @DisplayName("an empty reference against a populated store is EXTRA")
  void emptyReference() {
    List<Divergence> found =
        check(new CountChecker(), KeyRange.all(), MemoryStore.create("a"), hundred("b"));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).kind()).isEqualTo(Kind.EXTRA);
    assertThat(found.get(0).key()).isEqualTo(Key.of(0));
  }

  @Test
  @DisplayName("a single store has nothing to compare with")
  void singleStore() {
    assertThat(check(new CountChecker(), KeyRange.all(), hundred("a"))).isEmpty();
  }

  @Test
  @DisplayName("counts are observations: not repairable; parts must be positive")
  void contract() {
    CountChecker c = new CountChecker();
    assertThat(c.name()).isEqualTo("row-count");
    assertThat(c.repairable()).isFalse();
    assertThat(c.parts()).isEqualTo(CountChecker.DEFAULT_PARTS);
    assertThatThrownBy(() -> new CountChecker(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("parts >= 1");
  }
}
