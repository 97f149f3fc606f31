package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.jspecify.annotations.Nullable;

/**
 * The laws every {@link Resolver} keeps, as jqwik properties. A test class implements this
 * interface, returns the resolver under test from {@link #resolver()}, and jqwik runs every
 * property below against it:
 *
 * <pre>{@code
 * class MyResolverTest implements ResolverContract {
 *   public Resolver resolver() { return new MyResolver(); }
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link #deterministic deterministic}: the same divergence gets the same decision, asked
 *       again as deep, fresh copies (no object shared, so identity hash codes differ) and of the
 *       resolver {@link #resolver()} returns next;
 *   <li>{@link #commutative commutative}: the order of the sides does not change the decision
 *       (beyond the reference, unless {@link #referenceIsPrivileged()} says otherwise);
 *   <li>{@link #idempotent idempotent}: deciding again, with the decided state held by one more
 *       store, leads to the same state;
 *   <li>{@link #noInventedValues no invented values}: a side taken is one of the sides; a merge
 *       holds the key, and each of its fields a value some side holds for that field, or one made
 *       of theirs (a list of their lists' elements, a map of what their maps hold);
 *   <li>{@link #noInventedDeletes no invented deletes}: a key every side holds is not deleted;
 *   <li>{@link #statelessAcrossDivergences stateless}: a decision does not depend on what the
 *       resolver was asked before (a cache by key that answers a later divergence with an earlier
 *       one's decision fails);
 *   <li>{@link #threadSafe thread-safe}: asked from several threads at once, it decides as when
 *       asked from one.
 * </ul>
 *
 * <p>Decisions are compared by what they do — the state a repair leaves every store in (so taking
 * either of two sides that hold the same entry is the same decision), or skip, escalate, abstain —
 * never by their reasons. Divergences come from {@link #divergences()}; override it to shape them
 * for the resolver, e.g. to include the store a {@code sourceOfTruth} resolver names, annotating
 * the override with {@link Provide @Provide}. A failure names the divergence's sides and both
 * decisions.
 *
 * <p>Each law counts, in jqwik's statistics printed with its report, the tries in the situation
 * it is about (sides holding different data, every side holding the key, …), and fails when
 * fewer than 10% of its tries were: a law that seldom meets its situation proves little. Shape
 * {@link #divergences()} so that they are common. Switching a law off is an explicit act: override
 * its method with an empty one, and say why in a comment.
 */
public interface ResolverContract {

  /** The resolver under test. Called for every try; may return the same instance. */
  Resolver resolver();

  /**
   * Whether the resolver may treat the first side, the reference, specially ({@link Resolver}
   * allows it). When this returns false, {@link #commutative} reorders every side, reference
   * included. Default: true.
   */
  default boolean referenceIsPrivileged() {
    return true;
  }

  /**
   * Whether the resolver decides by the key's value, as an ownership rule does. When false (the
   * default), {@link #statelessAcrossDivergences} moves divergences to keys no try has used,
   * which is what catches a cache by key; when true, it asks at the divergence's own key, which
   * catches only a resolver that remembers the latest answer.
   */
  default boolean decidesByKey() {
    return false;
  }

  /**
   * The divergences the properties run on. Default: {@link ReconcileArbitraries#divergences} among
   * stores {@code a}, {@code b}, {@code c} and {@code d} with {@link ReconcileArbitraries#smallEntries()}.
   */
  @Provide
  default Arbitrary<Divergence> divergences() {
    return ReconcileArbitraries.divergences(List.of("a", "b", "c", "d"), ReconcileArbitraries.smallEntries());
  }

  /**
   * The same divergence gets the same decision: asked three times more, as deep, fresh copies,
   * of this resolver and of the one {@link #resolver()} returns next.
   */
  @Property
  default void deterministic(@ForAll("divergences") Divergence divergence) {
    Situations.count("deterministic", "sides hold different data", Situations.statesDiffer(divergence));
    Resolver resolver = resolver();
    Optional<Resolution> first = resolver.resolve(divergence);
    for (int i = 0; i < 3; i++) {
      Divergence copy = Copies.of(divergence);
      Optional<Resolution> again = (i == 1 ? resolver() : resolver).resolve(copy);
      if (!Decisions.comparable(divergence, first).equals(Decisions.comparable(copy, again))) {
        throw new AssertionError(
            "the resolver is not deterministic: the same divergence with sides"
                + Decisions.sides(divergence)
                + "\n  was decided first as: " + Decisions.effect(first)
                + "\n  then, asked again with an equal copy, as: " + Decisions.effect(again)
                + "\n  (a decision must follow from the sides' data and versions only, not from object identity,"
                + " time or earlier calls)");
      }
    }
  }

