package io.reconcile.core.check;

import io.reconcile.api.Entry;
import io.reconcile.api.Value;
import io.reconcile.core.internal.Show;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A rule every entry must keep, checked by {@link FieldRuleChecker}: a required field, a numeric
 * range, a text pattern, or any predicate. Each rule has a {@link #name() name} that reports show,
 * such as {@code amount in [0, 100]}.
 *
 * <p>As with SQL {@code CHECK} constraints, {@link #range} and {@link #matches} accept a null (or
 * missing) field; combine them with {@link #notNull} to require a value. A missing field counts as
 * null throughout ({@link Entry#field}). Immutable and thread-safe if the predicate given to
 * {@link #of} is.
 */
public final class EntryRule {

  private final String name;
  private final @Nullable String field;

  /** The problem with an entry, in words, or null if it keeps the rule. */
  private final Function<Entry, @Nullable String> problem;

  private EntryRule(String name, @Nullable String field, Function<Entry, @Nullable String> problem) {
    this.name = name;
    this.field = field;
    this.problem = problem;
  }

  /**
   * The field must hold a value other than null; an entry without the field breaks the rule. Named
   * {@code FIELD not null}.
   *
   * @param field the field name
   * @return the rule, never null
   * @throws NullPointerException if {@code field} is null
   */
  public static EntryRule notNull(String field) {
    Objects.requireNonNull(field, "field");
    return new EntryRule(
        field + " not null",
        field,
        e -> e.field(field) instanceof Value.Null ? field + " is NULL" : null);
  }

  /**
   * The field, if not null, must be a {@link Value.Num number} with {@code min <= value <= max}
   * (both bounds inclusive, compared by value: {@code 1.0} equals {@code 1}); a null bound is
   * open. Text, NaN, infinities and other kinds of value break the rule. Named {@code FIELD in
   * [MIN, MAX]}, with {@code -∞} / {@code +∞} for open bounds.
   *
   * @param field the field name
   * @param min the smallest value allowed, or null for no lower bound
   * @param max the largest value allowed, or null for no upper bound
   * @return the rule, never null
   * @throws NullPointerException if {@code field} is null
   * @throws IllegalArgumentException if both bounds are null, or {@code min > max}
   */
  public static EntryRule range(String field, @Nullable BigDecimal min, @Nullable BigDecimal max) {
    Objects.requireNonNull(field, "field");
    if (min == null && max == null) {
      throw new IllegalArgumentException(
          "EntryRule.range for field " + field + " needs a min, a max or both, but had neither");
    }
    if (min != null && max != null && min.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "EntryRule.range for field "
              + field
              + " needs min <= max, but min was "
              + min.toPlainString()
              + " and max "
              + max.toPlainString());
    }
    String name =
        field
            + " in ["
            + (min == null ? "-∞" : min.toPlainString())
            + ", "
            + (max == null ? "+∞" : max.toPlainString())
            + "]";
    return new EntryRule(
        name,
        field,
        e -> {
          Value v = e.field(field);
          if (v instanceof Value.Null) {
            return null;
          }
          if (!(v instanceof Value.Num n)) {
            return field + " = " + Show.value(v) + " is not a finite number";
          }
          BigDecimal d = n.decimal();
          if ((min != null && d.compareTo(min) < 0) || (max != null && d.compareTo(max) > 0)) {
            return field + " = " + Show.value(v);
          }
          return null;
        });
  }

  /**
   * The field, if not null, must be {@link Value.Text text} that the pattern matches entirely
   * ({@link java.util.regex.Matcher#matches()}); other kinds of value break the rule. Named {@code
   * FIELD matches REGEX}.
   *
   * @param field the field name
   * @param regex the pattern
   * @return the rule, never null
   * @throws NullPointerException if an argument is null
   */
  public static EntryRule matches(String field, Pattern regex) {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(regex, "regex");
    return new EntryRule(
        field + " matches " + regex.pattern(),
        field,
        e -> {
          Value v = e.field(field);
          if (v instanceof Value.Null) {
            return null;
          }
          if (!(v instanceof Value.Text t)) {
            return field + " = " + Show.value(v) + " is not text";
          }
          return regex.matcher(t.value()).matches() ? null : field + " = " + Show.value(v);
        });
  }

  /**
   * Any rule over a whole entry: the entry keeps it when {@code test} returns true. A violation
   * shows the entry's fields, cut to about 80 characters.
   *
   * @param name what the rule requires, for reports, e.g. {@code "shipped orders have a date"}
   * @param test true for an entry that keeps the rule; must be thread-safe and side-effect free
   * @return the rule, never null
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code name} is blank
   */
  public static EntryRule of(String name, Predicate<Entry> test) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(test, "test");
    if (name.isBlank()) {
      throw new IllegalArgumentException("an entry rule needs a name for reports, but it was blank");
    }
    return new EntryRule(
        name,
        null,
        e -> test.test(e) ? null : "entry " + Show.cut(e.fields().toString(), 80));
  }

  /**
   * What the rule requires, e.g. {@code amount not null}.
   *
   * @return the name, never null
   */
  public String name() {
    return name;
  }

  /**
   * The field the rule is about.
   *
   * @return the field name, or empty for a rule made by {@link #of}
   */
  public Optional<String> field() {
    return Optional.ofNullable(field);
  }

  /**
   * Whether {@code entry} keeps the rule.
   *
   * @param entry the entry to check
   * @return true if it keeps the rule
   * @throws NullPointerException if {@code entry} is null
   */
  public boolean test(Entry entry) {
    return violation(entry).isEmpty();
  }

  /**
   * What is wrong with {@code entry}, or empty if it keeps the rule: the rule's name and the
   * offending value, e.g. {@code rule 'amount in [0, 100]' broken: amount = 150}. Values are cut to
   * about 40 characters.
   *
   * @param entry the entry to check
   * @return the violation in words, or empty if the entry keeps the rule
   * @throws NullPointerException if {@code entry} is null
   */
  public Optional<String> violation(Entry entry) {
    Objects.requireNonNull(entry, "entry");
    String p = problem.apply(entry);
    return p == null ? Optional.empty() : Optional.of("rule '" + name + "' broken: " + p);
  }

  /** The rule's {@link #name()}. */
  @Override
  public String toString() {
    return name;
  }
}
