package io.reconcile.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Divergence;
import io.reconcile.core.ReconcileReport;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * How differences are printed: git-style lines for people ({@code - key …} only in the first
 * database, {@code + key …} only in the second, {@code ~ key col: a → b} changed), or one JSON
 * object per line for machines. Stateless.
 */
final class DiffFormat {

  /** Values longer than this are cut in text lines (never in JSON). */
  static final int MAX_VALUE_CHARS = 80;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private DiffFormat() {}

  /** The sign of a divergence: {@code -} only in the first, {@code +} only in the second, {@code ~} changed. */
  static String sign(Divergence d) {
    return switch (d.kind()) {
      case MISSING -> "-";
      case EXTRA -> "+";
      case MISMATCH, CONCURRENT -> "~";
      case RULE_VIOLATION -> "!";
    };
  }

  /** One text line, e.g. {@code ~ 3 name: "Bob" → "Robert"}. */
  static String text(Divergence d) {
    StringBuilder sb = new StringBuilder(sign(d)).append(' ').append(d.key());
    Entry first = d.sides().get(0).entry();
    Entry second = d.sides().size() > 1 ? d.sides().get(1).entry() : null;
    switch (d.kind()) {
      case MISSING -> appendFields(sb, Objects.requireNonNull(first));
      case EXTRA -> appendFields(sb, Objects.requireNonNull(second));
      case MISMATCH, CONCURRENT -> {
        List<String> changed = changed(Objects.requireNonNull(first), Objects.requireNonNull(second));
        String sep = " ";
        for (String f : changed) {
          sb.append(sep).append(f).append(": ")
              .append(show(first.fields().fields().get(f))).append(" → ").append(show(second.fields().fields().get(f)));
          sep = ", ";
        }
        if (changed.isEmpty()) {
          sb.append(' ').append(d.detail()); // equal values that hash differently, e.g. scale-significant numbers
        }
      }
      case RULE_VIOLATION -> sb.append(' ').append(d.detail());
    }
    return sb.toString();
  }

  /**
   * One JSON object: {@code table}, {@code op} (the sign), {@code kind}, {@code key} (key column →
   * value), {@code first} and {@code second} (the rows, null where absent) and, for changed rows,
   * {@code changed} (the differing columns).
   */
  static String json(String table, List<String> keyColumns, Divergence d) {
    return write(node(table, keyColumns, d));
  }

  /** The object {@link #json} writes, for a caller that adds fields to it. */
  static ObjectNode node(String table, List<String> keyColumns, Divergence d) {
    ObjectNode o = NODES.objectNode();
    o.put("table", table).put("op", sign(d)).put("kind", d.kind().name());
    o.set("key", key(keyColumns, d.key()));
    Entry first = d.sides().get(0).entry();
    Entry second = d.sides().size() > 1 ? d.sides().get(1).entry() : null;
    o.set("first", first == null ? NODES.nullNode() : value(first.fields()));
    o.set("second", second == null ? NODES.nullNode() : value(second.fields()));
    if (first != null && second != null) {
      ArrayNode changed = o.putArray("changed");
      changed(first, second).forEach(changed::add);
    }
    return o;
  }

  /** The per-table summary line for {@code --stats}. */
  static String statsText(String table, Counts c, ReconcileReport r) {
    return String.format(
        "%s: %d only in first, %d only in second, %d changed; %d segments (%d differing), %,d rows read, %,d digests, %d ms",
        table, c.onlyInFirst(), c.onlyInSecond(), c.changed(), r.segments(), r.segmentsDiffering(), r.rowsRead(),
        digests(r), r.stageTimes().values().stream().mapToLong(java.time.Duration::toMillis).sum());
  }

