package io.reconcile.core.audit;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for what audit records carry: keys, values of every kind (nested), entries with
 * and without versions, expected states, actions and records. Edge cases (extreme numbers and
 * instants, unpaired surrogates, empty texts and byte strings) are generated often.
 */
final class AuditGenerators {

  private AuditGenerators() {}

  /** Text of valid Unicode: ASCII, edges of the UTF-8 ranges, emoji, NUL, quotes, newlines. */
  static Arbitrary<String> text() {
    return codePoints(false);
  }

  /** Text that may also hold unpaired surrogates, which a Text value or field name can. */
  static Arbitrary<String> anyText() {
    return codePoints(true);
  }

  private static Arbitrary<String> codePoints(boolean loneSurrogates) {
    List<Tuple.Tuple2<Integer, Arbitrary<Integer>>> kinds = new ArrayList<>();
    kinds.add(Tuple.of(5, Arbitraries.integers().between('a', 'f')));
    kinds.add(
        Tuple.of(
            2,
            Arbitraries.of(
                0, 0x22, 0x5C, 0x0A, 0x0D, 0x09, 0x1F, 0x7F, 0x80, 0x7FF, 0x800, 0x2028, 0xFFFF,
                0x10000, 0x1F600, 0x10FFFF)));
    kinds.add(
        Tuple.of(
            2,
            Arbitraries.integers()
                .between(0, 0x10FFFF)
                .filter(c -> c < Character.MIN_SURROGATE || c > Character.MAX_SURROGATE)));
    if (loneSurrogates) {
      kinds.add(Tuple.of(1, Arbitraries.of(0xD800, 0xDBFF, 0xDC00, 0xDFFF)));
    }
    @SuppressWarnings({"unchecked", "rawtypes"})
    Arbitrary<Integer> cp = Arbitraries.frequencyOf(kinds.toArray(new Tuple.Tuple2[0]));
    return cp.list()
        .ofMaxSize(8)
        .map(
            cps -> {
              StringBuilder sb = new StringBuilder();
              cps.forEach(sb::appendCodePoint);
              return sb.toString();
            });
  }

