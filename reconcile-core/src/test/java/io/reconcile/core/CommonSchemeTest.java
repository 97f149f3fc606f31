package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Store;
import io.reconcile.core.audit.AuditLog;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.core.resolve.Resolvers;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("the engine digests under the first shared non-canonical scheme by name, else canonical MD5")
class CommonSchemeTest {

  // Names as the JDBC dialects build them: same-product schemes are named after their product,
  // the cross-product one after its encoding, which sorts after every product's name.
  static final HashScheme PG_HASH_RECORD = new HashScheme("postgresql-17/UTF8/hash-record-extended/018dc96295e0ab0a", 64);
  static final HashScheme MARIA_TYPED_ROW = new HashScheme("mariadb-11.4/typed-row-crc32-crc32c/007f94d53900f5c1", 64);
  static final HashScheme MARIA_CANONICAL_CRC = new HashScheme("mariadb/canonical-crc32-crc32c", 64);
  static final HashScheme TYPED_COLUMNS = new HashScheme("typed-columns-md5-64/v1/4f0c9a1b2c3d4e5f", 64);

  static Store declaring(HashScheme... schemes) {
    Set<HashScheme> declared = Set.of(schemes);
    return new ForwardingStore(MemoryStore.create("s")) {
      @Override
      public Set<HashScheme> hashSchemes() {
        return declared;
      }
    };
  }

  static Store postgres() {
    return declaring(HashScheme.CANONICAL_MD5, PG_HASH_RECORD, TYPED_COLUMNS);
  }

  static Store mariaDb() {
    return declaring(HashScheme.CANONICAL_MD5, MARIA_TYPED_ROW, MARIA_CANONICAL_CRC, TYPED_COLUMNS);
  }

  @Test
  @DisplayName("two PostgreSQL stores keep hash_record_extended over the cross-product scheme they also share")
  void postgresPair() {
    assertThat(Pipeline.commonScheme(List.of(postgres(), postgres()))).isEqualTo(PG_HASH_RECORD);
  }

  @Test
  @DisplayName("two MariaDB stores keep the typed-row CRC, else the canonical CRC, over the cross-product scheme")
  void mariaDbPair() {
    assertThat(Pipeline.commonScheme(List.of(mariaDb(), mariaDb()))).isEqualTo(MARIA_TYPED_ROW);
    Store otherTypes = declaring(HashScheme.CANONICAL_MD5, MARIA_CANONICAL_CRC, TYPED_COLUMNS,
        new HashScheme("mariadb-11.4/typed-row-crc32-crc32c/0000000000000000", 64));
    assertThat(Pipeline.commonScheme(List.of(mariaDb(), otherTypes))).isEqualTo(MARIA_CANONICAL_CRC);
  }

  @Test
  @DisplayName("PostgreSQL and MariaDB share only the typed-columns scheme, and use it")
  void crossProductPair() {
    assertThat(Pipeline.commonScheme(List.of(postgres(), mariaDb()))).isEqualTo(TYPED_COLUMNS);
    assertThat(Pipeline.commonScheme(List.of(mariaDb(), postgres()))).isEqualTo(TYPED_COLUMNS);
  }

  @Test
  @DisplayName("two in-memory stores share canonical XXH3-128 and use it; with a store that lacks it, canonical MD5")
  void inMemoryPair() {
    assertThat(Pipeline.commonScheme(List.of(MemoryStore.create("a"), MemoryStore.create("b")))).isEqualTo(HashScheme.CANONICAL_XXH3_128);
    assertThat(Pipeline.commonScheme(List.of(MemoryStore.create("a"), MemoryStore.create("b"), MemoryStore.create("c"))))
        .isEqualTo(HashScheme.CANONICAL_XXH3_128);
    assertThat(Pipeline.commonScheme(List.of(MemoryStore.create("a"), declaring(HashScheme.CANONICAL_MD5))))
        .isEqualTo(HashScheme.CANONICAL_MD5);
  }

  @Test
  @DisplayName("a run over two in-memory stores digests and reads row hashes under canonical XXH3-128 only, and converges")
  void inMemoryRun() {
    MemoryStore a = MemoryStore.create("a");
    MemoryStore b = MemoryStore.create("b");
    for (long k = 0; k < 2_000; k++) {
      Entry e = Entry.of(Key.of(k), Map.of("v", "value " + k, "n", k));
      a.put(e);
      if (k % 97 != 0) {
        b.put(k % 89 == 0 ? Entry.of(Key.of(k), Map.of("v", "drifted", "n", k)) : e);
      }
    }
    Spy left = new Spy(a);
    Spy right = new Spy(b);
    ReconcileReport report = Reconciler.newBuilder().stores(left, right).resolver(Resolvers.sourceOfTruth("a"))
        .mode(Mode.APPLY).auditLog(AuditLog.inMemory()).segments(8).leafRows(16).build().run();
    assertThat(report.divergences()).as(report.summary()).isEqualTo(21 + 22);
    assertThat(report.converged()).as(report.summary()).isTrue();
    assertThat(left.used).containsExactly(HashScheme.CANONICAL_XXH3_128);
    assertThat(right.used).containsExactly(HashScheme.CANONICAL_XXH3_128);
    assertThat(left.rowHashCalls.get()).as("row hashes were read").isPositive();
  }

  /** Records the schemes the engine digests and reads row hashes under. */
  private static final class Spy extends ForwardingStore {
    final Set<HashScheme> used = ConcurrentHashMap.newKeySet();
    final AtomicInteger rowHashCalls = new AtomicInteger();

    Spy(Store delegate) {
      super(delegate);
    }

    @Override
    public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
      used.add(scheme);
      return super.digest(ranges, scheme);
    }

    @Override
    public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
      used.add(scheme);
      rowHashCalls.incrementAndGet();
      return super.rowHashes(ranges, scheme);
    }
  }

  @Test
  @DisplayName("without a shared native scheme (other fields, or a store hashing client-side) it is canonical MD5")
  void fallsBackToCanonical() {
    Store otherFields = declaring(HashScheme.CANONICAL_MD5, new HashScheme("typed-columns-md5-64/v1/0000000000000000", 64));
    assertThat(Pipeline.commonScheme(List.of(postgres(), otherFields))).isEqualTo(HashScheme.CANONICAL_MD5);
    assertThat(Pipeline.commonScheme(List.of(postgres(), MemoryStore.create("m")))).isEqualTo(HashScheme.CANONICAL_MD5);
    assertThat(Pipeline.commonScheme(List.of(postgres(), mariaDb(), MemoryStore.create("m"))))
        .isEqualTo(HashScheme.CANONICAL_MD5);
  }
}
