package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Deep, fresh copies: equal to the original, sharing no object with it, so that a rule deciding
 * by object identity (an identity hash code, {@code ==}) decides differently on a copy.
 */
final class Copies {

  /** Keys counted up from a long that generated keys are most unlikely to be. */
  private static final AtomicLong FRESH = new AtomicLong(7_340_000_000_000_000_000L);

  private Copies() {}

  /** A key no earlier call returned. */
  static Key freshKey() {
    return Key.of(FRESH.getAndIncrement());
  }

  /** The divergence with a copy of every key, side, entry, value and version. */
  static Divergence of(Divergence d) {
    return at(d, Key.decode(d.key().encode()));
  }

  /** A deep copy of the divergence, moved to {@code key}: each side's entry is re-keyed. */
  static Divergence at(Divergence d, Key key) {
    List<Divergence.Side> sides = new ArrayList<>();
    for (Divergence.Side s : d.sides()) {
      sides.add(new Divergence.Side(new String(s.store()), s.present() ? entry(s.entry(), key) : null));
    }
    return new Divergence(key, d.kind(), sides, d.checker(), d.detectedAt(), d.detail());
  }

  private static Entry entry(@Nullable Entry e, Key key) {
    Entry original = Objects.requireNonNull(e);
    return Entry.of(key, (Value.MapValue) value(original.fields()), version(original.version()));
  }

  private static Version version(Version v) {
    VersionVector vector = v.vector();
    Instant t = v.timestamp();
    return new Version(
        vector == null ? null : VersionVector.of(new LinkedHashMap<>(vector.asMap())),
        t == null ? null : Instant.ofEpochSecond(t.getEpochSecond(), t.getNano()));
  }

  private static Value value(Value v) {
    if (v instanceof Value.MapValue m) {
      Map<String, Value> fields = new LinkedHashMap<>();
      m.fields().forEach((k, x) -> fields.put(new String(k), value(x)));
      return Value.MapValue.of(fields);
    }
    if (v instanceof Value.ListValue l) {
      List<Value> values = new ArrayList<>();
      l.values().forEach(x -> values.add(value(x)));
      return new Value.ListValue(values);
    }
    if (v instanceof Value.Num n) {
      BigDecimal d = n.decimal();
      Value.Num copy = (Value.Num) Value.of(new BigDecimal(d.unscaledValue(), d.scale()));
      return n.scaleSignificant() ? copy.withSignificantScale() : copy;
    }
    if (v instanceof Value.Text t) {
      return Value.of(new String(t.value()));
    }
    if (v instanceof Value.Bytes b) {
      return Value.ofBytes(b.value().clone());
    }
    if (v instanceof Value.Uuid u) {
      return Value.of(new UUID(u.value().getMostSignificantBits(), u.value().getLeastSignificantBits()));
    }
    if (v instanceof Value.Date d) {
      return Value.of(LocalDate.ofEpochDay(d.value().toEpochDay()));
    }
    if (v instanceof Value.Timestamp t) {
      return Value.of(Instant.ofEpochSecond(t.value().getEpochSecond(), t.value().getNano()));
    }
    return v; // null, booleans and non-finite numbers carry no identity worth copying
  }
}
