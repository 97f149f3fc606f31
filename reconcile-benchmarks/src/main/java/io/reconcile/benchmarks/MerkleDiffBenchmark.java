package io.reconcile.benchmarks;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.MerkleTree;
import io.reconcile.api.RowHash;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MerkleTree#diff} of two trees of 2<sup>20</sup> leaves (Cassandra's cap) that differ in 10
 * random leaves. The architecture's target is under 20 ms.
 *
 * <ul>
 *   <li>{@code sameCutList}: both trees built from one cut list, as when a planner computes cuts
 *       once and asks two stores for digests over them; the diff descends only into differing
 *       subtrees.
 *   <li>{@code equalCutLists}: the second tree holds an equal but separately built cut list (as a
 *       tree read back from a snapshot does), so diff first compares the 2<sup>20</sup> cuts.
 *   <li>{@code differentCuts}: the second tree has every other cut (2<sup>19</sup> leaves), so diff
 *       sums leaves between the common cuts.
 * </ul>
 *
 * <p>Run: {@code java -jar reconcile-benchmarks/target/benchmarks.jar MerkleDiff -f 1 -wi 3 -i 5}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class MerkleDiffBenchmark {

  @Param("20")
  public int log2Leaves;

  @Param("10")
  public int differingLeaves;

  private MerkleTree base;
  private MerkleTree sameCutList;
  private MerkleTree equalCutLists;
  private MerkleTree differentCuts;

  @Setup(Level.Trial)
  public void setUp() {
    int leaves = 1 << log2Leaves;
    Random random = new Random(20_20_20);
    KeyRange span = KeyRange.all();
    List<Key> cuts = cuts(leaves, 1);

    List<Digest> digests = new ArrayList<>(leaves);
    for (int i = 0; i < leaves; i++) {
      digests.add(new Digest(1 + random.nextInt(10_000), random.nextLong(), random.nextLong()));
    }
    List<Digest> changed = new ArrayList<>(digests);
    int[] picked = random.ints(0, leaves).distinct().limit(differingLeaves).toArray();
    for (int i : picked) {
      changed.set(i, changed.get(i).plus(new RowHash(random.nextLong(), random.nextLong())));
    }

    base = MerkleTree.fromDigests(span, cuts, digests, HashScheme.CANONICAL_MD5);
    sameCutList = MerkleTree.fromDigests(span, base.cuts(), changed, HashScheme.CANONICAL_MD5);
    equalCutLists =
        MerkleTree.fromDigests(span, cuts(leaves, 1), changed, HashScheme.CANONICAL_MD5);

    // Every other cut: each coarse leaf is the sum of two fine ones.
    List<Digest> coarse = new ArrayList<>(leaves / 2);
    for (int i = 0; i < leaves; i += 2) {
      coarse.add(changed.get(i).plus(changed.get(i + 1)));
    }
    differentCuts =
        MerkleTree.fromDigests(span, cuts(leaves / 2, 2), coarse, HashScheme.CANONICAL_MD5);

    check(sameCutList, differingLeaves);
    check(equalCutLists, differingLeaves);
    if (differentCuts.cuts().equals(base.cuts()) || base.diff(differentCuts).isEmpty()) {
      throw new IllegalStateException("the coarse tree must have other cuts and differ");
    }
  }

  /** Cuts at keys {@code step * 1000 * i} for i in [1, leaves): fresh Key objects every call. */
  private static List<Key> cuts(int leaves, int step) {
    return LongStream.range(1, leaves).mapToObj(i -> Key.of(i * step * 1000L)).toList();
  }

  private void check(MerkleTree other, int expected) {
    int found = base.diff(other).size();
    if (found != expected) {
      throw new IllegalStateException(
          "expected " + expected + " differing leaves but found " + found);
    }
  }

  @Benchmark
  public List<KeyRange> sameCutList() {
    return base.diff(sameCutList);
  }

  @Benchmark
  public List<KeyRange> equalCutLists() {
    return base.diff(equalCutLists);
  }

  @Benchmark
  public List<KeyRange> differentCuts() {
    return base.diff(differentCuts);
  }
}
