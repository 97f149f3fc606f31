package io.reconcile.core.memory;

import io.reconcile.api.Key;
import io.reconcile.api.store.Change;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The recent history of one {@link MemoryTable}'s changed keys, numbered in commit order, from
 * which its {@link MemoryFeed}s read. It records only once a feed has been opened (a table nobody
 * watches keeps no history) and keeps the newest {@link #retained} changes in a ring; a feed that
 * falls further behind finds its position expired. Thread-safe.
 */
final class ChangeLog {

  static final int RETAINED = 1 << 18;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition appended = lock.newCondition();
  private final int retained;
  private Key @Nullable [] keys;
  private Instant @Nullable [] times;
  /** The number of the last change; changes after {@code firstRecorded - 1} are in the ring. */
  private long last;
  private long firstRecorded;

  ChangeLog(int retained) {
    this.retained = retained;
  }

  /** Starts recording, if not yet, and returns the number of the last change so far. */
  long startRecording() {
    lock.lock();
    try {
      if (keys == null) {
        keys = new Key[retained];
        times = new Instant[retained];
        firstRecorded = last + 1;
      }
      return last;
    } finally {
      lock.unlock();
    }
  }

  /** Records keys changed by one commit; called by the table's single writer. */
  void append(java.util.Collection<Key> changed, Instant at) {
    lock.lock();
    try {
      if (keys == null) {
        last += changed.size();
        return;
      }
      for (Key k : changed) {
        last++;
        int slot = (int) (last % retained);
        keys[slot] = k;
        times[slot] = at;
      }
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * The changes numbered after {@code after}, at most {@code max}, waiting up to {@code timeout}
   * for one unless {@code stop} says to stop; null if the history no longer reaches back to {@code
   * after}, or never did.
   */
  @Nullable List<Change> after(long after, int max, Duration timeout, BooleanSupplier stop) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      long nanos = Math.max(0, Math.min(timeout.toNanos(), TimeUnit.DAYS.toNanos(1)));
      while (last <= after && nanos > 0 && !stop.getAsBoolean()) {
        nanos = appended.awaitNanos(nanos);
      }
      long oldest = Math.max(firstRecorded, last - retained + 1);
      if (after > last || (after < last && (keys == null || after + 1 < oldest))) {
        return null;
      }
      List<Change> out = new ArrayList<>();
      for (long seq = after + 1; seq <= last && out.size() < max; seq++) {
        int slot = (int) (seq % retained);
        out.add(new Change(keys[slot], times[slot]));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiting reader, e.g. when a feed closes. */
  void wake() {
    lock.lock();
    try {
      appended.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
