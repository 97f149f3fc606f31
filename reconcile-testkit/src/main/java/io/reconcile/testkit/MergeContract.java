package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.VersionVector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The laws of a merge function — two versions of one entry in, one out — such as the function
 * given to {@code Resolvers.versionVectors(merge)} or a CRDT's join. Replicas that merge what they
 * receive converge exactly when the merge is a semilattice join:
 *
 * <ul>
 *   <li>{@link #deterministic}: {@code merge(a, b)} is the same every time;
 *   <li>{@link #commutative}: {@code merge(a, b) = merge(b, a)};
 *   <li>{@link #associative}: {@code merge(merge(a, b), c) = merge(a, merge(b, c))};
 *   <li>{@link #idempotent}: {@code merge(a, a) = a} (so a redelivered write changes nothing, and no
 *       field is dropped);
 *   <li>{@link #convergent}: replicas that receive the same writes, in any order and some more than
 *       once, and merge each into their state, end equal;
 *   <li>{@link #includesItsInputs}: the result includes each input in the order {@link
 *       #includesInput} declares (field-wise by default: no field, map entry or list element of an
 *       input is dropped) and, when the merge {@linkplain #ownsVersions() owns its versions}, its
 *       version vector includes both inputs' — a merge is an upper bound, not an intersection;
 *   <li>{@link #noInventedValues}: each field of the result holds a value of that field in one of
 *       the inputs, or one made of theirs (a list of their lists' elements, a map of what their
 *       maps hold, as a counter per node merged by maximum).
 * </ul>
 *
 * <p>A test class implements this interface and returns the function from {@link #merge()}.
 * Results are compared with {@link #sameResult}: by key and fields by default, and by version too
 * when {@link #ownsVersions()}. Inputs come from {@link #entries()} (all of one key) and {@link
 * #histories()}; override them, annotated {@link Provide @Provide}, to generate the states your
 * merge is meant for (a counter merge wants counters). A failure names the inputs and both
 * results. As in {@link ResolverContract}, each law counts the tries in its situation in jqwik's
 * statistics and fails when fewer than 10% were.
 */
public interface MergeContract {

  /** The merge function under test; it receives two entries of the same key. */
  BinaryOperator<Entry> merge();

  /**
   * Whether the merge decides its result's version (true), as a CRDT's join does, or its caller
   * replaces it, as {@code Resolvers.versionVectors(merge)} does (false, the default). When false,
   * results are compared by data only and their versions are not checked; when true, by data and
   * version, and {@link #includesItsInputs} also checks the result's version vector.
   */
  default boolean ownsVersions() {
    return false;
  }

  /**
   * Whether two results are the same. Default: {@link Entry#sameData} (key and fields), or {@link
   * Entry#equals} (version too) when {@link #ownsVersions()}.
   */
  default boolean sameResult(Entry x, Entry y) {
    return ownsVersions() ? x.equals(y) : x.sameData(y);
  }

  /**
   * Whether {@code merged} includes everything of {@code input} a merge must keep. Default:
   * field-wise — every field {@code input} holds is held by {@code merged}; where both hold a map,
   * every entry of {@code input}'s is in {@code merged}'s, and where both hold a list, every
   * element; other values may
   * differ (one input's may replace the other's). Override it to declare your data's order, for
   * example that counters only grow.
   */
  default boolean includesInput(Entry merged, Entry input) {
    return Inclusion.fieldWise(merged, input);
  }

  /**
   * Entries of key {@code 1} with {@link ReconcileArbitraries#smallDocuments() small documents}
   * (so that inputs often agree on some fields and differ on others) and {@link
   * ReconcileArbitraries#versions() any version}.
   */
  @Provide
  default Arbitrary<Entry> entries() {
    return Combinators.combine(ReconcileArbitraries.smallDocuments(), ReconcileArbitraries.versions())
        .as((fields, version) -> Entry.of(Key.of(1), fields, version));
  }

  /** {@link ReconcileArbitraries#histories Histories} of up to four replicas writing {@link #entries()}' documents. */
  @Provide
  default Arbitrary<History> histories() {
    return ReconcileArbitraries.histories(entries().map(Entry::fields), 4);
  }

  /** {@code merge(a, b)} gives the same result every time. */
  @Property
  default void deterministic(@ForAll("entries") Entry a, @ForAll("entries") Entry b) {
    Situations.count("deterministic", "the inputs differ", !a.sameData(b));
    Entry first = merge().apply(a, b);
    Entry second = merge().apply(a, b);
    if (!sameResult(first, second)) {
      throw new AssertionError(
          "the merge is not deterministic:\n  a = " + a + "\n  b = " + b
              + "\n  merge(a, b) gave " + first + "\n  then        " + second);
    }
  }

  /** {@code merge(a, b)} equals {@code merge(b, a)}. */
  @Property
  default void commutative(@ForAll("entries") Entry a, @ForAll("entries") Entry b) {
    Situations.count("commutative", "the inputs differ", !a.sameData(b));
    Entry ab = merge().apply(a, b);
    Entry ba = merge().apply(b, a);
    if (!sameResult(ab, ba)) {
      throw new AssertionError(
          "the merge is not commutative:\n  a = " + a + "\n  b = " + b
              + "\n  merge(a, b) = " + ab + "\n  merge(b, a) = " + ba);
    }
  }

  /** {@code merge(merge(a, b), c)} equals {@code merge(a, merge(b, c))}. */
  @Property
  default void associative(
      @ForAll("entries") Entry a, @ForAll("entries") Entry b, @ForAll("entries") Entry c) {
    Situations.count("associative", "the inputs differ", !a.sameData(b) && !b.sameData(c));
    Entry left = merge().apply(merge().apply(a, b), c);
    Entry right = merge().apply(a, merge().apply(b, c));
    if (!sameResult(left, right)) {
      throw new AssertionError(
          "the merge is not associative:\n  a = " + a + "\n  b = " + b + "\n  c = " + c
              + "\n  merge(merge(a, b), c) = " + left + "\n  merge(a, merge(b, c)) = " + right);
    }
  }

  /** {@code merge(a, a)} equals {@code a}: merging a version with itself changes nothing. */
  @Property
  default void idempotent(@ForAll("entries") Entry a) {
    Situations.count("idempotent", "the input holds a field", !a.fields().fields().isEmpty());
    Entry aa = merge().apply(a, a);
    if (!sameResult(aa, a)) {
      throw new AssertionError(
          "the merge is not idempotent: merging a version with itself changed it"
              + "\n  a           = " + a + "\n  merge(a, a) = " + aa);
    }
  }

  /**
   * Replicas that receive the same writes, in any order and with duplicates, and merge each into
   * their state (starting from the first they receive), end equal.
   */
  @Property
  default void convergent(@ForAll("histories") History history) {
    Situations.count("convergent", "replicas receive writes in different orders",
        history.deliveries().stream().distinct().count() > 1);
    List<Entry> finals = new ArrayList<>();
    for (List<History.Write> delivery : history.deliveries()) {
      Entry state = delivery.get(0).entry();
      for (History.Write w : delivery.subList(1, delivery.size())) {
        state = merge().apply(state, w.entry());
      }
      finals.add(state);
    }
    for (int i = 1; i < finals.size(); i++) {
      if (!sameResult(finals.get(0), finals.get(i))) {
        throw new AssertionError(
            "replicas did not converge: they received the same writes " + history.writes()
                + "\n  " + History.replica(0) + " received " + history.deliveries().get(0) + "\n    and ended with " + finals.get(0)
                + "\n  " + History.replica(i) + " received " + history.deliveries().get(i) + "\n    and ended with " + finals.get(i));
      }
    }
  }

  /**
   * {@code merge(a, b)} {@linkplain #includesInput includes} {@code a} and {@code b}; when the merge
   * {@linkplain #ownsVersions() owns its versions}, its version vector includes both inputs' too.
   */
  @Property
  default void includesItsInputs(@ForAll("entries") Entry a, @ForAll("entries") Entry b) {
    Situations.count("includesItsInputs", "the inputs differ", !a.sameData(b));
    Entry merged = merge().apply(a, b);
    for (Entry input : List.of(a, b)) {
      if (!includesInput(merged, input)) {
        throw new AssertionError(
            "the merge dropped part of an input:\n  a = " + a + "\n  b = " + b + "\n  merge(a, b) = " + merged
                + "\n  does not include " + (input == a ? "a" : "b")
                + " (field-wise by default: every field, map entry and list element; override includesInput to declare"
                + " another order)");
      }
      VersionVector in = input.version().vector();
      VersionVector out = merged.version().vector();
      if (ownsVersions() && in != null && (out == null || !out.dominates(in))) {
        throw new AssertionError(
            "the merged version " + (out == null ? "(none)" : out.toText()) + " does not include "
                + (input == a ? "a" : "b") + "'s version " + in.toText()
                + ", so a later comparison would treat the merge as older or concurrent"
                + "\n  a = " + a + "\n  b = " + b + "\n  merge(a, b) = " + merged);
      }
    }
  }

  /**
   * Each field of {@code merge(a, b)} holds a value that field holds in {@code a} or {@code b}, or
   * one made of theirs: a list of elements of their lists, a map whose entries are made of what
   * their maps hold under the same names.
   */
  @Property
  default void noInventedValues(@ForAll("entries") Entry a, @ForAll("entries") Entry b) {
    Situations.count("noInventedValues", "the inputs differ", !a.sameData(b));
    Entry merged = merge().apply(a, b);
    for (Map.Entry<String, Value> f : merged.fields().fields().entrySet()) {
      List<Value> held = new ArrayList<>();
      for (Entry input : List.of(a, b)) {
        Value v = input.fields().fields().get(f.getKey());
        if (v != null) {
          held.add(v);
        }
      }
      if (!Inclusion.madeOf(f.getValue(), held)) {
        throw new AssertionError(
            "the merge invented a value: " + f.getKey() + " = " + f.getValue()
                + " is in neither input\n  a = " + a + "\n  b = " + b + "\n  merge(a, b) = " + merged);
      }
    }
  }
}
