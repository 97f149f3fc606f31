package io.reconcile.core.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Normalization;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.testkit.ReconcileArbitraries;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The in-memory store digests under canonical MD5 and canonical XXH3-128. */
class MemoryStoreHashSchemesTest {

  private static final HashScheme XXH3 = HashScheme.CANONICAL_XXH3_128;
  private static final List<HashScheme> BOTH = List.of(HashScheme.CANONICAL_MD5, XXH3);

  @Provide
  Arbitrary<List<Entry>> rows() {
    return ReconcileArbitraries.entries().list().ofMaxSize(40).uniqueElements(Entry::key);
  }

  private static Digest digest(MemoryStore s, KeyRange r, HashScheme scheme) {
    return s.digest(List.of(r), scheme).get(0);
  }

  private static List<KeyHash> rowHashes(MemoryStore s, List<KeyRange> ranges, HashScheme scheme) {
    try (Stream<KeyHash> h = s.rowHashes(ranges, scheme)) {
      return h.toList();
    }
  }

  private static Digest sum(List<KeyHash> hashes) {
    Digest d = Digest.EMPTY;
    for (KeyHash h : hashes) {
      d = d.plus(h.hash());
    }
    return d;
  }

  @Test
  @DisplayName("declares both schemes")
  void declaresBoth() {
    assertThat(MemoryStore.create("m").hashSchemes()).containsExactlyInAnyOrderElementsOf(BOTH);
  }

  @Property(tries = 200)
  @Label("under either scheme, digests do not depend on the order rows were written in, combine over parts, and are the sums of the row hashes")
  void digestLaws(@ForAll("rows") List<Entry> rows, @ForAll long seed) {
    MemoryStore inOrder = MemoryStore.create("a");
    inOrder.putAll(rows);
    MemoryStore shuffled = MemoryStore.create("b");
    List<Entry> reordered = new ArrayList<>(rows);
    Collections.shuffle(reordered, new Random(seed));
    reordered.forEach(shuffled::put); // one batch per row, in another order
    List<KeyRange> parts = rows.isEmpty() ? List.of(KeyRange.all()) : KeyRange.all().split(List.of(rows.get(0).key()));
    for (HashScheme scheme : BOTH) {
      Digest whole = digest(inOrder, KeyRange.all(), scheme);
      assertThat(whole.count()).isEqualTo(rows.size());
      assertThat(digest(shuffled, KeyRange.all(), scheme)).as("written in another order, under %s", scheme.name()).isEqualTo(whole);
      Digest summed = Digest.EMPTY;
      for (Digest d : inOrder.digest(parts, scheme)) {
        summed = summed.plus(d);
      }
      assertThat(summed).as("the parts %s under %s", parts, scheme.name()).isEqualTo(whole);
      assertThat(sum(rowHashes(inOrder, parts, scheme))).as("row hashes under %s", scheme.name()).isEqualTo(whole);
    }
    Digest expected = Digest.EMPTY;
    for (Entry e : reordered) {
      expected = expected.plus(CanonicalXxh3.hash(e));
    }
    assertThat(digest(inOrder, KeyRange.all(), XXH3)).isEqualTo(expected);
  }

  @Test
  @DisplayName("a changed row changes its XXH3 row hash and the digest; restoring it restores both")
  void changes() {
    MemoryStore s = MemoryStore.create("s");
    Entry before = Entry.of(Key.of(2), Map.of("v", "two"));
    s.putAll(List.of(Entry.of(Key.of(1), Map.of("v", "one")), before));
    Digest original = digest(s, KeyRange.all(), XXH3);
    List<KeyHash> originalHashes = rowHashes(s, List.of(KeyRange.all()), XXH3);

    s.put(Entry.of(Key.of(2), Map.of("v", "deux")));
    assertThat(digest(s, KeyRange.all(), XXH3)).isNotEqualTo(original);
    List<KeyHash> changed = rowHashes(s, List.of(KeyRange.all()), XXH3);
    assertThat(changed.get(0)).isEqualTo(originalHashes.get(0));
    assertThat(changed.get(1).hash()).isNotEqualTo(originalHashes.get(1).hash());

    s.put(before);
    assertThat(digest(s, KeyRange.all(), XXH3)).isEqualTo(original);
    s.remove(Key.of(2));
    assertThat(digest(s, KeyRange.all(), XXH3)).isEqualTo(Digest.of(originalHashes.get(0).hash()));
  }

  @Test
  @DisplayName("a handle with normalisation or a field projection hashes its canonical view, under either scheme")
  void hashesTheView() {
    Entry stored = Entry.of(Key.of(1), Map.of("name", "Ada", "noise", 42));
    Entry viewed = Entry.of(Key.of(1), Map.of("name", "Ada"));
    MemoryStore plain = MemoryStore.create("plain");
    plain.put(viewed);
    MemoryStore full = MemoryStore.create("full");
    full.put(Entry.of(Key.of(1), Map.of("name", "Ada", "noise", 42)));
    MemoryStore.drop("schemes-view");
    MemoryStore.named("schemes-view").put(stored);
    MemoryStore ignoring = MemoryStore.named("schemes-view",
        StoreOptions.newBuilder().normalization(Normalization.newBuilder().ignore("noise").build()).build());
    MemoryStore projecting = MemoryStore.named("schemes-view", StoreOptions.newBuilder().fields("name").build());
    MemoryStore everything = MemoryStore.named("schemes-view");
    try {
      for (HashScheme scheme : BOTH) {
        Digest expected = digest(plain, KeyRange.all(), scheme);
        assertThat(digest(ignoring, KeyRange.all(), scheme)).as("ignoring noise, %s", scheme.name()).isEqualTo(expected);
        assertThat(digest(everything, KeyRange.all(), scheme)).as("all fields, %s", scheme.name()).isNotEqualTo(expected);
        // and again after a handle without a view hashed the stored entry itself
        assertThat(digest(ignoring, KeyRange.all(), scheme)).as("ignoring noise, %s", scheme.name()).isEqualTo(expected);
        assertThat(digest(projecting, KeyRange.all(), scheme)).as("only name, %s", scheme.name()).isEqualTo(expected);
        assertThat(digest(everything, KeyRange.all(), scheme)).as("all fields, %s", scheme.name()).isEqualTo(digest(full, KeyRange.all(), scheme));
        assertThat(rowHashes(projecting, List.of(KeyRange.all()), scheme)).isEqualTo(rowHashes(plain, List.of(KeyRange.all()), scheme));
      }
    } finally {
      MemoryStore.drop("schemes-view");
    }
  }
}
