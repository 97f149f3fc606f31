package io.reconcile.core.check;

import io.reconcile.api.Value;
import org.jspecify.annotations.Nullable;

/** Short texts for divergence details. */
final class Show {

  /** Values longer than this are cut in details. */
  static final int MAX_VALUE_CHARS = 40;

  private Show() {}

  /** A field value as a detail shows it; {@code (no field)} when the entry lacks the field. */
  static String value(@Nullable Value v) {
    return v == null ? "(no field)" : cut(v.toString(), MAX_VALUE_CHARS);
  }

  /** {@code s} cut to {@code max} characters, ending in an ellipsis when cut. */
  static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
