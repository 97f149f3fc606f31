package io.reconcile.cli;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.api.store.RepairAction;
import java.math.BigDecimal;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A dry run's plan for a MongoDB collection, as the writes reconcile-mongo's store makes for each
 * action, in the shell's syntax: {@code insertOne} of the new document where the key is free,
 * {@code replaceOne} of the document with that {@code _id} by the new one, {@code deleteOne}; and
 * the condition each runs under. Per action the store reads the document, decides the action
 * against it, and writes with a filter that matches only the document as read, so a document
 * written since the comparison is never overwritten. Nothing here is ever written.
 *
 * <p>The key, the new fields and the expected ones are shown where {@link SqlPlan} shows them (its
 * binds and its condition). Numbers are shown by value: the store writes each in the BSON type the
 * replaced document holds there when that type holds it exactly, so a collection keeps its types.
 */
final class MongoPlan {

  /** A store URI as reconcile-mongo reads it: scheme and hosts, then the path, then the options. */
  private static final Pattern URI = Pattern.compile("mongodb(?:\\+srv)?://[^/?#]+(?:/([^?#]*))?(?:\\?([^#]*))?");

  private static final Pattern NAME = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");
  private static final BigDecimal INT_MIN = BigDecimal.valueOf(Integer.MIN_VALUE);
  private static final BigDecimal INT_MAX = BigDecimal.valueOf(Integer.MAX_VALUE);
  private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
  private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

  private MongoPlan() {}

  /** Whether {@code uri} is a MongoDB store URI ({@code mongodb://} or {@code mongodb+srv://}). */
  static boolean isCollection(String uri) {
    return uri.startsWith("mongodb:") || uri.startsWith("mongodb+srv:");
  }

  /** The comment, write and condition lines of one action planned for the collection of {@code side}. */
  static List<String> render(Job.Side side, Job.Table table, RunEvents.Planned planned) {
    RepairAction a = planned.action();
    Normalization n = NormalizeRules.parse(table.normalize());
    Target target = Target.of(side, table);
    String id = "{_id: " + id(target.idFields(), a.key()) + "}";
    String collection = NAME.matcher(target.collection()).matches()
        ? "db." + target.collection() : "db.getCollection(" + text(target.collection()) + ")";
    List<String> lines = new ArrayList<>();
    lines.add("-- " + a.target() + ", key " + a.key() + ": " + planned.decision());
    Entry result = a.result();
    Entry expected = a.expected().entry();
    if (result == null) {
      lines.add(collection + ".deleteOne(" + id + ")");
    } else {
      String document = document(id(target.idFields(), a.key()), n.toStore(result.fields()).fields());
      lines.add(expected == null
          ? collection + ".insertOne(" + document + ")"
          : collection + ".replaceOne(" + id + ", " + document + ")");
      if (expected != null && (!table.columns().isEmpty() || table.normalize().stream().anyMatch(r -> r.strip().startsWith("ignore")))) {
        lines.add("--   the fields it does not compare are kept as the document holds them");
      }
    }
    lines.add(expected == null
        ? "--   only if key " + a.key() + " is still absent"
        : "--   only if key " + a.key() + " still holds " + fields(n.toStore(expected.fields()).fields()));
    return lines;
  }

  /**
   * Where a side's collection writes go, as the store reads its URI: the collection (the URI's, or
   * the table's name on that side), and the fields of a compound {@code _id}, or none for a scalar
   * one ({@code key=} in the URI, else the table's key columns: one is the scalar {@code _id}).
   */
  record Target(String collection, List<String> idFields) {

    static Target of(Job.Side side, Job.Table table) {
      Matcher m = URI.matcher(side.uri());
      String path = m.matches() && m.group(1) != null ? decode(m.group(1)) : "";
      int dot = path.indexOf('.');
      String collection = dot < 0 ? table.nameOn(side) : path.substring(dot + 1);
      List<String> key = table.keys().size() == 1 ? List.of("_id") : table.keys();
      if (m.matches() && m.group(2) != null) {
        for (String option : m.group(2).split("&")) {
          if (option.startsWith("key=")) {
            key = Arrays.asList(decode(option.substring(4)).split(","));
          }
        }
      }
      List<String> fields = key.equals(List.of("_id")) ? List.of()
          : key.stream().map(f -> f.startsWith("_id.") ? f.substring(4) : f).toList();
      return new Target(collection, fields);
    }

