package io.reconcile.core.memory;

import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import io.reconcile.api.Canonical;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.RowHash;

/**
 * Row hashes under {@link HashScheme#CANONICAL_XXH3_128}: hash4j's XXH3-128 over an entry's
 * canonical encoding, which {@link Canonical#hash(io.reconcile.api.Key,
 * io.reconcile.api.Value.MapValue, Canonical.RowHashFunction)} lends in place. Stateless and
 * thread-safe.
 */
final class CanonicalXxh3 {

  private static final Hasher128 XXH3 = Hashing.xxh3_128();

  private static final Canonical.RowHashFunction FUNCTION =
      (bytes, offset, length) -> {
        HashValue128 h = XXH3.hashBytesTo128Bits(bytes, offset, length);
        return new RowHash(h.getMostSignificantBits(), h.getLeastSignificantBits());
      };

  private CanonicalXxh3() {}

  /** The row hash of the entry's key and fields (not its version). */
  static RowHash hash(Entry e) {
    return Canonical.hash(e.key(), e.fields(), FUNCTION);
  }
}
