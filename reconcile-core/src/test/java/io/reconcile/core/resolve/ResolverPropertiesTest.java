package io.reconcile.core.resolve;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolution.Escalate;
import io.reconcile.api.repair.Resolution.Merge;
import io.reconcile.api.repair.Resolution.TakeSide;
import io.reconcile.api.repair.Resolver;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Promises of the built-in resolvers beyond the testkit's laws (see BuiltInResolverContractsTest):
 * when each abstains, and the same reason whatever the order of the sides.
 */
class ResolverPropertiesTest {

  private static final List<Instant> TIMES =
      List.of(Fixtures.T0, Fixtures.T1, Fixtures.T2, Instant.parse("2024-01-04T00:00:00Z"));

  /** Not commutative: shows that the merge order does not follow the order of the sides. */
  private static final BinaryOperator<Entry> CONCAT =
      (x, y) -> Entry.of(x.key(), Map.of("note", x.field("note") + "+" + y.field("note")), x.version());

  private static final Map<String, Resolver> RESOLVERS = new TreeMap<>();

  static {
    RESOLVERS.put("sourceOfTruth", Resolvers.sourceOfTruth("b"));
    RESOLVERS.put(
        "ownership",
        Resolvers.ownership(k -> Optional.of(((Long) k.part(0)) % 2 == 0 ? "a" : "c")));
    RESOLVERS.put("lastWriterWins", Resolvers.lastWriterWins());
    RESOLVERS.put("versionVectors", Resolvers.versionVectors());
    RESOLVERS.put("versionVectors(merge)", Resolvers.versionVectors(CONCAT));
    RESOLVERS.put(
        "perField",
        Resolvers.perField(
            Map.of(
                "amount", FieldRule.max(),
                "low", FieldRule.min(),
                "note", FieldRule.latest(),
                "tags", FieldRule.union(),
                "owner", FieldRule.fromStore("b")),
            "a"));
    RESOLVERS.put(
        "perField(no timestamps needed)",
        Resolvers.perField(Map.of("amount", FieldRule.min(), "tags", FieldRule.union()), "c"));
    RESOLVERS.put(
        "firstOf",
        Resolver.firstOf(
            Resolvers.versionVectors(CONCAT), Resolvers.lastWriterWins(), Resolvers.escalate("x")));
  }

  @Provide
  Arbitrary<Divergence> divergences() {
    Arbitrary<Long> keys = Arbitraries.longs().between(0, 3);
    Arbitrary<List<String>> ids =
        Arbitraries.of("a", "b", "c", "d", "e").list().uniqueElements().ofMinSize(1).ofMaxSize(5);
    return Combinators.combine(keys, ids)
        .flatAs(
            (key, storeIds) ->
                entries(Key.of(key))
                    .injectNull(0.25)
                    .list()
                    .ofSize(storeIds.size())
                    .map(es -> divergence(Key.of(key), storeIds, es)));
  }

