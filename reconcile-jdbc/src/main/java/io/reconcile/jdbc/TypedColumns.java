package io.reconcile.jdbc;

import io.reconcile.api.HashScheme;
import io.reconcile.api.Normalization;

/**
 * The cross-product native scheme {@code typed-columns-md5-64/v1/<fingerprint>}: a lighter framing
 * of the row than {@link io.reconcile.api.Canonical}'s, which PostgreSQL and MariaDB build from
 * their values' binary forms without printing or measuring any computed text, hashed by one MD5
 * per row of which the first 64 bits are the row hash.
 *
 * <p><b>Row bytes.</b> The key columns in key order, then the compared fields in code point order
 * of their dataset names, each value as a one-byte tag and a payload:
 *
 * <ul>
 *   <li>NULL: {@code N} alone;
 *   <li>number (every integer and decimal type): {@code n} and the decimal text by value — an
 *       optional {@code -}, digits, a point only before a non-zero fraction without trailing zeros
 *       ({@code 1.50} and {@code 1.5} are {@code n1.5}, a {@code numeric(12,2)} 3 and an {@code
 *       int8} 3 are both {@code n3}); PostgreSQL's {@code NaN} and {@code Infinity} as spelled;
 *   <li>text: {@code s}, the UTF-8 byte length as a 4-byte big-endian integer, the bytes ({@code
 *       char(n)} without its trailing pad spaces);
 *   <li>boolean: {@code b} and one byte, 1 or 0;
 *   <li>date: {@code d} and the days since 2000-01-01 as a 4-byte big-endian signed integer
 *       (PostgreSQL's {@code date_send}; its {@code ±infinity} are the integer's extremes, which no
 *       finite date has);
 *   <li>timestamp (with or without time zone, {@code datetime}): {@code t} and the microseconds
 *       since 2000-01-01T00:00:00Z as an 8-byte big-endian signed integer, a zoneless timestamp's
 *       wall time read as UTC (PostgreSQL's {@code timestamp_send}/{@code timestamptz_send};
 *       {@code ±infinity} as the extremes);
 *   <li>uuid: {@code u} and its 16 bytes; bytes: {@code x}, the length as for text, the bytes.
 * </ul>
 *
 * <p>Every payload but a number's has a length known from its tag or its length prefix, and a
 * number's text never holds a tag letter, so the bytes decode one way: NULL, {@code ''} and {@code
 * 'NULL'} differ, text {@code '1'} differs from the number 1, and {@code ('ab', 'c')} from {@code
 * ('a', 'bc')}. The row hash is the first 8 bytes of the MD5 of the row bytes as an unsigned 64-bit
 * integer (the low half of the {@link io.reconcile.api.RowHash}, the high half 0); a digest is the
 * count and the sum of the row hashes. 64 bits, not 128, because the second half costs both
 * products as much again as the whole row (PostgreSQL must compute the MD5 in a subquery to read
 * it twice, MariaDB through a session variable).
 *
 * <p>The bits depend only on the values, so the scheme's name says only what it is computed over:
 * the number of key columns and the compared fields' dataset names in order, and which of them read
 * NULL as absent (as a {@link Dialect#fingerprint}); two stores share it when they compare the same
 * fields alike. PostgreSQL (≥ 14,
 * UTF-8) and MariaDB stores declare it whenever they push canonical digests down, so a pair of
 * different products digests under it instead of canonical MD5; between two stores of the same
 * product the engine prefers that product's own scheme, whose name sorts first. No client-side
 * implementation exists: stores that hash in the JVM compare with databases by canonical MD5.
 */
final class TypedColumns {

  /** The name every scheme of this family starts with. */
  static final String PREFIX = "typed-columns-md5-64/v1/";

  private TypedColumns() {}

  /**
   * The scheme of a table's compared fields under a normalisation. A field whose rule treats
   * {@linkplain Normalization.Rule#nullAsAbsent NULL as absent} is marked in the signature: its
   * NULL is still framed {@code N} (leaving it out would let {@code (NULL, 'x')} and {@code ('x',
   * NULL)} collide, the framing has no names), which is faithful between two tables that both read
   * it so — a table's row holds every column, so NULL and absent are one another there — but not
   * with a table that reads NULL as a value. Without such fields the signature is as before.
   */
  static HashScheme scheme(Table table, Normalization normalization) {
    StringBuilder signature = new StringBuilder("keys ").append(table.keys().size()).append(';');
    for (String name : table.comparedByDatasetName(normalization).keySet()) {
      signature.append(name.length()).append(':').append(name).append(';');
    }
    for (String name : table.comparedByDatasetName(normalization).keySet()) {
      if (normalization.ruleFor(name).nullAsAbsent()) {
        signature.append("null as absent ").append(name.length()).append(':').append(name).append(';');
      }
    }
    return new HashScheme(PREFIX + Dialect.fingerprint(signature.toString()), 64);
  }
}
