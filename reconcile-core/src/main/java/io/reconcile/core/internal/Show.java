package io.reconcile.core.internal;

import io.reconcile.api.Value;
import org.jspecify.annotations.Nullable;

/** Short texts for divergence details. */
public final class Show {

  /** Values longer than this are cut in details. */
  public static final int MAX_VALUE_CHARS = 40;

  private Show() {}

  /** A field value as a detail shows it; {@code (no field)} when the entry lacks the field. */
  public static String value(@Nullable Value v) {
    return v == null ? "(no field)" : cut(v.toString(), MAX_VALUE_CHARS);
  }

  /** {@code s} cut to {@code max} characters, ending in an ellipsis when cut. */
  public static String cut(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
