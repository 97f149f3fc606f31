package io.reconcile.api.store;

import io.reconcile.api.Entry;
import org.jspecify.annotations.Nullable;

/**
 * The state a {@link RepairAction} expects to find in its target: either no entry, or exactly the
 * data seen at detection. A store applies the action only if its current state {@link
 * #matches(Entry) matches}; a row written meanwhile is left alone.
 *
 * <p>Matching compares keys and canonical data ({@link Entry#sameData(Entry)}), not version
 * metadata.
 *
 * @param entry the entry expected, or null when the key is expected to be absent
 */
public record Expected(@Nullable Entry entry) {

  private static final Expected ABSENT = new Expected(null);

  /** The key must not be present. */
  public static Expected absent() {
    return ABSENT;
  }

  /** The key must hold exactly this data. */
  public static Expected present(Entry entry) {
    return new Expected(entry);
  }

  /** Whether the key is expected to be absent. */
  public boolean isAbsent() {
    return entry == null;
  }

  /** Whether {@code current} (null when the key is absent) is the expected state. */
  public boolean matches(@Nullable Entry current) {
    if (entry == null || current == null) {
      return entry == current;
    }
    return entry.sameData(current);
  }

  @Override
  public String toString() {
    return entry == null ? "absent" : "present " + entry.hash();
  }
}
