package io.reconcile.api;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A tree of segment {@link Digest digests} over key ranges: a {@link #span() span} cut at ascending
 * {@link #cuts() cut keys} into {@link #leafCount() leaves} ({@code span.split(cuts)}), each leaf
 * holding the digest of the rows in its range, each internal node the {@link Digest#plus(Digest)
 * sum} of its children. Because digests are additive, every node's digest is the digest of its
 * whole range and the {@link #root() root} is the digest of the whole span.
 *
 * <p>Two trees built over the same span and cuts (for example from two stores, or from one store at
 * two points in time) are compared with {@link #diff(MerkleTree)}, which descends only into
 * subtrees whose digests differ and yields the smallest differing ranges. Callers bisect those
 * ranges further on demand (a new, finer tree over just that range) instead of capping the depth
 * and streaming the rows of over-large leaves, as Cassandra does; {@link #leafCountFor} and {@link
 * #evenCuts} help choose a depth and cut points that fit the row count and memory.
 *
 * <p><b>Representation.</b> The tree is a complete binary tree stored in three flat {@code long}
 * arrays (row count, high and low 64 bits of the hash sum), the leaves padded with empty digests to
 * the next power of two: no object per node, so a tree of 2<sup>20</sup> leaves takes 48 MiB for
 * the digests, plus the cut keys and a flat copy of their {@link Key#encode() encodings} (13 bytes
 * per cut for single-{@code long} keys) on which cuts are compared.
 *
 * <p><b>Hash scheme.</b> A tree carries the {@link HashScheme} its digests were computed under;
 * digests of different schemes are never compared.
 *
 * <p><b>Binary form</b> ({@link #writeTo}, {@link #toBytes()}), a point-in-time snapshot manifest
 * that {@link #readFrom} and {@link #fromBytes} read back. All integers are big-endian, as {@link
 * DataOutputStream} writes them:
 *
 * <pre>
 *   magic        4 bytes  "RCMT" (0x52 0x43 0x4D 0x54)
 *   version      1 byte   1
 *   scheme name  int32 n, then n bytes of UTF-8
 *   scheme bits  int32
 *   span lo      1 byte presence flag (0 = open, 1 = present); if present: int32 n, then n bytes
 *                of {@link Key#encode()}
 *   span hi      the same
 *   cut count    int32 c
 *   cuts         c times: int32 n, then n bytes of {@link Key#encode()}
 *   leaf count   int32, always c + 1
 *   leaves       per leaf in key order: int64 row count, int64 high and int64 low 64 bits of the
 *                hash sum (the fields of {@link Digest})
 * </pre>
 *
 * Only the leaves are stored; internal nodes are recomputed on reading.
 *
 * <p>Instances are immutable and thread-safe. Every factory and accessor rejects null arguments
 * with a {@link NullPointerException}.
 */
public final class MerkleTree {

  /**
   * The most leaves a tree may have, 2<sup>29</sup>: the node arrays of a larger tree would not fit
   * in a Java array. Real trees stay far below it (see {@link #leafCountFor}).
   */
  public static final int MAX_LEAVES = 1 << 29;

  /** The format version {@link #writeTo} writes and {@link #readFrom} accepts. */
  private static final byte FORMAT_VERSION = 1;

  private static final byte[] MAGIC = {'R', 'C', 'M', 'T'};

  /** Reads 8 bytes of a byte array as one big-endian long, to compare key encodings quickly. */
  private static final VarHandle BIG_ENDIAN_LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private static final String SNAPSHOT_HINT =
      "; pass only bytes written by MerkleTree.writeTo/toBytes (the input is truncated, corrupted"
          + " or not a Merkle tree snapshot)";

  private final KeyRange span;
  private final List<Key> cuts;

  /**
   * The {@link Key#encode() order-preserving encodings} of the cuts, back to back: cut {@code i} is
   * {@code cutBytes[cutOffsets[i] .. cutOffsets[i + 1])}. Comparing cuts here, rather than as key
   * objects, keeps diff and equals on flat arrays.
   */
  private final byte[] cutBytes;

  private final int[] cutOffsets;
  private final HashScheme scheme;
  private final int leafCount;

  /** The number of leaf slots, a power of two; leaf {@code i} is node {@code width + i}. */
  private final int width;

  /** Node {@code 1} is the root, node {@code n} has children {@code 2n} and {@code 2n + 1}. */
  private final long[] counts;

  private final long[] his;
  private final long[] los;

  /**
   * Takes ownership of the arrays, whose leaf slots are filled; fills the internal nodes.
   *
   * @throws IllegalArgumentException if row counts add up beyond {@code Long.MAX_VALUE}
   */
  private MerkleTree(
      KeyRange span,
      Cuts cuts,
      HashScheme scheme,
      int width,
      long[] counts,
      long[] his,
      long[] los) {
    this.span = span;
    this.cuts = cuts.keys;
    this.cutBytes = cuts.bytes;
    this.cutOffsets = cuts.offsets;
    this.scheme = scheme;
    this.leafCount = cuts.keys.size() + 1;
    this.width = width;
    this.counts = counts;
    this.his = his;
    this.los = los;
    for (int n = width - 1; n >= 1; n--) {
      int l = 2 * n;
      int r = l + 1;
      try {
        counts[n] = Math.addExact(counts[l], counts[r]);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "the leaf row counts add up to more than " + Long.MAX_VALUE + " rows", e);
      }
      long lo = los[l] + los[r];
      his[n] = his[l] + his[r] + (Long.compareUnsigned(lo, los[l]) < 0 ? 1 : 0);
      los[n] = lo;
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Factories
  // ---------------------------------------------------------------------------------------------

  /**
   * A tree from digests a store computed per leaf, e.g. by a SQL aggregate per range.
   *
   * <p>Cost: O(n) time and memory for n leaves: a few key comparisons and one encoding per cut.
   *
   * @param span the key range the tree covers
   * @param cuts strictly ascending keys, each strictly inside {@code span} (after its lower bound
   *     and before its upper bound); they cut {@code span} into {@code cuts.size() + 1} leaves as
   *     {@link KeyRange#split(List)} does. The list is copied.
   * @param leafDigests the digest of each leaf range in key order, {@code cuts.size() + 1} of them
   * @param scheme the hash scheme the digests were computed under
   * @throws IllegalArgumentException if the cuts are not strictly ascending or not strictly inside
   *     {@code span}, if there is not exactly one digest per leaf, if there would be more than
   *     {@link #MAX_LEAVES} leaves, or if the row counts add up beyond {@code Long.MAX_VALUE}
   */
  public static MerkleTree fromDigests(
      KeyRange span, List<Key> cuts, List<Digest> leafDigests, HashScheme scheme) {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(scheme, "scheme");
    Cuts cutList = checkCuts(span, cuts);
    int leaves = cutList.keys.size() + 1;
    if (leafDigests.size() != leaves) {
      throw new IllegalArgumentException(
          "expected "
              + leaves
              + " leaf digests (one per leaf: cuts.size() + 1 with "
              + cutList.keys.size()
              + " cuts) but found "
              + leafDigests.size());
    }
    int width = widthFor(leaves);
    long[] counts = new long[2 * width];
    long[] his = new long[2 * width];
    long[] los = new long[2 * width];
    int i = width;
    for (Digest d : leafDigests) {
      Objects.requireNonNull(d, "leafDigests contains null");
      counts[i] = d.count();
      his[i] = d.sumHi();
      los[i] = d.sumLo();
      i++;
    }
    return new MerkleTree(span, cutList, scheme, width, counts, his, los);
  }

  /**
   * A tree over entries read in any order (an unordered topic scan gives the same tree as an
   * ordered SQL scan). Each entry is bucketed into its leaf by binary search over the cuts and
   * added to that leaf's digest with its {@link Entry#hash() canonical row hash}; the scheme is
   * {@link HashScheme#CANONICAL_MD5}. Entries should have distinct keys, as a store presents them;
   * an entry given twice is counted twice.
   *
   * <p>Cost: O(n) memory for n leaves, not for the entries, which are streamed; O(log n) key
   * comparisons plus one row hash per entry.
   *
   * @param span the key range the tree covers; every entry's key must lie in it
   * @param cuts strictly ascending keys, each strictly inside {@code span}; copied
   * @param entries the entries of {@code span}, in any order; consumed
   * @throws IllegalArgumentException if the cuts are not strictly ascending or not strictly inside
   *     {@code span}, if there would be more than {@link #MAX_LEAVES} leaves, or if an entry's key
   *     lies outside {@code span}
   */
  public static MerkleTree fromEntries(KeyRange span, List<Key> cuts, Iterator<Entry> entries) {
    Objects.requireNonNull(span, "span");
    Objects.requireNonNull(entries, "entries");
    Cuts cutList = checkCuts(span, cuts);
    int width = widthFor(cutList.keys.size() + 1);
    long[] counts = new long[2 * width];
    long[] his = new long[2 * width];
    long[] los = new long[2 * width];
    while (entries.hasNext()) {
      Entry e = Objects.requireNonNull(entries.next(), "entries yielded null");
      Key key = e.key();
      if (!span.contains(key)) {
        throw new IllegalArgumentException(
            "entry key "
                + key
                + " lies outside the tree's span "
                + span
                + "; scan only the span's keys, or build the tree over a span that holds them");
      }
      int node = width + leafOf(cutList.keys, key);
      RowHash h = e.hash();
      counts[node]++;
      long lo = los[node] + h.lo();
      his[node] += h.hi() + (Long.compareUnsigned(lo, los[node]) < 0 ? 1 : 0);
      los[node] = lo;
    }
    return new MerkleTree(span, cutList, HashScheme.CANONICAL_MD5, width, counts, his, los);
  }

  /** The index of the leaf holding {@code key}: the number of cuts at or before it. */
  private static int leafOf(List<Key> cuts, Key key) {
    int lo = 0;
    int hi = cuts.size();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cuts.get(mid).compareTo(key) <= 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Validated cut keys and their encodings; see {@link #cutBytes}. */
  private static final class Cuts {
    final List<Key> keys;
    final byte[] bytes;
    final int[] offsets;

    Cuts(List<Key> keys) {
      this.keys = keys;
      this.offsets = new int[keys.size() + 1];
      ByteArrayOutputStream out =
          new ByteArrayOutputStream((int) Math.min(10L * keys.size(), 1 << 30));
      for (int i = 0; i < keys.size(); i++) {
        out.writeBytes(keys.get(i).encode());
        offsets[i + 1] = out.size();
      }
      this.bytes = out.toByteArray();
    }
  }

  private static Cuts checkCuts(KeyRange span, List<Key> cuts) {
    List<Key> copy = List.copyOf(cuts);
    if (copy.size() >= MAX_LEAVES) {
      throw new IllegalArgumentException(
          "expected at most "
              + (MAX_LEAVES - 1)
              + " cuts ("
              + MAX_LEAVES
              + " leaves) but found "
              + copy.size()
              + "; build a coarser tree and bisect differing ranges further");
    }
    @Nullable Key lo = span.lo();
    @Nullable Key hi = span.hi();
    @Nullable Key previous = null;
    for (int i = 0; i < copy.size(); i++) {
      Key cut = copy.get(i);
      if ((lo != null && cut.compareTo(lo) <= 0) || (hi != null && cut.compareTo(hi) >= 0)) {
        throw new IllegalArgumentException(
            "expected every cut strictly inside the span "
                + span
                + " (after its lower and before its upper bound) but found cut "
                + i
                + " = "
                + cut);
      }
      if (previous != null && previous.compareTo(cut) >= 0) {
        throw new IllegalArgumentException(
            "expected strictly ascending cuts but found cut "
                + i
                + " = "
                + cut
                + " after cut "
                + (i - 1)
                + " = "
                + previous);
      }
      previous = cut;
    }
    return new Cuts(copy);
  }

  private static int widthFor(int leaves) {
    return leaves == 1 ? 1 : Integer.highestOneBit(leaves - 1) << 1;
  }

  // ---------------------------------------------------------------------------------------------
  // Sizing helpers
  // ---------------------------------------------------------------------------------------------

  /**
   * How many leaves a tree over {@code rows} rows should have so that a leaf holds about {@code
   * rowsPerLeaf} rows: the smallest power of two at least {@code ceil(rows / rowsPerLeaf)}, at
   * least 1, and at most the largest power of two not above {@code min(maxLeaves, MAX_LEAVES)}.
   * When the cap binds, leaves hold more rows than asked for; a caller then bisects a differing
   * leaf further on demand rather than fetching all its rows.
   *
   * <p>Cost: O(1).
   *
   * @param rows the (estimated) number of rows in the span, at least 0
   * @param rowsPerLeaf the wanted number of rows per leaf, at least 1
   * @param maxLeaves the most leaves memory allows, at least 1
   * @return a power of two between 1 and {@code maxLeaves}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static int leafCountFor(long rows, int rowsPerLeaf, int maxLeaves) {
    if (rows < 0) {
      throw new IllegalArgumentException("expected rows >= 0 but found " + rows);
    }
    if (rowsPerLeaf < 1) {
      throw new IllegalArgumentException("expected rowsPerLeaf >= 1 but found " + rowsPerLeaf);
    }
    if (maxLeaves < 1) {
      throw new IllegalArgumentException("expected maxLeaves >= 1 but found " + maxLeaves);
    }
    int cap = Integer.highestOneBit(Math.min(maxLeaves, MAX_LEAVES));
    long needed = Math.max(1, rows / rowsPerLeaf + (rows % rowsPerLeaf == 0 ? 0 : 1));
    if (needed >= cap) {
      return cap;
    }
    return widthFor((int) needed);
  }

  /**
   * Cut keys that split a key space into about {@code leaves} leaves holding equally many of the
   * sampled keys: with d distinct keys in the sample, the result has {@code min(leaves - 1, d - 1)}
   * distinct, strictly ascending keys taken from the sample at evenly spaced ranks among its
   * distinct keys. The smallest sampled key is never a cut, so every resulting leaf holds at least
   * one sampled key and, when the sample comes from a span, every cut lies strictly inside that
   * span (as {@link #fromDigests} and {@link #fromEntries} require).
   *
   * <p>Cost: O(s) for a sample of s keys.
   *
   * @param sortedSampleKeys a sample of the keys, in ascending order; repeats are allowed
   * @param leaves the wanted number of leaves, at least 1
   * @return an immutable list of at most {@code leaves - 1} cut keys; empty for an empty sample
   * @throws IllegalArgumentException if {@code leaves < 1} or the sample is not in ascending order
   */
  public static List<Key> evenCuts(List<Key> sortedSampleKeys, int leaves) {
    if (leaves < 1) {
      throw new IllegalArgumentException("expected leaves >= 1 but found " + leaves);
    }
    List<Key> distinct = new ArrayList<>();
    @Nullable Key previous = null;
    int i = 0;
    for (Key k : sortedSampleKeys) {
      Objects.requireNonNull(k, "sortedSampleKeys contains null");
      int c = previous == null ? 1 : previous.compareTo(k);
      if (previous != null && c > 0) {
        throw new IllegalArgumentException(
            "expected sample keys in ascending order but found key "
                + i
                + " = "
                + k
                + " after "
                + previous
                + "; sort the sample first");
      }
      if (previous == null || c != 0) {
        distinct.add(k);
      }
      previous = k;
      i++;
    }
    int d = distinct.size();
    int count = Math.max(0, Math.min(leaves - 1, d - 1));
    List<Key> out = new ArrayList<>(count);
    for (int j = 1; j <= count; j++) {
      // With d >= leaves these ranks are distinct and in [1, d - 1]; otherwise count = d - 1 and
      // rank j is simply j.
      int rank = d >= leaves ? (int) ((long) j * d / leaves) : j;
      out.add(distinct.get(rank));
    }
    return List.copyOf(out);
  }

  // ---------------------------------------------------------------------------------------------
  // Accessors
  // ---------------------------------------------------------------------------------------------

  /** The key range the tree covers: the union of its leaf ranges. O(1). */
  public KeyRange span() {
    return span;
  }

  /** The cut keys, strictly ascending and strictly inside {@link #span()}; immutable. O(1). */
  public List<Key> cuts() {
    return cuts;
  }

  /** The hash scheme the digests were computed under. O(1). */
  public HashScheme scheme() {
    return scheme;
  }

  /** The number of leaves, {@code cuts().size() + 1}; not padded. O(1). */
  public int leafCount() {
    return leafCount;
  }

  /**
   * The number of levels above the leaves, {@code ceil(log2(leafCount()))}: 0 for a single leaf, 20
   * for 2<sup>20</sup> leaves. O(1).
   */
  public int depth() {
    return Integer.numberOfTrailingZeros(width);
  }

  /** The digest of every row in {@link #span()}: the sum of all leaf digests. O(1). */
  public Digest root() {
    return node(1);
  }

  /**
   * The key range of leaf {@code index}: from the previous cut (or the span's lower bound) to the
   * next cut (or the span's upper bound). O(1).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < leafCount()}
   */
  public KeyRange leafRange(int index) {
    Objects.checkIndex(index, leafCount);
    return rangeOf(index);
  }

  /**
   * The digest of the rows of leaf {@code index}. O(1).
   *
   * @throws IndexOutOfBoundsException unless {@code 0 <= index < leafCount()}
   */
  public Digest leafDigest(int index) {
    Objects.checkIndex(index, leafCount);
    return node(width + index);
  }

  private Digest node(int n) {
    return new Digest(counts[n], his[n], los[n]);
  }

  private KeyRange rangeOf(int leaf) {
    @Nullable Key lo = leaf == 0 ? span.lo() : cuts.get(leaf - 1);
    @Nullable Key hi = leaf == leafCount - 1 ? span.hi() : cuts.get(leaf);
    return KeyRange.of(lo, hi);
  }

  // ---------------------------------------------------------------------------------------------
  // Comparison
  // ---------------------------------------------------------------------------------------------

  /**
   * The smallest key ranges on which this tree and {@code other} disagree, in key order; empty when
   * their digests agree everywhere. The two trees must cover the same span under the same hash
   * scheme. Symmetric: {@code a.diff(b)} equals {@code b.diff(a)}.
   *
   * <ul>
   *   <li>With equal cuts, the result holds the {@link #leafRange range} of each leaf whose digests
   *       differ, one range per leaf (adjacent ranges are not merged). The comparison descends from
   *       the root only into subtrees whose digests differ: O(d log n) for d differing of n leaves
   *       (microseconds for 10 of 2<sup>20</sup>). Establishing that the cuts are equal is O(1)
   *       when both trees hold one cut list instance (both were built from the same {@link #cuts()}
   *       list, as when a planner asks two stores for digests over one set of cuts), and otherwise
   *       a sequential O(n) comparison of the cuts' flat encodings (a few milliseconds for
   *       2<sup>20</sup> cuts, e.g. against a tree read back from a snapshot).
   *   <li>With different cuts, the trees are compared on their coarsest common boundaries, the cuts
   *       both have: for each range between consecutive common cuts (or the span's bounds) the leaf
   *       digests of each tree are summed, and each range whose sums differ is reported. Cost O(n +
   *       m) key comparisons for n and m leaves (tens of milliseconds for 2<sup>20</sup> against
   *       2<sup>19</sup> leaves); prefer equal cuts on both sides where possible.
   * </ul>
   *
   * A reported range holds a difference except with negligible probability; a range not reported
   * holds none unless the digests collide (see {@link Digest}).
   *
   * @return an immutable list of disjoint ranges in ascending key order, each within {@link
   *     #span()}
   * @throws IllegalArgumentException if the trees cover different spans or were computed under
   *     different hash schemes
   */
  public List<KeyRange> diff(MerkleTree other) {
    Objects.requireNonNull(other, "other");
    if (!span.equals(other.span)) {
      throw new IllegalArgumentException(
          "cannot compare Merkle trees over different spans: this tree covers "
              + span
              + " but the other covers "
              + other.span
              + "; build both trees over the same span (the range being reconciled)");
    }
    if (!scheme.equals(other.scheme)) {
      throw new IllegalArgumentException(
          "cannot compare digests computed under different hash schemes: this tree uses "
              + scheme
              + " but the other uses "
              + other.scheme
              + "; recompute one side under the other's scheme, or both under "
              + HashScheme.CANONICAL_MD5.name());
    }
    List<KeyRange> out = new ArrayList<>();
    if (sameCuts(other)) {
      descend(other, 1, out);
    } else {
      coarseDiff(other, out);
    }
    return List.copyOf(out);
  }

  private boolean sameCuts(MerkleTree other) {
    return cuts == other.cuts
        || (Arrays.equals(cutOffsets, other.cutOffsets) && Arrays.equals(cutBytes, other.cutBytes));
  }

  /** Appends, in key order, the leaves below node {@code n} whose digests differ. */
  private void descend(MerkleTree other, int n, List<KeyRange> out) {
    if (counts[n] == other.counts[n] && his[n] == other.his[n] && los[n] == other.los[n]) {
      return;
    }
    if (n >= width) {
      // Padding leaves are empty in both trees, so a differing leaf is always a real one.
      out.add(rangeOf(n - width));
      return;
    }
    descend(other, 2 * n, out);
    descend(other, 2 * n + 1, out);
  }

  /** Compares the sums of leaf digests between the cuts both trees share. */
  private void coarseDiff(MerkleTree other, List<KeyRange> out) {
    byte[] a = cutBytes;
    byte[] b = other.cutBytes;
    int[] aOff = cutOffsets;
    int[] bOff = other.cutOffsets;
    int na = cuts.size();
    int nb = other.cuts.size();
    // The loop only finds common cuts; each segment's leaves are then summed in tight sequential
    // loops, which costs far less than summing inside the data-dependent merge.
    int ia = 0;
    int ib = 0;
    int firstA = 0;
    int firstB = 0;
    @Nullable Key from = span.lo();
    while (ia < na && ib < nb) {
      // Encodings order as their keys do, and equal keys have equal encodings.
      int c = compareEncoded(a, aOff[ia], aOff[ia + 1], b, bOff[ib], bOff[ib + 1]);
      if (c < 0) {
        ia++;
      } else if (c > 0) {
        ib++;
      } else {
        Key to = cuts.get(ia);
        if (!sameSum(firstA, ia, other, firstB, ib)) {
          out.add(KeyRange.of(from, to));
        }
        from = to;
        firstA = ++ia;
        firstB = ++ib;
      }
    }
    // No common cut lies beyond: the rest of the span is the last segment.
    if (!sameSum(firstA, na, other, firstB, nb)) {
      out.add(KeyRange.of(from, span.hi()));
    }
  }

  /** Whether leaves {@code [a0, a1]} of this tree and {@code [b0, b1]} of other sum equal. */
  private boolean sameSum(int a0, int a1, MerkleTree other, int b0, int b1) {
    // Counts of one tree cannot overflow: the root holds their sum.
    long aCount = 0;
    long aHi = 0;
    long aLo = 0;
    for (int n = width + a0; n <= width + a1; n++) {
      aCount += counts[n];
      long lo = aLo + los[n];
      aHi += his[n] + (Long.compareUnsigned(lo, aLo) < 0 ? 1 : 0);
      aLo = lo;
    }
    long bCount = 0;
    long bHi = 0;
    long bLo = 0;
    for (int n = other.width + b0; n <= other.width + b1; n++) {
      bCount += other.counts[n];
      long lo = bLo + other.los[n];
      bHi += other.his[n] + (Long.compareUnsigned(lo, bLo) < 0 ? 1 : 0);
      bLo = lo;
    }
    return aCount == bCount && aHi == bHi && aLo == bLo;
  }

  /**
   * Compares two byte ranges as unsigned strings, like {@link Arrays#compareUnsigned(byte[], int,
   * int, byte[], int, int)} but eight bytes at a time in line: key encodings are short, and the
   * library call's out-of-line mismatch search costs more than the comparison itself.
   */
  private static int compareEncoded(byte[] a, int aFrom, int aTo, byte[] b, int bFrom, int bTo) {
    int aLength = aTo - aFrom;
    int bLength = bTo - bFrom;
    int n = Math.min(aLength, bLength);
    int i = 0;
    for (; i + Long.BYTES <= n; i += Long.BYTES) {
      long x = (long) BIG_ENDIAN_LONG.get(a, aFrom + i);
      long y = (long) BIG_ENDIAN_LONG.get(b, bFrom + i);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; i < n; i++) {
      int x = a[aFrom + i] & 0xFF;
      int y = b[bFrom + i] & 0xFF;
      if (x != y) {
        return x - y;
      }
    }
    return aLength - bLength;
  }

  // ---------------------------------------------------------------------------------------------
  // Serialisation
  // ---------------------------------------------------------------------------------------------

  /**
   * Writes the binary form described in the class documentation to {@code out}, then flushes it;
   * does not close it. Writes through a buffer, so {@code out} need not be buffered.
   *
   * <p>Cost: O(n) for n leaves, about 24 bytes per leaf plus the encoded cut keys.
   *
   * @throws UncheckedIOException if writing to {@code out} fails
   */
  public void writeTo(OutputStream out) {
    Objects.requireNonNull(out, "out");
    try {
      DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16));
      data.write(MAGIC);
      data.writeByte(FORMAT_VERSION);
      writeBytes(data, scheme.name().getBytes(StandardCharsets.UTF_8));
      data.writeInt(scheme.bits());
      writeBound(data, span.lo());
      writeBound(data, span.hi());
      data.writeInt(cuts.size());
      for (int i = 0; i < cuts.size(); i++) {
        data.writeInt(cutOffsets[i + 1] - cutOffsets[i]);
        data.write(cutBytes, cutOffsets[i], cutOffsets[i + 1] - cutOffsets[i]);
      }
      data.writeInt(leafCount);
      for (int n = width; n < width + leafCount; n++) {
        data.writeLong(counts[n]);
        data.writeLong(his[n]);
        data.writeLong(los[n]);
      }
      data.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("could not write Merkle tree snapshot", e);
    }
  }

  private static void writeBound(DataOutputStream data, @Nullable Key bound) throws IOException {
    if (bound == null) {
      data.writeByte(0);
    } else {
      data.writeByte(1);
      writeBytes(data, bound.encode());
    }
  }

  private static void writeBytes(DataOutputStream data, byte[] bytes) throws IOException {
    data.writeInt(bytes.length);
    data.write(bytes);
  }

  /** The binary form described in the class documentation, as a new array. O(n) for n leaves. */
  public byte[] toBytes() {
    ByteArrayOutputStream out =
        new ByteArrayOutputStream((int) Math.min(64 + 40L * leafCount, 1 << 30));
    writeTo(out);
    return out.toByteArray();
  }

  /**
   * Reads one tree in the binary form described in the class documentation from {@code in},
   * consuming exactly its bytes: the stream is left positioned after the tree and is not closed, so
   * a tree may be embedded in a larger manifest. Because of that it reads without buffering ahead;
   * pass a buffered stream for speed.
   *
   * <p>Decoding is strict: the result {@link #equals equals} the tree that was written.
   *
   * <p>Cost: O(n) for n leaves; memory is allocated as content actually arrives, so a corrupted
   * length cannot cause a huge allocation on its own.
   *
   * @throws IllegalArgumentException if the input does not start with the magic {@code RCMT}, has a
   *     format version other than 1, ends early, or holds inconsistent content (a malformed key or
   *     scheme, cuts not ascending or outside the span, a leaf count other than cuts + 1, a
   *     negative row count)
   * @throws UncheckedIOException if reading from {@code in} fails for another reason than its end
   */
  public static MerkleTree readFrom(InputStream in) {
    Objects.requireNonNull(in, "in");
    DataInputStream data = new DataInputStream(in);
    try {
      return read(data);
    } catch (EOFException e) {
      throw new IllegalArgumentException("the Merkle tree snapshot ends early" + SNAPSHOT_HINT, e);
    } catch (IOException e) {
      throw new UncheckedIOException("could not read Merkle tree snapshot", e);
    }
  }

  /**
   * Reads a tree from exactly the bytes {@link #toBytes()} produced: like {@link #readFrom} but
   * also rejects bytes after the tree. O(n) for n leaves.
   *
   * @throws IllegalArgumentException as {@link #readFrom} does, and if bytes follow the tree
   */
  public static MerkleTree fromBytes(byte[] bytes) {
    ByteArrayInputStream in = new ByteArrayInputStream(bytes);
    MerkleTree tree = readFrom(in);
    if (in.available() > 0) {
      throw new IllegalArgumentException(
          "expected the Merkle tree snapshot to end after "
              + (bytes.length - in.available())
              + " bytes but found "
              + in.available()
              + " more"
              + SNAPSHOT_HINT);
    }
    return tree;
  }

  private static MerkleTree read(DataInputStream data) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    data.readFully(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new IllegalArgumentException(
          "expected the magic \"RCMT\" (52434d54) at the start of a Merkle tree snapshot but found "
              + HexFormat.of().formatHex(magic)
              + SNAPSHOT_HINT);
    }
    int version = data.readUnsignedByte();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "expected Merkle tree snapshot format version "
              + FORMAT_VERSION
              + " but found "
              + version
              + "; it was written by another version of reconcile, read it with that version");
    }
    String schemeName = decodeUtf8(readBytes(data, "the scheme name"));
    int bits = data.readInt();
    HashScheme scheme;
    try {
      scheme = new HashScheme(schemeName, bits);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid hash scheme in Merkle tree snapshot: " + e.getMessage() + SNAPSHOT_HINT, e);
    }
    @Nullable Key lo = readBound(data, "lower");
    @Nullable Key hi = readBound(data, "upper");
    KeyRange span;
    try {
      span = KeyRange.of(lo, hi);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid span in Merkle tree snapshot: " + e.getMessage() + SNAPSHOT_HINT, e);
    }
    int cutCount = data.readInt();
    if (cutCount < 0 || cutCount >= MAX_LEAVES) {
      throw new IllegalArgumentException(
          "expected a cut count between 0 and "
              + (MAX_LEAVES - 1)
              + " in Merkle tree snapshot but found "
              + cutCount
              + SNAPSHOT_HINT);
    }
    // The count is not trusted for allocation: the list grows as cuts actually arrive.
    List<Key> cuts = new ArrayList<>(Math.min(cutCount, 1 << 12));
    for (int i = 0; i < cutCount; i++) {
      cuts.add(decodeKey(readBytes(data, "cut " + i), "cut " + i));
    }
    int leafCount = data.readInt();
    if (leafCount != cutCount + 1) {
      throw new IllegalArgumentException(
          "expected "
              + (cutCount + 1)
              + " leaves (cuts + 1) in Merkle tree snapshot but found "
              + leafCount
              + SNAPSHOT_HINT);
    }
    Cuts cutList;
    try {
      cutList = checkCuts(span, cuts);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid cuts in Merkle tree snapshot: " + e.getMessage() + SNAPSHOT_HINT, e);
    }
    int width = widthFor(leafCount);
    long[] counts = new long[2 * width];
    long[] his = new long[2 * width];
    long[] los = new long[2 * width];
    for (int i = 0; i < leafCount; i++) {
      long count = data.readLong();
      if (count < 0) {
        throw new IllegalArgumentException(
            "expected a row count >= 0 for leaf "
                + i
                + " in Merkle tree snapshot but found "
                + count
                + SNAPSHOT_HINT);
      }
      counts[width + i] = count;
      his[width + i] = data.readLong();
      los[width + i] = data.readLong();
    }
    try {
      return new MerkleTree(span, cutList, scheme, width, counts, his, los);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid Merkle tree snapshot: " + e.getMessage() + SNAPSHOT_HINT, e);
    }
  }

  private static @Nullable Key readBound(DataInputStream data, String which) throws IOException {
    int flag = data.readUnsignedByte();
    if (flag == 0) {
      return null;
    }
    if (flag != 1) {
      throw new IllegalArgumentException(
          "expected a presence flag 0 or 1 for the span's "
              + which
              + " bound in Merkle tree snapshot but found "
              + flag
              + SNAPSHOT_HINT);
    }
    String what = "the span's " + which + " bound";
    return decodeKey(readBytes(data, what), what);
  }

  private static byte[] readBytes(DataInputStream data, String what) throws IOException {
    int length = data.readInt();
    if (length < 0) {
      throw new IllegalArgumentException(
          "expected a length >= 0 for "
              + what
              + " in Merkle tree snapshot but found "
              + length
              + SNAPSHOT_HINT);
    }
    // readNBytes grows its buffer as bytes arrive rather than trusting the length up front.
    byte[] bytes = data.readNBytes(length);
    if (bytes.length != length) {
      throw new EOFException();
    }
    return bytes;
  }

  private static Key decodeKey(byte[] bytes, String what) {
    try {
      return Key.decode(bytes);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid key for " + what + " in Merkle tree snapshot: " + e.getMessage() + SNAPSHOT_HINT,
          e);
    }
  }

  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "the hash scheme name in Merkle tree snapshot is not UTF-8" + SNAPSHOT_HINT, e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Object methods
  // ---------------------------------------------------------------------------------------------

  /**
   * Equal when both trees have the same span, cuts, hash scheme and leaf digests (and so the same
   * internal digests). O(n) for n leaves when they are equal.
   */
  @Override
  public boolean equals(@Nullable Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MerkleTree t)) {
      return false;
    }
    return leafCount == t.leafCount
        && counts[1] == t.counts[1]
        && his[1] == t.his[1]
        && los[1] == t.los[1]
        && span.equals(t.span)
        && scheme.equals(t.scheme)
        && sameCuts(t)
        && Arrays.equals(counts, width, width + leafCount, t.counts, width, width + leafCount)
        && Arrays.equals(his, width, width + leafCount, t.his, width, width + leafCount)
        && Arrays.equals(los, width, width + leafCount, t.los, width, width + leafCount);
  }

  /** Consistent with {@link #equals}; O(1). */
  @Override
  public int hashCode() {
    int h = span.hashCode();
    h = 31 * h + leafCount;
    h = 31 * h + scheme.hashCode();
    return 31 * h + root().hashCode();
  }

  /** A short description such as {@code MerkleTree[leaves=1024, depth=10, root=5000:…]}. */
  @Override
  public String toString() {
    return "MerkleTree[leaves=" + leafCount + ", depth=" + depth() + ", root=" + root() + "]";
  }
}