  /**
   * Reordering the sides (all but the reference, or all of them if {@link #referenceIsPrivileged()}
   * is false) does not change the decision.
   */
  @Property
  default void commutative(@ForAll("divergences") Divergence divergence, @ForAll long seed) {
    Situations.count("commutative", "the sides reordered hold different data",
        Situations.reorderableStatesDiffer(divergence, !referenceIsPrivileged()));
    Divergence reordered = Decisions.reordered(divergence, seed, !referenceIsPrivileged());
    Optional<Resolution> expected = resolver().resolve(divergence);
    Optional<Resolution> actual = resolver().resolve(reordered);
    if (!Decisions.comparable(divergence, expected).equals(Decisions.comparable(reordered, actual))) {
      throw new AssertionError(
          "the decision depends on the order of the sides: with sides"
              + Decisions.sides(divergence)
              + "\n  the resolver decided: " + Decisions.effect(expected)
              + "\n  with the same sides reordered"
              + Decisions.sides(reordered)
              + "\n  it decided:           " + Decisions.effect(actual));
    }
  }

  /**
   * Deciding again, once the decided state is held by one more store (as after a repair), leads to
   * the same state: a resolver that repaired does not change its mind about its own result.
   * Divergences the resolver does not repair (skip, escalate, abstain) are not checked.
   */
  @Property
  default void idempotent(@ForAll("divergences") Divergence divergence) {
    Situations.count("idempotent", "sides hold different data", Situations.statesDiffer(divergence));
    Optional<Resolution> first = resolver().resolve(divergence);
    if (first.isEmpty() || !first.get().repairs()) {
      return;
    }
    Entry decided = Decisions.outcome(divergence, first.get());
    List<Divergence.Side> sides = new ArrayList<>(divergence.sides());
    // '~' sorts after letters and digits, so tie-breaks by store id still favour the original sides.
    sides.add(new Divergence.Side("~repaired", decided));
    Divergence again =
        new Divergence(divergence.key(), divergence.kind(), sides, divergence.checker(), divergence.detectedAt(), divergence.detail());
    Optional<Resolution> second = resolver().resolve(again);
    Entry secondState = second.isPresent() && second.get().repairs() ? Decisions.outcome(again, second.get()) : null;
    if (second.isEmpty() || !second.get().repairs() || !Objects.equals(decided, secondState)) {
      throw new AssertionError(
          "the resolver is not idempotent: with sides"
              + Decisions.sides(divergence)
              + "\n  it decided: " + Decisions.effect(first) + ", so every store would hold " + Decisions.show(decided)
              + "\n  but with that state held by one more store, ~repaired, it decided: " + Decisions.effect(second)
              + (second.isPresent() && second.get().repairs() ? ", so every store would hold " + Decisions.show(secondState) : ""));
    }
  }

  /**
   * A decision only uses what the sides hold: a side taken is among the sides, and a merged entry
   * has the divergence's key and only fields some side holds, each with a value some side holds
   * for it or made of theirs (a list of elements of their lists, a map whose entries are made of
   * what their maps hold under the same names, as a counter per node merged by maximum is).
   */
  @Property
  default void noInventedValues(@ForAll("divergences") Divergence divergence) {
    Situations.count("noInventedValues", "sides hold different data", Situations.statesDiffer(divergence));
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (decision.isEmpty()) {
      return;
    }
    if (decision.get() instanceof Resolution.TakeSide t && divergence.side(t.store()).isEmpty()) {
      throw new AssertionError(
          "the resolver took store " + t.store() + ", which is not among the sides" + Decisions.sides(divergence));
    }
    if (!(decision.get() instanceof Resolution.Merge m)) {
      return;
    }
    Entry merged = m.merged();
    if (!merged.key().equals(divergence.key())) {
      throw new AssertionError(
          "the resolver merged into an entry of key " + merged.key() + " for a divergence of key " + divergence.key());
    }
    for (Map.Entry<String, Value> field : merged.fields().fields().entrySet()) {
      List<Value> held = new ArrayList<>();
      for (Divergence.Side s : Situations.present(divergence)) {
        Value v = Situations.entry(s).fields().fields().get(field.getKey());
        if (v != null) {
          held.add(v);
        }
      }
      if (!Inclusion.madeOf(field.getValue(), held)) {
        throw new AssertionError(
            "the resolver invented a value: it merged into " + merged
                + "\n  but no side holds " + field.getKey() + " = " + field.getValue()
                + " (nor, for a list or a map, what it is made of); the sides are" + Decisions.sides(divergence));
      }
    }
  }

