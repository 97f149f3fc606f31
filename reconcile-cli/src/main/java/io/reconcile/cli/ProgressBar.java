package io.reconcile.cli;

import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import io.reconcile.core.ReconcileListener;
import io.reconcile.core.ReconcileReport;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * One run's progress on stderr, overwriting one line: segments compared of all, rows in them of
 * all, and the time left estimated from the rows done so far. Silent when it has no writer: when
 * stderr is not a terminal or the user asked for quiet.
 */
final class ProgressBar implements ReconcileListener {

  private static final int WIDTH = 24;

  private final @Nullable PrintWriter err;
  private final String label;
  private final LongSupplier nanoTime;
  private final Map<KeyRange, Long> rowsBySegment = new ConcurrentHashMap<>();
  private long totalRows;
  private int total;
  private int done;
  private long rowsDone;
  private long started;
  private int lastWidth;
  /** Whether stdout is the same terminal, so that printed lines must not land on the bar's line. */
  private boolean sharesTerminal;

  ProgressBar(@Nullable PrintWriter err, String label, LongSupplier nanoTime) {
    this.err = err;
    this.label = label;
    this.nanoTime = nanoTime;
  }

  /**
   * A bar on {@code err}, or a silent one when {@code quiet} or when stderr is not a terminal
   * (whatever stdout is: {@code reconcile diff … > diff.txt} still shows the bar).
   */
  static ProgressBar onTerminal(PrintWriter err, boolean quiet, String label) {
    ProgressBar bar = new ProgressBar(quiet || !isTerminal(2) ? null : err, label, System::nanoTime);
    bar.sharesTerminal = bar.err != null && isTerminal(1);
    return bar;
  }

  /**
   * Whether this process's file descriptor {@code fd} (1 stdout, 2 stderr) is a terminal: on Linux,
   * whether it is a tty or pseudo-terminal device; elsewhere (no /proc), whether the JVM has a
   * console, which needs stdin and stdout to be terminals too.
   */
  static boolean isTerminal(int fd) {
    java.nio.file.Path link = java.nio.file.Path.of("/proc/self/fd/" + fd);
    try {
      String target = java.nio.file.Files.readSymbolicLink(link).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
    } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
      return System.console() != null;
    }
  }

  /** The store, reporting the row counts of the segments the run plans on it to this bar. */
  Store observe(Store store) {
    return new ForwardingStore(store) {
      @Override
      public List<Segment> segments(KeyRange range, int maxSegments) {
        List<Segment> segments = super.segments(range, maxSegments);
        long rows = 0;
        for (Segment s : segments) {
          rowsBySegment.put(s.range(), s.estimatedCount());
          rows += s.estimatedCount();
        }
        synchronized (ProgressBar.this) {
          if (totalRows == 0) { // the run's plan; later calls split differing ranges
            totalRows = rows;
          }
        }
        return segments;
      }
    };
  }

  @Override
  public synchronized void runStarted(String runId, List<String> stores, int segments) {
    total = segments;
    done = 0;
    rowsDone = 0;
    started = nanoTime.getAsLong();
  }

  @Override
  public synchronized void segmentCompared(String runId, KeyRange segment, int divergences, Duration took) {
    done++;
    rowsDone += rowsBySegment.getOrDefault(segment, 0L);
    if (err != null) {
      String line = line(label, done, total, rowsDone, totalRows, nanoTime.getAsLong() - started);
      err.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
      lastWidth = line.length();
      err.flush();
    }
  }

  @Override
  public synchronized void runFinished(ReconcileReport report) {
    clear();
  }

  /**
   * Clears the bar before the command prints a line, when stdout is the same terminal; the next
   * progress draws it again.
   */
  synchronized void beforeOutput() {
    if (sharesTerminal) {
      clear();
    }
  }

  private void clear() {
    if (err != null && lastWidth > 0) {
      err.print("\r" + " ".repeat(lastWidth) + "\r");
      err.flush();
      lastWidth = 0;
    }
  }

  /** e.g. {@code orders [######------] 12/64 segments · 1,200/6,400 rows · ETA 0:42}; rows when known. */
  static String line(String label, int done, int total, long rows, long totalRows, long elapsedNanos) {
    // A run may split large differing segments into more than it planned: the bar stays full.
    int filled = total == 0 ? WIDTH : (int) Math.min(WIDTH, (long) done * WIDTH / total);
    StringBuilder sb = new StringBuilder(label).append(" [")
        .append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ")
        .append(done).append('/').append(total).append(" segments");
    if (totalRows > 0) {
      sb.append(String.format(" · %,d/%,d rows", rows, totalRows));
    }
    double fraction = totalRows > 0 ? (double) rows / totalRows : total > 0 ? (double) done / total : 1;
    if (fraction > 0 && fraction < 1) {
      long left = (long) (elapsedNanos / 1e9 * (1 - fraction) / fraction);
      sb.append(" · ETA ").append(clock(left));
    }
    return sb.toString();
  }

  private static String clock(long seconds) {
    return seconds >= 3600
        ? String.format("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
        : String.format("%d:%02d", seconds / 60, seconds % 60);
  }
}
