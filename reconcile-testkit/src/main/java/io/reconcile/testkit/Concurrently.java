package io.reconcile.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs tasks on several threads at once, released together, for the thread-safety law. */
final class Concurrently {

  /** Threads asking at once. */
  static final int THREADS = 4;

  /** How many times each thread asks its divergences, so that the threads overlap. */
  static final int PASSES = 32;

  private static final ExecutorService POOL =
      Executors.newFixedThreadPool(THREADS, r -> {
        Thread t = new Thread(r, "testkit-concurrently");
        t.setDaemon(true);
        return t;
      });

  private Concurrently() {}

  /**
   * Runs every task (at most {@link #THREADS}) on its own thread, all released at the same moment, and returns their results
   * in order.
   *
   * @throws ExecutionException the first task's failure, if any failed
   */
  static <T> List<T> run(List<Callable<T>> tasks) throws ExecutionException, InterruptedException {
    if (tasks.size() > THREADS) {
      throw new IllegalArgumentException("at most " + THREADS + " tasks run at once, not " + tasks.size());
    }
    CountDownLatch ready = new CountDownLatch(tasks.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<T>> futures = new ArrayList<>();
    for (Callable<T> task : tasks) {
      futures.add(POOL.submit(() -> {
        ready.countDown();
        go.await();
        return task.call();
      }));
    }
    ready.await();
    go.countDown();
    List<T> results = new ArrayList<>();
    for (Future<T> f : futures) {
      results.add(f.get());
    }
    return results;
  }
}