  /** The per-table summary as one JSON object: {@code {"table":…,"stats":{…}}}. */
  static String statsJson(String table, Counts c, ReconcileReport r) {
    ObjectNode o = NODES.objectNode();
    o.put("table", table);
    o.putObject("stats")
        .put("onlyInFirst", c.onlyInFirst()).put("onlyInSecond", c.onlyInSecond()).put("changed", c.changed())
        .put("segments", r.segments()).put("segmentsDiffering", r.segmentsDiffering())
        .put("rowsRead", r.rowsRead()).put("digests", digests(r))
        .put("millis", r.stageTimes().values().stream().mapToLong(java.time.Duration::toMillis).sum());
    return write(o);
  }

  /** Differences by sign. */
  record Counts(long onlyInFirst, long onlyInSecond, long changed) {

    /** No differences. */
    static final Counts NONE = new Counts(0, 0, 0);

    /** These counts and one more difference. */
    Counts plus(Divergence d) {
      return switch (sign(d)) {
        case "-" -> new Counts(onlyInFirst + 1, onlyInSecond, changed);
        case "+" -> new Counts(onlyInFirst, onlyInSecond + 1, changed);
        default -> new Counts(onlyInFirst, onlyInSecond, changed + 1);
      };
    }

    long total() {
      return onlyInFirst + onlyInSecond + changed;
    }
  }

  private static long digests(ReconcileReport r) {
    return r.storeStats().values().stream().mapToLong(ReconcileReport.StoreStats::digestsComputed).sum();
  }

  /** The columns whose values differ, in name order. */
  static List<String> changed(Entry a, Entry b) {
    Map<String, Value> fa = a.fields().fields();
    Map<String, Value> fb = b.fields().fields();
    TreeSet<String> names = new TreeSet<>(fa.keySet());
    names.addAll(fb.keySet());
    return names.stream().filter(n -> !Objects.equals(fa.get(n), fb.get(n))).toList();
  }

  private static void appendFields(StringBuilder sb, Entry e) {
    String sep = " ";
    for (Map.Entry<String, Value> f : e.fields().fields().entrySet()) {
      sb.append(sep).append(f.getKey()).append('=').append(show(f.getValue()));
      sep = ", ";
    }
  }

  private static String show(@Nullable Value v) {
    if (v == null) {
      return "(no column)";
    }
    String s = v.toString();
    return s.length() <= MAX_VALUE_CHARS ? s : s.substring(0, MAX_VALUE_CHARS - 1) + "…";
  }

  /** A key as JSON: key column → part (numbers as strings, bytes as {@code 0x…} hex). */
  static JsonNode key(List<String> columns, Key key) {
    ObjectNode o = NODES.objectNode();
    for (int i = 0; i < key.size(); i++) {
      String name = i < columns.size() ? columns.get(i) : "part" + (i + 1);
      Object p = key.part(i);
      if (p instanceof byte[] b) {
        o.put(name, "0x" + HexFormat.of().formatHex(b));
      } else {
        o.put(name, p.toString());
      }
    }
    return o;
  }

  /**
   * A value as JSON: numbers as strings of their exact decimal value (so no consumer reads {@code
   * numeric(40,20)} values as doubles), text and times as strings, bytes as {@code 0x…} hex.
   */
  static JsonNode value(Value v) {
    if (v instanceof Value.MapValue m) {
      ObjectNode o = NODES.objectNode();
      m.fields().forEach((k, x) -> o.set(k, value(x)));
      return o;
    } else if (v instanceof Value.ListValue l) {
      ArrayNode a = NODES.arrayNode();
      l.values().forEach(x -> a.add(value(x)));
      return a;
    } else if (v instanceof Value.Num n) {
      return NODES.textNode(n.toString()); // by value, as in text: 1.50 is "1.5"
    } else if (v instanceof Value.Bool b) {
      return NODES.booleanNode(b.value());
    } else if (v instanceof Value.Text t) {
      return NODES.textNode(t.value());
    } else if (v instanceof Value.Null) {
      return NODES.nullNode();
    }
    return NODES.textNode(v.toString()); // bytes (0x…), UUID, date, timestamp, NaN/±Infinity
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("a tree of JSON nodes always serialises", e);
    }
  }
}
