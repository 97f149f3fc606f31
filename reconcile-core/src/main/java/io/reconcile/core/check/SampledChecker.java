package io.reconcile.core.check;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.store.Store;
import io.reconcile.core.internal.RowDiff;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares a sample of keys instead of every row, and bounds how many rows can differ.
 *
 * <p><b>The sample.</b> The reference store's range is cut at its {@link Store#segments segment}
 * boundaries into up to {@value #OVERSAMPLING} × {@code sampleSize} strata of about equal row
 * counts; up to {@code sampleSize} of them are chosen at random (all of them if there are no more),
 * and from each chosen stratum one key is drawn uniformly at random from the first {@value
 * #WINDOW} keys the reference's scan of it yields. So while strata hold at most {@value #WINDOW}
 * rows (ranges of up to about {@value #OVERSAMPLING} × {@value #WINDOW} × {@code sampleSize}
 * rows, given segments of equal counts) every row is equally likely to be sampled; in larger
 * strata, rows beyond the window are never sampled, which bounds the cost but means the bound
 * below assumes differences are not concentrated there. Drawing at random inside each stratum,
 * rather than taking its first key, keeps the sample honest when differences follow a pattern that
 * lines up with segment boundaries. The draws use a random generator seeded from {@code seed} and
 * the range, so the same data, seed and range give the same sample. The sampled keys are then
 * looked up in every store with one {@link Store#get} call each, and every sampled key whose
 * entries differ is reported as {@link RowDiff#compare} classifies it (MISSING, MISMATCH,
 * CONCURRENT; EXTRA only if the reference lost the key meanwhile).
 *
 * <p><b>The bound.</b> {@link #estimate} turns the result into a statement such as {@code 12 of
 * 400 sampled keys differ; with 95% confidence at most 5.1% of rows differ}, using the exact
 * one-sided binomial (Clopper–Pearson) upper bound. Because keys are drawn from the reference,
 * rows that only other stores hold are not sampled; pair this checker with {@link CountChecker}
 * to catch those.
 *
 * <p>Immutable and thread-safe. Costs one {@code segments} call and up to {@code sampleSize} scans
 * of at most {@value #WINDOW} rows each on the reference, and one {@code get} of up to {@code
 * sampleSize} keys per store.
 */
public final class SampledChecker implements Checker {

  /** The name divergences carry: {@value}. */
  public static final String NAME = "sampled";

  /** How many strata per sampled key the reference is asked for: {@value}. */
  static final int OVERSAMPLING = 4;

  /** How many keys of a stratum, at most, a sampled key is drawn from: {@value}. */
  static final int WINDOW = 256;

  private static final Logger LOG = LoggerFactory.getLogger(SampledChecker.class);

  private final int sampleSize;
  private final double confidence;
  private final long seed;

  /**
   * What a sample says about a range.
   *
   * @param sampled how many keys were sampled (and looked up in every store)
   * @param differing how many of those differ across the stores
   * @param confidence the confidence level of the bound, in (0, 1)
   * @param upperBoundRate the one-sided Clopper–Pearson upper bound on the fraction of rows that
   *     differ, at {@code confidence}; 1 when nothing was sampled
   * @param statement the result in words, e.g. {@code 0 of 400 sampled keys differ; with 95%
   *     confidence at most 0.75% of rows differ}; the percentage is rounded up
   */
  public record Estimate(
      int sampled, int differing, double confidence, double upperBoundRate, String statement) {

    /**
     * Checks the numbers.
     *
     * @param sampled how many keys were sampled
     * @param differing how many of those differ
     * @param confidence the confidence level, in (0, 1)
     * @param upperBoundRate the upper bound on the fraction of differing rows, in [0, 1]
     * @param statement the result in words
     * @throws IllegalArgumentException if {@code differing} is negative or more than {@code
     *     sampled}, the confidence is not in (0, 1) or the rate not in [0, 1]
     */
    public Estimate {
      Objects.requireNonNull(statement, "statement");
      if (sampled < 0 || differing < 0 || differing > sampled) {
        throw new IllegalArgumentException(
            "an estimate needs 0 <= differing <= sampled, but had differing="
                + differing
                + ", sampled="
                + sampled);
      }
      checkConfidence(confidence);
      if (!(upperBoundRate >= 0 && upperBoundRate <= 1)) {
        throw new IllegalArgumentException(
            "an upper bound rate is a fraction in [0, 1], but was " + upperBoundRate);
      }
    }
  }

  /**
   * A sampling checker.
   *
   * @param sampleSize the most keys sampled per range, at least 1
   * @param confidence the confidence level of the {@link #estimate} bound, strictly between 0 and
   *     1, e.g. 0.95
   * @param seed seeds the random choice of strata, so runs are reproducible
   * @throws IllegalArgumentException if {@code sampleSize < 1} or {@code confidence} is not in (0,
   *     1)
   */
  public SampledChecker(int sampleSize, double confidence, long seed) {
    if (sampleSize < 1) {
      throw new IllegalArgumentException(
          "a sampled checker needs sampleSize >= 1, but was " + sampleSize);
    }
    this.sampleSize = sampleSize;
    this.confidence = checkConfidence(confidence);
    this.seed = seed;
  }

  private static double checkConfidence(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException(
          "confidence must be strictly between 0 and 1 (e.g. 0.95 for 95%), but was " + confidence);
    }
    return confidence;
  }

  /**
   * The most keys sampled per range.
   *
   * @return at least 1
   */
  public int sampleSize() {
    return sampleSize;
  }

  /**
   * The confidence level of the bound.
   *
   * @return a number strictly between 0 and 1
   */
  public double confidence() {
    return confidence;
  }

  /**
   * The seed of the random choice.
   *
   * @return the seed given to the constructor
   */
  public long seed() {
    return seed;
  }

  /** {@value #NAME}. */
  @Override
  public String name() {
    return NAME;
  }

  /** True: each divergence names a sampled row that a resolver may repair. */
  @Override
  public boolean repairable() {
    return true;
  }

  /**
   * Samples {@code range} and reports every sampled key whose entries differ, as described on the
   * class. The estimate for the range is logged at debug level.
   *
   * @throws io.reconcile.api.ReconcileException if a store fails
   */
  @Override
  public void check(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    Objects.requireNonNull(found, "found");
    Estimate e = run(context, range, found);
    LOG.debug("{} in {}", e.statement(), range);
  }

  /**
   * Samples {@code range} as {@link #check} does, without reporting divergences, and says what the
   * sample implies: how many keys differ and, at this checker's confidence, an upper bound on the
   * fraction of the reference's rows that differ. With no differing key the bound is {@code 1 -
   * (1 - confidence)^(1/n)} for n sampled keys (close to the "rule of three", 3/n, at 95%).
   *
   * @param context the stores, reference first
   * @param range the range to sample
   * @return the estimate, never null
   * @throws io.reconcile.api.ReconcileException if a store fails
   */
  public Estimate estimate(CheckContext context, KeyRange range) {
    return run(context, range, d -> {});
  }

  private Estimate run(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    Objects.requireNonNull(context, "context");
    Objects.requireNonNull(range, "range");
    List<Store> stores = context.stores();
    List<Key> keys = sample(stores.get(0), range);
    List<Map<Key, Entry>> held = new ArrayList<>(stores.size());
    for (Store store : stores) {
      held.add(store.get(keys));
    }
    int differing = 0;
    for (Key key : keys) {
      List<Side> sides = new ArrayList<>(stores.size());
      for (int s = 0; s < stores.size(); s++) {
        sides.add(new Side(stores.get(s).id(), held.get(s).get(key)));
      }
      Optional<Divergence> d = RowDiff.compare(key, sides, NAME, context.clock().instant());
      if (d.isPresent()) {
        differing++;
        found.accept(d.get());
      }
    }
    return estimate(keys.size(), differing, confidence);
  }

  /** Up to sampleSize keys of the reference, in key order. */
  private List<Key> sample(Store reference, KeyRange range) {
    int strataWanted = (int) Math.min(Integer.MAX_VALUE, (long) sampleSize * OVERSAMPLING);
    List<KeyRange> strata = Parts.of(reference, range, strataWanted);
    List<KeyRange> chosen = strata;
    SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * range.hashCode()));
    if (strata.size() > sampleSize) {
      // A partial Fisher–Yates shuffle picks sampleSize strata uniformly without replacement.
      List<KeyRange> pool = new ArrayList<>(strata);
      for (int i = 0; i < sampleSize; i++) {
        int j = i + random.nextInt(pool.size() - i);
        KeyRange t = pool.get(i);
        pool.set(i, pool.get(j));
        pool.set(j, t);
      }
      chosen = pool.subList(0, sampleSize);
    }
    TreeSet<Key> keys = new TreeSet<>();
    for (KeyRange stratum : chosen) {
      drawKey(reference, stratum, random).ifPresent(keys::add);
    }
    return List.copyOf(keys);
  }

  /** A key drawn uniformly from the first {@value #WINDOW} keys a scan of the stratum yields. */
  private static Optional<Key> drawKey(Store store, KeyRange stratum, SplittableRandom random) {
    try (Stream<Entry> s = store.scan(stratum)) {
      Key chosen = null;
      int seen = 0;
      for (Iterator<Entry> it = s.limit(WINDOW).iterator(); it.hasNext(); ) {
        Key k = it.next().key();
        seen++;
        // Reservoir sampling of one: the i-th key replaces the choice with probability 1/i.
        if (random.nextInt(seen) == 0) {
          chosen = k;
        }
      }
      return Optional.ofNullable(chosen);
    }
  }

  /**
   * The estimate for {@code differing} of {@code sampled} keys at {@code confidence}.
   *
   * @throws IllegalArgumentException if the numbers are inconsistent or confidence not in (0, 1)
   */
  static Estimate estimate(int sampled, int differing, double confidence) {
    double bound = upperBound(differing, sampled, confidence);
    String statement;
    if (sampled == 0) {
      statement = "no keys sampled; nothing can be said about how many rows differ";
    } else {
      statement =
          differing
              + " of "
              + sampled
              + " sampled "
              + (sampled == 1 ? "key" : "keys")
              + (differing == 1 ? " differs" : " differ")
              + "; with "
              + BigDecimal.valueOf(confidence).movePointRight(2).stripTrailingZeros().toPlainString()
              + "% confidence at most "
              + percent(bound)
              + "% of rows differ";
    }
    return new Estimate(sampled, differing, confidence, bound, statement);
  }

  /** A fraction as a percentage of two significant digits, rounded up (it is an upper bound). */
  static String percent(double fraction) {
    if (fraction <= 0) {
      return "0";
    }
    BigDecimal pct =
        new BigDecimal(fraction).movePointRight(2).round(new MathContext(2, RoundingMode.UP));
    return pct.stripTrailingZeros().toPlainString();
  }

  /**
   * The exact one-sided (Clopper–Pearson) upper confidence bound on a binomial proportion: the p
   * at which seeing at most {@code x} successes in {@code n} trials has probability {@code 1 -
   * confidence}. 1 when {@code n == 0} or {@code x == n}.
   */
  static double upperBound(int x, int n, double confidence) {
    if (x < 0 || x > n) {
      throw new IllegalArgumentException("need 0 <= x <= n, but x=" + x + ", n=" + n);
    }
    if (n == 0 || x == n) {
      return 1.0;
    }
    double alpha = 1 - confidence;
    if (x == 0) {
      return -Math.expm1(Math.log(alpha) / n);
    }
    // P(X <= x; n, p) falls as p grows; bisect for the p where it equals alpha.
    double lo = 0;
    double hi = 1;
    for (int i = 0; i < 100 && hi - lo > 1e-15; i++) {
      double mid = (lo + hi) / 2;
      if (binomialCdf(x, n, mid) > alpha) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return hi;
  }

  /** P(X <= x) for X ~ Binomial(n, p), summed in log space so large n does not underflow. */
  static double binomialCdf(int x, int n, double p) {
    if (p <= 0) {
      return 1.0;
    }
    if (p >= 1) {
      return x >= n ? 1.0 : 0.0;
    }
    double logP = Math.log(p);
    double logQ = Math.log1p(-p);
    double[] logTerms = new double[x + 1];
    double term = n * logQ; // k = 0
    double max = term;
    logTerms[0] = term;
    for (int k = 1; k <= x; k++) {
      term += Math.log((double) (n - k + 1) / k) + logP - logQ;
      logTerms[k] = term;
      max = Math.max(max, term);
    }
    double sum = 0;
    for (double t : logTerms) {
      sum += Math.exp(t - max);
    }
    return Math.min(1.0, Math.exp(max) * sum);
  }

  @Override
  public String toString() {
    return "SampledChecker[sampleSize="
        + sampleSize
        + ", confidence="
        + confidence
        + ", seed="
        + seed
        + "]";
  }
}
