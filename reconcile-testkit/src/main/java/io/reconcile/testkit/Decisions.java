package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.jspecify.annotations.Nullable;

/** What resolutions mean for the stores, and how the contracts describe them in failures. */
final class Decisions {

  private Decisions() {}

  /** A decision in words, without its reason: what it does, not why. */
  static String effect(Optional<Resolution> decision) {
    if (decision.isEmpty()) {
      return "abstain";
    }
    Resolution r = decision.get();
    if (r instanceof Resolution.TakeSide t) {
      return "take store " + t.store();
    }
    if (r instanceof Resolution.Merge m) {
      return "merge into " + m.merged();
    }
    return r instanceof Resolution.Delete ? "delete" : r instanceof Resolution.Skip ? "skip" : "escalate";
  }

  /**
   * What a decision does, for comparing two decisions: the kind, and for a repair the entry every
   * store ends up holding (so taking either of two sides that hold the same data is the same).
   */
  static List<Object> comparable(Divergence d, Optional<Resolution> decision) {
    if (decision.isEmpty()) {
      return List.of("abstain");
    }
    Resolution r = decision.get();
    if (!r.repairs()) {
      return List.of(effect(decision));
    }
    Entry e = outcome(d, r);
    return List.of("repair", e == null ? "absent" : e);
  }

  /**
   * As {@link #comparable}, but blind to the key: for comparing the decisions on one divergence
   * moved to two different keys.
   */
  static List<Object> comparableAtAnyKey(Divergence d, Optional<Resolution> decision) {
    if (decision.isEmpty() || !decision.get().repairs()) {
      return comparable(d, decision);
    }
    Entry e = outcome(d, decision.get());
    return List.of("repair", e == null ? "absent" : List.of(e.fields(), e.version()));
  }

  /** What every store holds once a repairing resolution is carried out; null when the key is gone. */
  static @Nullable Entry outcome(Divergence d, Resolution r) {
    if (r instanceof Resolution.TakeSide t) {
      return d.entryIn(t.store()).orElse(null);
    }
    if (r instanceof Resolution.Merge m) {
      return m.merged();
    }
    if (r instanceof Resolution.Delete) {
      return null;
    }
    throw new IllegalArgumentException(r + " does not repair");
  }

  /** The divergence with its sides reordered by {@code seed}; the reference stays first unless {@code all}. */
  static Divergence reordered(Divergence d, long seed, boolean all) {
    List<Divergence.Side> sides = new ArrayList<>(d.sides());
    Collections.shuffle(all ? sides : sides.subList(1, sides.size()), new Random(seed));
    return new Divergence(d.key(), d.kind(), sides, d.checker(), d.detectedAt(), d.detail());
  }

  /** The sides as {@code store=entry} lines, for failure messages. */
  static String sides(Divergence d) {
    StringBuilder sb = new StringBuilder();
    for (Divergence.Side s : d.sides()) {
      sb.append("\n    ").append(s.store()).append(": ").append(s.present() ? s.entry() : "(absent)");
    }
    return sb.toString();
  }

  static String show(@Nullable Entry e) {
    return e == null ? "(absent)" : e.toString();
  }
}
