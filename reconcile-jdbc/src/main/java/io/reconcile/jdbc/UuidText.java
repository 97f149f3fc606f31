package io.reconcile.jdbc;

import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The canonical text of UUIDs — 36 characters, lowercase hex digits in groups of 8-4-4-4-12 joined
 * by hyphens, as {@link UUID#toString()} writes them — for UUID columns compared as text ({@link
 * Column.Kind#UUID_TEXT}). Canonical texts order by code point exactly as their UUIDs order
 * unsigned (hex digits {@code 0-9} sort before {@code a-f}, hyphens sit at the same places), so a
 * UUID column ordered by its own type is in the text order of its keys; {@link #ceiling} turns any
 * text bound into the UUID bound that selects the same rows.
 */
final class UuidText {

  private static final int LENGTH = 36;

  private UuidText() {}

  /** The UUID that {@code s} is the canonical text of, or null when it is not one. */
  static @Nullable UUID parse(String s) {
    if (s.length() != LENGTH) {
      return null;
    }
    for (int i = 0; i < LENGTH; i++) {
      if (!allowed(i, s.charAt(i))) {
        return null;
      }
    }
    return UUID.fromString(s);
  }

  /**
   * The least UUID whose canonical text is at or after {@code s} in code point order, or null when
   * every canonical text is before {@code s}. So for every UUID {@code u}: text(u) ≥ s exactly when
   * u ≥ ceiling(s) (unsigned), and text(u) &lt; s exactly when u &lt; ceiling(s) (or there is none).
   */
  static @Nullable UUID ceiling(String s) {
    int[] cps = s.codePoints().toArray();
    char[] out = new char[LENGTH];
    int n = Math.min(cps.length, LENGTH);
    int i = 0;
    while (i < n && allowed(i, cps[i])) {
      out[i] = (char) cps[i];
      i++;
    }
    if (i == cps.length) {
      // s is a canonical text or a prefix of some: the least completion is at or after it.
      return least(out, i);
    }
    int from = LENGTH - 1; // s extends a canonical text, so is after it: the next one
    if (i < n) {
      int up = next(i, cps[i]);
      if (up >= 0) {
        out[i] = (char) up;
        return least(out, i + 1);
      }
      from = i - 1;
    }
    for (int j = from; j >= 0; j--) {
      int up = next(j, out[j]);
      if (up >= 0) {
        out[j] = (char) up;
        return least(out, j + 1);
      }
    }
    return null;
  }

  private static boolean isHyphenAt(int i) {
    return i == 8 || i == 13 || i == 18 || i == 23;
  }

  private static boolean allowed(int i, int c) {
    return isHyphenAt(i) ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  /** The least character allowed at position {@code i} that is after {@code c}, or -1. */
  private static int next(int i, int c) {
    if (isHyphenAt(i)) {
      return c < '-' ? '-' : -1;
    }
    if (c < '0') {
      return '0';
    }
    if (c < '9') {
      return c + 1;
    }
    if (c < 'a') {
      return 'a';
    }
    return c < 'f' ? c + 1 : -1;
  }

  /** {@code out} with positions from {@code from} on set to the least they allow, as a UUID. */
  private static UUID least(char[] out, int from) {
    for (int k = from; k < LENGTH; k++) {
      out[k] = isHyphenAt(k) ? '-' : '0';
    }
    return UUID.fromString(new String(out));
  }
}
