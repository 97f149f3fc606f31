package io.reconcile.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Laws of {@link Normalization} over documents with nested maps and lists, for rules drawn from
 * pools of top-level and nested paths: reading is idempotent, writing back and reading again
 * changes nothing, renames round-trip, and the order of the builder's calls does not matter.
 */
class NormalizationPropertiesTest {

  /** One builder call, with a name for reports. */
  record Call(String name, Consumer<Normalization.Builder> apply) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static final List<Call> RULES = List.of(
      new Call("trim", b -> b.trim(Normalization.Trim.BOTH)),
      new Call("nullAsAbsent", Normalization.Builder::nullAsAbsent),
      new Call("micros", b -> b.timestampPrecision(ChronoUnit.MICROS)),
      new Call("field(a) nfc", b -> b.field("a", r -> r.withNfc(true))),
      new Call("field(c.a) scale 1", b -> b.field("c.a", r -> r.withDecimalScale(1))),
      new Call("field(d[].a) digits 2", b -> b.field("d[].a", r -> r.withSignificantDigits(2))),
      new Call("field(c.c.b) seconds", b -> b.field("c.c.b", r -> r.withTimestampPrecision(ChronoUnit.SECONDS))),
      new Call("field(d[].c) keep nulls", b -> b.field("d[].c", r -> r.withNullAsAbsent(false))),
      new Call("field(b) null absent", b -> b.field("b", r -> r.withNullAsAbsent(true))),
      new Call("ignore(c.b)", b -> b.ignore("c.b")),
      new Call("ignore(d[].b)", b -> b.ignore("d[].b")),
      new Call("ignore(a.a)", b -> b.ignore("a.a")),
      new Call("asText(a)", b -> b.asText("a")),
      new Call("asText(d[].c.c)", b -> b.asText("d[].c.c")));

  private static final List<Call> RENAMES = List.of(
      new Call("rename(c.a, x)", b -> b.rename("c.a", "x")),
      new Call("rename(c.c.a, y)", b -> b.rename("c.c.a", "y")),
      new Call("rename(b, z)", b -> b.rename("b", "z")),
      new Call("rename(d, w)", b -> b.rename("d", "w")),
      new Call("rename(a, b)", b -> b.rename("a", "b")));

  /** Dataset names the renames above give. */
  private static final List<String> TARGETS = List.of("x", "y", "z", "w", "b");

  private static Arbitrary<Value> scalars() {
    return Arbitraries.oneOf(
        Arbitraries.just(Value.ofNull()),
        Arbitraries.of(" t ", "e\u0301", "", "NULL").map(Value::of),
        Arbitraries.bigDecimals().between(new BigDecimal("-100"), new BigDecimal("100")).ofScale(3).map(Value::of),
        Arbitraries.longs().between(-3, 3).map(Value::of),
        Arbitraries.of(UUID.fromString("0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9")).map(Value::of),
        Arbitraries.of(Instant.parse("2024-01-01T00:00:00.123456789Z"), Instant.EPOCH).map(Value::of));
  }

  private static Arbitrary<Value> values() {
    return Arbitraries.recursive(
        NormalizationPropertiesTest::scalars,
        inner -> Arbitraries.oneOf(
            scalars(),
            inner.list().ofMaxSize(3).map(l -> (Value) Value.ListValue.of(l)),
            Arbitraries.maps(Arbitraries.of("a", "b", "c"), inner).ofMaxSize(3).map(m -> (Value) Value.MapValue.of(m))),
        3);
  }

  @Provide
  Arbitrary<Value.MapValue> documents() {
    return Arbitraries.maps(Arbitraries.of("a", "b", "c", "d", "x", "z"), values()).ofMaxSize(5).map(Value.MapValue::of);
  }

  /** Calls that build (combinations that contradict each other are left out). */
  private static Arbitrary<List<Call>> calls(boolean renames) {
    Arbitrary<List<Call>> rules = Arbitraries.subsetOf(RULES).map(ArrayList::new);
    Arbitrary<List<Call>> all = !renames ? rules
        : Combinators.combine(rules, Arbitraries.subsetOf(RENAMES)).as((r, n) -> {
          List<Call> out = new ArrayList<>(r);
          out.addAll(n);
          return (List<Call>) out;
        });
    return all.filter(c -> build(c) != null);
  }

