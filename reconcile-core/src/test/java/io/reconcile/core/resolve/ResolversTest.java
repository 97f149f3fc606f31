package io.reconcile.core.resolve;

import static io.reconcile.core.resolve.Fixtures.KEY;
import static io.reconcile.core.resolve.Fixtures.T0;
import static io.reconcile.core.resolve.Fixtures.T1;
import static io.reconcile.core.resolve.Fixtures.T2;
import static io.reconcile.core.resolve.Fixtures.absent;
import static io.reconcile.core.resolve.Fixtures.divergence;
import static io.reconcile.core.resolve.Fixtures.entry;
import static io.reconcile.core.resolve.Fixtures.side;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolution.Escalate;
import io.reconcile.api.repair.Resolution.Merge;
import io.reconcile.api.repair.Resolution.Skip;
import io.reconcile.api.repair.Resolution.TakeSide;
import io.reconcile.api.repair.Resolver;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BinaryOperator;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ResolversTest {

  private static final Entry TEN = entry(Map.of("amount", 10));
  private static final Entry TWELVE = entry(Map.of("amount", 12));

  @Nested
  @DisplayName("sourceOfTruth")
  class SourceOfTruth {

    @Test
    @DisplayName("takes the named store, saying why")
    void takesTheStore() {
      Optional<Resolution> r =
          Resolvers.sourceOfTruth("b").resolve(divergence(side("a", TEN), side("b", TWELVE)));
      assertThat(r).contains(new TakeSide("b", "store b is the source of truth"));
    }

    @Test
    @DisplayName("takes the named store even when it lacks the key, which deletes elsewhere")
    void takesAnAbsentStore() {
      Optional<Resolution> r =
          Resolvers.sourceOfTruth("a").resolve(divergence(absent("a"), side("b", TWELVE)));
      assertThat(r).get().isInstanceOf(TakeSide.class).extracting(x -> ((TakeSide) x).store()).isEqualTo("a");
    }

    @Test
    @DisplayName("abstains when the store took no part")
    void abstains() {
      assertThat(Resolvers.sourceOfTruth("z").resolve(divergence(side("a", TEN), side("b", TWELVE))))
          .isEmpty();
    }

    @Test
    @DisplayName("refuses a blank store id")
    void blank() {
      assertThatThrownBy(() -> Resolvers.sourceOfTruth(" "))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("store id");
    }
  }

  @Nested
  @DisplayName("ownership")
  class Ownership {

    private final Map<KeyRange, String> owners =
        Map.of(
            KeyRange.below(Key.of(5)), "a",
            KeyRange.of(Key.of(5), Key.of(10)), "b",
            KeyRange.atLeast(Key.of(20)), "c");

    private Divergence at(long key) {
      Key k = Key.of(key);
      return new Divergence(
          k,
          Divergence.Kind.MISMATCH,
          List.of(
              side("a", Entry.of(k, Map.of("v", 1))),
              side("b", Entry.of(k, Map.of("v", 2))),
              side("c", null)),
          "test",
          T0,
          "");
    }

    @Test
    @DisplayName("the owner of the key's range wins, whichever range it is")
    void ownerWins() {
      Resolver r = Resolvers.ownership(owners);
      assertThat(r.resolve(at(-100))).contains(new TakeSide("a", "key -100 lies in [-∞, 5), owned by store a"));
      assertThat(r.resolve(at(5))).contains(new TakeSide("b", "key 5 lies in [5, 10), owned by store b"));
      assertThat(r.resolve(at(9))).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("b");
      // c owns the key but lacks it: taking its side deletes the key elsewhere.
      assertThat(r.resolve(at(20))).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("c");
    }

    @Test
    @DisplayName("abstains for a key no range holds, and when the owner took no part")
    void abstains() {
      Resolver r = Resolvers.ownership(owners);
      assertThat(r.resolve(at(10))).isEmpty();
      assertThat(r.resolve(at(15))).isEmpty();
      Resolver elsewhere = Resolvers.ownership(Map.of(KeyRange.all(), "z"));
      assertThat(elsewhere.resolve(at(1))).isEmpty();
    }

    @Test
    @DisplayName("refuses overlapping ranges, naming both and their owners")
    void overlapping() {
      Map<KeyRange, String> bad = new HashMap<>();
      bad.put(KeyRange.of(Key.of(1), Key.of(10)), "a");
      bad.put(KeyRange.of(Key.of(5), Key.of(20)), "b");
      assertThatThrownBy(() -> Resolvers.ownership(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "owner ranges must not overlap, but [1, 10) (owned by store a) overlaps [5, 20)"
                  + " (owned by store b); give each key at most one owner");
      assertThatThrownBy(
              () -> Resolvers.ownership(Map.of(KeyRange.all(), "a", KeyRange.atLeast(Key.of(3)), "b")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must not overlap");
    }

    @Test
    @DisplayName("adjacent ranges do not overlap")
    void adjacent() {
      Resolver r =
          Resolvers.ownership(
              Map.of(KeyRange.below(Key.of(5)), "a", KeyRange.atLeast(Key.of(5)), "b"));
      assertThat(r.resolve(at(4))).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("a");
      assertThat(r.resolve(at(5))).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("b");
    }

    @Test
    @DisplayName("by function: the named owner wins; empty abstains; null is a programming error")
    void byFunction() {
      Resolver r =
          Resolvers.ownership(k -> ((Long) k.part(0)) % 2 == 0 ? Optional.of("a") : Optional.empty());
      assertThat(r.resolve(at(2))).contains(new TakeSide("a", "key 2 is owned by store a"));
      assertThat(r.resolve(at(3))).isEmpty();
      assertThat(Resolvers.ownership(k -> Optional.of("nobody")).resolve(at(2))).isEmpty();
      Resolver broken = Resolvers.ownership(k -> null);
      assertThatThrownBy(() -> broken.resolve(at(2)))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("Optional.empty()");
    }
  }

  @Nested
  @DisplayName("lastWriterWins")
  class LastWriterWins {

    private final Resolver lww = Resolvers.lastWriterWins();

    @Test
    @DisplayName("the latest timestamp wins, and the reason says which store wrote when")
    void latestWins() {
      Divergence d =
          divergence(
              side("a", entry(Map.of("v", 1), T0)),
              side("b", entry(Map.of("v", 2), T2)),
              side("c", entry(Map.of("v", 3), T1)));
      assertThat(lww.resolve(d)).contains(new TakeSide("b", "latest write: store b at 2024-01-03T00:00:00Z"));
    }

    @Test
    @DisplayName("a tie goes to the first store id in alphabetical order, and the reason says so")
    void tie() {
      Divergence d =
          divergence(
              side("m", entry(Map.of("v", 1), T0)),
              side("z", entry(Map.of("v", 2), T2)),
              side("c", entry(Map.of("v", 3), T2)));
      assertThat(lww.resolve(d))
          .contains(
              new TakeSide(
                  "c",
                  "latest write: store c at 2024-01-03T00:00:00Z (tied with store z; ties go to the"
                      + " first store id in alphabetical order)"));
    }

    @Test
    @DisplayName("an absent side never wins: the latest entry is copied where it is missing")
    void neverDeletes() {
      Divergence d = divergence(absent("a"), side("b", entry(Map.of("v", 2), T0)));
      assertThat(lww.resolve(d)).get().isEqualTo(new TakeSide("b", "latest write: store b at 2024-01-01T00:00:00Z"));
      Divergence d2 = divergence(side("a", entry(Map.of("v", 1), T1)), absent("b"));
      assertThat(lww.resolve(d2)).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("a");
    }

    @Test
    @DisplayName("abstains without timestamps, or when a present side has none")
    void abstains() {
      assertThat(lww.resolve(divergence(side("a", TEN), side("b", TWELVE)))).isEmpty();
      assertThat(lww.resolve(divergence(side("a", entry(Map.of("v", 1), T2)), side("b", TWELVE))))
          .isEmpty();
      assertThat(lww.resolve(divergence(absent("a"), absent("b")))).isEmpty();
    }
  }

  @Nested
  @DisplayName("versionVectors")
  class VersionVectors {

    /** Concatenates the "log" fields: deliberately not commutative, to show the merge order. */
    private final BinaryOperator<Entry> concat =
        (x, y) ->
            Entry.of(
                x.key(),
                Map.of("log", x.field("log").toString().replace("\"", "") + y.field("log").toString().replace("\"", "")),
                x.version());

    private Entry log(String log, Map<String, Long> vector) {
      return entry(Map.of("log", log), vector);
    }

    @Test
    @DisplayName("the dominating version wins, wherever it is")
    void dominatingWins() {
      Divergence d =
          divergence(
              side("a", log("x", Map.of("a", 1L))),
              side("b", log("y", Map.of("a", 2L, "b", 1L))),
              side("c", log("x", Map.of("a", 1L))));
      assertThat(Resolvers.versionVectors().resolve(d))
          .contains(
              new TakeSide(
                  "b",
                  "store b holds version {a:2,b:1}, which includes every other version ({a:1} on a,"
                      + " {a:1} on c)"));
    }

    @Test
    @DisplayName("equal dominating versions with the same data: the first store id is taken")
    void equalDominating() {
      Divergence d =
          divergence(
              side("a", log("x", Map.of("a", 1L))),
              side("c", log("y", Map.of("a", 2L))),
              side("b", log("y", Map.of("a", 2L))));
      assertThat(Resolvers.versionVectors().resolve(d)).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("b");
    }

    @Test
    @DisplayName("different data under one version cannot be ordered: escalated, even with a merge")
    void equalVersionsDifferentData() {
      Divergence d =
          divergence(side("a", log("x", Map.of("a", 2L))), side("b", log("y", Map.of("a", 2L))));
      Optional<Resolution> r = Resolvers.versionVectors(concat).resolve(d);
      assertThat(r).get().isInstanceOf(Escalate.class);
      assertThat(r.get().reason())
          .isEqualTo(
              "stores a and b hold different data under the same version {a:2}; a version vector"
                  + " cannot order them, so a person must decide");
    }

    @Test
    @DisplayName("concurrent versions without a merge function are escalated, naming them")
    void concurrentEscalates() {
      Divergence d =
          divergence(side("b", log("y", Map.of("b", 1L))), side("a", log("x", Map.of("a", 2L))));
      assertThat(Resolvers.versionVectors().resolve(d))
          .contains(
              new Escalate(
                  "concurrent versions {a:2} on a, {b:1} on b: neither includes the other and no"
                      + " merge function is configured"));
    }

    @Test
    @DisplayName("concurrent versions are merged in store id order; the vector is the merge of all")
    void concurrentMerges() {
      Entry a = Entry.of(KEY, Map.of("log", "A"), new Version(VersionVector.of(Map.of("a", 2L)), T1));
      Entry c = Entry.of(KEY, Map.of("log", "C"), new Version(VersionVector.of(Map.of("c", 1L)), T2));
      Entry b = Entry.of(KEY, Map.of("log", "B"), new Version(VersionVector.of(Map.of("b", 4L)), T0));
      Divergence d = divergence(side("c", c), side("a", a), side("b", b));

      Resolution r = Resolvers.versionVectors(concat).resolve(d).orElseThrow();

      assertThat(r).isInstanceOf(Merge.class);
      Entry merged = ((Merge) r).merged();
      assertThat(merged.field("log")).isEqualTo(Value.of("ABC"));
      assertThat(merged.version().vector()).isEqualTo(VersionVector.of(Map.of("a", 2L, "b", 4L, "c", 1L)));
      assertThat(merged.version().timestamp()).isEqualTo(T2);
      assertThat(r.reason())
          .isEqualTo("merged concurrent versions {a:2} on a, {b:4} on b, {c:1} on c into {a:2,b:4,c:1}");
    }

    @Test
    @DisplayName("a superseded version is never merged in")
    void supersededNotMerged() {
      List<Entry> seen = new ArrayList<>();
      BinaryOperator<Entry> recording =
          (x, y) -> {
            seen.add(x);
            seen.add(y);
            return concat.apply(x, y);
          };
      Entry old = log("OLD", Map.of("a", 1L));
      Entry newer = log("A", Map.of("a", 2L));
      Entry other = log("B", Map.of("b", 1L));
      Divergence d = divergence(side("a", old), side("b", newer), side("c", other));

      Resolution r = Resolvers.versionVectors(recording).resolve(d).orElseThrow();

      assertThat(seen).containsExactly(newer, other);
      assertThat(((Merge) r).merged().field("log")).isEqualTo(Value.of("AB"));
    }

    @Test
    @DisplayName("absent sides take no part: the only version is copied, never deleted")
    void absentIgnored() {
      Divergence d = divergence(absent("a"), side("b", log("y", Map.of("b", 1L))), absent("c"));
      assertThat(Resolvers.versionVectors().resolve(d))
          .contains(new TakeSide("b", "store b holds version {b:1}, which includes every other version"));
    }

    @Test
    @DisplayName("abstains when a present side has no vector")
    void abstains() {
      Divergence d = divergence(side("a", log("x", Map.of("a", 1L))), side("b", TWELVE));
      assertThat(Resolvers.versionVectors().resolve(d)).isEmpty();
      assertThat(Resolvers.versionVectors(concat).resolve(divergence(absent("a"), absent("b")))).isEmpty();
    }

    @Test
    @DisplayName("a merge function returning another key is a programming error")
    void badMergeFunction() {
      Divergence d =
          divergence(side("a", log("x", Map.of("a", 1L))), side("b", log("y", Map.of("b", 1L))));
      Resolver r = Resolvers.versionVectors((x, y) -> Entry.of(Key.of(99), Map.of()));
      assertThatThrownBy(() -> r.resolve(d))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("must return an entry for key 7");
    }
  }

  @Nested
  @DisplayName("perField")
  class PerField {

    private Entry row(Map<String, ?> fields, Instant at, Map<String, Long> vector) {
      return Entry.of(KEY, fields, new Version(VersionVector.of(vector), at));
    }

    private Map<String, Object> fields(Object... kv) {
      Map<String, Object> m = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        m.put((String) kv[i], kv[i + 1]);
      }
      return m;
    }

    @Test
    @DisplayName("each field as its rule says; the rest from the default store; versions merged")
    void merges() {
      Entry a =
          row(fields("name", "Ann", "amount", 10, "status", "new", "tags", List.of("x", "y"), "note", "a"), T2, Map.of("a", 2L));
      Entry b =
          row(fields("name", "Anne", "amount", 12, "status", "paid", "tags", List.of("z", "x"), "low", 3), T1, Map.of("b", 1L));
      Map<String, FieldRule> rules =
          Map.of(
              "name", FieldRule.fromStore("b"),
              "amount", FieldRule.max(),
              "low", FieldRule.min(),
              "status", FieldRule.latest(),
              "tags", FieldRule.union());
      Divergence d = divergence(side("b", b), side("a", a));

      Resolution r = Resolvers.perField(rules, "a").resolve(d).orElseThrow();

      Entry m = ((Merge) r).merged();
      assertThat(m.key()).isEqualTo(KEY);
      assertThat(m.field("name")).isEqualTo(Value.of("Anne"));
      assertThat(m.field("amount")).isEqualTo(Value.of(12));
      assertThat(m.field("low")).isEqualTo(Value.of(3));
      assertThat(m.field("status")).isEqualTo(Value.of("new"));
      assertThat(m.field("tags")).isEqualTo(Value.from(List.of("x", "y", "z")));
      assertThat(m.field("note")).isEqualTo(Value.of("a"));
      assertThat(m.version()).isEqualTo(new Version(VersionVector.of(Map.of("a", 2L, "b", 1L)), T2));
      assertThat(r.reason())
          .isEqualTo(
              "per-field merge: amount = max() from store b; low = min() from store b; name ="
                  + " fromStore(b) from store b; status = latest() from store a (latest write at"
                  + " 2024-01-03T00:00:00Z); tags = union() of stores a, b; other fields from store a");
    }

    @Test
    @DisplayName("a field missing from the side a rule takes is missing from the result")
    void missingFieldStaysMissing() {
      Divergence d =
          divergence(side("a", entry(fields("x", 1))), side("b", entry(fields("x", 2, "extra", 9))));
      Entry m = ((Merge) Resolvers.perField(Map.of(), "a").resolve(d).orElseThrow()).merged();
      assertThat(m.fields().fields()).containsOnlyKeys("x");
      assertThat(m.field("x")).isEqualTo(Value.of(1));
    }

    @Test
    @DisplayName("max and min ignore nulls; equal numbers go to the first store id")
    void maxMinNullsAndTies() {
      Divergence d =
          divergence(
              side("c", entry(fields("n", new BigDecimal("5.0")))),
              side("b", entry(fields("n", null))),
              side("a", entry(fields("n", new BigDecimal("5.00")))));
      Resolution r = Resolvers.perField(Map.of("n", FieldRule.max()), "b").resolve(d).orElseThrow();
      Value.Num n = (Value.Num) ((Merge) r).merged().field("n");
      assertThat(n.decimal()).isEqualTo(new BigDecimal("5.00"));
      assertThat(r.reason()).startsWith("per-field merge: n = max() from store a;");
    }

    @Test
    @DisplayName("data a rule cannot use is escalated, naming field and store")
    void escalates() {
      Divergence d = divergence(side("a", entry(fields("n", 1))), side("b", entry(fields("n", "many"))));
      assertThat(Resolvers.perField(Map.of("n", FieldRule.min()), "a").resolve(d))
          .contains(new Escalate("per-field merge cannot apply min() to field n: store b holds \"many\", not a number"));
      assertThat(Resolvers.perField(Map.of("n", FieldRule.union()), "a").resolve(d))
          .get().isInstanceOf(Escalate.class).extracting(Resolution::reason).asString().contains("store a holds 1, not a list");
    }

    @Test
    @DisplayName("abstains when a side is absent, a named store took no part, or latest() lacks timestamps")
    void abstains() {
      Map<String, FieldRule> none = Map.of();
      assertThat(Resolvers.perField(none, "a").resolve(divergence(side("a", TEN), absent("b")))).isEmpty();
      assertThat(Resolvers.perField(none, "z").resolve(divergence(side("a", TEN), side("b", TWELVE)))).isEmpty();
      assertThat(
              Resolvers.perField(Map.of("amount", FieldRule.fromStore("z")), "a")
                  .resolve(divergence(side("a", TEN), side("b", TWELVE))))
          .isEmpty();
      assertThat(
              Resolvers.perField(Map.of("amount", FieldRule.latest()), "a")
                  .resolve(divergence(side("a", entry(Map.of("amount", 1), T0)), side("b", TWELVE))))
          .isEmpty();
    }

    @Test
    @DisplayName("rules are values: equal rules are equal, and print as written")
    void ruleValues() {
      assertThat(FieldRule.fromStore("a")).isEqualTo(FieldRule.fromStore("a")).isNotEqualTo(FieldRule.fromStore("b"));
      assertThat(FieldRule.max()).hasToString("max()").isNotEqualTo(FieldRule.min());
      assertThatThrownBy(() -> FieldRule.fromStore("")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Resolvers.perField(Map.of(), " ")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  @DisplayName("constant resolvers and composition")
  class Composition {

    @Test
    @DisplayName("escalate and skip always decide, with the given reason")
    void constants() {
      Divergence d = divergence(side("a", TEN), side("b", TWELVE));
      assertThat(Resolvers.escalate("needs a person").resolve(d)).contains(new Escalate("needs a person"));
      assertThat(Resolvers.skip("not ours").resolve(d)).contains(new Skip("not ours"));
      assertThatThrownBy(() -> Resolvers.escalate("")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> Resolvers.skip(" ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("firstOf asks in order until one decides")
    void firstOf() {
      Resolver chain =
          Resolver.firstOf(
              Resolvers.versionVectors(), Resolvers.lastWriterWins(), Resolvers.escalate("no metadata"));
      Divergence vv = divergence(side("a", entry(Map.of("v", 1), Map.of("a", 1L))), side("b", entry(Map.of("v", 2), Map.of("a", 2L))));
      Divergence timed = divergence(side("a", entry(Map.of("v", 1), T2)), side("b", entry(Map.of("v", 2), T0)));
      Divergence bare = divergence(side("a", TEN), side("b", TWELVE));

      assertThat(chain.resolve(vv)).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("b");
      assertThat(chain.resolve(timed)).get().extracting(x -> ((TakeSide) x).store()).isEqualTo("a");
      assertThat(chain.resolve(bare)).contains(new Escalate("no metadata"));
    }

    @Test
    @DisplayName("orElse falls back only on abstention")
    void orElse() {
      Resolver r = Resolvers.sourceOfTruth("primary").orElse(Resolvers.skip("no primary here"));
      assertThat(r.resolve(divergence(side("primary", TEN), side("b", TWELVE))))
          .get().extracting(x -> ((TakeSide) x).store()).isEqualTo("primary");
      assertThat(r.resolve(divergence(side("a", TEN), side("b", TWELVE))))
          .contains(new Skip("no primary here"));
    }
  }
}
