package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Laws of {@link MerkleTree}, checked against a plain sorted-map model of the data. Keys are drawn
 * from a small range so that cuts, entries and edits collide often; values are arbitrary longs.
 */
class MerkleTreePropertiesTest {

  private static final long MIN = -500;
  private static final long MAX = 500;

  /** A span that holds every generated key, so cuts in [MIN + 1, MAX] are strictly inside. */
  private static final KeyRange BOUNDED = KeyRange.of(Key.of(MIN), Key.of(MAX + 1));

  /** One edit of the data: 0 changes a value, 1 deletes a key, 2 inserts a key. */
  record Edit(int kind, int pick, long key, long value) {}

  /**
   * Data before and after a list of edits, with the span and two cut sets to build trees with:
   * {@code cuts}, and {@code otherCuts} (a random subset of {@code cuts} plus random extra cuts).
   */
  record Scenario(
      KeyRange span,
      List<Key> cuts,
      List<Key> otherCuts,
      Map<Long, Long> data,
      List<Edit> edits,
      long shuffleSeed) {

    TreeMap<Long, Long> before() {
      return new TreeMap<>(data);
    }

    TreeMap<Long, Long> after() {
      TreeMap<Long, Long> after = before();
      for (Edit e : edits) {
        switch (e.kind()) {
          case 0 -> {
            if (!after.isEmpty()) {
              long k = nth(after, e.pick());
              long old = after.get(k);
              after.put(k, e.value() == old ? old ^ 1 : e.value());
            }
          }
          case 1 -> {
            if (!after.isEmpty()) {
              after.remove(nth(after, e.pick()));
            }
          }
          default -> {
            Long old = after.get(e.key());
            after.put(e.key(), old != null && old == e.value() ? old ^ 1 : e.value());
          }
        }
      }
      return after;
    }

    /** The keys whose data differs between before and after (edits may cancel out). */
    Set<Long> editedKeys() {
      TreeMap<Long, Long> before = before();
      TreeMap<Long, Long> after = after();
      Set<Long> edited = new TreeSet<>();
      for (Long k : union(before.keySet(), after.keySet())) {
        if (!Objects.equals(before.get(k), after.get(k))) {
          edited.add(k);
        }
      }
      return edited;
    }

    private static long nth(TreeMap<Long, Long> map, int pick) {
      int i = Math.floorMod(pick, map.size());
      return new ArrayList<>(map.keySet()).get(i);
    }
  }

