package io.reconcile.api;

import java.util.Objects;

/**
 * How a store computes row hashes for {@link Digest digests}. Digests are only comparable when both
 * stores computed them under the same scheme. {@link #CANONICAL_MD5} is what every store supports
 * and what different products compare with; two stores of the same product may both declare a
 * faster native scheme and use that instead.
 *
 * @param name a stable identifier, e.g. {@code canonical-md5} or {@code postgresql-14/hash-record}
 * @param bits the strength of the row hash in bits; at least 64
 */
public record HashScheme(String name, int bits) {

  /** MD5 over the {@link Canonical} encoding: the same bits in every store. */
  public static final HashScheme CANONICAL_MD5 = new HashScheme("canonical-md5", 128);

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
