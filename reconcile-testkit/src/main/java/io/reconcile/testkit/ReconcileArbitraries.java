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
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators for reconcile's vocabulary, for property tests of resolvers, merge functions
 * and anything else that handles keys, values, entries and versions.
 *
 * <p>The generators favour the cases that break code: null next to empty text and the text
 * {@code "NULL"}; non-ASCII, supplementary and NUL code points; extreme and high-precision
 * numbers, NaN and infinities; keys at {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE}; and
 * version vectors over a few nodes with small counters, so that equal, ordered and concurrent
 * versions all occur often. Everything shrinks towards small, plain values.
 *
 * <p>Every method returns a new arbitrary; arbitraries are immutable and may be shared.
 */
public final class ReconcileArbitraries {

  /** The node ids {@link #versionVectors()} draws from. */
  private static final List<String> NODES = List.of("n1", "n2", "n3");

  private static final Instant EPOCH_2024 = Instant.parse("2024-01-01T00:00:00Z");

  private ReconcileArbitraries() {}

  /**
   * Text over all of Unicode (paired surrogates only), up to 8 code points: mostly short ASCII,
   * often empty, {@code "NULL"} or edge code points (NUL, U+007F, U+0080, U+FFFF, U+10000,
   * U+10FFFF, combining marks, emoji).
   */
  public static Arbitrary<String> texts() {
    Arbitrary<Integer> codePoint =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.integers().between('a', 'e')),
            Tuple.of(
                2,
                Arbitraries.of(
                    0, 0x7F, 0x80, 0xE9, 0x301, 0x7FF, 0x800, 0x65E5, 0xFFFF, 0x10000, 0x1F600,
                    0x10FFFF)),
            Tuple.of(
                1,
                Arbitraries.integers()
                    .between(0, Character.MAX_CODE_POINT)
                    .filter(cp -> cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE)));
    Arbitrary<String> built =
        codePoint
            .list()
            .ofMaxSize(8)
            .map(
                cps -> {
                  StringBuilder sb = new StringBuilder();
                  cps.forEach(sb::appendCodePoint);
                  return sb.toString();
                });
    return Arbitraries.frequencyOf(
        Tuple.of(8, built), Tuple.of(1, Arbitraries.of("", "NULL", "null", " ", "Zoë", "日本")));
  }

  /**
   * Keys of one to three parts: longs (extremes included), decimals (the key parts of {@code
   * numeric(p,s)} columns, some beyond a long), text, UUIDs and byte strings; about half are single
   * long keys, the commonest shape.
   */
  public static Arbitrary<Key> keys() {
    Arbitrary<Object> part =
        Arbitraries.oneOf(
            Arbitraries.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE).map(Object.class::cast),
            Arbitraries.longs().map(Object.class::cast),
            Arbitraries.bigDecimals().between(new java.math.BigDecimal("-1E20"), new java.math.BigDecimal("1E20"))
                .ofScale(2).map(Object.class::cast),
            texts().map(Object.class::cast),
            uuids().map(Object.class::cast),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(6).map(Object.class::cast));
    return Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.longs().map(Key::of)),
        Tuple.of(1, part.list().ofMinSize(1).ofMaxSize(3).map(Key::composite)));
  }

  /**
   * Values of every {@link Value} kind: null, booleans, integers (extremes included), decimals
   * (of large precision, negative zero and exponents), doubles, NaN and infinities, {@link
   * #texts()}, bytes, UUIDs, dates, timestamps to the nanosecond, and lists and maps nested up to
   * two levels.
   */
  public static Arbitrary<Value> values() {
    Arbitrary<Value> scalar =
        Arbitraries.oneOf(
            Arbitraries.just(Value.ofNull()),
            Arbitraries.of(true, false).map(Value::of),
            Arbitraries.of(Long.MIN_VALUE, -1L, 0L, 1L, Long.MAX_VALUE).map(Value::of),
            Arbitraries.longs().map(Value::of),
            Arbitraries.bigDecimals().ofScale(4).map(Value::of),
            Arbitraries.of(
                    new BigDecimal("1E+3"),
                    new BigDecimal("-0.000"),
                    new BigDecimal("0.1"),
                    new BigDecimal("123456789012345678901234567890.123456789"))
                .map(Value::of),
            Arbitraries.doubles().map(Value::of),
            Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                .map(Value::of),
            texts().map(Value::of),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(6).map(Value::ofBytes),
            uuids().map(Value::of),
            Arbitraries.longs()
                .between(LocalDate.of(1, 1, 1).toEpochDay(), LocalDate.of(9999, 12, 31).toEpochDay())
                .map(d -> Value.of(LocalDate.ofEpochDay(d))),
            Combinators.combine(
                    Arbitraries.longs().between(-62_000_000_000L, 250_000_000_000L),
                    Arbitraries.integers().between(0, 999_999_999))
                .as((s, n) -> Value.of(Instant.ofEpochSecond(s, n))));
    return Arbitraries.recursive(
        () -> scalar,
        inner ->
            Arbitraries.oneOf(
                scalar,
                inner.list().ofMaxSize(3).map(l -> (Value) new Value.ListValue(l)),
                Arbitraries.maps(texts(), inner).ofMaxSize(3).map(m -> (Value) Value.MapValue.of(m))),
        2);
  }

  /**
   * Documents (the fields of an entry) of up to four fields named from a small set (including
   * non-ASCII names), each holding any of {@link #values()}.
   */
  public static Arbitrary<Value.MapValue> documents() {
    return Arbitraries.maps(Arbitraries.of("id", "name", "amount", "tags", "é", "😀"), values())
        .ofMaxSize(4)
        .map(Value.MapValue::of);
  }

  /**
   * Small documents for testing merge rules: up to four of the fields {@code amount}, {@code
   * name}, {@code tags} and {@code note}, each from a handful of values (small numbers, short or
   * empty text, short lists, null), so that two documents are often equal or differ in a single
   * field. Cheap to generate; use {@link #documents()} for the full range of values.
   */
  public static Arbitrary<Value.MapValue> smallDocuments() {
    Arbitrary<Value> small =
        Arbitraries.oneOf(
            Arbitraries.of(Value.ofNull(), Value.of(0), Value.of(1), Value.of(new BigDecimal("1.50")), Value.of(-3)),
            Arbitraries.of("", "x", "y", "Zoë").map(Value::of),
            Arbitraries.of("p", "q", "r").list().ofMaxSize(3).map(l -> (Value) Value.from(l)));
    return Arbitraries.maps(Arbitraries.of("amount", "name", "tags", "note"), small)
        .ofMaxSize(4)
        .map(Value.MapValue::of);
  }

  /**
   * Entries with {@link #smallDocuments() small documents} and {@link #versions() any version},
   * under a key of {@link #keys()}: the default input of the resolver contracts.
   */
  public static Arbitrary<Entry> smallEntries() {
    return Combinators.combine(keys(), smallDocuments(), versions()).as(Entry::of);
  }

  /**
   * Version vectors over the nodes {@code n1}, {@code n2} and {@code n3} with counters from 1 to 3
   * (so that equal, ordered and concurrent vectors are all common), now and then with a counter
   * of {@link Long#MAX_VALUE}; the empty vector included.
   */
  public static Arbitrary<VersionVector> versionVectors() {
    Arbitrary<Long> counter =
        Arbitraries.frequencyOf(
            Tuple.of(10, Arbitraries.longs().between(0, 3)), Tuple.of(1, Arbitraries.just(Long.MAX_VALUE)));
    return counter
        .list()
        .ofSize(NODES.size())
        .map(
            counters -> {
              Map<String, Long> m = new HashMap<>();
              for (int i = 0; i < NODES.size(); i++) {
                if (counters.get(i) > 0) {
                  m.put(NODES.get(i), counters.get(i));
                }
              }
              return VersionVector.of(m);
            });
  }

  /**
   * Instants whose text order is not their time order, as rules that compare timestamps as text,
   * by the second or by the millisecond get wrong: the same second with and without a fraction
   * ({@code …00Z} sorts after {@code …00.5Z} as text), a nanosecond apart, the years 999, 10000
   * ({@code +10000-…} sorts first as text), -1 and -2 ({@code -0001-…} sorts before {@code
   * -0002-…}), and plain days of 2024. Drawn from a pool of eleven, so that two sides often carry
   * the same instant (a tie).
   */
  public static Arbitrary<Instant> timestamps() {
    return Arbitraries.of(TIMESTAMPS);
  }

  private static final List<Instant> TIMESTAMPS =
      List.of(
          EPOCH_2024,
          EPOCH_2024.plusNanos(1),
          EPOCH_2024.plusMillis(500),
          EPOCH_2024.plusSeconds(1),
          EPOCH_2024.plusSeconds(86_400),
          EPOCH_2024.plusSeconds(86_400).plusNanos(123_456_789),
          EPOCH_2024.plusSeconds(2 * 86_400),
          LocalDateTime.of(999, 12, 31, 23, 59, 59).toInstant(ZoneOffset.UTC),
          LocalDateTime.of(10_000, 1, 1, 0, 0).toInstant(ZoneOffset.UTC),
          LocalDateTime.of(-2, 6, 1, 0, 0).toInstant(ZoneOffset.UTC),
          LocalDateTime.of(-1, 6, 1, 0, 0).toInstant(ZoneOffset.UTC));

  /**
   * Version metadata: a {@link #versionVectors() vector}, a {@link #timestamps() timestamp}, both,
   * or neither (each missing one time in ten).
   */
  public static Arbitrary<Version> versions() {
    return Combinators.combine(versionVectors().injectNull(0.1), timestamps().injectNull(0.1))
        .as(Version::new);
  }

  /** Entries of any {@link #keys() key}, {@link #documents() document} and {@link #versions() version}. */
  public static Arbitrary<Entry> entries() {
    return Combinators.combine(keys(), documents(), versions()).as(Entry::of);
  }

  /**
   * Divergences over one key among the given stores, shaped so that the situations resolver laws
   * are about are common: each divergence takes two to all of the stores (one, now and then), in
   * any order, the first being the reference; each side either holds an entry drawn from {@code
   * entries} (re-keyed to the divergence's key, fields and version kept), or — each about one time
   * in six — does not hold the key, holds what an earlier side holds, holds an earlier side's data
   * under its own version, or its own data under an earlier side's version (a tie). The kind is
   * {@code MISMATCH} when the reference holds the key and {@code EXTRA} otherwise. jqwik's edge
   * cases are not mixed in (they would make most divergences one-sided).
   *
   * @param stores distinct store ids, at least one
   * @param entries where the sides' data and versions come from
   * @throws IllegalArgumentException if {@code stores} is empty or holds an id twice
   */
  public static Arbitrary<Divergence> divergences(List<String> stores, Arbitrary<Entry> entries) {
    if (stores.isEmpty() || stores.stream().distinct().count() != stores.size()) {
      throw new IllegalArgumentException(
          "divergences need at least one store id, each once, but got " + stores);
    }
    List<String> ids = List.copyOf(stores);
    Arbitrary<List<String>> sideStores =
        Arbitraries.frequencyOf(
            Tuple.of(1, Arbitraries.of(ids).list().uniqueElements().ofSize(1)),
            Tuple.of(19, Arbitraries.of(ids).list().uniqueElements().ofMinSize(Math.min(2, ids.size())).ofMaxSize(ids.size())));
    // One entry and one relation to the earlier sides per possible store, so no arbitrary is built per try.
    Arbitrary<List<Entry>> sideEntries = entries.list().ofSize(ids.size());
    Arbitrary<List<Integer>> relations = Arbitraries.integers().between(0, 5 * RELATED - 1).list().ofSize(ids.size());
    return Combinators.combine(keys(), sideStores, sideEntries, relations)
        .as(ReconcileArbitraries::divergence)
        .withoutEdgeCases();
  }

  /** Relations of a side to the earlier ones: fresh (twice as likely), absent, copy, same data, same version. */
  private static final int RELATED = 6;

  private static Divergence divergence(Key key, List<String> stores, List<Entry> entries, List<Integer> relations) {
    List<Divergence.Side> sides = new ArrayList<>(stores.size());
    for (int i = 0; i < stores.size(); i++) {
      Entry own = Entry.of(key, entries.get(i).fields(), entries.get(i).version());
      int relation = relations.get(i) % RELATED;
      int earlier = i == 0 ? -1 : relations.get(i) / RELATED % i;
      Entry before = earlier < 0 ? null : sides.get(earlier).entry();
      Entry e =
          switch (relation) {
            case 2 -> null;
            case 3 -> earlier < 0 ? own : before;
            case 4 -> before == null ? own : Entry.of(key, before.fields(), own.version());
            case 5 -> before == null ? own : Entry.of(key, own.fields(), before.version());
            default -> own;
          };
      sides.add(new Divergence.Side(stores.get(i), e));
    }
    Divergence.Kind kind =
        sides.get(0).present() ? Divergence.Kind.MISMATCH : Divergence.Kind.EXTRA;
    return new Divergence(key, kind, sides, "testkit", EPOCH_2024, "generated by ReconcileArbitraries");
  }

  /**
   * Histories of concurrent writes to one key across two to {@code maxReplicas} replicas, each
   * write delivered to every replica in any order and some more than once; see {@link History}.
   *
   * <p>Each write is made at one replica, after that replica has seen its own earlier writes and
   * some of the others'. Its data comes from {@code data}; its version vector is the merge of the
   * vectors it saw, incremented at its replica (so it dominates exactly what it saw); its timestamp
   * is the latest it saw plus 0 to 2 seconds (so causally later writes are never earlier, and
   * ties happen).
   *
   * @param data the documents written
   * @param maxReplicas the most replicas, at least 2
   * @throws IllegalArgumentException if {@code maxReplicas < 2}
   */
  public static Arbitrary<History> histories(Arbitrary<Value.MapValue> data, int maxReplicas) {
    if (maxReplicas < 2) {
      throw new IllegalArgumentException("a history needs at least 2 replicas, but maxReplicas was " + maxReplicas);
    }
    Arbitrary<WriteSpec> spec =
        Combinators.combine(
                Arbitraries.integers().between(0, maxReplicas - 1),
                Arbitraries.integers().between(0, (1 << MAX_WRITES) - 1),
                Arbitraries.integers().between(0, 2),
                data)
            .as(WriteSpec::new);
    // Arrival orders are drawn independently of the writes (as priorities), so that no arbitrary
    // is built per try and orders shrink towards the order the writes were made in.
    Arbitrary<DeliverySpec> delivery =
        Combinators.combine(
                Arbitraries.integers().between(0, 2 * MAX_WRITES).list().ofSize(MAX_WRITES + MAX_EXTRA),
                Arbitraries.integers().between(0, MAX_WRITES - 1).list().ofMaxSize(MAX_EXTRA))
            .as(DeliverySpec::new);
    return Combinators.combine(
            Arbitraries.integers().between(2, maxReplicas),
            spec.list().ofMinSize(1).ofMaxSize(MAX_WRITES),
            delivery.list().ofSize(maxReplicas))
        .as(
            (replicas, specs, deliveries) -> {
              List<History.Write> writes = writes(replicas, specs);
              List<List<History.Write>> received = new ArrayList<>();
              for (DeliverySpec d : deliveries.subList(0, replicas)) {
                received.add(d.order(writes));
              }
              return new History(Key.of(1), writes, received);
            });
  }

  private static final int MAX_WRITES = 6;
  private static final int MAX_EXTRA = 3;

  /** One replica's arrival order: a priority per delivery (writes first, then duplicates). */
  private record DeliverySpec(List<Integer> priorities, List<Integer> duplicates) {
    List<History.Write> order(List<History.Write> writes) {
      List<Integer> indices = new ArrayList<>();
      for (int i = 0; i < writes.size(); i++) {
        indices.add(i);
      }
      for (int d : duplicates) {
        indices.add(d % writes.size());
      }
      List<Integer> slots = new ArrayList<>();
      for (int i = 0; i < indices.size(); i++) {
        slots.add(i);
      }
      // Stable: equal priorities keep the order the writes were made in.
      slots.sort(java.util.Comparator.comparing(i -> priorities.get(i)));
      List<History.Write> out = new ArrayList<>();
      for (int slot : slots) {
        out.add(writes.get(indices.get(slot)));
      }
      return out;
    }
  }

  /** What the generator decides about one write before replicas are known. */
  private record WriteSpec(int replica, int seenMask, int seconds, Value.MapValue data) {}

  private static List<History.Write> writes(int replicas, List<WriteSpec> specs) {
    List<History.Write> out = new ArrayList<>(specs.size());
    for (int i = 0; i < specs.size(); i++) {
      WriteSpec s = specs.get(i);
      String replica = "r" + (s.replica() % replicas + 1);
      VersionVector vector = VersionVector.empty();
      Instant at = EPOCH_2024;
      for (int j = 0; j < i; j++) {
        History.Write earlier = out.get(j);
        boolean seen = earlier.replica().equals(replica) || (s.seenMask() & (1 << j)) != 0;
        if (seen) {
          vector = vector.merge(vectorOf(earlier.entry()));
          Instant t = earlier.entry().version().timestamp();
          if (t != null && t.isAfter(at)) {
            at = t;
          }
        }
      }
      Version version = new Version(vector.increment(replica), at.plusSeconds(s.seconds()));
      out.add(new History.Write(replica, Entry.of(Key.of(1), s.data(), version)));
    }
    return List.copyOf(out);
  }

  private static VersionVector vectorOf(Entry e) {
    VersionVector v = e.version().vector();
    return v == null ? VersionVector.empty() : v;
  }

  private static Arbitrary<UUID> uuids() {
    return Arbitraries.oneOf(
        Arbitraries.longs().tuple2().map(t -> new UUID(t.get1(), t.get2())),
        Arbitraries.of(new UUID(0, 0), new UUID(-1, -1), new UUID(Long.MIN_VALUE, 1)));
  }
}
