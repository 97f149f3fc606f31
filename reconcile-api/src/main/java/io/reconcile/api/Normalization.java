package io.reconcile.api;

import java.math.MathContext;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
 * normalisation, decimal scale and precision, and fields compared {@linkplain Builder#asText as
 * text} (a UUID column against a text column holding UUIDs). Rules are plain data, so they can be
 * written in configuration and logged.
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
   */
  public record Rule(
      @Nullable ChronoUnit timestampPrecision,
      Trim trim,
      boolean nfc,
      @Nullable Integer decimalScale,
      @Nullable Integer significantDigits,
      boolean scaleSignificant,
      boolean asText) {

    /** Changes nothing. */
    public static final Rule IDENTITY = new Rule(null, Trim.NONE, false, null, null, false, false);

    /** @throws IllegalArgumentException for a negative scale or fewer than one significant digit */
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

    public Rule withTimestampPrecision(@Nullable ChronoUnit unit) {
      return new Rule(unit, trim, nfc, decimalScale, significantDigits, scaleSignificant, asText);
    }

    public Rule withTrim(Trim newTrim) {
      return new Rule(timestampPrecision, newTrim, nfc, decimalScale, significantDigits, scaleSignificant, asText);
    }

    public Rule withNfc(boolean newNfc) {
      return new Rule(timestampPrecision, trim, newNfc, decimalScale, significantDigits, scaleSignificant, asText);
    }

    public Rule withDecimalScale(@Nullable Integer scale) {
      return new Rule(timestampPrecision, trim, nfc, scale, significantDigits, scaleSignificant, asText);
    }

    public Rule withSignificantDigits(@Nullable Integer digits) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, digits, scaleSignificant, asText);
    }

    public Rule withScaleSignificant(boolean significant) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, significantDigits, significant, asText);
    }

    /** This rule with UUIDs compared as their canonical text, or not. */
    public Rule withAsText(boolean text) {
      return new Rule(timestampPrecision, trim, nfc, decimalScale, significantDigits, scaleSignificant, text);
    }

    /** Applies this rule to a value and everything nested in it. */
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
        m.fields().forEach((k, x) -> out.put(k, apply(x)));
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

  /** Per-field rules, by dataset field name. */
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

  /** The dataset name of a store field. */
  public String datasetName(String storeField) {
    return renames.getOrDefault(storeField, storeField);
  }

  /** The store name of a dataset field. */
  public String storeName(String datasetField) {
    return reverseRenames.getOrDefault(datasetField, datasetField);
  }

  /** Whether a dataset field is left out of comparison. */
  public boolean isIgnored(String datasetField) {
    return ignored.contains(datasetField);
  }

  /** Turns a store's native fields into the dataset's canonical view. */
  public Value.MapValue apply(Value.MapValue storeFields) {
    if (this == NONE) {
      return storeFields;
    }
    Map<String, Value> out = new TreeMap<>(Canonical.FIELD_ORDER);
    storeFields
        .fields()
        .forEach(
            (name, value) -> {
              String dataset = datasetName(name);
              if (!ignored.contains(dataset)) {
                out.put(dataset, ruleFor(dataset).apply(value));
              }
            });
    return Value.MapValue.of(out);
  }

  /** The same entry with its fields in the dataset's canonical view. */
  public Entry apply(Entry storeEntry) {
    return this == NONE
        ? storeEntry
        : Entry.of(storeEntry.key(), apply(storeEntry.fields()), storeEntry.version());
  }

  /** Maps dataset field names back to the store's own names, for writing. */
  public Value.MapValue toStore(Value.MapValue datasetFields) {
    if (renames.isEmpty()) {
      return datasetFields;
    }
    Map<String, Value> out = new TreeMap<>(Canonical.FIELD_ORDER);
    datasetFields.fields().forEach((name, value) -> out.put(storeName(name), value));
    return Value.MapValue.of(out);
  }

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

  /** Collects rules; not thread-safe, build once and share the result. */
  public static final class Builder {
    private Rule defaults = Rule.IDENTITY;
    private final Map<String, Rule> overrides = new HashMap<>();
    private final Set<String> ignored = new HashSet<>();
    private final Set<String> asText = new HashSet<>();
    private final Map<String, String> renames = new HashMap<>();

    private Builder() {}

    /** Truncates every timestamp to this unit, e.g. {@code MICROS} to match SQL databases. */
    public Builder timestampPrecision(ChronoUnit unit) {
      defaults = defaults.withTimestampPrecision(unit);
      return this;
    }

    /** Trims every text value. */
    public Builder trim(Trim trim) {
      defaults = defaults.withTrim(trim);
      return this;
    }

    /** Puts every text value into Unicode normalisation form C. */
    public Builder nfc() {
      defaults = defaults.withNfc(true);
      return this;
    }

    /** Rounds every number half-even to this many significant digits. */
    public Builder significantDigits(int digits) {
      defaults = defaults.withSignificantDigits(digits);
      return this;
    }

    /**
     * Compares these dataset fields as text: a UUID as its canonical text (lowercase, {@code
     * 8-4-4-4-12}), so that a UUID column compares with a text column ({@code char(36)}, {@code
     * varchar}) holding UUIDs in that form; text and other values are unchanged (see {@link
     * Rule#asText}). A store whose keys are typed columns (the JDBC store) applies it to a key
     * column of that name as well, and writes such text back as the UUID it spells — refusing,
     * before writing, text that is not a UUID in canonical form. The fields' other rules (the
     * defaults, or overrides), given before or after, still apply.
     */
    public Builder asText(String... datasetFields) {
      for (String f : datasetFields) {
        asText.add(checkName(f));
      }
      return this;
    }

    /** Replaces the rule of one dataset field with {@code change} applied to the defaults so far. */
    public Builder field(String datasetField, UnaryOperator<Rule> change) {
      overrides.put(checkName(datasetField), change.apply(overrides.getOrDefault(datasetField, defaults)));
      return this;
    }

    /** Leaves dataset fields out of comparison. */
    public Builder ignore(String... datasetFields) {
      for (String f : datasetFields) {
        ignored.add(checkName(f));
      }
      return this;
    }

    /**
     * Calls a store field by another name in the dataset (e.g. {@code full_name} → {@code name}).
     *
     * @throws IllegalArgumentException if the store field or the dataset name is already renamed
     */
    public Builder rename(String storeField, String datasetField) {
      checkName(storeField);
      checkName(datasetField);
      if (renames.containsKey(storeField)) {
        throw new IllegalArgumentException(
            "store field '" + storeField + "' is already renamed to '" + renames.get(storeField) + "'");
      }
      if (renames.containsValue(datasetField)) {
        throw new IllegalArgumentException(
            "two store fields would both be called '" + datasetField + "' in the dataset");
      }
      renames.put(storeField, datasetField);
      return this;
    }

    private static String checkName(String name) {
      if (name == null || name.isEmpty()) {
        throw new IllegalArgumentException("a field name must not be empty");
      }
      return name;
    }

    public Normalization build() {
      return new Normalization(defaults, overrides, ignored, renames, asText);
    }
  }
}