  @Provide
  Arbitrary<Scenario> scenarios() {
    Arbitrary<KeyRange> spans = Arbitraries.of(BOUNDED, KeyRange.all());
    Arbitrary<Set<Long>> cutSets = Arbitraries.longs().between(MIN + 1, MAX).set().ofMaxSize(40);
    Arbitrary<Set<Long>> extraCuts = Arbitraries.longs().between(MIN + 1, MAX).set().ofMaxSize(10);
    Arbitrary<Tuple2<Set<Long>, Set<Long>>> cutPairs =
        cutSets.flatMap(
            cuts ->
                Combinators.combine(Arbitraries.subsetOf(cuts), extraCuts)
                    .as(
                        (subset, extra) -> {
                          Set<Long> other = new TreeSet<>(subset);
                          other.addAll(extra);
                          return Tuple.of(cuts, other);
                        }));
    Arbitrary<Map<Long, Long>> data =
        Arbitraries.maps(Arbitraries.longs().between(MIN, MAX), Arbitraries.longs()).ofMaxSize(200);
    Arbitrary<List<Edit>> someEdits =
        Combinators.combine(
                Arbitraries.integers().between(0, 2),
                Arbitraries.integers().between(0, 1000),
                Arbitraries.longs().between(MIN, MAX),
                Arbitraries.longs())
            .as(Edit::new)
            .list()
            .ofMinSize(1)
            .ofMaxSize(8);
    // Mostly some edits; no edits at all is one case among many, not a third of the tries.
    Arbitrary<List<Edit>> edits =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.just(List.<Edit>of())), Tuple.of(9, someEdits));
    Arbitrary<Long> seeds = Arbitraries.longs().withoutEdgeCases();
    return Combinators.combine(spans, cutPairs, data, edits, seeds)
        .as(
            (span, pair, d, e, seed) ->
                new Scenario(span, cutKeys(pair.get1()), cutKeys(pair.get2()), d, e, seed));
  }

  // ---------------------------------------------------------------------------------------------
  // diff
  // ---------------------------------------------------------------------------------------------

  @Property(tries = 1000)
  void diffWithSameCutsIsExactlyTheLeavesHoldingEditedKeys(@ForAll("scenarios") Scenario s) {
    Set<Long> edited = s.editedKeys();
    // A fresh list per tree, so the trees hold equal but distinct cut lists.
    MerkleTree before =
        MerkleTree.fromEntries(s.span(), new ArrayList<>(s.cuts()), iter(s.before()));
    MerkleTree after = MerkleTree.fromEntries(s.span(), new ArrayList<>(s.cuts()), iter(s.after()));

    List<KeyRange> expected = new ArrayList<>();
    for (int i = 0; i < before.leafCount(); i++) {
      KeyRange leaf = before.leafRange(i);
      if (edited.stream().anyMatch(k -> leaf.contains(Key.of(k)))) {
        expected.add(leaf);
      }
    }

    assertThat(before.diff(after)).isEqualTo(expected);
    // A tree sharing the very cut list instance takes the same path without comparing cuts.
    MerkleTree afterShared =
        MerkleTree.fromDigests(s.span(), before.cuts(), leafDigests(after), after.scheme());
    assertThat(before.diff(afterShared)).isEqualTo(expected);
    if (s.edits().isEmpty()) {
      assertThat(before.diff(after)).isEmpty();
    }
    Statistics.label("edited keys").collect(edited.isEmpty() ? "none" : "some");
    Statistics.label("differing leaves").collect(expected.size() < 2 ? expected.size() : "2+");
  }

  @Property(tries = 1000)
  void diffIsSymmetric(@ForAll("scenarios") Scenario s, @ForAll boolean sameCuts) {
    List<Key> otherCuts = sameCuts ? s.cuts() : s.otherCuts();
    MerkleTree before = MerkleTree.fromEntries(s.span(), s.cuts(), iter(s.before()));
    MerkleTree after = MerkleTree.fromEntries(s.span(), otherCuts, iter(s.after()));

    assertThat(after.diff(before)).isEqualTo(before.diff(after));
  }

  @Property(tries = 1000)
  void diffWithDifferentCutsCoversEditedKeysOnCommonBoundaries(@ForAll("scenarios") Scenario s) {
    Set<Long> edited = s.editedKeys();
    MerkleTree before = MerkleTree.fromEntries(s.span(), s.cuts(), iter(s.before()));
    MerkleTree after = MerkleTree.fromEntries(s.span(), s.otherCuts(), iter(s.after()));

    List<KeyRange> diff = before.diff(after);

    // Each reported range holds an edited key, and together they hold every edited key.
    for (KeyRange r : diff) {
      assertThat(edited).as("edited keys in %s", r).anyMatch(k -> r.contains(Key.of(k)));
    }
    for (long k : edited) {
      assertThat(diff).as("ranges holding edited key %s", k).anyMatch(r -> r.contains(Key.of(k)));
    }
    // Exactly: the ranges between the cuts both trees share that hold an edited key, in order.
    List<Key> common = new ArrayList<>(s.cuts());
    common.retainAll(s.otherCuts());
    List<KeyRange> expected =
        s.span().split(common).stream()
            .filter(r -> edited.stream().anyMatch(k -> r.contains(Key.of(k))))
            .toList();
    assertThat(diff).isEqualTo(expected);
    assertThat(after.diff(before)).isEqualTo(expected);
    Statistics.label("cut sets").collect(s.cuts().equals(s.otherCuts()) ? "equal" : "different");
  }

  // ---------------------------------------------------------------------------------------------
  // Construction
  // ---------------------------------------------------------------------------------------------

  @Property(tries = 1000)
  void fromEntriesIgnoresOrderAndAgreesWithFromDigests(@ForAll("scenarios") Scenario s) {
    List<Entry> sorted = entries(s.after());
    List<Entry> shuffled = new ArrayList<>(sorted);
    Collections.shuffle(shuffled, new Random(s.shuffleSeed()));

    MerkleTree fromSorted = MerkleTree.fromEntries(s.span(), s.cuts(), sorted.iterator());
    MerkleTree fromShuffled = MerkleTree.fromEntries(s.span(), s.cuts(), shuffled.iterator());

    // The model: each leaf's digest summed by a linear scan over its range, no binary search.
    List<KeyRange> leaves = s.span().split(s.cuts());
    List<Digest> perLeaf = new ArrayList<>();
    for (KeyRange leaf : leaves) {
      Digest d = Digest.EMPTY;
      for (Entry e : sorted) {
        if (leaf.contains(e.key())) {
          d = d.plus(e.hash());
        }
      }
      perLeaf.add(d);
    }
    MerkleTree fromDigests =
        MerkleTree.fromDigests(s.span(), s.cuts(), perLeaf, HashScheme.CANONICAL_MD5);

    assertThat(fromShuffled).isEqualTo(fromSorted).hasSameHashCodeAs(fromSorted);
    assertThat(fromDigests).isEqualTo(fromSorted).hasSameHashCodeAs(fromSorted);
    assertThat(leafDigests(fromSorted)).isEqualTo(perLeaf);
  }

  @Property(tries = 1000)
  void rootIsTheDigestOfAllEntries(@ForAll("scenarios") Scenario s) {
    List<Entry> entries = entries(s.before());
    MerkleTree tree = MerkleTree.fromEntries(s.span(), s.cuts(), entries.iterator());

    Digest all = Digest.EMPTY;
    for (Entry e : entries) {
      all = all.plus(e.hash());
    }
    assertThat(tree.root()).isEqualTo(all);
    assertThat(tree.root().count()).isEqualTo(entries.size());
    assertThat(tree.leafCount()).isEqualTo(s.cuts().size() + 1);
    assertThat(1 << tree.depth()).isGreaterThanOrEqualTo(tree.leafCount());
    assertThat(tree.depth() == 0 || 1 << (tree.depth() - 1) < tree.leafCount()).isTrue();
  }

  // ---------------------------------------------------------------------------------------------
  // Serialisation
  // ---------------------------------------------------------------------------------------------

  @Property(tries = 1000)
  void roundTripsThroughBytesAndStreams(@ForAll("scenarios") Scenario s) {
    MerkleTree tree = MerkleTree.fromEntries(s.span(), s.cuts(), iter(s.after()));

    byte[] bytes = tree.toBytes();
    MerkleTree back = MerkleTree.fromBytes(bytes);
    assertThat(back).isEqualTo(tree).hasSameHashCodeAs(tree);
    assertThat(back.toBytes()).isEqualTo(bytes);
    assertThat(back.diff(tree)).isEmpty();

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    tree.writeTo(out);
    assertThat(MerkleTree.readFrom(new ByteArrayInputStream(out.toByteArray()))).isEqualTo(tree);
  }

  // ---------------------------------------------------------------------------------------------
  // Sizing helpers
  // ---------------------------------------------------------------------------------------------

  @Property(tries = 1000)
  void leafCountForIsTheSmallestSufficientPowerOfTwoUnderTheCap(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long rows,
      @ForAll @IntRange(min = 1, max = 1_000_000) int rowsPerLeaf,
      @ForAll @IntRange(min = 1, max = Integer.MAX_VALUE) int maxLeaves) {
    int leaves = MerkleTree.leafCountFor(rows, rowsPerLeaf, maxLeaves);
    int cap = Integer.highestOneBit(Math.min(maxLeaves, MerkleTree.MAX_LEAVES));

    assertThat(Integer.bitCount(leaves)).as("a power of two").isEqualTo(1);
    assertThat(leaves).isBetween(1, cap);
    boolean enough = (long) leaves * rowsPerLeaf >= rows;
    assertThat(enough || leaves == cap).as("enough leaves unless capped").isTrue();
    if (leaves > 1) {
      assertThat((long) (leaves / 2) * rowsPerLeaf)
          .as("half as many would not do")
          .isLessThan(rows);
    }
  }

  @Property(tries = 1000)
  void evenCutsAreDistinctAscendingSampleKeysThatBuildATree(
      @ForAll("samples") List<Long> sample, @ForAll @IntRange(min = 1, max = 64) int leaves) {
    List<Key> sortedSample = sample.stream().map(Key::of).toList();
    List<Key> cuts = MerkleTree.evenCuts(sortedSample, leaves);
    long distinct = sample.stream().distinct().count();

    assertThat(cuts).hasSize((int) Math.max(0, Math.min(leaves - 1, distinct - 1)));
    assertThat(sortedSample).containsAll(cuts);
    for (int i = 1; i < cuts.size(); i++) {
      assertThat(cuts.get(i - 1)).isLessThan(cuts.get(i));
    }
    // Valid for a tree over the span of the sample, with a sampled key in every leaf.
    MerkleTree tree =
        MerkleTree.fromDigests(
            BOUNDED,
            cuts,
            Collections.nCopies(cuts.size() + 1, Digest.EMPTY),
            HashScheme.CANONICAL_MD5);
    for (int i = 0; i < tree.leafCount(); i++) {
      KeyRange leaf = tree.leafRange(i);
      assertThat(sortedSample).as("sampled keys in %s", leaf).anyMatch(leaf::contains);
    }
  }

  @Provide
  Arbitrary<List<Long>> samples() {
    return Arbitraries.longs()
        .between(MIN, MAX)
        .list()
        .ofMinSize(1)
        .ofMaxSize(200)
        .map(l -> l.stream().sorted().toList());
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers
  // ---------------------------------------------------------------------------------------------

  /** Ascending cut keys from a set of longs. */
  private static List<Key> cutKeys(Set<Long> values) {
    return new TreeSet<>(values).stream().map(Key::of).toList();
  }

  private static List<Entry> entries(Map<Long, Long> data) {
    List<Entry> out = new ArrayList<>();
    new TreeMap<>(data).forEach((k, v) -> out.add(Entry.of(Key.of(k), Map.of("v", v))));
    return out;
  }

  private static Iterator<Entry> iter(Map<Long, Long> data) {
    return entries(data).iterator();
  }

  private static List<Digest> leafDigests(MerkleTree tree) {
    List<Digest> out = new ArrayList<>();
    for (int i = 0; i < tree.leafCount(); i++) {
      out.add(tree.leafDigest(i));
    }
    return out;
  }

  private static Set<Long> union(Set<Long> a, Set<Long> b) {
    Set<Long> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }
}
