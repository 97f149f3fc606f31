package io.reconcile.cli;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.repair.Resolver;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Store;
import io.reconcile.core.resolve.Resolvers;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A {@code --resolver} value: {@code source-wins} (the first database wins, deleting what it lacks
 * elsewhere), {@code source-wins:second} (the second wins), or {@code lww:COLUMN} (last writer wins
 * by a timestamp column; never deletes).
 *
 * @param winner for source-wins, {@code first} or {@code second}; null for lww
 * @param column for lww, the timestamp column; null for source-wins
 */
record ResolverSpec(@Nullable String winner, @Nullable String column) {

  static final String HELP = "source-wins, source-wins:second, lww:COLUMN";

  /** @throws ConfigurationException for anything but {@link #HELP} */
  static ResolverSpec parse(String spec) {
    String s = spec.strip();
    if (s.equals("source-wins") || s.equals("source-wins:first")) {
      return new ResolverSpec("first", null);
    }
    if (s.equals("source-wins:second")) {
      return new ResolverSpec("second", null);
    }
    if (s.startsWith("lww:") && s.length() > 4) {
      return new ResolverSpec(null, s.substring(4));
    }
    throw new ConfigurationException("resolver '" + spec + "' is not known; use one of: " + HELP);
  }

  /** The spec as {@code --resolver} takes it. */
  String text() {
    return column != null ? "lww:" + column : "first".equals(winner) ? "source-wins" : "source-wins:second";
  }

  /** The resolver for one table; divergences it cannot decide are escalated with a reason. */
  Resolver resolver(Job job, Job.Table table) {
    if (winner != null) {
      Job.Side side = winner.equals("first") ? job.first() : job.second();
      return Resolvers.sourceOfTruth(side.storeId(table));
    }
    return Resolvers.lastWriterWins()
        .orElse(Resolvers.escalate("lww:" + column + " needs a timestamp in column " + column + " on every side holding the row"));
  }

  /**
   * The store as the resolver needs to see it: for lww, each entry carries the value of the
   * timestamp column as its version's timestamp (the JDBC store reads no version columns itself).
   */
  Store prepare(Store store) {
    String c = column;
    if (c == null) {
      return store;
    }
    store.schema().ifPresent(schema -> {
      Schema.Type type = schema.fields().get(c);
      if (type != Schema.Type.TIMESTAMP) {
        throw new ConfigurationException(
            "--resolver lww:" + c + " needs a compared timestamp column '" + c + "', but store '" + store.id() + "' "
                + (type == null ? "compares no such column (compared: " + schema.fields().keySet() + ")" : "holds " + type + " in it")
                + "; name a timestamp column that -c includes");
      }
    });
    return new ForwardingStore(store) {
      @Override
      public Stream<Entry> scan(KeyRange range) {
        return super.scan(range).map(e -> stamped(e, c));
      }

      @Override
      public Stream<Entry> scan(List<KeyRange> ranges) {
        return delegate().scan(ranges).map(e -> stamped(e, c));
      }

      @Override
      public Map<Key, Entry> get(Collection<Key> keys) {
        Map<Key, Entry> out = new LinkedHashMap<>();
        super.get(keys).forEach((k, e) -> out.put(k, stamped(e, c)));
        return out;
      }
    };
  }

  private static Entry stamped(Entry e, String column) {
    Value v = e.fields().fields().get(column);
    return v instanceof Value.Timestamp t ? e.withVersion(Version.of(t.value())) : e;
  }
}