  static Arbitrary<byte[]> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(10);
  }

  static Arbitrary<UUID> uuids() {
    return Arbitraries.oneOf(
        Arbitraries.randomValue(r -> new UUID(r.nextLong(), r.nextLong())),
        Arbitraries.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, Long.MAX_VALUE)));
  }

  static Arbitrary<Instant> instants() {
    return Arbitraries.oneOf(
        Combinators.combine(
                Arbitraries.longs()
                    .between(Instant.MIN.getEpochSecond(), Instant.MAX.getEpochSecond()),
                Arbitraries.integers().between(0, 999_999_999))
            .as(Instant::ofEpochSecond),
        Combinators.combine(
                Arbitraries.longs().between(-100_000_000_000L, 300_000_000_000L),
                Arbitraries.of(0, 1, 999_999_999, 500_000_000, 123_000))
            .as(Instant::ofEpochSecond),
        Arbitraries.of(Instant.MIN, Instant.MAX, Instant.EPOCH));
  }

  static Arbitrary<LocalDate> dates() {
    return Arbitraries.oneOf(
        Arbitraries.longs()
            .between(LocalDate.MIN.toEpochDay(), LocalDate.MAX.toEpochDay())
            .map(LocalDate::ofEpochDay),
        Arbitraries.longs().between(-800_000, 3_000_000).map(LocalDate::ofEpochDay),
        Arbitraries.of(
            LocalDate.MIN, LocalDate.MAX, LocalDate.of(0, 1, 1), LocalDate.of(-1, 12, 31)));
  }

  /** Decimals with every kind of scale: negative (1E+3), zero, many fractional digits, huge. */
  static Arbitrary<BigDecimal> decimals() {
    Arbitrary<BigInteger> unscaled =
        Arbitraries.oneOf(
            Arbitraries.longs().map(BigInteger::valueOf),
            Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40)),
            Arbitraries.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(100)));
    return Combinators.combine(unscaled, Arbitraries.integers().between(-12, 30))
        .as(BigDecimal::new);
  }

  static Arbitrary<Value> scalars() {
    return Arbitraries.oneOf(
        Arbitraries.just(Value.ofNull()),
        Arbitraries.of(true, false).map(Value::of),
        Arbitraries.longs().map(Value::of),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L).map(Value::of),
        decimals().map(Value::of),
        decimals().map(d -> (Value) ((Value.Num) Value.of(d)).withSignificantScale()),
        Arbitraries.doubles().map(Value::of),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
            .map(Value::of),
        anyText().map(Value::of),
        Arbitraries.of("", "NULL", "null", "{\"type\":\"null\"}").map(Value::of),
        bytes().map(Value::ofBytes),
        uuids().map(Value::of),
        dates().map(Value::of),
        instants().map(Value::of));
  }

  /** Scalars, lists and maps nested up to three levels. */
  static Arbitrary<Value> values() {
    Arbitrary<Value> scalars = scalars();
    return Arbitraries.recursive(
        () -> scalars,
        inner ->
            Arbitraries.oneOf(
                scalars,
                inner.list().ofMaxSize(3).map(l -> (Value) new Value.ListValue(l)),
                fields(anyText(), inner, 3).map(m -> (Value) m)),
        3);
  }

  /**
   * Documents of up to {@code max} fields. Built from a list of (name, value) pairs, a later pair
   * replacing an earlier one of the same name, rather than by jqwik's unique-key maps, whose
   * retries on colliding names make generation several times slower.
   */
  static Arbitrary<Value.MapValue> fields(
      Arbitrary<String> names, Arbitrary<Value> values, int max) {
    return Combinators.combine(names, values)
        .as(Map::entry)
        .list()
        .ofMaxSize(max)
        .map(
            pairs -> {
              Map<String, Value> m = new HashMap<>();
              pairs.forEach(p -> m.put(p.getKey(), p.getValue()));
              return Value.MapValue.of(m);
            });
  }

  static Arbitrary<Object> keyParts() {
    return Arbitraries.oneOf(
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L).map(Object.class::cast),
        Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1E30"), new java.math.BigDecimal("1E30"))
            .ofScale(3).map(Object.class::cast),
        text().map(Object.class::cast),
        uuids().map(Object.class::cast),
        bytes().map(Object.class::cast));
  }

  static Arbitrary<Key> keys() {
    return keyParts().list().ofMinSize(1).ofMaxSize(3).map(Key::composite);
  }

  static Arbitrary<Value.MapValue> documents() {
    return fields(
        Arbitraries.oneOf(Arbitraries.of("id", "name", "é", "😀", ""), anyText()), values(), 4);
  }

  static Arbitrary<VersionVector> vectors() {
    return Arbitraries.maps(
            Arbitraries.of("a", "b", "node-1", "Z.9_x"),
            Arbitraries.oneOf(
                Arbitraries.longs().between(1, 1000), Arbitraries.just(Long.MAX_VALUE)))
        .ofMaxSize(3)
        .map(VersionVector::of);
  }

  static Arbitrary<Version> versions() {
    return Arbitraries.oneOf(
        Arbitraries.just(Version.NONE),
        vectors().map(Version::of),
        instants().map(Version::of),
        Combinators.combine(vectors(), instants()).as(Version::new));
  }

  static Arbitrary<Entry> entries() {
    return entries(keys());
  }

  static Arbitrary<Entry> entries(Arbitrary<Key> keys) {
    return Combinators.combine(keys, documents(), versions()).as(Entry::of);
  }

  /** Upserts (from absence or from an entry), deletes, the inverses of both, and restores. */
  static Arbitrary<RepairAction> actions() {
    Arbitrary<String> targets = Arbitraries.of("primary", "replica", "jdbc-eu-1");
    return Combinators.combine(
            keys(), targets, entries(), entries(), Arbitraries.integers().between(0, 5), documents())
        .as(
            (k, t, a, b, kind, stored) -> {
              // Both entries take the action's key, as the API requires.
              Entry after = Entry.of(k, a.fields(), a.version());
              Entry before = Entry.of(k, b.fields(), b.version());
              RepairAction action =
                  switch (kind) {
                    case 0 -> RepairAction.upsert(t, after, Expected.absent());
                    case 1 -> RepairAction.upsert(t, after, Expected.present(before));
                    case 2 -> RepairAction.delete(t, k, Expected.present(before));
                    case 3 -> RepairAction.upsert(t, after, Expected.present(before)).inverse();
                    case 5 -> RepairAction.restore(t, before, stored.fields(), Expected.present(after));
                    default -> RepairAction.upsert(t, after, Expected.absent()).inverse();
                  };
              return action;
            });
  }

  static Arbitrary<AuditRecord> records() {
    return Builders.withBuilder(() -> new RecordBuilder())
        .use(Arbitraries.of("run-1", "run-2", "r.x_Y-9"))
        .in((b, v) -> b.runId(v))
        .use(Arbitraries.of(AuditRecord.Type.class))
        .in((b, v) -> b.type(v))
        .use(instants())
        .in((b, v) -> b.time(v))
        .use(actions().injectNull(0.3))
        .in((b, v) -> b.action(v))
        .use(anyText().injectNull(0.3))
        .in((b, v) -> b.decision(v))
        .use(anyText().injectNull(0.3))
        .in((b, v) -> b.divergence(v))
        .use(Arbitraries.of(ActionOutcome.Status.class).injectNull(0.3))
        .in((b, v) -> b.status(v))
        .use(entries().injectNull(0.5))
        .in((b, v) -> b.found(v))
        .use(anyText().injectNull(0.3))
        .in((b, v) -> b.note(v))
        .use(documents().map(Value.MapValue::fields).injectNull(0.5))
        .in((b, v) -> b.foundRow(v))
        .use(fingerprints())
        .in((b, v) -> b.fingerprints(v))
        .build(RecordBuilder::build);
  }

  /** Fingerprints of up to three stores, some empty. */
  static Arbitrary<Map<String, Map<String, String>>> fingerprints() {
    Arbitrary<Map<String, String>> one =
        Arbitraries.maps(Arbitraries.of("product", "server", "database", "dataset", "é😀"), anyText()).ofMaxSize(3);
    return Arbitraries.maps(Arbitraries.of("primary", "replica", "orders@second"), one).ofMaxSize(3);
  }

  /** A mutable builder, because a record has more components than a combinator takes. */
  private static final class RecordBuilder {
    private String runId = "run";
    private AuditRecord.Type type = AuditRecord.Type.INTENT;
    private Instant time = Instant.EPOCH;
    private RepairAction action;
    private String decision;
    private String divergence;
    private ActionOutcome.Status status;
    private Entry found;
    private String note;
    private Map<String, Value> foundRow;
    private Map<String, Map<String, String>> fingerprints = Map.of();

    RecordBuilder foundRow(Map<String, Value> v) {
      foundRow = v;
      return this;
    }

    RecordBuilder fingerprints(Map<String, Map<String, String>> v) {
      fingerprints = v;
      return this;
    }

    RecordBuilder runId(String v) {
      runId = v;
      return this;
    }

    RecordBuilder type(AuditRecord.Type v) {
      type = v;
      return this;
    }

    RecordBuilder time(Instant v) {
      time = v;
      return this;
    }

    RecordBuilder action(RepairAction v) {
      action = v;
      return this;
    }

    RecordBuilder decision(String v) {
      decision = v;
      return this;
    }

    RecordBuilder divergence(String v) {
      divergence = v;
      return this;
    }

    RecordBuilder status(ActionOutcome.Status v) {
      status = v;
      return this;
    }

    RecordBuilder found(Entry v) {
      found = v;
      return this;
    }

    RecordBuilder note(String v) {
      note = v;
      return this;
    }

    AuditRecord build() {
      return new AuditRecord(runId, type, time, action, decision, divergence, status, found, note, foundRow, fingerprints);
    }
  }

  /**
   * Whether two values are the same to the last detail: equal, and every number with the same
   * decimal (value and scale) and scale-significance, at every depth. {@code equals} alone compares
   * numbers by value.
   */
  static boolean exactlyEqual(Value a, Value b) {
    if (!a.equals(b)) {
      return false;
    }
    if (a instanceof Value.Num na) {
      Value.Num nb = (Value.Num) b;
      return na.decimal().equals(nb.decimal()) && na.scaleSignificant() == nb.scaleSignificant();
    }
    if (a instanceof Value.ListValue la) {
      List<Value> lb = ((Value.ListValue) b).values();
      for (int i = 0; i < la.values().size(); i++) {
        if (!exactlyEqual(la.values().get(i), lb.get(i))) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Value.MapValue ma) {
      Map<String, Value> mb = ((Value.MapValue) b).fields();
      for (Map.Entry<String, Value> f : ma.fields().entrySet()) {
        if (!exactlyEqual(f.getValue(), mb.get(f.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return true;
  }

  /** {@link #exactlyEqual(Value, Value)} for entries, versions included. */
  static boolean exactlyEqual(Entry a, Entry b) {
    return a.equals(b) && exactlyEqual(a.fields(), b.fields());
  }
}
