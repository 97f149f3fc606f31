package io.reconcile.api.repair;

import io.reconcile.api.Entry;
import java.util.Objects;

/**
 * What a {@link Resolver} decided for one {@link Divergence}. The set is closed: take one store's
 * state, write a merged entry, delete everywhere, leave it alone, or escalate to a person. Every
 * decision carries the reason, which the report and the audit trail keep.
 */
public sealed interface Resolution {

  /** Why this decision was made, in words a person can check. */
  String reason();

  /** Whether acting on this resolution writes to some store. */
  default boolean repairs() {
    return this instanceof TakeSide || this instanceof Merge || this instanceof Delete;
  }

  /**
   * Make every store hold what {@code store} held at detection (which may be nothing, so the key is
   * deleted elsewhere).
   */
  record TakeSide(String store, String reason) implements Resolution {
    public TakeSide {
      Objects.requireNonNull(store, "store");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Make every store hold a new entry merged from the sides. */
  record Merge(Entry merged, String reason) implements Resolution {
    public Merge {
      Objects.requireNonNull(merged, "merged");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Remove the key from every store. */
  record Delete(String reason) implements Resolution {
    public Delete {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Leave every store as it is; the divergence is accepted (e.g. the key is not ours to repair). */
  record Skip(String reason) implements Resolution {
    public Skip {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** Leave every store as it is and ask a person: the divergence is reported, never repaired. */
  record Escalate(String reason) implements Resolution {
    public Escalate {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
