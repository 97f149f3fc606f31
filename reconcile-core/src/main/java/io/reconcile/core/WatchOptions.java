package io.reconcile.core;

import io.reconcile.api.store.ChangeFeedSource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How a {@link Reconciler#watch watch} runs: its name (which keeps its state apart from other
 * watches in the reconciler's checkpoint store), how often it checks, how long a change may take to
 * reach every store before a difference counts, how often it sweeps everything, how many clean
 * leaves it spot-checks, and any change feeds that do not come from the stores themselves.
 * Immutable; build with {@link #newBuilder()}.
 */
public final class WatchOptions {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  private final String name;
  private final Duration interval;
  private final Duration settle;
  private final Duration sweepEvery;
  private final int spotChecks;
  private final int leafRows;
  private final Map<String, ChangeFeedSource> feeds;

  private WatchOptions(Builder b) {
    this.name = b.name;
    this.interval = b.interval;
    this.settle = b.settle;
    this.sweepEvery = b.sweepEvery;
    this.spotChecks = b.spotChecks;
    this.leafRows = b.leafRows;
    this.feeds = Map.copyOf(b.feeds);
  }

  /** The defaults: see each setting of {@link Builder}. */
  public static WatchOptions defaults() {
    return newBuilder().build();
  }

  /** Starts configuring a watch. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The watch's name; its state is kept in the checkpoint store as {@code watch.NAME}. */
  public String name() {
    return name;
  }

  /** The pause between cycles. */
  public Duration interval() {
    return interval;
  }

  /** How long a changed key may differ between the stores before its difference is reported. */
  public Duration settle() {
    return settle;
  }

  /** How often every leaf is checked, whatever the feeds said. */
  public Duration sweepEvery() {
    return sweepEvery;
  }

  /** Clean leaves checked at random in every cycle. */
  public int spotChecks() {
    return spotChecks;
  }

  /** Rows per leaf aimed at when the key space is first cut into leaves. */
  public int leafRows() {
    return leafRows;
  }

  /** Feeds attached to stores by id, in place of the stores' own. */
  public Map<String, ChangeFeedSource> feeds() {
    return feeds;
  }

  /** Configures {@link WatchOptions}; not thread-safe. */
  public static final class Builder {
    private String name = "default";
    private Duration interval = Duration.ofSeconds(1);
    private Duration settle = Duration.ofSeconds(5);
    private Duration sweepEvery = Duration.ofHours(24);
    private int spotChecks = 2;
    private int leafRows = 128;
    private final Map<String, ChangeFeedSource> feeds = new LinkedHashMap<>();

    private Builder() {}

    /**
     * The watch's name, 1-100 letters, digits, '.', '_' or '-'; {@code default} by default. Two
     * watches of one reconciler that share a checkpoint store need different names.
     */
    public Builder name(String name) {
      if (!NAME.matcher(Objects.requireNonNull(name, "name")).matches()) {
        throw new IllegalArgumentException(
            "a watch name is 1-100 letters, digits, '.', '_' or '-', but was '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /** The pause between cycles; 1 second by default, at least 1 ms. */
    public Builder interval(Duration interval) {
      this.interval = atLeast(interval, Duration.ofMillis(1), "interval");
      return this;
    }

    /**
     * How long after the watch heard of a key's change (when it polled the feed's event, or, if no
     * feed told of one, when the difference was first seen) a difference on it is taken for drift
     * rather than replication lag: until then it is re-read, not reported or repaired. Time to detect
     * is measured from the change's commit time where the feed gives one, so it is this window plus
     * the feed's delivery and a cycle. 5 seconds by default; zero reports at
     * first sight.
     */
    public Builder settle(Duration settle) {
      this.settle = atLeast(settle, Duration.ZERO, "settle");
      return this;
    }

    /**
     * How often every leaf is digested again on every store, so that a change no feed reported is
     * found; 24 hours by default. A gap in a feed, an unclean shutdown and a first start sweep too.
     */
    public Builder sweepEvery(Duration sweepEvery) {
      this.sweepEvery = atLeast(sweepEvery, Duration.ofSeconds(1), "sweepEvery");
      return this;
    }

    /** Clean leaves digested at random in every cycle, to catch a feed that drops events; 2 by default. */
    public Builder spotChecks(int spotChecks) {
      if (spotChecks < 0) {
        throw new IllegalArgumentException("spotChecks must be >= 0, but was " + spotChecks);
      }
      this.spotChecks = spotChecks;
      return this;
    }

    /**
     * Rows per leaf aimed at when a new watch cuts the key space (from the reference store's keys);
     * 128 by default. Smaller leaves make each re-check read fewer rows and the saved state larger
     * (about 24 bytes per leaf per store). Leaves stay as cut for the life of the watch's state.
     */
    public Builder leafRows(int leafRows) {
      if (leafRows < 1) {
        throw new IllegalArgumentException("leafRows must be >= 1, but was " + leafRows);
      }
      this.leafRows = leafRows;
      return this;
    }

    /**
     * Takes the changes of store {@code storeId} from {@code source} instead of the store's own feed
     * (e.g. a Debezium topic for a table).
     */
    public Builder feed(String storeId, ChangeFeedSource source) {
      feeds.put(Objects.requireNonNull(storeId, "storeId"), Objects.requireNonNull(source, "source"));
      return this;
    }

    public WatchOptions build() {
      return new WatchOptions(this);
    }

    private static Duration atLeast(Duration d, Duration least, String what) {
      if (Objects.requireNonNull(d, what).compareTo(least) < 0) {
        throw new IllegalArgumentException(what + " must be at least " + least + ", but was " + d);
      }
      return d;
    }
  }
}
