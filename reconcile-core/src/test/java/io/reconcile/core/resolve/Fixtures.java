package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Entries, sides and divergences for resolver tests. */
final class Fixtures {

  static final Key KEY = Key.of(7);
  static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2024-01-02T00:00:00Z");
  static final Instant T2 = Instant.parse("2024-01-03T00:00:00Z");

  private Fixtures() {}

  static Entry entry(Map<String, ?> fields) {
    return Entry.of(KEY, fields);
  }

  static Entry entry(Map<String, ?> fields, @Nullable Instant at) {
    return Entry.of(KEY, fields, new Version(null, at));
  }

  static Entry entry(Map<String, ?> fields, Map<String, Long> vector) {
    return Entry.of(KEY, fields, Version.of(VersionVector.of(vector)));
  }

  static Side side(String store, @Nullable Entry entry) {
    return new Side(store, entry);
  }

  static Side absent(String store) {
    return new Side(store, null);
  }

  static Divergence divergence(Side... sides) {
    return divergence(List.of(sides));
  }

  static Divergence divergence(List<Side> sides) {
    Kind kind = sides.get(0).present() ? Kind.MISMATCH : Kind.EXTRA;
    return new Divergence(KEY, kind, sides, "test", T0, "test divergence");
  }
}
