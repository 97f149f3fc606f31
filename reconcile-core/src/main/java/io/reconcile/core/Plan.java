package io.reconcile.core;

import io.reconcile.api.KeyRange;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * The key ranges one run reconciles, in ascending key order, and which of them are done. A full
 * run plans the whole key space into segments; a resumed run takes the plan and the done ranges of
 * its checkpoint. Other sources of ranges (dirty ranges of a change feed, a manifest's ranges, a
 * work topic's segments) make a plan of their ranges the same way. Mutable only in which segments
 * are done; used by the run's conductor thread.
 */
final class Plan {

  private final List<KeyRange> segments;
  private final BitSet done;

  private Plan(List<KeyRange> segments, BitSet done) {
    KeyRange.requireAscending(segments);
    this.segments = List.copyOf(segments);
    this.done = done;
  }

  /** A plan of these ranges (ascending, not overlapping), none done yet. */
  static Plan of(List<KeyRange> segments) {
    return new Plan(segments, new BitSet(segments.size()));
  }

  /** A plan of these ranges with the segments at the given indexes done. */
  static Plan resumed(List<KeyRange> segments, BitSet done) {
    return new Plan(segments, (BitSet) done.clone());
  }

  List<KeyRange> segments() {
    return segments;
  }

  int size() {
    return segments.size();
  }

  KeyRange segment(int index) {
    return segments.get(index);
  }

  /** The indexes of the segments not done, ascending. */
  List<Integer> pending() {
    List<Integer> out = new ArrayList<>();
    for (int i = done.nextClearBit(0); i < segments.size(); i = done.nextClearBit(i + 1)) {
      out.add(i);
    }
    return out;
  }

  boolean isDone(int index) {
    return done.get(index);
  }

  void markDone(int index) {
    done.set(index);
  }

  /**
   * This plan with some pending segments split: {@code parts.get(p)} replaces the segment {@code
   * pending.get(p)} (the same range when it was not split); done segments stay done.
   */
  Plan split(List<Integer> pending, List<List<KeyRange>> parts) {
    List<List<KeyRange>> replacing = new ArrayList<>(segments.size());
    segments.forEach(s -> replacing.add(List.of(s)));
    for (int p = 0; p < pending.size(); p++) {
      replacing.set(pending.get(p), parts.get(p));
    }
    List<KeyRange> out = new ArrayList<>();
    BitSet outDone = new BitSet();
    for (int i = 0; i < segments.size(); i++) {
      for (KeyRange r : replacing.get(i)) {
        if (done.get(i)) {
          outDone.set(out.size());
        }
        out.add(r);
      }
    }
    return new Plan(out, outDone);
  }

  /** The done segments, as a copy. */
  BitSet done() {
    return (BitSet) done.clone();
  }
}