  private static Divergence divergence(Key key, List<String> ids, List<Entry> entries) {
    List<Side> sides = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      sides.add(new Side(ids.get(i), entries.get(i)));
    }
    return new Divergence(
        key, sides.get(0).present() ? Divergence.Kind.MISMATCH : Divergence.Kind.EXTRA, sides, "test", Fixtures.T0, "");
  }

  private static Arbitrary<Entry> entries(Key key) {
    Arbitrary<Integer> small = Arbitraries.integers().between(0, 3);
    Arbitrary<Map<String, Object>> fields =
        Combinators.combine(
                small.injectNull(0.2),
                small,
                Arbitraries.of("x", "y", "z"),
                Arbitraries.of("p", "q", "r").list().ofMaxSize(3),
                Arbitraries.of("o1", "o2"))
            .as(
                (amount, low, note, tags, owner) -> {
                  Map<String, Object> m = new HashMap<>();
                  m.put("amount", amount);
                  m.put("low", low);
                  m.put("note", note);
                  m.put("tags", tags);
                  m.put("owner", owner);
                  return m;
                });
    Arbitrary<Instant> times = Arbitraries.of(TIMES).injectNull(0.1);
    Arbitrary<VersionVector> vectors =
        Combinators.combine(small, small, small)
            .as(
                (x, y, z) -> {
                  Map<String, Long> m = new HashMap<>();
                  if (x > 0) m.put("n1", (long) x);
                  if (y > 0) m.put("n2", (long) y);
                  if (z > 0) m.put("n3", (long) z);
                  return VersionVector.of(m);
                })
            .injectNull(0.1);
    return Combinators.combine(fields, times, vectors)
        .as((f, t, v) -> Entry.of(key, f, new Version(v, t)));
  }

  private static Divergence permuted(Divergence d, long seed) {
    List<Side> sides = new ArrayList<>(d.sides());
    Collections.shuffle(sides, new Random(seed));
    return new Divergence(d.key(), d.kind(), sides, d.checker(), d.detectedAt(), d.detail());
  }

  @Property(tries = 1000)
  void sameReasonWhateverTheOrderOfTheSides(@ForAll("divergences") Divergence d, @ForAll long seed) {
    // The testkit's ResolverContract checks that the decision does not depend on the order of the
    // sides (BuiltInResolverContractsTest); the built-ins also promise the same reason.
    Divergence all = permuted(d, seed);
    RESOLVERS.forEach(
        (name, r) ->
            assertThat(r.resolve(all).map(Resolution::reason))
                .as(name + " with every side reordered")
                .isEqualTo(r.resolve(d).map(Resolution::reason)));
  }

  @Property(tries = 1000)
  void lastWriterWinsNeverDeletesAndPicksTheLatest(@ForAll("divergences") Divergence d) {
    Optional<Resolution> r = Resolvers.lastWriterWins().resolve(d);
    List<Entry> present = d.sides().stream().map(Side::entry).filter(Objects::nonNull).toList();
    boolean allTimed = !present.isEmpty() && present.stream().allMatch(e -> e.version().timestamp() != null);
    assertThat(r.isPresent()).isEqualTo(allTimed);
    if (r.isPresent()) {
      assertThat(r.get()).isInstanceOf(TakeSide.class);
      Entry winner = d.entryIn(((TakeSide) r.get()).store()).orElse(null);
      assertThat(winner).as("the winner holds the key").isNotNull();
      for (Entry e : present) {
        assertThat(winner.version().timestamp()).isAfterOrEqualTo(e.version().timestamp());
      }
    }
  }

  @Property(tries = 1000)
  void versionVectorsAbstainOnlyWithoutVectorsAndEscalateOnlyWhatTheyCannotMerge(
      @ForAll("divergences") Divergence d) {
    // Dominance (never a dominated version, merges include every input) is the testkit's
    // VersionVectorResolverContract, run in BuiltInResolverContractsTest.
    List<Entry> present = d.sides().stream().map(Side::entry).filter(Objects::nonNull).toList();
    boolean allVersioned = !present.isEmpty() && present.stream().allMatch(e -> e.version().vector() != null);
    for (boolean withMerge : List.of(false, true)) {
      Resolver resolver = withMerge ? Resolvers.versionVectors(CONCAT) : Resolvers.versionVectors();
      Optional<Resolution> r = resolver.resolve(d);
      assertThat(r.isPresent()).isEqualTo(allVersioned);
      if (r.isPresent() && r.get() instanceof Escalate && withMerge) {
        // With a merge function only equal versions holding different data are escalated.
        assertThat(r.get().reason()).contains("under the same version");
      }
    }
  }

  @Property(tries = 1000)
  void perFieldDecidesExactlyWhenEverySideAndTheDefaultStoreTakePart(@ForAll("divergences") Divergence d) {
    // That the merge only takes what the sides hold is the testkit's ResolverContract.
    Optional<Resolution> r = RESOLVERS.get("perField(no timestamps needed)").resolve(d);
    boolean allPresent = d.sides().stream().allMatch(Side::present);
    boolean hasDefault = d.side("c").isPresent();
    assertThat(r.isPresent()).isEqualTo(allPresent && hasDefault);
    r.ifPresent(decision -> assertThat(decision).isInstanceOf(Merge.class));
  }
}
