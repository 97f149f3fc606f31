package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/** A field-by-field merge; see {@link Resolvers#perField(Map, String)}. */
final class PerFieldResolver implements Resolver {

  /** At most this many ruled fields are described in a reason. */
  private static final int MAX_NOTES = 5;

  private final Map<String, FieldRule> rules;
  private final String defaultStore;
  private final Set<String> namedStores;
  private final boolean needsTimestamps;

  PerFieldResolver(Map<String, FieldRule> rules, String defaultStore) {
    Objects.requireNonNull(rules, "rules");
    Objects.requireNonNull(defaultStore, "defaultStore");
    if (defaultStore.isBlank()) {
      throw new IllegalArgumentException("perField needs a default store id, but it was blank");
    }
    TreeMap<String, FieldRule> copy = new TreeMap<>();
    Set<String> stores = new TreeSet<>();
    stores.add(defaultStore);
    boolean timestamps = false;
    for (Map.Entry<String, FieldRule> e : rules.entrySet()) {
      String field = Objects.requireNonNull(e.getKey(), "rules holds a null field name");
      FieldRule rule =
          Objects.requireNonNull(e.getValue(), () -> "rules holds a null rule for field " + field);
      copy.put(field, rule);
      if (rule.kind() == FieldRule.Kind.FROM_STORE) {
        stores.add(Objects.requireNonNull(rule.store()));
      }
      timestamps |= rule.kind() == FieldRule.Kind.LATEST;
    }
    this.rules = copy;
    this.defaultStore = defaultStore;
    this.namedStores = Set.copyOf(stores);
    this.needsTimestamps = timestamps;
  }

  /** What a rule produced for one field: a value (null: leave the field out), or a problem. */
  private record Pick(@Nullable Value value, String note, @Nullable String problem) {
    static Pick of(@Nullable Value value, String note) {
      return new Pick(value, note, null);
    }

    static Pick problem(String problem) {
      return new Pick(null, "", problem);
    }
  }

  @Override
  public Optional<Resolution> resolve(Divergence divergence) {
    Map<String, Entry> byStore = new LinkedHashMap<>();
    for (Side s : Sides.byStore(divergence)) {
      if (!s.present()) {
        return Optional.empty(); // a merge needs every side's data
      }
      byStore.putIfAbsent(s.store(), s.entry());
    }
    if (!byStore.keySet().containsAll(namedStores)) {
      return Optional.empty();
    }
    String latestStore = null;
    Instant latest = null;
    VersionVector vector = null;
    for (Map.Entry<String, Entry> e : byStore.entrySet()) {
      Version v = e.getValue().version();
      if (v.timestamp() == null && needsTimestamps) {
        return Optional.empty();
      }
      if (v.timestamp() != null && (latest == null || v.timestamp().isAfter(latest))) {
        latest = v.timestamp();
        latestStore = e.getKey();
      }
      if (v.vector() != null) {
        vector = vector == null ? v.vector() : vector.merge(v.vector());
      }
    }
    Set<String> names = new TreeSet<>();
    for (Entry e : byStore.values()) {
      names.addAll(e.fields().fields().keySet());
    }
    Map<String, Value> merged = new TreeMap<>();
    List<String> notes = new ArrayList<>();
    for (String name : names) {
      FieldRule rule = rules.get(name);
      Pick pick;
      if (rule == null) {
        pick = Pick.of(raw(byStore, defaultStore, name), "");
      } else {
        pick =
            switch (rule.kind()) {
              case FROM_STORE -> {
                String store = Objects.requireNonNull(rule.store());
                yield Pick.of(raw(byStore, store, name), "from store " + store);
              }
              case LATEST ->
                  Pick.of(
                      raw(byStore, Objects.requireNonNull(latestStore), name),
                      "from store " + latestStore + " (latest write at " + latest + ")");
              case MAX, MIN -> extreme(byStore, name, rule.kind() == FieldRule.Kind.MAX);
              case UNION -> union(byStore, name);
            };
        if (pick.problem() != null) {
          return Optional.of(
              new Resolution.Escalate(
                  "per-field merge cannot apply "
                      + rule
                      + " to field "
                      + name
                      + ": "
                      + pick.problem()));
        }
        notes.add(name + " = " + rule + " " + pick.note());
      }
      if (pick.value() != null) {
        merged.put(name, pick.value());
      }
    }
    StringBuilder reason = new StringBuilder("per-field merge: ");
    for (int i = 0; i < Math.min(notes.size(), MAX_NOTES); i++) {
      reason.append(notes.get(i)).append("; ");
    }
    if (notes.size() > MAX_NOTES) {
      reason.append("and ").append(notes.size() - MAX_NOTES).append(" more fields by rule; ");
    }
    reason
        .append(notes.isEmpty() ? "all fields" : "other fields")
        .append(" from store ")
        .append(defaultStore);
    Entry result =
        Entry.of(divergence.key(), Value.MapValue.of(merged), new Version(vector, latest));
    return Optional.of(new Resolution.Merge(result, reason.toString()));
  }

  private static @Nullable Value raw(Map<String, Entry> byStore, String store, String field) {
    return Objects.requireNonNull(byStore.get(store)).fields().fields().get(field);
  }

  private Pick extreme(Map<String, Entry> byStore, String field, boolean max) {
    String bestStore = null;
    Value.Num best = null;
    for (Map.Entry<String, Entry> e : byStore.entrySet()) {
      Value v = e.getValue().fields().fields().get(field);
      if (v == null || v instanceof Value.Null) {
        continue;
      }
      if (!(v instanceof Value.Num n)) {
        return Pick.problem("store " + e.getKey() + " holds " + Sides.show(v) + ", not a number");
      }
      int c = best == null ? 0 : n.decimal().compareTo(best.decimal());
      // Strictly better only: on a tie the earlier store id (iteration order) keeps it.
      if (best == null || (max ? c > 0 : c < 0)) {
        best = n;
        bestStore = e.getKey();
      }
    }
    if (best == null) {
      return Pick.of(
          raw(byStore, defaultStore, field), "(no side holds a number; from store " + defaultStore + ")");
    }
    return Pick.of(best, "from store " + bestStore);
  }

  private Pick union(Map<String, Entry> byStore, String field) {
    List<Value> out = new ArrayList<>();
    Set<Value> seen = new HashSet<>();
    List<String> contributors = new ArrayList<>();
    for (Map.Entry<String, Entry> e : byStore.entrySet()) {
      Value v = e.getValue().fields().fields().get(field);
      if (v == null || v instanceof Value.Null) {
        continue;
      }
      if (!(v instanceof Value.ListValue list)) {
        return Pick.problem("store " + e.getKey() + " holds " + Sides.show(v) + ", not a list");
      }
      contributors.add(e.getKey());
      for (Value element : list.values()) {
        if (seen.add(element)) {
          out.add(element);
        }
      }
    }
    if (contributors.isEmpty()) {
      return Pick.of(
          raw(byStore, defaultStore, field), "(no side holds a list; from store " + defaultStore + ")");
    }
    return Pick.of(
        new Value.ListValue(out), "of stores " + String.join(", ", contributors));
  }

  @Override
  public String toString() {
    return "perField(" + rules + ", default " + defaultStore + ")";
  }
}
