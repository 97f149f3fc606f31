package io.reconcile.api;

import java.math.MathContext;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 * one default rule plus optional overrides, looked up by the field's dataset path (after renaming).
 * Stores apply their normalisation to what they read, so {@link Entry entries} and {@link Digest
 * digests} they return are already in the canonical view; on write, {@link
 * #toStore(Value.MapValue)} maps dataset names back to the store's own.
 *
 * <p><b>Field paths.</b> Rules, ignores, text comparisons and renames name fields by path: a
 * top-level field ({@code price}), a field of a map nested in a field ({@code meta.updatedAt}), or
 * that field in every element of a list ({@code items[].price}; {@code matrix[][].x} for lists of
 * lists). A path is names separated by single dots, each name optionally followed by {@code []}, and
 * ends in a name. A name holding {@code .}, {@code [}, {@code ]} or {@code \} writes each such
 * character after a backslash ({@code a\.b} is the one field {@code a.b}); every other name — any
 * top-level field name without those characters — is written as it is, as before paths existed.
 * Syntax is checked when a rule is given ({@link IllegalArgumentException}, naming the position);
 * rules that contradict each other are refused by {@link Builder#build()}.
 *
 * <p><b>Order.</b> {@link #apply(Value.MapValue)} renames first (store paths to dataset names, all
 * at once), then applies rules (named by dataset paths), then leaves ignored fields out. A path's
 * rule applies to the value at the path and everything nested in it, except where a longer path
 * has its own; a rule given for a path is built from the rule of the nearest enclosing path that
 * has one, else from the defaults.
 *
 * <p><b>Data that does not fit.</b> A rule never throws on data. A path the entry lacks changes
 * nothing (an absent field stays absent); so does a path that meets null, or a value of another
 * kind than it reads ({@code meta.updatedAt} where {@code meta} holds text or a list, {@code
 * items[].price} where {@code items} holds a map): the value there keeps the enclosing rule.
 *
 * <p><b>Presence.</b> An absent field and a field holding null differ (see {@link Canonical}),
 * unless {@link Rule#nullAsAbsent} drops null fields — at the top level and in nested maps, never
 * list elements. An empty map is a value, not an absence; but a field whose map normalisation
 * empties — every field in it renamed out, ignored or dropped as null — is dropped with them, so
 * that a document {@code {customer: {id: 5}}} under {@code customer.id → customer_id} reads as
 * {@code {customer_id: 5}}, like a table's row (an element of a list stays, as {@code {}}).
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
   *     from the entry, and so are null fields of maps nested in its value (a map left empty by that
   *     goes too), so that a table row whose column is NULL equals a document that lacks the field.
   *     Elements of lists are never dropped (their positions count). By default a null field and an
   *     absent one differ (see {@link Canonical})
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
            Value y = apply(x);
            if (!emptied(x, y)) {
              out.put(k, y);
            }
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
  private final Map<String, Rule> overrides; // dataset path -> rule
  private final Set<String> ignored; // dataset paths
  private final Map<String, String> renames; // store path -> dataset name
  private final Set<String> asText; // dataset paths
  private final Set<String> nestedPaths;
  /** The dataset paths' rules, text comparisons and ignores as a tree of the positions they name. */
  private final Node root = new Node();
  /** Renames of top-level store fields: store name -> dataset name, and back. */
  private final Map<String, String> topRenames = new HashMap<>();
  private final Map<String, String> topReverse = new HashMap<>();
  /** Renames from nested store paths, by the top-level store field they move fields out of. */
  private final Map<String, Moves> nestedMoves = new HashMap<>();
  /** Dataset name -> the nested store path it is moved from. */
  private final Map<String, FieldPath> nestedReverse = new HashMap<>();
  private final boolean identity;

  private Normalization(
      Rule defaults, Map<FieldPath, Rule> overrides, Set<FieldPath> ignored,
      Map<FieldPath, String> renames, Set<FieldPath> asText) {
    this.defaults = defaults;
    Map<String, Rule> o = new HashMap<>();
    overrides.forEach((path, rule) -> {
      o.put(path.toString(), rule);
      root.at(path).rule = rule;
    });
    this.overrides = Map.copyOf(o);
    Set<String> i = new HashSet<>();
    ignored.forEach(path -> {
      i.add(path.toString());
      root.at(path).ignored = true;
    });
    this.ignored = Set.copyOf(i);
    Set<String> t = new HashSet<>();
    asText.forEach(path -> {
      t.add(path.toString());
      root.at(path).asText = true;
    });
    this.asText = Set.copyOf(t);
    Map<String, String> r = new HashMap<>();
    renames.forEach((path, dataset) -> {
      r.put(path.toString(), dataset);
      if (path.isTopLevel()) {
        topRenames.put(path.top(), dataset);
        topReverse.put(dataset, path.top());
      } else {
        Moves m = nestedMoves.computeIfAbsent(path.top(), k -> new Moves());
        for (int step = 1; step < path.size() - 1; step++) {
          m = m.below.computeIfAbsent(path.segments().get(step).name(), k -> new Moves());
        }
        m.here.put(path.segments().get(path.size() - 1).name(), dataset);
        nestedReverse.put(dataset, path);
      }
    });
    this.renames = Map.copyOf(r);
    Set<String> nested = new HashSet<>();
    for (Set<FieldPath> paths : List.of(overrides.keySet(), ignored, renames.keySet(), asText)) {
      paths.stream().filter(p -> !p.isTopLevel()).forEach(p -> nested.add(p.toString()));
    }
    this.nestedPaths = Set.copyOf(nested);
    this.identity = defaults.equals(Rule.IDENTITY) && overrides.isEmpty() && ignored.isEmpty()
        && renames.isEmpty() && asText.isEmpty();
  }

  /** The rules at one position of the dataset's fields: a field, or every element of a list. */
  private static final class Node {
    /** This position's own rule, or null to inherit the enclosing one. */
    @Nullable Rule rule;

    boolean asText;
    boolean ignored;
    final Map<String, Node> fields = new HashMap<>();
    /** The position of every element, when the value here is read as a list. */
    @Nullable Node elements;

    /** The node of a path below this one (the root's: a dataset path), made if need be. */
    Node at(FieldPath path) {
      Node n = this;
      for (FieldPath.Segment s : path.segments()) {
        n = n.fields.computeIfAbsent(s.name(), k -> new Node());
        for (int i = 0; i < s.lists(); i++) {
          if (n.elements == null) {
            n.elements = new Node();
          }
          n = n.elements;
        }
      }
      return n;
    }

    /** The rule here, inside a position whose rule is {@code enclosing}. */
    Rule under(Rule enclosing) {
      Rule r = rule != null ? rule : enclosing;
      return (asText || enclosing.asText()) && !r.asText() ? r.withAsText(true) : r;
    }
  }

  /** The fields that renames from nested store paths move out of one store map. */
  private static final class Moves {
    /** Field name here -> dataset name it is moved to. */
    final Map<String, String> here = new HashMap<>();
    /** Field name here -> the moves out of the map that field holds. */
    final Map<String, Moves> below = new HashMap<>();
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
   * Per-field rules, by dataset path in its canonical spelling (names escaped where needed): each
   * the {@linkplain Builder#field change} given for the path applied to the rule of the nearest
   * enclosing path that has one, or to the {@link #defaults()} (without {@link #comparedAsText()
   * asText}, which applies on top).
   */
  public Map<String, Rule> overrides() {
    return overrides;
  }

  /** Dataset paths left out of comparison, in their canonical spelling. */
  public Set<String> ignored() {
    return ignored;
  }

  /** Store path (canonical spelling) to the dataset field name it is renamed to. */
  public Map<String, String> renames() {
    return renames;
  }

  /** Dataset paths compared as text ({@link Builder#asText}), whatever their other rules. */
  public Set<String> comparedAsText() {
    return asText;
  }

  /**
   * Every path of a rule, ignore, text comparison or rename source that reaches into a field's
   * value ({@code meta.updatedAt}, {@code items[].price}, a rename from {@code customer.id}), rather
   * than naming a top-level field; in canonical spelling. A store whose fields never hold maps or lists (a table's columns) refuses a
   * normalisation with any, since none could ever apply.
   */
  public Set<String> nestedPaths() {
    return nestedPaths;
  }

  /**
   * The rule that applies to the value of a top-level dataset field, given by its name (not a
   * path: a name holding {@code .} is one field here): its override or the defaults, {@linkplain
   * Rule#asText as text} when comparedAsText. Rules at nested paths below it are not included.
   */
  public Rule ruleFor(String datasetField) {
    Node n = root.fields.get(datasetField);
    return n == null ? defaults : n.under(defaults);
  }

  /**
   * The dataset name of a top-level store field, given by its name: what a rename of that field
   * calls it, else its own name.
   */
  public String datasetName(String storeField) {
    return topRenames.getOrDefault(storeField, storeField);
  }

  /**
   * The top-level store field a top-level dataset field is renamed from, given by its name, else
   * its own name. A field moved out of a nested store path (see {@link #renames()}) has no
   * top-level store name: {@link #toStore} puts it back.
   */
  public String storeName(String datasetField) {
    return topReverse.getOrDefault(datasetField, datasetField);
  }

  /** Whether a top-level dataset field, given by its name, is left out of comparison. */
  public boolean isIgnored(String datasetField) {
    Node n = root.fields.get(datasetField);
    return n != null && n.ignored;
  }

  /**
   * Turns a store's native fields into the dataset's canonical view, in three steps: renames (all
   * at once), then each value's rule (a null field dropped under {@link Rule#nullAsAbsent}), then
   * ignored fields left out; a field whose map these steps empty goes too (see {@link
   * Normalization}).
   * Never throws on data: a path the entry lacks, or that meets null or a value of another kind
   * than the path reads (a list where it names a map field), changes nothing.
   *
   * <p><b>Renames.</b> A renamed field is moved to its dataset name: from the top level, or from
   * inside nested maps ({@code customer.id → customer_id}). A renamed field replaces a field already
   * called by its dataset name, so that entries written before and after a field was renamed both
   * read.
   */
  public Value.MapValue apply(Value.MapValue storeFields) {
    if (identity) {
      return storeFields;
    }
    Map<String, Value> fields = renames.isEmpty() ? storeFields.fields() : renamed(storeFields.fields());
    Map<String, Value> out = new HashMap<>();
    normalise(fields, root, defaults, out);
    return Value.MapValue.of(out);
  }

  private Map<String, Value> renamed(Map<String, Value> fields) {
    Map<String, Value> out = new HashMap<>();
    Map<String, Value> moved = new HashMap<>();
    fields.forEach((name, value) -> {
      String dataset = topRenames.get(name);
      if (dataset != null) {
        moved.put(dataset, value);
        return;
      }
      Moves m = nestedMoves.get(name);
      Value rest = m == null ? value : moveOut(value, m, moved);
      if (rest != null) {
        out.put(name, rest);
      }
    });
    out.putAll(moved);
    return out;
  }

  /**
   * Moves the fields {@code moves} names out of {@code value} into {@code moved}; returns what
   * stays: {@code value} itself when nothing moved (it is not a map, or holds none of them), null
   * when the moves emptied it.
   */
  private static @Nullable Value moveOut(Value value, Moves moves, Map<String, Value> moved) {
    if (!(value instanceof Value.MapValue m)) {
      return value;
    }
    Map<String, Value> rest = new HashMap<>();
    boolean changed = false;
    for (Map.Entry<String, Value> e : m.fields().entrySet()) {
      String dataset = moves.here.get(e.getKey());
      Moves below = moves.below.get(e.getKey());
      if (dataset != null) {
        moved.put(dataset, e.getValue());
        changed = true;
      } else if (below != null) {
        Value r = moveOut(e.getValue(), below, moved);
        changed |= r != e.getValue();
        if (r != null) {
          rest.put(e.getKey(), r);
        }
      } else {
        rest.put(e.getKey(), e.getValue());
      }
    }
    if (!changed) {
      return value;
    }
    return rest.isEmpty() ? null : Value.MapValue.of(rest);
  }

  /** Puts {@code fields}, normalised by the rules of {@code node}'s fields, into {@code out}. */
  private static void normalise(Map<String, Value> fields, Node node, Rule enclosing, Map<String, Value> out) {
    fields.forEach((name, value) -> {
      Node n = node.fields.get(name);
      if (n != null && n.ignored) {
        return;
      }
      Rule rule = n == null ? enclosing : n.under(enclosing);
      if (rule.nullAsAbsent() && value instanceof Value.Null) {
        return;
      }
      Value v = n == null ? rule.apply(value) : normalise(value, n, rule);
      if (!emptied(value, v)) {
        out.put(name, v);
      }
    });
  }

  /**
   * Whether normalising took every field out of a map that had some (ignored, renamed away, null
   * under {@link Rule#nullAsAbsent}): then the map goes too, as its fields did.
   */
  private static boolean emptied(Value before, Value after) {
    return after instanceof Value.MapValue a && a.size() == 0
        && before instanceof Value.MapValue b && b.size() > 0;
  }

  /** A value at the position of {@code node}, whose rule is {@code rule}. */
  private static Value normalise(Value value, Node node, Rule rule) {
    if (value instanceof Value.MapValue m && !node.fields.isEmpty()) {
      Map<String, Value> out = new HashMap<>();
      normalise(m.fields(), node, rule, out);
      return Value.MapValue.of(out);
    }
    if (value instanceof Value.ListValue l && node.elements != null) {
      List<Value> out = new ArrayList<>(l.values().size());
      for (Value e : l.values()) {
        out.add(normalise(e, node.elements, rule));
      }
      return Value.ListValue.of(out);
    }
    return rule.apply(value);
  }

  /** The same entry with its fields in the dataset's canonical view (see {@link #apply(Value.MapValue)}). */
  public Entry apply(Entry storeEntry) {
    return identity
        ? storeEntry
        : Entry.of(storeEntry.key(), apply(storeEntry.fields()), storeEntry.version());
  }

  /**
   * Maps an entry's dataset fields back to the store's own names and places, for writing: renamed
   * fields go back to their store names, and fields moved out of nested maps back into them
   * (creating the maps an entry lacks, and replacing a field already there). Only renames are
   * undone: the other rules change values one way, and fields left out (ignored, or null under
   * {@link Rule#nullAsAbsent}) stay out — a store writes a field an entry lacks as its absence (a
   * table: NULL).
   *
   * <p>Never throws on data. A field moved out of a nested path whose way back holds something
   * other than a map (null, text, a list) is written at the top level under its dataset name — as
   * {@link #apply(Value.MapValue)} reads such an entry, where nothing could be moved out of that
   * value. So reading back what was written gives the view that was written, {@code
   * apply(toStore(apply(x))) = apply(x)}, and {@code toStore(apply(x)) = x} when renames are the
   * only rules — for every entry {@code x} that holds no store field already called by a renamed
   * field's dataset name (which the renamed field replaces on read: with two store fields for one
   * dataset field, what is written back cannot say which it came from).
   */
  public Value.MapValue toStore(Value.MapValue datasetFields) {
    if (renames.isEmpty()) {
      return datasetFields;
    }
    Map<String, Value> fields = datasetFields.fields();
    Map<String, Value> out = new HashMap<>();
    fields.forEach((name, value) -> {
      if (!topReverse.containsKey(name) && !nestedReverse.containsKey(name)) {
        out.put(name, value);
      }
    });
    fields.forEach((name, value) -> {
      String store = topReverse.get(name);
      if (store != null) {
        out.put(store, value);
      }
    });
    fields.forEach((name, value) -> {
      FieldPath path = nestedReverse.get(name);
      if (path != null) {
        Value nested = nest(out.get(path.top()), path, 1, value);
        out.put(nested == null ? name : path.top(), nested == null ? value : nested);
      }
    });
    return Value.MapValue.of(out);
  }

  /**
   * {@code container}, the value at step {@code step - 1} of {@code path} (null when absent), with
   * {@code value} put at the path's end; null when the way holds something other than a map.
   */
  private static @Nullable Value nest(@Nullable Value container, FieldPath path, int step, Value value) {
    Map<String, Value> fields;
    if (container == null) {
      fields = new HashMap<>();
    } else if (container instanceof Value.MapValue m) {
      fields = new HashMap<>(m.fields());
    } else {
      return null;
    }
    String name = path.segments().get(step).name();
    Value inner = step == path.size() - 1 ? value : nest(fields.get(name), path, step + 1, value);
    if (inner == null) {
      return null;
    }
    fields.put(name, inner);
    return Value.MapValue.of(fields);
  }

  /** Equal rules, overrides, ignored paths, renames and paths compared as text. */
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
   * default trim, a path's rule, a path ignored twice) throws {@link IllegalStateException} saying
   * what it was already set to, so that two sources of configuration cannot silently override each
   * other. A path that is not valid syntax fails at the call ({@link IllegalArgumentException});
   * rules that contradict each other fail at {@link #build()}. The order of calls does not matter.
   * Not thread-safe: build once and share the result.
   */
  public static final class Builder {
    private @Nullable ChronoUnit timestampPrecision;
    private @Nullable Trim trim;
    private boolean nfc;
    private @Nullable Integer significantDigits;
    private boolean nullAsAbsent;
    private final Map<FieldPath, UnaryOperator<Rule>> changes = new LinkedHashMap<>();
    private final Set<FieldPath> ignored = new LinkedHashSet<>();
    private final Set<FieldPath> asText = new LinkedHashSet<>();
    private final Map<FieldPath, String> renames = new LinkedHashMap<>();

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
     * dataset's view, at the top level and in maps nested in fields, so that a table row with {@code
     * email = NULL} equals a document without {@code email}. By default a null field and an absent
     * one differ. A single path opts out with {@code field(path, r -> r.withNullAsAbsent(false))};
     * without this call, a single path opts in with {@code r.withNullAsAbsent(true)}.
     *
     * @throws IllegalStateException if it was already set
     */
    public Builder nullAsAbsent() {
      requireUnset(!nullAsAbsent, "nullAsAbsent", null);
      nullAsAbsent = true;
      return this;
    }

    /**
     * Compares the values at these dataset paths as text: a UUID as its canonical text (lowercase,
     * {@code 8-4-4-4-12}), so that a UUID column compares with a text column ({@code char(36)},
     * {@code varchar}) holding UUIDs in that form, UUIDs nested in the value (a list of them) too;
     * text and other values are unchanged (see {@link Rule#asText}). A store whose keys are typed
     * columns (the JDBC store) applies it to a key column of that name as well, and writes such text
     * back as the UUID it spells — refusing, before writing, text that is not a UUID in canonical
     * form. The paths' other rules (the defaults, or overrides) still apply.
     *
     * @param datasetPaths field paths (see {@link Normalization}), each ending in a field name
     * @throws IllegalArgumentException if a path is not valid
     * @throws IllegalStateException if a path is already compared as text
     */
    public Builder asText(String... datasetPaths) {
      for (String p : datasetPaths) {
        FieldPath path = namingAField(p, "comparing as text");
        if (!asText.add(path)) {
          throw new IllegalStateException("field '" + path + "' is already compared as text; name it once");
        }
      }
      return this;
    }

    /**
     * Gives one dataset path its own rule: {@code change} applied, when the normalisation is built,
     * to the rule of the nearest enclosing path that has one, else to the rule every field has (the
     * defaults this builder sets, whatever the order of calls); e.g. {@code field("price", r ->
     * r.withDecimalScale(2))}, {@code field("items[].price", …)}. The rule applies to the value at
     * the path and to everything nested in it.
     *
     * @param datasetPath a field path (see {@link Normalization}) ending in a field name
     * @throws IllegalArgumentException if the path is not valid
     * @throws IllegalStateException if the path already has a rule (make all of its changes in one
     *     call)
     */
    public Builder field(String datasetPath, UnaryOperator<Rule> change) {
      Objects.requireNonNull(change, "change");
      FieldPath path = namingAField(datasetPath, "a rule");
      if (changes.containsKey(path)) {
        throw new IllegalStateException(
            "field '" + path + "' already has a rule; make all of its changes in one field(...) call");
      }
      changes.put(path, change);
      return this;
    }

    /**
     * Leaves the fields at these dataset paths out of comparison: {@code updated_at}, {@code
     * meta.updatedAt} (a field of the map {@code meta} holds), {@code items[].price} (that field in
     * every element of the list {@code items} holds).
     *
     * @param datasetPaths field paths (see {@link Normalization}), each ending in a field name
     * @throws IllegalArgumentException if a path is not valid
     * @throws IllegalStateException if a path is already ignored
     */
    public Builder ignore(String... datasetPaths) {
      for (String p : datasetPaths) {
        FieldPath path = namingAField(p, "ignoring");
        if (!ignored.add(path)) {
          throw new IllegalStateException("field '" + path + "' is already ignored; name it once");
        }
      }
      return this;
    }

    /**
     * Calls a store field by another name in the dataset: a top-level field ({@code full_name} →
     * {@code name}) or a field inside nested maps, moved to the top level ({@code customer.id} →
     * {@code customer_id}, so that a document compares with a table's row; {@link #toStore} puts it
     * back). Renames apply together (a swap {@code a → b}, {@code b → a} works); the other rules name
     * fields by their dataset paths.
     *
     * @param storePath the field's path in the store: names separated by dots, no {@code []} (a
     *     rename moves one field, not one per list element)
     * @param datasetField the top-level dataset field it becomes: one name, in path syntax (a name
     *     holding {@code .} written {@code a\.b})
     * @throws IllegalArgumentException if either is not valid
     * @throws IllegalStateException if the store path is already renamed
     */
    public Builder rename(String storePath, String datasetField) {
      FieldPath store = FieldPath.parse(storePath);
      if (store.readsLists()) {
        throw new IllegalArgumentException(
            "rename source '" + store + "' reads every element of a list, but a rename moves one"
                + " field; rename a field of the top level or of nested maps, such as 'customer.id'");
      }
      FieldPath dataset = FieldPath.parse(datasetField);
      if (!dataset.isTopLevel()) {
        throw new IllegalArgumentException(
            "the dataset name of rename '" + store + "' must be one top-level field, but '" + dataset
                + "' is a path; the dataset's fields are its top level (write a name holding '.' as"
                + " 'a\\.b')");
      }
      if (renames.containsKey(store)) {
        throw new IllegalStateException(
            "store field '" + store + "' was already renamed to '" + renames.get(store)
                + "'; rename a field once");
      }
      renames.put(store, dataset.top());
      return this;
    }

    private static FieldPath namingAField(String path, String what) {
      FieldPath p = FieldPath.parse(path);
      if (!p.endsInName()) {
        String field = p.prefix(p.size()).toString();
        throw new IllegalArgumentException(
            "field path '" + path + "' ends in '[]', but " + what + " names a field; give '" + field
                + "' for the whole list (a rule reaches every element), or a field of its elements"
                + " such as '" + field + "[].price'");
      }
      return p;
    }

    /** Caffeine's way: a setting given twice fails, saying what it was. */
    private static void requireUnset(boolean unset, String what, @Nullable Object was) {
      if (!unset) {
        throw new IllegalStateException(
            what + " was already set" + (was == null ? "" : " to " + was) + "; set it once");
      }
    }

    /**
     * The normalisation these calls describe.
     *
     * @throws IllegalStateException if rules contradict each other: two renames give one dataset
     *     name; rename sources overlap (one moves what the other moves a field out of); a rename
     *     gives a name that stays the map another moves a field out of; a rule, text comparison or
     *     ignore names a field that is never in the dataset's view (renamed away, or inside an
     *     ignored field); two paths read one field as a map and as a list
     * @throws IllegalArgumentException if a {@linkplain #field field}'s change makes an invalid
     *     rule
     */
    public Normalization build() {
      Rule defaults = Rule.IDENTITY.withTimestampPrecision(timestampPrecision)
          .withTrim(trim == null ? Trim.NONE : trim)
          .withNfc(nfc)
          .withSignificantDigits(significantDigits)
          .withNullAsAbsent(nullAsAbsent);
      checkRenames();
      Map<String, Set<FieldPath>> named = new LinkedHashMap<>();
      named.put("the rule on", changes.keySet());
      named.put("comparing as text", asText);
      named.put("ignoring", ignored);
      Set<String> datasetNames = new HashSet<>(renames.values());
      named.forEach((what, paths) -> {
        for (FieldPath p : paths) {
          for (Map.Entry<FieldPath, String> r : renames.entrySet()) {
            FieldPath source = r.getKey();
            boolean renamedAway = !datasetNames.contains(p.top())
                && (source.isTopLevel() ? p.top().equals(source.top()) : p.isWithin(source));
            if (renamedAway) {
              throw new IllegalStateException(
                  "store field '" + source + "' is renamed to '" + r.getValue() + "', so the dataset"
                      + " has no field '" + (source.isTopLevel() ? p.prefix(1) : source) + "' for "
                      + what + " '" + p + "'; name the dataset field '" + r.getValue() + "' instead");
            }
          }
          for (FieldPath i : ignored) {
            if (p.isWithin(i) && !p.equals(i)) {
              throw new IllegalStateException(
                  "field '" + i + "' is ignored, so " + what + " '" + p + "' never applies; remove one"
                      + " of them");
            }
          }
          if (paths != ignored && ignored.contains(p)) {
            throw new IllegalStateException(
                "field '" + p + "' is ignored, so " + what + " '" + p + "' never applies; remove one"
                    + " of them");
          }
        }
      });
      checkShapes();
      // Nearest enclosing rule first: shorter paths before the paths within them.
      List<FieldPath> byDepth = new ArrayList<>(changes.keySet());
      byDepth.sort(java.util.Comparator.comparingInt(FieldPath::size));
      Map<FieldPath, Rule> overrides = new HashMap<>();
      for (FieldPath p : byDepth) {
        Rule base = defaults;
        int nearest = 0;
        for (Map.Entry<FieldPath, Rule> e : overrides.entrySet()) {
          if (e.getKey().size() > nearest && p.isWithin(e.getKey())) {
            base = e.getValue();
            nearest = e.getKey().size();
          }
        }
        overrides.put(p, Objects.requireNonNull(changes.get(p).apply(base),
            () -> "the change given for field '" + p + "' returned no rule"));
      }
      return new Normalization(defaults, overrides, ignored, renames, asText);
    }

    private void checkRenames() {
      Map<String, FieldPath> byName = new HashMap<>();
      renames.forEach((source, dataset) -> {
        FieldPath other = byName.put(dataset, source);
        if (other != null) {
          throw new IllegalStateException(
              "renames '" + other + "' -> '" + dataset + "' and '" + source + "' -> '" + dataset
                  + "' both make dataset field '" + dataset + "'; give one of them another name");
        }
      });
      for (FieldPath a : renames.keySet()) {
        for (FieldPath b : renames.keySet()) {
          if (!a.equals(b) && a.isWithin(b)) {
            throw new IllegalStateException(
                "renames of '" + b + "' and '" + a + "' overlap: the first moves the map the second"
                    + " moves a field out of; rename either the map or the fields in it");
          }
          if (!b.isTopLevel() && renames.get(a).equals(b.top())) {
            throw new IllegalStateException(
                "rename '" + a + "' -> '" + renames.get(a) + "' gives the name of the map '" + b.top()
                    + "' that rename '" + b + "' moves a field out of, which stays in the dataset;"
                    + " choose another dataset name, e.g. '" + b.top() + "_" + b.segments().get(b.size() - 1).name() + "'");
          }
        }
      }
    }

    /** Two paths must not read one field as a map and as a list. */
    private void checkShapes() {
      Map<String, String> asMap = new HashMap<>(); // position -> a path reading it as a map
      Map<String, String> asList = new HashMap<>();
      List<FieldPath> all = new ArrayList<>(changes.keySet());
      all.addAll(ignored);
      all.addAll(asText);
      for (FieldPath p : all) {
        StringBuilder position = new StringBuilder();
        for (int i = 0; i < p.size(); i++) {
          FieldPath.Segment s = p.segments().get(i);
          position.append(i == 0 ? "" : ".").append(FieldPath.of(s.name()));
          for (int l = 0; l < s.lists(); l++) {
            checkShape(position.toString(), p, asList, asMap, "a list", "a map");
            position.append("[]");
          }
          if (i < p.size() - 1) {
            checkShape(position.toString(), p, asMap, asList, "a map", "a list");
          }
        }
      }
    }

    private static void checkShape(
        String position, FieldPath path, Map<String, String> as, Map<String, String> other,
        String kind, String otherKind) {
      as.putIfAbsent(position, path.toString());
      String clash = other.get(position);
      if (clash != null) {
        throw new IllegalStateException(
            "paths '" + clash + "' and '" + path + "' disagree on what '" + position + "' holds: the"
                + " first reads " + otherKind + " there, the second " + kind + "; a field holds one"
                + " or the other, so correct one of the paths");
      }
    }
  }
}
