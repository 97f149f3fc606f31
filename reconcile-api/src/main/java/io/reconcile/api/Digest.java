package io.reconcile.api;

import java.math.BigInteger;
import java.util.HexFormat;

/**
 * The digest of a set of rows: how many there are, and the sum of their 128-bit {@link RowHash
 * row hashes} modulo 2<sup>128</sup>.
 *
 * <p>Because it is a sum, the digest does not depend on the order rows are read in (an unordered
 * topic scan and a SQL {@code SUM} agree) and digests combine: the digest of a range is the {@link
 * #plus(Digest) sum} of the digests of its parts, and removing a row is {@link #minus(RowHash)}.
 * Two sets with equal digests are equal except with negligible probability for data that is not
 * crafted to collide.
 *
 * @param count the number of rows (never negative)
 * @param sumHi the high 64 bits of the sum of row hashes mod 2<sup>128</sup>
 * @param sumLo the low 64 bits of that sum
 */
public record Digest(long count, long sumHi, long sumLo) {

  /** The digest of no rows. */
  public static final Digest EMPTY = new Digest(0, 0, 0);

  private static final BigInteger MOD = BigInteger.ONE.shiftLeft(128);
  private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  /** @throws IllegalArgumentException if {@code count} is negative */
  public Digest {
    if (count < 0) {
      throw new IllegalArgumentException("a digest counts rows, so count >= 0, but was " + count);
    }
  }

  /** The digest of a single row. */
  public static Digest of(RowHash row) {
    return new Digest(1, row.hi(), row.lo());
  }

  /**
   * A digest from a row count and a sum of row hashes of any size (reduced mod 2<sup>128</sup>),
   * e.g. a sum a database computed over parts of the hashes.
   */
  public static Digest of(long count, BigInteger sum) {
    BigInteger s = sum.mod(MOD);
    return new Digest(count, s.shiftRight(64).longValue(), s.and(MASK64).longValue());
  }

  /** This digest with one more row. */
  public Digest plus(RowHash row) {
    long lo = sumLo + row.lo();
    long carry = Long.compareUnsigned(lo, sumLo) < 0 ? 1 : 0;
    return new Digest(count + 1, sumHi + row.hi() + carry, lo);
  }

  /** The digest of the union of two disjoint sets of rows. */
  public Digest plus(Digest other) {
    long lo = sumLo + other.sumLo;
    long carry = Long.compareUnsigned(lo, sumLo) < 0 ? 1 : 0;
    return new Digest(count + other.count, sumHi + other.sumHi + carry, lo);
  }

  /**
   * This digest without one of its rows.
   *
   * @throws IllegalStateException if this digest counts no rows
   */
  public Digest minus(RowHash row) {
    if (count == 0) {
      throw new IllegalStateException("cannot remove a row from the digest of no rows");
    }
    long lo = sumLo - row.lo();
    long borrow = Long.compareUnsigned(sumLo, row.lo()) < 0 ? 1 : 0;
    return new Digest(count - 1, sumHi - row.hi() - borrow, lo);
  }

  /** The sum as an unsigned 128-bit integer. */
  public BigInteger sum() {
    return new BigInteger(Long.toUnsignedString(sumHi))
        .shiftLeft(64)
        .or(new BigInteger(Long.toUnsignedString(sumLo)));
  }

  /** {@code count:sum} with the sum as 32 lowercase hex digits, e.g. {@code 3:00…1f}. */
  @Override
  public String toString() {
    return count + ":" + HexFormat.of().toHexDigits(sumHi) + HexFormat.of().toHexDigits(sumLo);
  }
}