  private static Normalization build(List<Call> calls) {
    Normalization.Builder b = Normalization.newBuilder();
    calls.forEach(c -> c.apply().accept(b));
    try {
      return b.build();
    } catch (IllegalStateException e) {
      return null;
    }
  }

  @Provide
  Arbitrary<List<Call>> withoutRenames() {
    return calls(false);
  }

  @Provide
  Arbitrary<List<Call>> withRenames() {
    return calls(true);
  }

  @Provide
  Arbitrary<List<Call>> onlyRenames() {
    return Arbitraries.subsetOf(RENAMES).map(ArrayList::new);
  }

  @Property(tries = 500)
  void readingIsIdempotent(@ForAll("withoutRenames") List<Call> calls, @ForAll("documents") Value.MapValue x) {
    Normalization n = build(calls);
    Value.MapValue once = n.apply(x);
    assertThat(n.apply(once)).isEqualTo(once);
  }

  @Property(tries = 500)
  void writingBackAndReadingAgainChangesNothing(
      @ForAll("withRenames") List<Call> calls, @ForAll("documents") Value.MapValue x) {
    Normalization n = build(calls);
    Value.MapValue view = n.apply(x);
    if (!shadowed(n, x)) {
      assertThat(n.apply(n.toStore(view))).isEqualTo(view);
    }
  }

  /**
   * Whether {@code x} holds a store field already called by a renamed field's dataset name (and not
   * renamed itself), which the rename replaces on read: then the store holds two fields for one
   * dataset field, and what is written back cannot say which it was.
   */
  private static boolean shadowed(Normalization n, Value.MapValue x) {
    return x.fields().keySet().stream()
        .anyMatch(f -> n.renames().containsValue(f) && !n.renames().containsKey(f));
  }

  @Property(tries = 500)
  void renamesRoundTrip(@ForAll("onlyRenames") List<Call> calls, @ForAll("documents") Value.MapValue x) {
    Normalization n = build(calls);
    if (!shadowed(n, x)) {
      assertThat(n.toStore(n.apply(x))).isEqualTo(x);
    }
    assertThat(TARGETS).containsAll(n.renames().values());
  }

  @Property(tries = 300)
  void theOrderOfAStoresFieldsDoesNotMatter(
      @ForAll("withRenames") List<Call> calls, @ForAll("documents") Value.MapValue x,
      @ForAll java.util.Random random) {
    // The document as a store's driver would hand it over: plain Java maps, fields in any order at
    // every depth.
    Normalization n = build(calls);
    Value.MapValue shuffled = (Value.MapValue) Value.from(plain(x, random));
    assertThat(n.apply(shuffled)).isEqualTo(n.apply(x));
    assertThat(Canonical.hash(Key.of(1), n.apply(shuffled))).isEqualTo(Canonical.hash(Key.of(1), n.apply(x)));
  }

  /** {@code v} as plain Java values, each map's fields inserted in a random order. */
  private static Object plain(Value v, java.util.Random random) {
    if (v instanceof Value.MapValue m) {
      List<String> names = new ArrayList<>(m.fields().keySet());
      java.util.Collections.shuffle(names, random);
      java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
      names.forEach(name -> out.put(name, plain(m.fields().get(name), random)));
      return out;
    }
    if (v instanceof Value.ListValue l) {
      return l.values().stream().map(e -> plain(e, random)).toList();
    }
    return v;
  }

  @Property(tries = 300)
  void theOrderOfCallsDoesNotMatter(
      @ForAll("withRenames") List<Call> calls, @ForAll("documents") Value.MapValue x) {
    List<Call> reversed = new ArrayList<>(calls);
    java.util.Collections.reverse(reversed);
    Normalization n = build(calls);
    Normalization m = build(reversed);
    assertThat(m).isEqualTo(n).hasSameHashCodeAs(n);
    assertThat(m.apply(x)).isEqualTo(n.apply(x));
    assertThat(Canonical.hash(Key.of(1), m.apply(x))).isEqualTo(Canonical.hash(Key.of(1), n.apply(x)));
  }
}
