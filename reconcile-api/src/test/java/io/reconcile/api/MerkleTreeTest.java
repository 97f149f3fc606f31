package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

  private static final HashScheme NATIVE = new HashScheme("postgresql-14/hash-record", 64);

  private static Key k(long v) {
    return Key.of(v);
  }

  private static List<Key> keys(long... values) {
    return LongStream.of(values).mapToObj(Key::of).toList();
  }

  private static Entry entry(long key, long value) {
    return Entry.of(Key.of(key), Map.of("v", value));
  }

  private static Digest digest(long count, long hi, long lo) {
    return new Digest(count, hi, lo);
  }

  /** Leaf i gets digest (i + 1, i, i * 7), so every leaf differs from every other. */
  private static List<Digest> distinctDigests(int leaves) {
    List<Digest> out = new ArrayList<>();
    for (int i = 0; i < leaves; i++) {
      out.add(digest(i + 1, i, i * 7L));
    }
    return out;
  }

  private static MerkleTree tree(KeyRange span, List<Key> cuts, List<Digest> digests) {
    return MerkleTree.fromDigests(span, cuts, digests, HashScheme.CANONICAL_MD5);
  }

  @Nested
  @DisplayName("shape and accessors")
  class Shape {

    @Test
    @DisplayName("a tree without cuts has one leaf, depth 0 and its leaf digest as root")
    void singleLeaf() {
      Digest d = digest(3, 1, 2);
      MerkleTree t = tree(KeyRange.all(), List.of(), List.of(d));

      assertThat(t.leafCount()).isEqualTo(1);
      assertThat(t.depth()).isZero();
      assertThat(t.root()).isEqualTo(d);
      assertThat(t.leafRange(0)).isEqualTo(KeyRange.all());
      assertThat(t.leafDigest(0)).isEqualTo(d);
      assertThat(t.scheme()).isEqualTo(HashScheme.CANONICAL_MD5);
    }

    @Test
    @DisplayName("depth is ceil(log2(leaves)) and leaves are padded with empty digests")
    void depthAndPadding() {
      assertThat(tree(KeyRange.all(), keys(10), distinctDigests(2)).depth()).isEqualTo(1);
      assertThat(tree(KeyRange.all(), keys(10, 20), distinctDigests(3)).depth()).isEqualTo(2);
      assertThat(tree(KeyRange.all(), keys(10, 20, 30), distinctDigests(4)).depth()).isEqualTo(2);
      MerkleTree five = tree(KeyRange.all(), keys(10, 20, 30, 40), distinctDigests(5));
      assertThat(five.depth()).isEqualTo(3);
      assertThat(five.leafCount()).isEqualTo(5);
      // Padding contributes nothing to the root: it is the sum of the five real leaves.
      Digest sum = Digest.EMPTY;
      for (Digest d : distinctDigests(5)) {
        sum = sum.plus(d);
      }
      assertThat(five.root()).isEqualTo(sum);
    }

    @Test
    @DisplayName("leaf ranges run from the span's bounds through the cuts")
    void leafRanges() {
      KeyRange span = KeyRange.of(k(0), k(100));
      MerkleTree t = tree(span, keys(10, 50), distinctDigests(3));

      assertThat(t.span()).isEqualTo(span);
      assertThat(t.cuts()).containsExactly(k(10), k(50));
      assertThat(List.of(t.leafRange(0), t.leafRange(1), t.leafRange(2)))
          .containsExactly(
              KeyRange.of(k(0), k(10)), KeyRange.of(k(10), k(50)), KeyRange.of(k(50), k(100)))
          .isEqualTo(span.split(t.cuts()));
      assertThat(t.leafDigest(2)).isEqualTo(distinctDigests(3).get(2));
    }

    @Test
    @DisplayName("leaf accessors reject indices outside [0, leafCount)")
    void leafIndexChecked() {
      MerkleTree t = tree(KeyRange.all(), keys(10), distinctDigests(2));
      // Index 2 is a padding slot inside the arrays, but not a leaf.
      assertThatThrownBy(() -> t.leafRange(2)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> t.leafDigest(2)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> t.leafDigest(-1)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    @DisplayName("cuts() is an immutable copy of the caller's list")
    void cutsCopied() {
      List<Key> cuts = new ArrayList<>(keys(10, 20));
      MerkleTree t = tree(KeyRange.all(), cuts, distinctDigests(3));
      cuts.add(k(30));

      assertThat(t.cuts()).containsExactly(k(10), k(20));
      assertThatThrownBy(() -> t.cuts().add(k(40)))
          .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("toString is short: leaves, depth and root")
    void toStringIsShort() {
      MerkleTree t = tree(KeyRange.all(), keys(10, 20), distinctDigests(3));
      assertThat(t.toString())
          .isEqualTo("MerkleTree[leaves=3, depth=2, root=" + t.root() + "]")
          .startsWith("MerkleTree[leaves=3, depth=2, root=6:");
    }
  }

  @Nested
  @DisplayName("fromDigests argument checks")
  class FromDigestsChecks {

    @Test
    @DisplayName("needs exactly cuts + 1 leaf digests")
    void digestCount() {
      assertThatThrownBy(() -> tree(KeyRange.all(), keys(10, 20), distinctDigests(2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "expected 3 leaf digests (one per leaf: cuts.size() + 1 with 2 cuts) but found 2");
      assertThatThrownBy(() -> tree(KeyRange.all(), keys(), distinctDigests(2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected 1 leaf digests")
          .hasMessageContaining("but found 2");
    }

    @Test
    @DisplayName("needs strictly ascending cuts")
    void ascending() {
      assertThatThrownBy(() -> tree(KeyRange.all(), keys(10, 30, 20), distinctDigests(4)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected strictly ascending cuts but found cut 2 = 20 after cut 1 = 30");
      assertThatThrownBy(() -> tree(KeyRange.all(), keys(10, 10), distinctDigests(3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected strictly ascending cuts but found cut 1 = 10 after cut 0 = 10");
    }

    @Test
    @DisplayName("needs every cut strictly inside the span, not on its lower bound")
    void insideSpan() {
      KeyRange span = KeyRange.of(k(0), k(100));
      assertThatThrownBy(() -> tree(span, keys(0, 50), distinctDigests(3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "expected every cut strictly inside the span [0, 100) (after its lower and before"
                  + " its upper bound) but found cut 0 = 0");
      assertThatThrownBy(() -> tree(span, keys(50, 100), distinctDigests(3)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("but found cut 1 = 100");
      assertThatThrownBy(() -> tree(KeyRange.atLeast(k(5)), keys(-3), distinctDigests(2)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("span [5, +∞)")
          .hasMessageContaining("found cut 0 = -3");
    }
  }

  @Nested
  @DisplayName("fromEntries")
  class FromEntries {

    @Test
    @DisplayName("buckets each entry into its leaf; a key equal to a cut opens the next leaf")
    void bucketing() {
      List<Entry> entries = List.of(entry(9, 1), entry(10, 2), entry(-5, 3), entry(25, 4));
      MerkleTree t = MerkleTree.fromEntries(KeyRange.all(), keys(10, 20), entries.iterator());

      assertThat(t.scheme()).isEqualTo(HashScheme.CANONICAL_MD5);
      assertThat(t.leafDigest(0))
          .isEqualTo(Digest.of(entries.get(0).hash()).plus(entries.get(2).hash()));
      assertThat(t.leafDigest(1)).isEqualTo(Digest.of(entries.get(1).hash()));
      assertThat(t.leafDigest(2)).isEqualTo(Digest.of(entries.get(3).hash()));
    }

    @Test
    @DisplayName("does not depend on the order entries arrive in")
    void orderIndependent() {
      List<Entry> entries = new ArrayList<>();
      for (long i = 0; i < 500; i++) {
        entries.add(entry(i * 3, i * i));
      }
      List<Key> cuts = keys(100, 400, 900, 1200);
      MerkleTree sorted = MerkleTree.fromEntries(KeyRange.all(), cuts, entries.iterator());
      Collections.shuffle(entries, new Random(42));
      MerkleTree shuffled = MerkleTree.fromEntries(KeyRange.all(), cuts, entries.iterator());

      assertThat(shuffled).isEqualTo(sorted).hasSameHashCodeAs(sorted);
      assertThat(shuffled.root().count()).isEqualTo(500);
    }

    @Test
    @DisplayName("rejects an entry outside the span, naming key and span")
    void outsideSpan() {
      KeyRange span = KeyRange.of(k(0), k(100));
      List<Entry> entries = List.of(entry(5, 1), entry(100, 2));
      assertThatThrownBy(() -> MerkleTree.fromEntries(span, keys(50), entries.iterator()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "entry key 100 lies outside the tree's span [0, 100); scan only the span's keys, or"
                  + " build the tree over a span that holds them");
    }

    @Test
    @DisplayName("checks cuts as fromDigests does")
    void checksCuts() {
      assertThatThrownBy(
              () -> MerkleTree.fromEntries(KeyRange.all(), keys(3, 1), List.<Entry>of().iterator()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expected strictly ascending cuts");
    }

    @Test
    @DisplayName("an empty scan gives empty digests everywhere")
    void empty() {
      MerkleTree t =
          MerkleTree.fromEntries(KeyRange.all(), keys(1, 2), List.<Entry>of().iterator());
      assertThat(t.root()).isEqualTo(Digest.EMPTY);
      assertThat(t)
          .isEqualTo(tree(KeyRange.all(), keys(1, 2), Collections.nCopies(3, Digest.EMPTY)));
    }
  }

  @Nested
  @DisplayName("sizing helpers")
  class Sizing {

    @Test
    @DisplayName("leafCountFor gives the smallest power of two with about rowsPerLeaf per leaf")
    void leafCountFor() {
      assertThat(MerkleTree.leafCountFor(0, 100, 1024)).isEqualTo(1);
      assertThat(MerkleTree.leafCountFor(1, 100, 1024)).isEqualTo(1);
      assertThat(MerkleTree.leafCountFor(100, 100, 1024)).isEqualTo(1);
      assertThat(MerkleTree.leafCountFor(101, 100, 1024)).isEqualTo(2);
      assertThat(MerkleTree.leafCountFor(1_000, 100, 1024)).isEqualTo(16);
      assertThat(MerkleTree.leafCountFor(1_600, 100, 1024)).isEqualTo(16);
      assertThat(MerkleTree.leafCountFor(1_601, 100, 1024)).isEqualTo(32);
    }

    @Test
    @DisplayName("leafCountFor caps at maxLeaves, rounded down to a power of two")
    void leafCountForCap() {
      assertThat(MerkleTree.leafCountFor(1_000_000_000L, 1, 1 << 20)).isEqualTo(1 << 20);
      assertThat(MerkleTree.leafCountFor(Long.MAX_VALUE, 1, Integer.MAX_VALUE))
          .isEqualTo(MerkleTree.MAX_LEAVES);
      assertThat(MerkleTree.leafCountFor(1_000_000, 1, 1000)).isEqualTo(512);
      assertThat(MerkleTree.leafCountFor(1_000_000, 1, 1)).isEqualTo(1);
    }

    @Test
    @DisplayName("leafCountFor rejects out-of-range arguments")
    void leafCountForChecks() {
      assertThatThrownBy(() -> MerkleTree.leafCountFor(-1, 100, 1024))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected rows >= 0 but found -1");
      assertThatThrownBy(() -> MerkleTree.leafCountFor(10, 0, 1024))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected rowsPerLeaf >= 1 but found 0");
      assertThatThrownBy(() -> MerkleTree.leafCountFor(10, 1, 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected maxLeaves >= 1 but found 0");
    }

    @Test
    @DisplayName("evenCuts picks evenly spaced distinct sample keys, never the smallest")
    void evenCuts() {
      List<Key> sample = LongStream.range(0, 100).mapToObj(Key::of).toList();
      assertThat(MerkleTree.evenCuts(sample, 4)).containsExactly(k(25), k(50), k(75));
      assertThat(MerkleTree.evenCuts(sample, 1)).isEmpty();
      assertThat(MerkleTree.evenCuts(sample, 100)).isEqualTo(sample.subList(1, 100));
      assertThat(MerkleTree.evenCuts(sample, 1000)).isEqualTo(sample.subList(1, 100));
      assertThat(MerkleTree.evenCuts(List.of(), 8)).isEmpty();
      assertThat(MerkleTree.evenCuts(keys(7), 8)).isEmpty();
    }

    @Test
    @DisplayName("evenCuts counts distinct keys, so repeats never give repeated cuts")
    void evenCutsRepeats() {
      List<Key> sample = keys(1, 1, 1, 1, 2, 2, 3, 3, 3, 4);
      assertThat(MerkleTree.evenCuts(sample, 2)).containsExactly(k(3));
      assertThat(MerkleTree.evenCuts(sample, 4)).containsExactly(k(2), k(3), k(4));
      assertThat(MerkleTree.evenCuts(sample, 10)).containsExactly(k(2), k(3), k(4));
    }

    @Test
    @DisplayName("evenCuts output is valid for a tree over a span holding the sample")
    void evenCutsBuildTree() {
      List<Key> sample = keys(0, 3, 8, 13, 21, 34, 55, 89);
      List<Key> cuts = MerkleTree.evenCuts(sample, 4);
      MerkleTree t =
          tree(KeyRange.of(k(0), k(90)), cuts, Collections.nCopies(cuts.size() + 1, Digest.EMPTY));
      assertThat(t.leafCount()).isEqualTo(4);
      for (int i = 0; i < t.leafCount(); i++) {
        KeyRange r = t.leafRange(i);
        assertThat(sample.stream().filter(r::contains)).as("leaf %s", r).hasSize(2);
      }
    }

    @Test
    @DisplayName("evenCuts rejects an unsorted sample and fewer than one leaf")
    void evenCutsChecks() {
      assertThatThrownBy(() -> MerkleTree.evenCuts(keys(1, 3, 2), 2))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "expected sample keys in ascending order but found key 2 = 2 after 3; sort the"
                  + " sample first");
      assertThatThrownBy(() -> MerkleTree.evenCuts(keys(1, 2), 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("expected leaves >= 1 but found 0");
    }
  }

  @Nested
  @DisplayName("diff")
  class Diff {

    private final KeyRange span = KeyRange.of(k(0), k(1000));
    private final List<Key> cuts = keys(100, 200, 300, 400, 500, 600, 700, 800, 900);

    @Test
    @DisplayName("equal trees have no differences")
    void equalTrees() {
      MerkleTree a = tree(span, cuts, distinctDigests(10));
      MerkleTree b = tree(span, new ArrayList<>(cuts), distinctDigests(10));
      assertThat(a.diff(b)).isEmpty();
      assertThat(a.diff(a)).isEmpty();
    }

    @Test
    @DisplayName("reports each differing leaf's range once, in key order, not merged")
    void differingLeaves() {
      List<Digest> changed = new ArrayList<>(distinctDigests(10));
      for (int i : new int[] {7, 0, 3, 4}) {
        changed.set(i, changed.get(i).plus(new RowHash(1, 1)));
      }
      MerkleTree a = tree(span, cuts, distinctDigests(10));
      MerkleTree b = tree(span, cuts, changed);

      List<KeyRange> expected =
          List.of(
              KeyRange.of(k(0), k(100)),
              KeyRange.of(k(300), k(400)),
              KeyRange.of(k(400), k(500)),
              KeyRange.of(k(700), k(800)));
      assertThat(a.diff(b)).isEqualTo(expected);
      assertThat(b.diff(a)).isEqualTo(expected);
    }

    @Test
    @DisplayName("a difference only in the high bits of the sum is found")
    void highBitsOnly() {
      List<Digest> changed = new ArrayList<>(distinctDigests(10));
      Digest d = changed.get(9);
      changed.set(9, digest(d.count(), d.sumHi() + 1, d.sumLo()));
      MerkleTree a = tree(span, cuts, distinctDigests(10));
      assertThat(a.diff(tree(span, cuts, changed))).containsExactly(KeyRange.of(k(900), k(1000)));
    }

    @Test
    @DisplayName("with different cuts, compares sums between the cuts both trees share")
    void differentCuts() {
      // Tree a: leaves at every 100; tree b: leaves split at 300 and 700 only.
      List<Digest> leavesA = distinctDigests(10);
      List<Digest> leavesB = new ArrayList<>();
      leavesB.add(sum(leavesA.subList(0, 3)));
      leavesB.add(sum(leavesA.subList(3, 7)).plus(new RowHash(0, 5)));
      leavesB.add(sum(leavesA.subList(7, 10)));
      MerkleTree a = tree(span, cuts, leavesA);
      MerkleTree b = tree(span, keys(300, 700), leavesB);

      assertThat(a.diff(b)).containsExactly(KeyRange.of(k(300), k(700)));
      assertThat(b.diff(a)).containsExactly(KeyRange.of(k(300), k(700)));
    }

    @Test
    @DisplayName("with no common cut, the whole span is one range")
    void noCommonCut() {
      MerkleTree a = tree(span, keys(100), List.of(digest(1, 0, 1), digest(1, 0, 2)));
      MerkleTree same =
          tree(span, keys(200, 300), List.of(digest(2, 0, 3), Digest.EMPTY, Digest.EMPTY));
      MerkleTree other =
          tree(span, keys(200, 300), List.of(digest(1, 0, 3), Digest.EMPTY, digest(1, 0, 1)));
      assertThat(a.diff(same)).isEmpty();
      assertThat(a.diff(other)).containsExactly(span);
    }

    @Test
    @DisplayName("cuts whose encodings concatenate to the same bytes are still different cuts")
    void cutBoundariesMatter() {
      // Key.of(1) then Key.of("a") encode, back to back, exactly as the one key (1, "a") does.
      List<Key> two = List.of(Key.of(1L), Key.of("a"));
      List<Key> one = List.of(Key.of(1L, "a"));
      MerkleTree a = MerkleTree.fromDigests(KeyRange.all(), two, distinctDigests(3), NATIVE);
      MerkleTree b = MerkleTree.fromDigests(KeyRange.all(), one, distinctDigests(2), NATIVE);

      assertThat(a.diff(b)).containsExactly(KeyRange.all());
      assertThat(b.diff(a)).containsExactly(KeyRange.all());
      assertThat(a).isNotEqualTo(b);
    }

    @Test
    @DisplayName("rejects trees over different spans, saying what to do")
    void differentSpans() {
      MerkleTree a = tree(span, List.of(), List.of(Digest.EMPTY));
      MerkleTree b = tree(KeyRange.all(), List.of(), List.of(Digest.EMPTY));
      assertThatThrownBy(() -> a.diff(b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "cannot compare Merkle trees over different spans: this tree covers [0, 1000) but"
                  + " the other covers [-∞, +∞); build both trees over the same span (the range"
                  + " being reconciled)");
    }

    @Test
    @DisplayName("rejects trees computed under different hash schemes, saying what to do")
    void differentSchemes() {
      MerkleTree a = tree(span, List.of(), List.of(Digest.EMPTY));
      MerkleTree b = MerkleTree.fromDigests(span, List.of(), List.of(Digest.EMPTY), NATIVE);
      assertThatThrownBy(() -> a.diff(b))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cannot compare digests computed under different hash schemes")
          .hasMessageContaining("canonical-md5")
          .hasMessageContaining("postgresql-14/hash-record")
          .hasMessageContaining("recompute one side under the other's scheme");
    }

    @Test
    @DisplayName("finds a few differences among 2^16 leaves")
    void largeTree() {
      int leaves = 1 << 16;
      List<Key> manyCuts = LongStream.range(1, leaves).mapToObj(i -> k(i * 10)).toList();
      Random random = new Random(7);
      List<Digest> base = new ArrayList<>();
      for (int i = 0; i < leaves; i++) {
        base.add(digest(random.nextInt(1000), random.nextLong(), random.nextLong()));
      }
      List<Digest> changed = new ArrayList<>(base);
      int[] at = {5, 40_000, 65_535, 12_345};
      for (int i : at) {
        changed.set(i, changed.get(i).plus(new RowHash(random.nextLong(), random.nextLong())));
      }
      MerkleTree a = tree(KeyRange.all(), manyCuts, base);
      MerkleTree b = tree(KeyRange.all(), manyCuts, changed);

      Arrays.sort(at);
      assertThat(a.diff(b))
          .containsExactly(
              a.leafRange(at[0]), a.leafRange(at[1]), a.leafRange(at[2]), a.leafRange(at[3]));
      assertThat(a.leafRange(65_535)).isEqualTo(KeyRange.atLeast(k(655_350)));
    }

    private Digest sum(List<Digest> ds) {
      Digest s = Digest.EMPTY;
      for (Digest d : ds) {
        s = s.plus(d);
      }
      return s;
    }
  }

  @Nested
  @DisplayName("equals and hashCode")
  class Equality {

    @Test
    @DisplayName("equal span, cuts, scheme and leaves make equal trees")
    void equal() {
      MerkleTree a = tree(KeyRange.all(), keys(10, 20), distinctDigests(3));
      MerkleTree b = tree(KeyRange.all(), new ArrayList<>(keys(10, 20)), distinctDigests(3));
      assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    @DisplayName("any difference in span, cuts, scheme or a leaf makes trees unequal")
    void unequal() {
      MerkleTree a = tree(KeyRange.all(), keys(10, 20), distinctDigests(3));
      List<Digest> swapped = new ArrayList<>(distinctDigests(3));
      Collections.swap(swapped, 0, 1); // same root, different leaves
      assertThat(a)
          .isNotEqualTo(tree(KeyRange.all(), keys(10, 20), swapped))
          .isNotEqualTo(tree(KeyRange.all(), keys(10, 21), distinctDigests(3)))
          .isNotEqualTo(tree(KeyRange.atLeast(k(0)), keys(10, 20), distinctDigests(3)))
          .isNotEqualTo(
              MerkleTree.fromDigests(KeyRange.all(), keys(10, 20), distinctDigests(3), NATIVE))
          .isNotEqualTo("a tree");
      assertThat(tree(KeyRange.all(), keys(10, 20), swapped).root()).isEqualTo(a.root());
    }
  }

  @Nested
  @DisplayName("binary form")
  class Serialisation {

    @Test
    @DisplayName("has the documented layout")
    void layout() throws IOException {
      MerkleTree t =
          MerkleTree.fromDigests(
              KeyRange.below(k(100)),
              keys(10),
              List.of(digest(1, 2, 3), digest(4, -1, -2)),
              NATIVE);

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(expected);
      out.write("RCMT".getBytes(StandardCharsets.US_ASCII));
      out.writeByte(1);
      byte[] name = NATIVE.name().getBytes(StandardCharsets.UTF_8);
      out.writeInt(name.length);
      out.write(name);
      out.writeInt(64);
      out.writeByte(0); // open lower bound
      out.writeByte(1);
      out.writeInt(k(100).encode().length);
      out.write(k(100).encode());
      out.writeInt(1);
      out.writeInt(k(10).encode().length);
      out.write(k(10).encode());
      out.writeInt(2);
      for (long v : new long[] {1, 2, 3, 4, -1, -2}) {
        out.writeLong(v);
      }

      assertThat(t.toBytes()).isEqualTo(expected.toByteArray());
    }

    @Test
    @DisplayName("round-trips trees of every shape")
    void roundTrip() {
      List<MerkleTree> trees =
          List.of(
              tree(KeyRange.all(), List.of(), List.of(Digest.EMPTY)),
              tree(KeyRange.of(k(-5), k(5)), keys(-1, 0, 3), distinctDigests(4)),
              MerkleTree.fromDigests(
                  KeyRange.atLeast(Key.of("eu", 1)),
                  List.of(Key.of("eu", 7), Key.of("us"), Key.ofBytes(new byte[] {0, 1, 0})),
                  distinctDigests(4),
                  new HashScheme("ünïcode-scheme", 96)));
      for (MerkleTree t : trees) {
        byte[] bytes = t.toBytes();
        MerkleTree back = MerkleTree.fromBytes(bytes);
        assertThat(back).isEqualTo(t);
        assertThat(back.scheme()).isEqualTo(t.scheme());
        assertThat(back.depth()).isEqualTo(t.depth());
        assertThat(back.root()).isEqualTo(t.root());
        assertThat(back.toBytes()).isEqualTo(bytes);
      }
    }

    @Test
    @DisplayName("readFrom consumes exactly one tree and leaves the rest of the stream")
    void embedded() {
      MerkleTree first = tree(KeyRange.all(), keys(1), distinctDigests(2));
      MerkleTree second = tree(KeyRange.all(), keys(1, 2), distinctDigests(3));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      first.writeTo(out);
      second.writeTo(out);
      out.write(42);

      ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
      assertThat(MerkleTree.readFrom(in)).isEqualTo(first);
      assertThat(MerkleTree.readFrom(in)).isEqualTo(second);
      assertThat(in.read()).isEqualTo(42);
    }

    @Test
    @DisplayName("rejects every truncation with a clear message")
    void truncated() {
      byte[] bytes = tree(KeyRange.of(k(0), k(9)), keys(3), distinctDigests(2)).toBytes();
      for (int length = 0; length < bytes.length; length++) {
        byte[] prefix = Arrays.copyOf(bytes, length);
        assertThatThrownBy(() -> MerkleTree.fromBytes(prefix))
            .as("prefix of %d bytes", length)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("snapshot");
      }
      assertThatThrownBy(() -> MerkleTree.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)))
          .hasMessageStartingWith("the Merkle tree snapshot ends early");
    }

    @Test
    @DisplayName("rejects a bad magic number")
    void badMagic() {
      byte[] bytes = tree(KeyRange.all(), List.of(), List.of(Digest.EMPTY)).toBytes();
      bytes[0] = 'X';
      assertThatThrownBy(() -> MerkleTree.fromBytes(bytes))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "expected the magic \"RCMT\" (52434d54) at the start of a Merkle tree snapshot but"
                  + " found 58434d54");
    }

    @Test
    @DisplayName("rejects an unknown format version")
    void unknownVersion() {
      byte[] bytes = tree(KeyRange.all(), List.of(), List.of(Digest.EMPTY)).toBytes();
      bytes[4] = 2;
      assertThatThrownBy(() -> MerkleTree.fromBytes(bytes))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("expected Merkle tree snapshot format version 1 but found 2");
    }

    @Test
    @DisplayName("rejects trailing bytes")
    void trailing() {
      byte[] bytes = tree(KeyRange.all(), List.of(), List.of(Digest.EMPTY)).toBytes();
      byte[] longer = Arrays.copyOf(bytes, bytes.length + 3);
      assertThatThrownBy(() -> MerkleTree.fromBytes(longer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "expected the Merkle tree snapshot to end after "
                  + bytes.length
                  + " bytes but found 3 more");
    }

    @Test
    @DisplayName("rejects inconsistent content")
    void inconsistent() throws IOException {
      // Cuts out of order.
      assertThatThrownBy(() -> MerkleTree.fromBytes(handMade(null, null, keys(5, 3), 3, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "invalid cuts in Merkle tree snapshot: expected strictly ascending");
      // A cut outside the span.
      assertThatThrownBy(() -> MerkleTree.fromBytes(handMade(k(0), k(10), keys(10), 2, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid cuts in Merkle tree snapshot");
      // Leaf count not cuts + 1.
      assertThatThrownBy(() -> MerkleTree.fromBytes(handMade(null, null, keys(5), 3, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "expected 2 leaves (cuts + 1) in Merkle tree snapshot but found 3");
      // An empty span.
      assertThatThrownBy(() -> MerkleTree.fromBytes(handMade(k(5), k(5), keys(), 1, 1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid span in Merkle tree snapshot");
      // A negative row count.
      assertThatThrownBy(() -> MerkleTree.fromBytes(handMade(null, null, keys(), 1, -1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("expected a row count >= 0 for leaf 0");
      // The handmade writer itself is right: with sane values it reads back.
      assertThat(MerkleTree.fromBytes(handMade(k(0), k(10), keys(5), 2, 1)))
          .isEqualTo(
              tree(KeyRange.of(k(0), k(10)), keys(5), List.of(digest(1, 0, 0), digest(1, 0, 0))));
    }

    @Test
    @DisplayName("rejects malformed fields: presence flag, key bytes, lengths, scheme")
    void malformedFields() throws IOException {
      byte[] bytes = tree(KeyRange.all(), keys(7), distinctDigests(2)).toBytes();
      int schemeEnd = 4 + 1 + 4 + "canonical-md5".length() + 4;

      byte[] badFlag = bytes.clone();
      badFlag[schemeEnd] = 2;
      assertThatThrownBy(() -> MerkleTree.fromBytes(badFlag))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "expected a presence flag 0 or 1 for the span's lower bound in Merkle tree snapshot"
                  + " but found 2");

      byte[] badKey = bytes.clone();
      badKey[schemeEnd + 2 + 4 + 4] = 0x77; // the type tag of cut 0
      assertThatThrownBy(() -> MerkleTree.fromBytes(badKey))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid key for cut 0 in Merkle tree snapshot: malformed key");

      byte[] negativeLength = bytes.clone();
      negativeLength[schemeEnd + 2 + 4] = (byte) 0x80; // the length of cut 0
      assertThatThrownBy(() -> MerkleTree.fromBytes(negativeLength))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("expected a length >= 0 for cut 0");

      byte[] hugeLength = bytes.clone();
      hugeLength[schemeEnd + 2 + 4] = (byte) 0x7f; // about 2 GiB announced, a few bytes present
      assertThatThrownBy(() -> MerkleTree.fromBytes(hugeLength))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("the Merkle tree snapshot ends early");

      byte[] weakScheme = bytes.clone();
      weakScheme[schemeEnd - 1] = 32; // bits
      assertThatThrownBy(() -> MerkleTree.fromBytes(weakScheme))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("invalid hash scheme in Merkle tree snapshot")
          .hasMessageContaining("at least 64 are required");
    }

    @Test
    @DisplayName("wraps real I/O failures in UncheckedIOException")
    void ioFailures() {
      MerkleTree t = tree(KeyRange.all(), keys(7), distinctDigests(2));
      OutputStream failingOut =
          new OutputStream() {
            @Override
            public void write(int b) throws IOException {
              throw new IOException("disk full");
            }
          };
      assertThatThrownBy(() -> t.writeTo(failingOut))
          .isInstanceOf(UncheckedIOException.class)
          .hasRootCauseMessage("disk full");

      byte[] bytes = t.toBytes();
      InputStream failingIn =
          new InputStream() {
            int served;

            @Override
            public int read() throws IOException {
              if (served == 10) {
                throw new IOException("connection reset");
              }
              return bytes[served++] & 0xFF;
            }
          };
      assertThatThrownBy(() -> MerkleTree.readFrom(failingIn))
          .isInstanceOf(UncheckedIOException.class)
          .hasRootCauseMessage("connection reset");
    }

    /** A snapshot written field by field, to produce content writeTo never would. */
    private byte[] handMade(
        @Nullable Key lo, @Nullable Key hi, List<Key> cuts, int leafCount, long leafRowCount)
        throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      DataOutputStream out = new DataOutputStream(bytes);
      out.write("RCMT".getBytes(StandardCharsets.US_ASCII));
      out.writeByte(1);
      byte[] name = "canonical-md5".getBytes(StandardCharsets.UTF_8);
      out.writeInt(name.length);
      out.write(name);
      out.writeInt(128);
      for (@Nullable Key bound : java.util.Arrays.asList(lo, hi)) {
        if (bound == null) {
          out.writeByte(0);
        } else {
          out.writeByte(1);
          out.writeInt(bound.encode().length);
          out.write(bound.encode());
        }
      }
      out.writeInt(cuts.size());
      for (Key cut : cuts) {
        out.writeInt(cut.encode().length);
        out.write(cut.encode());
      }
      out.writeInt(leafCount);
      for (int i = 0; i < leafCount; i++) {
        out.writeLong(leafRowCount);
        out.writeLong(0);
        out.writeLong(0);
      }
      return bytes.toByteArray();
    }
  }
}
