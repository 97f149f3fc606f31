package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

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
 *   <li>{@link #noInventedValues}: each field of the result holds a value of that field in one of
 *       the inputs (for lists: elements of the inputs' lists).
 * </ul>
 *
 * <p>A test class implements this interface and returns the function from {@link #merge()}.
 * Results are compared with {@link #sameResult}: key, fields and version by default. Inputs come
 * from {@link #entries()} (all of one key) and {@link #histories()}; override them, annotated
 * {@link Provide @Provide}, to generate the states your merge is meant for (a counter merge wants
 * counters). A failure names the inputs and both results.
 */
public interface MergeContract {

  /** The merge function under test; it receives two entries of the same key. */
  BinaryOperator<Entry> merge();

  /**
   * Whether two results are the same. Default: {@link Entry#equals} (key, fields and version).
   * Override with {@code x.sameData(y)} when the caller replaces the version of the result, as
   * {@code Resolvers.versionVectors(merge)} does.
   */
  default boolean sameResult(Entry x, Entry y) {
    return x.equals(y);
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

  /** Each field of {@code merge(a, b)} holds a value that field holds in {@code a} or {@code b}. */
  @Property
  default void noInventedValues(@ForAll("entries") Entry a, @ForAll("entries") Entry b) {
    Entry merged = merge().apply(a, b);
    for (Map.Entry<String, Value> f : merged.fields().fields().entrySet()) {
      Value inA = a.fields().fields().get(f.getKey());
      Value inB = b.fields().fields().get(f.getKey());
      if (f.getValue().equals(inA) || f.getValue().equals(inB) || fromLists(f.getValue(), inA, inB)) {
        continue;
      }
      throw new AssertionError(
          "the merge invented a value: " + f.getKey() + " = " + f.getValue()
              + " is in neither input\n  a = " + a + "\n  b = " + b + "\n  merge(a, b) = " + merged);
    }
  }

  private static boolean fromLists(Value merged, @Nullable Value a, @Nullable Value b) {
    if (!(merged instanceof Value.ListValue list)) {
      return false;
    }
    List<Value> available = new ArrayList<>();
    for (Value v : java.util.Arrays.asList(a, b)) {
      if (v instanceof Value.ListValue l) {
        available.addAll(l.values());
      }
    }
    return available.containsAll(list.values());
  }
}