  /**
   * A key every side holds is not deleted: deleting needs a side that does not hold it (a source
   * of truth without the key, a tombstone), not only disagreement.
   */
  @Property
  default void noInventedDeletes(@ForAll("divergences") Divergence divergence) {
    boolean everySideHoldsIt = divergence.sides().stream().allMatch(Divergence.Side::present);
    Situations.count("noInventedDeletes", "every side holds the key", Situations.allPresentAndDiffer(divergence));
    Optional<Resolution> decision = resolver().resolve(divergence);
    if (everySideHoldsIt && decision.isPresent() && decision.get().repairs()
        && Decisions.outcome(divergence, decision.get()) == null) {
      throw new AssertionError(
          "the resolver invented a delete: every side holds key " + divergence.key()
              + ", but it decided: " + Decisions.effect(decision) + "; the sides are" + Decisions.sides(divergence));
    }
  }

  /**
   * A decision does not depend on what the resolver was asked before: {@code later} is decided as
   * when asked first, though the resolver was asked {@code earlier}, another divergence of the
   * same key, in between. Unless {@link #decidesByKey()}, both are moved to keys no try has used.
   */
  @Property
  default void statelessAcrossDivergences(
      @ForAll("divergences") Divergence earlier, @ForAll("divergences") Divergence later) {
    Situations.count("statelessAcrossDivergences", "both divergences' sides hold different data",
        Situations.statesDiffer(earlier) && Situations.statesDiffer(later));
    Resolver resolver = resolver();
    Divergence alone = decidesByKey() ? Copies.of(later) : Copies.at(later, Copies.freshKey());
    Key shared = decidesByKey() ? later.key() : Copies.freshKey();
    Optional<Resolution> first = resolver.resolve(alone);
    resolver.resolve(Copies.at(earlier, shared));
    Divergence after = Copies.at(later, shared);
    Optional<Resolution> second = resolver.resolve(after);
    if (!Decisions.comparableAtAnyKey(alone, first).equals(Decisions.comparableAtAnyKey(after, second))) {
      throw new AssertionError(
          "the resolver's decision depends on what it was asked before: with sides"
              + Decisions.sides(later)
              + "\n  asked first, it decided: " + Decisions.effect(first)
              + "\n  asked after a divergence of the same key with sides" + Decisions.sides(earlier)
              + "\n  it decided:              " + Decisions.effect(second)
              + "\n  (resolvers must keep no state across divergences, e.g. no cache by key"
              + (decidesByKey() ? "" : "; if the decision depends on the key's value, override decidesByKey()") + ")");
    }
  }

  /**
   * Asked the same divergences from several threads at once, each thread in its own order and
   * many times over, the resolver decides each as when asked from one thread.
   */
  @Property
  default void threadSafe(@ForAll @Size(min = 1, max = 8) List<@From("divergences") Divergence> divergences, @ForAll long seed)
      throws Exception {
    Situations.count("threadSafe", "some divergences' sides hold different data",
        divergences.stream().filter(Situations::statesDiffer).count() > 1);
    Resolver resolver = resolver();
    List<Object> expected = new ArrayList<>();
    for (Divergence d : divergences) {
      expected.add(Decisions.comparable(d, resolver.resolve(d)));
    }
    List<Callable<@Nullable String>> tasks = new ArrayList<>();
    for (int t = 0; t < Concurrently.THREADS; t++) {
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < divergences.size(); i++) {
        order.add(i);
      }
      Collections.shuffle(order, new Random(seed + t));
      tasks.add(() -> {
        List<Divergence> copies = divergences.stream().map(Copies::of).toList();
        // Many passes, so that the threads still overlap however late each one starts.
        for (int pass = 0; pass < Concurrently.PASSES; pass++) {
          for (int i : order) {
            Divergence d = copies.get(i);
            Object decided = Decisions.comparable(d, resolver.resolve(d));
            if (!expected.get(i).equals(decided)) {
              return "with sides" + Decisions.sides(d) + "\n  it decided " + decided
                  + "\n  where one thread alone decided " + expected.get(i);
            }
          }
        }
        return null;
      });
    }
    List<@Nullable String> mismatches;
    try {
      mismatches = Concurrently.run(tasks);
    } catch (ExecutionException e) {
      throw new AssertionError(
          "the resolver is not thread-safe: asked from " + Concurrently.THREADS + " threads at once it threw " + e.getCause(),
          e.getCause());
    }
    for (String mismatch : mismatches) {
      if (mismatch != null) {
        throw new AssertionError(
            "the resolver is not thread-safe: asked from " + Concurrently.THREADS + " threads at once, " + mismatch);
      }
    }
  }
}
