package io.reconcile.api;

import java.util.Objects;

/**
 * How a store computes row hashes for {@link Digest digests}. Digests are only comparable when both
 * stores computed them under the same scheme. {@link #CANONICAL_MD5} is what every store supports
 * and what different products compare with; two stores of the same product may both declare a
 * faster native scheme and use that instead, and two stores that hash in the JVM {@link
 * #CANONICAL_XXH3_128}.
 *
 * @param name a stable identifier, e.g. {@code canonical-md5} or {@code postgresql-14/hash-record}
 * @param bits the strength of the row hash in bits; at least 64
 */
public record HashScheme(String name, int bits) {

  /** MD5 over the {@link Canonical} encoding: the same bits in every store. */
  public static final HashScheme CANONICAL_MD5 = new HashScheme("canonical-md5", 128);

  /**
   * XXH3-128 over the same {@link Canonical} encoding as {@link #CANONICAL_MD5}, so that every
   * promise of the encoding holds (typed, null distinct from empty text and from {@code "NULL"},
   * no ambiguity between adjacent values, numbers by value): for stores that hash rows in the JVM,
   * such as the in-memory store, where it costs a fraction of MD5. Like MD5 here it is for drift,
   * not for adversaries. PostgreSQL, MariaDB and H2 offer no XXH3, so their stores do not declare
   * it, and a pair with one digests under canonical MD5.
   *
   * <p>Exactly: XXH3 128-bit of xxHash 0.8 (seed 0, the default secret) over the bytes of {@link
   * Canonical#encodeRow}; the {@link RowHash}'s {@code hi} is the high 64 bits of the result and
   * {@code lo} the low 64 bits, which is XXH3's canonical big-endian form of 16 bytes read as {@link
   * RowHash#fromBytes} reads an MD5 (and as {@code xxhsum -H2} prints it). Key 7 with field {@code
   * a = 1}, encoded {@code n1:7m8:s1:an1:1}, hashes to {@code 9bc2961eb0cc2d03096ccb5961885a6b}.
   */
  public static final HashScheme CANONICAL_XXH3_128 = new HashScheme("canonical-xxh3-128/v1", 128);

  /** @throws IllegalArgumentException if the name is blank or the hash is weaker than 64 bits */
  public HashScheme {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a hash scheme needs a name, but it was blank");
    }
    if (bits < 64) {
      throw new IllegalArgumentException(
          "hash scheme '" + name + "' has " + bits + "-bit row hashes; at least 64 are required");
    }
  }
}
