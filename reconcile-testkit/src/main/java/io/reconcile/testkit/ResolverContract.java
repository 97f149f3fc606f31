package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

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
 *   <li>{@link #deterministic deterministic}: the same divergence gets the same decision;
 *   <li>{@link #commutative commutative}: the order of the sides does not change the decision
 *       (beyond the reference, unless {@link #referenceIsPrivileged()} says otherwise);
 *   <li>{@link #idempotent idempotent}: deciding again, with the decided state held by one more
 *       store, leads to the same state;
 *   <li>{@link #noInventedValues no invented values}: a side taken is one of the sides; a merge
 *       holds the key, and each of its fields holds a value some side holds for that field (or,
 *       for lists, elements some side's list holds).
 * </ul>
 *
 * <p>Decisions are compared by what they do — the state a repair leaves every store in (so taking
 * either of two sides that hold the same entry is the same decision), or skip, escalate, abstain —
 * never by their reasons. Divergences come from {@link #divergences()};
 * override it to shape them for the resolver, e.g. to include the store a {@code sourceOfTruth}
 * resolver names, annotating the override with {@link Provide @Provide}. A failure names the
 * divergence's sides and both decisions.
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
   * The divergences the properties run on. Default: {@link ReconcileArbitraries#divergences} among
   * stores {@code a}, {@code b}, {@code c} and {@code d} with {@link ReconcileArbitraries#smallEntries()}.
   */
  @Provide
  default Arbitrary<Divergence> divergences() {
    return ReconcileArbitraries.divergences(List.of("a", "b", "c", "d"), ReconcileArbitraries.smallEntries());
  }

  /** The same divergence, asked twice (the second time as an equal copy), gets the same decision. */
  @Property
  default void deterministic(@ForAll("divergences") Divergence divergence) {
    Optional<Resolution> first = resolver().resolve(divergence);
    Divergence copy =
        new Divergence(
            divergence.key(), divergence.kind(), new ArrayList<>(divergence.sides()),
            divergence.checker(), divergence.detectedAt(), divergence.detail());
    Optional<Resolution> second = resolver().resolve(copy);
    if (!Decisions.comparable(divergence, first).equals(Decisions.comparable(copy, second))) {
      throw new AssertionError(
          "the resolver is not deterministic: the same divergence with sides"
              + Decisions.sides(divergence)
              + "\n  was decided first as: " + Decisions.effect(first)
              + "\n  then as:              " + Decisions.effect(second));
    }
  }

  /**
   * Reordering the sides (all but the reference, or all of them if {@link #referenceIsPrivileged()}
   * is false) does not change the decision.
   */
  @Property
  default void commutative(@ForAll("divergences") Divergence divergence, @ForAll long seed) {
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
   * for it (a list may combine elements of the sides' lists).
   */
  @Property
  default void noInventedValues(@ForAll("divergences") Divergence divergence) {
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
      if (!heldBySomeSide(divergence, field.getKey(), field.getValue())) {
        throw new AssertionError(
            "the resolver invented a value: it merged into " + merged
                + "\n  but no side holds " + field.getKey() + " = " + field.getValue()
                + " (nor, for a list, all of its elements); the sides are" + Decisions.sides(divergence));
      }
    }
  }

  private static boolean heldBySomeSide(Divergence d, String field, Value value) {
    List<Value> elementsSeen = new ArrayList<>();
    for (Divergence.Side s : d.sides()) {
      if (!s.present()) {
        continue;
      }
      Value held = Objects.requireNonNull(s.entry()).fields().fields().get(field);
      if (value.equals(held)) {
        return true;
      }
      if (held instanceof Value.ListValue list) {
        elementsSeen.addAll(list.values());
      }
    }
    return value instanceof Value.ListValue list && elementsSeen.containsAll(list.values());
  }
}