    private static String decode(String s) {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
  }

  /** The {@code _id} of a key: its one part, or a document of the compound {@code _id}'s fields. */
  private static String id(List<String> idFields, Key key) {
    if (idFields.isEmpty() || idFields.size() != key.size()) {
      return key.size() == 1 ? part(key.part(0)) : key.parts().stream().map(MongoPlan::part).collect(Collectors.joining(", ", "[", "]"));
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < idFields.size(); i++) {
      out.add(name(idFields.get(i)) + ": " + part(key.part(i)));
    }
    return "{" + String.join(", ", out) + "}";
  }

  private static String part(Object p) {
    if (p instanceof String s) {
      return text(s);
    }
    if (p instanceof UUID u) {
      return "UUID(\"" + u + "\")";
    }
    if (p instanceof byte[] b) {
      return "ObjectId(\"" + HexFormat.of().formatHex(b) + "\")";
    }
    return number(p instanceof BigDecimal d ? d : BigDecimal.valueOf((Long) p));
  }

  private static String document(String id, Map<String, Value> fields) {
    StringBuilder sb = new StringBuilder("{_id: ").append(id);
    fields.forEach((name, value) -> sb.append(", ").append(name(name)).append(": ").append(value(value)));
    return sb.append('}').toString();
  }

  private static String fields(Map<String, Value> fields) {
    return fields.entrySet().stream()
        .map(f -> name(f.getKey()) + ": " + value(f.getValue()))
        .collect(Collectors.joining(", ", "{", "}"));
  }

  /** A value as the shell writes it: strings quoted, dates as ISODate, numbers by value, documents and arrays nested. */
  static String value(Value v) {
    if (v instanceof Value.Null) {
      return "null";
    }
    if (v instanceof Value.Text t) {
      return text(t.value());
    }
    if (v instanceof Value.Num num) {
      return number(num.decimal());
    }
    if (v instanceof Value.NonFinite f) {
      return Double.isNaN(f.value()) ? "NaN" : f.value() > 0 ? "Infinity" : "-Infinity";
    }
    if (v instanceof Value.Timestamp t) {
      return "ISODate(\"" + t.value() + "\")";
    }
    if (v instanceof Value.Uuid u) {
      return "UUID(\"" + u.value() + "\")";
    }
    if (v instanceof Value.Bytes b) {
      return "BinData(0, \"" + Base64.getEncoder().encodeToString(b.value()) + "\")";
    }
    if (v instanceof Value.ListValue l) {
      return l.values().stream().map(MongoPlan::value).collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof Value.MapValue m) {
      if (m.size() == 1 && m.fields().get("$oid") instanceof Value.Text oid) {
        return "ObjectId(" + text(oid.value()) + ")";
      }
      return fields(m.fields());
    }
    return v.toString(); // a boolean; a date without a time, which the store refuses to write (unwritable)
  }

  /** A number: plain where the shell's literal is that value, else as the wrapper the store would write. */
  private static String number(BigDecimal d) {
    boolean integer = d.signum() == 0 || d.stripTrailingZeros().scale() <= 0;
    if (integer && d.compareTo(INT_MIN) >= 0 && d.compareTo(INT_MAX) <= 0) {
      return d.toBigInteger().toString();
    }
    if (integer && d.compareTo(LONG_MIN) >= 0 && d.compareTo(LONG_MAX) <= 0) {
      return "NumberLong(\"" + d.toBigInteger() + "\")";
    }
    double x = d.doubleValue();
    if (!integer && Double.isFinite(x) && new BigDecimal(Double.toString(x)).compareTo(d) == 0) {
      return d.stripTrailingZeros().toPlainString();
    }
    return "NumberDecimal(\"" + d.stripTrailingZeros().toPlainString() + "\")";
  }

  /** A field name, quoted unless it is a plain identifier. */
  private static String name(String name) {
    return NAME.matcher(name).matches() ? name : text(name);
  }

  /** A string literal, as JSON writes it. */
  private static String text(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
