package io.reconcile.core.check;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.store.Store;
import io.reconcile.core.internal.Bisection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Finds differing rows by comparing digests and narrowing down only where they differ: a range
 * whose digests agree in every store is done; one that differs is split into up to {@code fanOut}
 * parts of similar row counts (by the store holding the most rows there), all parts are digested in
 * one call per store, and only differing parts are split again. Once a part holds at most {@code
 * leafRows} rows in every store — or when most parts of a split differ, so that splitting further
 * would cost more than reading — its rows are compared row by row: by their row hashes first when
 * the stores read key ranges by an index and one computes hashes where its data lives, then by the
 * rows whose hashes differ.
 *
 * <p>With d differing rows among n, the rows read grow like d · leafRows (like d when row hashes are
 * compared first), and the digests computed like d · log(n / leafRows) · fanOut. This is the
 * checker the engine runs on every range; use it directly to check one range of stores you hold.
 * Reads only; immutable and thread-safe; one instance may check many ranges at once.
 */
public final class DigestBisectionChecker implements Checker {

  /** The name divergences carry. */
  public static final String NAME = "digest-bisection";

  private final int fanOut;
  private final int leafRows;
  private final HashScheme scheme;

  /**
   * @param fanOut how many parts a differing range is split into, at least 2
   * @param leafRows at most this many rows per store are read and compared row by row, at least 1
   * @param scheme the row-hash scheme every store digests with (see {@link Store#hashSchemes()})
   * @throws IllegalArgumentException for a fan-out below 2 or leafRows below 1
   */
  public DigestBisectionChecker(int fanOut, int leafRows, HashScheme scheme) {
    if (fanOut < 2 || leafRows < 1) {
      throw new IllegalArgumentException(
          "fanOut must be >= 2 and leafRows >= 1, but were " + fanOut + " and " + leafRows);
    }
    this.fanOut = fanOut;
    this.leafRows = leafRows;
    this.scheme = scheme;
  }

  /** Fan-out 16, 256 leaf rows, canonical MD5. */
  public DigestBisectionChecker() {
    this(16, 256, HashScheme.CANONICAL_MD5);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void check(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    Bisection bisection = new Bisection(context.stores(), scheme, fanOut, leafRows, NAME, context.clock());
    List<Digest> digests = Bisection.column(bisection.digests(List.of(range)), 0);
    bisection.bisect(range, digests, found);
  }
}
