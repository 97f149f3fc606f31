package io.reconcile.core.check;

import io.reconcile.api.Entry;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.repair.Checker;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import io.reconcile.api.store.Store;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Validates every entry of every store against {@link EntryRule rules}, e.g. "amount is not null"
 * or "currency matches [A-Z]{3}".
 *
 * <p>Scans the range in each store (reference first), and for each entry and each rule it breaks
 * reports one {@link Kind#RULE_VIOLATION} divergence whose only side is that store holding that
 * entry, with a detail naming the rule and the value, e.g. {@code rule 'amount in [0, 100]' broken:
 * amount = 150}. Stores are checked independently: a row that breaks a rule in two stores is
 * reported twice, once per store.
 *
 * <p>It is an observer: {@link #repairable()} is false, because no other store's data is evidence
 * of what the value should be. Immutable and thread-safe if the rules are. Costs a full scan of the
 * range in each store; memory stays flat.
 */
public final class FieldRuleChecker implements Checker {

  /** The name divergences carry: {@value}. */
  public static final String NAME = "field-rules";

  private final List<EntryRule> rules;

  /**
   * A checker of the given rules, applied in order.
   *
   * @param rules the rules; the list is copied
   * @throws NullPointerException if the list or a rule is null
   * @throws IllegalArgumentException if there are no rules
   */
  public FieldRuleChecker(List<EntryRule> rules) {
    this.rules = List.copyOf(rules);
    if (this.rules.isEmpty()) {
      throw new IllegalArgumentException("a field rule checker needs at least one rule, but had none");
    }
  }

  /**
   * A checker of the given rules, applied in order.
   *
   * @param rules the rules
   * @throws NullPointerException if a rule is null
   * @throws IllegalArgumentException if there are no rules
   */
  public FieldRuleChecker(EntryRule... rules) {
    this(List.of(rules));
  }

  /**
   * The rules, in order.
   *
   * @return an unmodifiable list of at least one rule
   */
  public List<EntryRule> rules() {
    return rules;
  }

  /** {@value #NAME}. */
  @Override
  public String name() {
    return NAME;
  }

  /** False: a rule violation is reported, never repaired. */
  @Override
  public boolean repairable() {
    return false;
  }

  /**
   * Scans {@code range} in every store and reports each broken rule, as described on the class.
   * Each scan is closed before the next store is read.
   *
   * @throws io.reconcile.api.ReconcileException if a store fails
   */
  @Override
  public void check(CheckContext context, KeyRange range, Consumer<Divergence> found) {
    Objects.requireNonNull(range, "range");
    Objects.requireNonNull(found, "found");
    for (Store store : context.stores()) {
      try (Stream<Entry> entries = store.scan(range)) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
          Entry e = it.next();
          for (EntryRule rule : rules) {
            Optional<String> broken = rule.violation(e);
            if (broken.isPresent()) {
              found.accept(
                  new Divergence(
                      e.key(),
                      Kind.RULE_VIOLATION,
                      List.of(new Side(store.id(), e)),
                      NAME,
                      context.clock().instant(),
                      broken.get()));
            }
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "FieldRuleChecker" + rules;
  }
}
