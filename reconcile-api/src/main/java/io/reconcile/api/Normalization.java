package io.reconcile.api;

import java.math.MathContext;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Per-dataset rules that turn a store's native fields into the dataset's canonical view before
 * hashing and comparing: renamed and ignored fields, timestamp precision, text trimming and Unicode
 * normalisation, decimal scale and precision, fields compared {@linkplain Builder#asText as text}
 * (a UUID column against a text column holding UUIDs), and null fields treated {@linkplain
 * Builder#nullAsAbsent as absent} (a table's NULL column against a document that lacks the field).
 * Rules are plain data, so they can be written in configuration and logged.
 *
 * <p>A {@link Rule} applies to a field's value and, recursively, to values nested in it. There is
 * one default rule plus optional per-field overrides, looked up by the field's dataset name (after
 * renaming). Stores apply their normalisation to what they read, so {@link Entry entries} and
 * {@link Digest digests} they return are already in the canonical view; on write, {@link
 * #toStore(Value.MapValue)} maps dataset names back to the store's own.
 *
 * <p>Immutable and thread-safe.
 */
public final class Normalization {

  /** How surrounding whitespace of text is treated. */
  public enum Trim {
    /** Text is compared as stored. */
    NONE,
    /** Trailing spaces are removed (as SQL {@code CHAR(n)} padding would be). */
    TRAILING,
    /** Leading and trailing whitespace is removed. */
    BOTH
  }

  /**
   * How one field's values are normalised.
   *
   * @param timestampPrecision timestamps are truncated to this unit (e.g. {@code MICROS}), or
   *     null to keep full precision
   * @param trim how text is trimmed
   * @param nfc whether text is put into Unicode normalisation form C
   * @param decimalScale numbers are rounded half-even to this many fractional digits, or null
   * @param significantDigits numbers are rounded half-even to this many significant digits (e.g. for
   *     floats that different stores print differently), or null
   * @param scaleSignificant whether {@code 1.0} and {@code 1.00} differ (by default they are equal)
   * @param asText whether UUIDs are compared as their canonical text — 36 characters, lowercase
   *     hex digits in groups of 8-4-4-4-12 joined by hyphens, as {@link java.util.UUID#toString()}
   *     writes them — so that a UUID column compares with a text column holding UUIDs; values of
   *     other kinds are unchanged. A store that reads typed keys converts a key part of the field's
   *     name the same way (see {@link Builder#asText})
   * @param nullAsAbsent whether a field holding null is treated as absent: the field is dropped
   *     from the entry, and so are null fields of maps nested in its value, so that a table row
   *     whose column is NULL equals a document that lacks the field. Elements of lists are never
   *     dropped (their positions count). By default a null field and an absent one differ (see
   *     {@link Canonical})
   */
  public record Rule(
      @Nullable ChronoUnit timestampPrecision,
      Trim trim,
      boolean nfc,
      @Nullable Integer decimalScale,
      @Nullable Integer significantDigits,
      boolean scaleSignificant,
      boolean asText,
      boolean nullAsAbsent) {

    /** Changes nothing. */
    public static final Rule IDENTITY = new Rule(null, Trim.NONE, false, null, null, false, false, false);

    /**
     * Checks the rule's parts.
     *
     * @throws IllegalArgumentException for a precision coarser than days, a negative scale or fewer
     *     than one significant digit
     * @throws NullPointerException if {@code trim} is null
     */
    public Rule {
      Objects.requireNonNull(trim, "trim");
      if (timestampPrecision != null
          && timestampPrecision.compareTo(ChronoUnit.DAYS) > 0) {
        throw new IllegalArgumentException(
            "timestamp precision must be DAYS or finer, but was " + timestampPrecision);
      }
      if (decimalScale != null && decimalScale < 0) {
        throw new IllegalArgumentException("decimal scale must be >= 0, but was " + decimalScale);
      }
      if (significantDigits != null && significantDigits < 1) {
        throw new IllegalArgumentException(
            "significant digits must be >= 1, but was " + significantDigits);
      }
    }

    /**
     * This rule with timestamps truncated to {@code unit}, or kept whole for null.
     *
     * @throws IllegalArgumentException if {@code unit} is coarser than {@code DAYS}
     */
    public Rule withTimestampPrecision(@Nullable ChronoUnit unit) {
      return new Rule(unit, trim, nfc, decimalScale, significantDigits, scaleSignificant, asText, nullAsAbsent);
    }

    /** This rule with text trimmed as {@code newTrim} says. */
    public Rule withTrim(Trim newTrim) {
      return new Rule(timestampPrecision, newTrim, nfc, decimalScale, significantDigits, scaleSignificant, asText, nullAsAbsent);
    }

    /** This rule with text put into Unicode normalisation form C, or not. */
    public Rule withNfc(boolean newNfc) {
      return new Rule(timestampPrecision, trim, newNfc, decimalScale, significantDigits, scaleSignificant, asText, nullAsAbsent);
    }

    /**
     * This rule with numbers rounded half-even to {@code scale} fractional digits, or not rounded
     * for null.
     *
     * @throws IllegalArgumentException if {@code scale} is negative
     */
    public Rule withDecimalScale(@Nullable Integer scale) {
      return new Rule(timestampPrecision, trim, nfc, scale, significantDigits, scaleSignificant, asText, nullAsAbsent);
    }

    /**
     * This rule with numbers rounded half-even to {@code digits} significant digits, or not rounded
     * for null.
     *
     * @throws IllegalArgumentException if {@code digits} is less than one
     */
    public Rule withSignificantDigits(@Nullable Integer digits) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, digits, scaleSignificant, asText, nullAsAbsent);
    }

    /** This rule with a number's scale significant ({@code 1.0 ≠ 1.00}), or not. */
    public Rule withScaleSignificant(boolean significant) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, significantDigits, significant, asText, nullAsAbsent);
    }

    /** This rule with UUIDs compared as their canonical text, or not. */
    public Rule withAsText(boolean text) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, significantDigits, scaleSignificant, text, nullAsAbsent);
    }

    /** This rule with a null field treated as absent, or as a field holding null (see {@link #nullAsAbsent}). */
    public Rule withNullAsAbsent(boolean absent) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, significantDigits, scaleSignificant, asText, absent);
    }

    /**
     * Applies this rule to a value and everything nested in it: each element of a list and each
     * field of a map, a map's null fields dropped when {@link #nullAsAbsent}. Never throws on data:
     * a value of a kind the rule does not touch is returned as it is.
     */
    public Value apply(Value v) {
      if (this.equals(IDENTITY)) {
        return v;
      }
      if (v instanceof Value.Uuid u && asText) {
        return Value.of(u.value().toString());
      }
      if (v instanceof Value.Text t) {
        String s = t.value();
        s =
            switch (trim) {
              case NONE -> s;
              case TRAILING -> s.replaceAll(" +$", "");
              case BOTH -> s.strip();
            };
        if (nfc) {
          s = Normalizer.normalize(s, Normalizer.Form.NFC);
        }
        return s.equals(t.value()) ? v : Value.of(s);
      }
      if (v instanceof Value.Num n) {
        if (decimalScale == null && significantDigits == null && !scaleSignificant) {
          return v;
        }
        var d = n.decimal();
        if (significantDigits != null) {
          d = d.round(new MathContext(significantDigits, RoundingMode.HALF_EVEN));
        }
        if (decimalScale != null) {
          d = d.setScale(decimalScale, RoundingMode.HALF_EVEN);
        }
        Value.Num out = Value.Num.of(d);
        return scaleSignificant ? out.withSignificantScale() : out;
      }
      if (v instanceof Value.Timestamp ts && timestampPrecision != null) {
        return Value.of(ts.value().truncatedTo(timestampPrecision));
      }
      if (v instanceof Value.ListValue l) {
        List<Value> out = new ArrayList<>(l.values().size());
        for (Value e : l.values()) {
          out.add(apply(e));
        }
        return Value.ListValue.of(out);
      }
      if (v instanceof Value.MapValue m) {
        Map<String, Value> out = new LinkedHashMap<>();
        m.fields().forEach((k, x) -> {
          if (!(nullAsAbsent && x instanceof Value.Null)) {
            out.put(k, apply(x));
          }
        });
        return Value.MapValue.of(out);
      }
      return v;
    }
  }

  private static final Normalization NONE =
      new Normalization(Rule.IDENTITY, Map.of(), Set.of(), Map.of(), Set.of());

  private final Rule defaults;
  private final Map<String, Rule> overrides;
  private final Set<String> ignored;
  private final Map<String, String> renames; // store name -> dataset name
  private final Map<String, String> reverseRenames; // dataset name -> store name
  private final Set<String> asText;
  private final boolean identity;

  private Normalization(
      Rule defaults, Map<String, Rule> overrides, Set<String> ignored, Map<String, String> renames,
      Set<String> asText) {
    this.defaults = defaults;
    this.overrides = Map.copyOf(overrides);
    this.ignored = Set.copyOf(ignored);
    this.asText = Set.copyOf(asText);
    this.renames = Map.copyOf(renames);
    Map<String, String> reverse = new HashMap<>();
    renames.forEach((store, dataset) -> reverse.put(dataset, store));
    this.reverseRenames = Map.copyOf(reverse);
    this.identity = defaults.equals(Rule.IDENTITY) && overrides.isEmpty() && ignored.isEmpty()
        && renames.isEmpty() && asText.isEmpty();
  }

  /** No rules: fields are compared exactly as the store gives them. */
  public static Normalization none() {
    return NONE;
  }

  /** Starts from no rules. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** The rule for values of fields without an override. */
  public Rule defaults() {
    return defaults;
  }

  /**
   * Per-field rules, by dataset field name: each the {@linkplain Builder#field change} given for
   * the field applied to the {@link #defaults()} (without {@link #comparedAsText() asText}, which
   * {@link #ruleFor} adds).
   */
  public Map<String, Rule> overrides() {
    return overrides;
  }

  /** Dataset field names left out of comparison. */
  public Set<String> ignored() {
    return ignored;
  }

  /** Store field name to dataset field name. */
  public Map<String, String> renames() {
    return renames;
  }

  /** Dataset fields compared as text ({@link Builder#asText}), whatever their other rules. */
  public Set<String> comparedAsText() {
    return asText;
  }

  /**
   * The rule that applies to a dataset field: its override or the defaults, {@linkplain
   * Rule#asText as text} when it is one of {@link #comparedAsText()}.
   */
  public Rule ruleFor(String datasetField) {
    Rule rule = overrides.getOrDefault(datasetField, defaults);
    return asText.contains(datasetField) ? rule.withAsText(true) : rule;
  }

  /** The dataset name of a store field: what a rename calls it, else its own name. */
  public String datasetName(String storeField) {
    return renames.getOrDefault(storeField, storeField);
  }

  /** The store name of a dataset field: the store field a rename takes it from, else its own name. */
  public String storeName(String datasetField) {
    return reverseRenames.getOrDefault(datasetField, datasetField);
  }

  /** Whether a dataset field is left out of comparison. */
  public boolean isIgnored(String datasetField) {
    return ignored.contains(datasetField);
  }

  /**
   * Turns a store's native fields into the dataset's canonical view, in three steps: renames (all
   * at once; a renamed field replaces a store field already called by its dataset name, so that
   * entries written before and after a field was renamed both read), then each field's rule (a
   * null field dropped under {@link Rule#nullAsAbsent}), then ignored fields left out. Never throws
   * on data.
   */
  public Value.MapValue apply(Value.MapValue storeFields) {
    if (identity) {
      return storeFields;
    }
    Map<String, Value> fields = storeFields.fields();
    if (!renames.isEmpty()) {
      Map<String, Value> renamed = new HashMap<>();
      Map<String, Value> moved = new HashMap<>();
      fields.forEach((name, value) -> {
        String dataset = renames.get(name);
        (dataset == null ? renamed : moved).put(dataset == null ? name : dataset, value);
      });
      renamed.putAll(moved);
      fields = renamed;
    }
    Map<String, Value> out = new TreeMap<>(Canonical.FIELD_ORDER);
    fields.forEach((name, value) -> {
      Rule rule = ruleFor(name);
      if (!ignored.contains(name) && !(rule.nullAsAbsent() && value instanceof Value.Null)) {
        out.put(name, rule.apply(value));
      }
    });
    return Value.MapValue.of(out);
  }

  /** The same entry with its fields in the dataset's canonical view (see {@link #apply(Value.MapValue)}). */
  public Entry apply(Entry storeEntry) {
    return identity
        ? storeEntry
        : Entry.of(storeEntry.key(), apply(storeEntry.fields()), storeEntry.version());
  }

  /**
   * Maps dataset field names back to the store's own names, for writing. Only renames are undone:
   * the other rules change values one way, and fields left out (ignored, or null under {@link
   * Rule#nullAsAbsent}) stay out — a store writes a field an entry lacks as its absence (a table:
   * NULL).
   */
  public Value.MapValue toStore(Value.MapValue datasetFields) {
    if (renames.isEmpty()) {
      return datasetFields;
    }
    Map<String, Value> out = new TreeMap<>(Canonical.FIELD_ORDER);
    datasetFields.fields().forEach((name, value) -> out.put(storeName(name), value));
    return Value.MapValue.of(out);
  }

  /** Equal rules, overrides, ignored fields, renames and fields compared as text. */
  @Override
  public boolean equals(Object o) {
    return o instanceof Normalization n
        && defaults.equals(n.defaults)
        && overrides.equals(n.overrides)
        && ignored.equals(n.ignored)
        && renames.equals(n.renames)
        && asText.equals(n.asText);
  }

  @Override
  public int hashCode() {
    return Objects.hash(defaults, overrides, ignored, renames, asText);
  }

  @Override
  public String toString() {
    return "Normalization[defaults="
        + defaults
        + ", overrides="
        + overrides
        + ", ignored="
        + ignored
        + ", renames="
        + renames
        + ", asText="
        + asText
        + "]";
  }

  /**
   * Collects rules. Each setting is given once: a setter called again for the same thing (the
   * default trim, a field's rule, a field ignored twice) throws {@link IllegalStateException}
   * saying what it was already set to, so that two sources of configuration cannot silently
   * override each other. The order of calls does not matter. Not thread-safe: build once and share
   * the result.
   */
  public static final class Builder {
    private @Nullable ChronoUnit timestampPrecision;
    private @Nullable Trim trim;
    private boolean nfc;
    private @Nullable Integer significantDigits;
    private boolean nullAsAbsent;
    private final Map<String, UnaryOperator<Rule>> changes = new LinkedHashMap<>();
    private final Set<String> ignored = new LinkedHashSet<>();
    private final Set<String> asText = new LinkedHashSet<>();
    private final Map<String, String> renames = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Truncates every timestamp to {@code unit}, e.g. {@code MICROS} to match SQL databases.
     *
     * @throws IllegalArgumentException if {@code unit} is coarser than {@code DAYS}
     * @throws IllegalStateException if the precision was already set
     */
    public Builder timestampPrecision(ChronoUnit unit) {
      Objects.requireNonNull(unit, "unit");
      requireUnset(timestampPrecision == null, "timestamp precision",
          timestampPrecision == null ? null : timestampPrecision.name());
      Rule.IDENTITY.withTimestampPrecision(unit); // checks it
      timestampPrecision = unit;
      return this;
    }

    /**
     * Trims every text value as {@code trim} says.
     *
     * @throws IllegalStateException if trimming was already set
     */
    public Builder trim(Trim trim) {
      Objects.requireNonNull(trim, "trim");
      requireUnset(this.trim == null, "trim", this.trim);
      this.trim = trim;
      return this;
    }

    /**
     * Puts every text value into Unicode normalisation form C.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder nfc() {
      requireUnset(!nfc, "nfc", null);
      nfc = true;
      return this;
    }

    /**
     * Rounds every number half-even to {@code digits} significant digits.
     *
     * @throws IllegalArgumentException if {@code digits} is less than one
     * @throws IllegalStateException if significant digits were already set
     */
    public Builder significantDigits(int digits) {
      requireUnset(significantDigits == null, "significant digits", significantDigits);
      Rule.IDENTITY.withSignificantDigits(digits); // checks it
      significantDigits = digits;
      return this;
    }

    /**
     * Treats every field holding null as absent ({@link Rule#nullAsAbsent}): dropped from the
     * dataset's view, in every field and in maps nested in fields, so that a table row with {@code
     * email = NULL} equals a document without {@code email}. By default a null field and an absent
     * one differ. A single field opts out with {@code field(name, r -> r.withNullAsAbsent(false))};
     * without this call, a single field opts in with {@code r.withNullAsAbsent(true)}.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder nullAsAbsent() {
      requireUnset(!nullAsAbsent, "nullAsAbsent", null);
      nullAsAbsent = true;
      return this;
    }

    /**
     * Compares these dataset fields as text: a UUID as its canonical text (lowercase, {@code
     * 8-4-4-4-12}), so that a UUID column compares with a text column ({@code char(36)}, {@code
     * varchar}) holding UUIDs in that form; text and other values are unchanged (see {@link
     * Rule#asText}). A store whose keys are typed columns (the JDBC store) applies it to a key
     * column of that name as well, and writes such text back as the UUID it spells — refusing,
     * before writing, text that is not a UUID in canonical form. The fields' other rules (the
     * defaults, or overrides) still apply.
     *
     * @throws IllegalArgumentException if a name is empty
     * @throws IllegalStateException if a field is already compared as text
     */
    public Builder asText(String... datasetFields) {
      for (String f : datasetFields) {
        if (!asText.add(checkName(f))) {
          throw new IllegalStateException("field '" + f + "' is already compared as text; name it once");
        }
      }
      return this;
    }

    /**
     * Gives one dataset field its own rule: {@code change} applied, when the normalisation is
     * built, to the rule every field has (the defaults this builder sets, whatever the order of
     * calls), e.g. {@code field("price", r -> r.withDecimalScale(2))}.
     *
     * @throws IllegalArgumentException if the name is empty
     * @throws IllegalStateException if the field already has a rule (make all of its changes in
     *     one call)
     */
    public Builder field(String datasetField, UnaryOperator<Rule> change) {
      Objects.requireNonNull(change, "change");
      String name = checkName(datasetField);
      if (changes.containsKey(name)) {
        throw new IllegalStateException(
            "field '" + name + "' already has a rule; make all of its changes in one field(...) call");
      }
      changes.put(name, change);
      return this;
    }

    /**
     * Leaves dataset fields out of comparison.
     *
     * @throws IllegalArgumentException if a name is empty
     * @throws IllegalStateException if a field is already ignored
     */
    public Builder ignore(String... datasetFields) {
      for (String f : datasetFields) {
        if (!ignored.add(checkName(f))) {
          throw new IllegalStateException("field '" + f + "' is already ignored; name it once");
        }
      }
      return this;
    }

    /**
     * Calls a store field by another name in the dataset (e.g. {@code full_name} → {@code name}).
     * Renames apply together (a swap {@code a → b}, {@code b → a} works); the other rules name
     * fields by their dataset names.
     *
     * @throws IllegalArgumentException if a name is empty
     * @throws IllegalStateException if the store field is already renamed
     */
    public Builder rename(String storeField, String datasetField) {
      checkName(storeField);
      checkName(datasetField);
      if (renames.containsKey(storeField)) {
        throw new IllegalStateException(
            "store field '" + storeField + "' was already renamed to '" + renames.get(storeField)
                + "'; rename a field once");
      }
      renames.put(storeField, datasetField);
      return this;
    }

    private void requireNotIgnored(String name, String what) {
      if (ignored.contains(name)) {
        throw new IllegalStateException(
            "field '" + name + "' is ignored, so " + what + " '" + name + "' never applies; remove one"
                + " of them");
      }
    }

    /** Caffeine's way: a setting given twice fails, saying what it was. */
    private static void requireUnset(boolean unset, String what, @Nullable Object was) {
      if (!unset) {
        throw new IllegalStateException(
            what + " was already set" + (was == null ? "" : " to " + was) + "; set it once");
      }
    }

    private static String checkName(String name) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("a field name must not be empty");
      }
      return name;
    }

    /**
     * The normalisation these calls describe.
     *
     * @throws IllegalStateException if two renames give one dataset name, or a rule names a field
     *     that is never in the dataset's view (a store field renamed away, a field also ignored)
     * @throws IllegalArgumentException if a {@linkplain #field field}'s change makes an invalid rule
     */
    public Normalization build() {
      Rule defaults = Rule.IDENTITY.withTimestampPrecision(timestampPrecision)
          .withTrim(trim == null ? Trim.NONE : trim)
          .withNfc(nfc)
          .withSignificantDigits(significantDigits)
          .withNullAsAbsent(nullAsAbsent);
      Map<String, String> datasetNames = new HashMap<>();
      renames.forEach((store, dataset) -> {
        String other = datasetNames.put(dataset, store);
        if (other != null) {
          throw new IllegalStateException(
              "renames '" + other + "' -> '" + dataset + "' and '" + store + "' -> '" + dataset
                  + "' both make dataset field '" + dataset + "'; give one of them another name");
        }
      });
      Map<String, Rule> overrides = new HashMap<>();
      changes.forEach((name, change) -> overrides.put(name, Objects.requireNonNull(
          change.apply(defaults), () -> "the change given for field '" + name + "' returned no rule")));
      for (String name : changes.keySet()) {
        requireNotIgnored(name, "the rule on");
      }
      for (String name : asText) {
        requireNotIgnored(name, "comparing as text");
      }
      for (Set<String> named : List.of(changes.keySet(), asText, ignored)) {
        for (String name : named) {
          if (renames.containsKey(name) && !datasetNames.containsKey(name)) {
            throw new IllegalStateException(
                "store field '" + name + "' is renamed to '" + renames.get(name) + "', so the dataset"
                    + " has no field '" + name + "' for a rule or ignore to name; name the dataset"
                    + " field '" + renames.get(name) + "' instead");
          }
        }
      }
      return new Normalization(defaults, overrides, ignored, renames, asText);
    }
  }
}
