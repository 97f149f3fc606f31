package io.reconcile.core;

import io.reconcile.api.ReconcileException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running continuous reconciliation, from {@link Reconciler#watch}: a thread of its own runs a
 * cycle, pauses for {@link WatchOptions#interval()}, and runs the next, until {@link #close()}.
 * Each cycle takes what the change feeds report, checks the leaves of the key space they made
 * dirty (and, now and then, all of them), and takes those that differ through the reconciler's
 * pipeline in its mode — so {@link Mode#APPLY} repairs as the stores drift, audited cycle by
 * cycle.
 *
 * <pre>{@code
 * try (Watch watch = reconciler.watch(WatchOptions.newBuilder().settle(Duration.ofSeconds(5)).build())) {
 *   ...                                   // the host goes on; the watch checks and repairs
 *   log.info(watch.status().statusLine());       // or hear every cycle: ReconcileListener.watchCycleFinished
 * }                                       // state saved: the next watch resumes from here
 * }</pre>
 *
 * <p>A cycle that fails because a store is unavailable is retried at the next interval; any other
 * failure stops the watch ({@link #failure()}), leaving its state as a crash would (the next start
 * sweeps). Thread-safe.
 */
public final class Watch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final Watcher watcher;
  private final Duration interval;
  private final Thread thread;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private boolean stopping;
  private boolean stopped;
  private long cycles;
  private WatchReport status;
  private @Nullable Throwable failure;

  private Watch(Watcher watcher, Duration interval, String name) {
    this.watcher = watcher;
    this.interval = interval;
    this.status = watcher.report();
    this.thread = new Thread(this::loop, "reconcile-watch-" + name);
    thread.setDaemon(true);
  }

  static Watch start(RunSettings settings, WatchOptions options) {
    Watch w = new Watch(Watcher.open(settings, options), options.interval(), options.name());
    w.thread.start();
    return w;
  }

  private void loop() {
    try {
      while (!isStopping()) {
        try {
          watcher.cycle();
        } catch (ReconcileException.StoreUnavailableException e) {
          log.warn("a watch cycle stopped because a store is unavailable; retrying in {}: {}", interval, e.getMessage());
        }
        lock.lock();
        try {
          cycles++;
          status = watcher.report();
          changed.signalAll();
          long nanos = interval.toNanos();
          while (!stopping && nanos > 0) {
            nanos = changed.awaitNanos(nanos);
          }
        } finally {
          lock.unlock();
        }
      }
      watcher.close();
    } catch (InterruptedException e) {
      watcher.close();
    } catch (RuntimeException | Error e) {
      log.error("the watch stopped: {}", e.toString());
      watcher.abandon();
      lock.lock();
      try {
        failure = e;
      } finally {
        lock.unlock();
      }
    } finally {
      lock.lock();
      try {
        stopped = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private boolean isStopping() {
    lock.lock();
    try {
      return stopping;
    } finally {
      lock.unlock();
    }
  }

  /** Where the watch stood after its last cycle. */
  public WatchReport status() {
    lock.lock();
    try {
      return status;
    } finally {
      lock.unlock();
    }
  }

  /** The stores whose changes a feed reports (their own or one attached); the others are found by sweeps and spot checks. */
  public List<String> fedStores() {
    return watcher.fed();
  }

  /**
   * Waits until {@code n} more cycles have finished (or the watch stopped), at most {@code timeout}.
   *
   * @return the status after the last of them, or empty if the timeout passed first or the watch stopped
   * @throws InterruptedException if the calling thread was interrupted
   */
  public Optional<WatchReport> awaitCycles(int n, Duration timeout) throws InterruptedException {
    lock.lock();
    try {
      long target = cycles + n;
      long nanos = timeout.toNanos();
      while (cycles < target && !stopped && nanos > 0) {
        nanos = changed.awaitNanos(nanos);
      }
      return cycles >= target ? Optional.of(status) : Optional.empty();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the watch has stopped: closed, or failed ({@link #failure()}). */
  public boolean isStopped() {
    lock.lock();
    try {
      return stopped;
    } finally {
      lock.unlock();
    }
  }

  /** Why the watch stopped by itself, if it did. */
  public Optional<Throwable> failure() {
    lock.lock();
    try {
      return Optional.ofNullable(failure);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stops the watch after the cycle under way, saves its state as closed (the next watch of the
   * same name resumes from the feeds' positions without a sweep) and closes the feeds it opened.
   * Never closes the stores. Idempotent.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      stopping = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.MINUTES.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
