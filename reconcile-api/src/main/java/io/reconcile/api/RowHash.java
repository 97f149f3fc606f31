package io.reconcile.api;

import java.util.HexFormat;

/**
 * A row hash of up to 128 bits: under {@link HashScheme#CANONICAL_MD5}, the MD5 of a row's {@link
 * Canonical canonical encoding}, read big-endian as two longs — rows hash equal exactly when their
 * canonical encodings are equal (up to MD5 collisions, which matter for adversaries, not for
 * drift); under {@link HashScheme#CANONICAL_XXH3_128}, the XXH3-128 of that encoding, its high 64
 * bits in {@code hi}; under a native scheme of 64 bits, that hash in {@code lo} with {@code hi}
 * zero.
 *
 * @param hi the first 8 bytes of the hash, big-endian
 * @param lo the last 8 bytes of the hash, big-endian
 */
public record RowHash(long hi, long lo) {

  /** Reads 16 bytes big-endian, as every SQL engine prints an MD5. */
  public static RowHash fromBytes(byte[] md5) {
    if (md5.length != 16) {
      throw new IllegalArgumentException(
          "a row hash is 16 bytes, but " + md5.length + " were given");
    }
    return new RowHash(readLong(md5, 0), readLong(md5, 8));
  }

  /**
   * Parses 32 hex digits, e.g. the output of SQL {@code md5(…)}.
   *
   * @throws IllegalArgumentException if the text is not 32 hex digits
   */
  public static RowHash fromHex(String hex) {
    if (hex.length() != 32) {
      throw new IllegalArgumentException(
          "a row hash is 32 hex digits, but \"" + hex + "\" has " + hex.length());
    }
    return fromBytes(HexFormat.of().parseHex(hex));
  }

  private static long readLong(byte[] b, int from) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (b[from + i] & 0xFF);
    }
    return v;
  }

  /** The 32 lowercase hex digits of the hash. */
  @Override
  public String toString() {
    return HexFormat.of().toHexDigits(hi) + HexFormat.of().toHexDigits(lo);
  }
}
