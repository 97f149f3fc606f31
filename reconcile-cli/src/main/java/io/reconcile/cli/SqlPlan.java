package io.reconcile.cli;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Normalization;
import io.reconcile.api.Value;
import io.reconcile.api.store.RepairAction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A dry run's plan as the statements the JDBC store runs for each action: SQL text with
 * placeholders, the values it binds shown separately, and the condition under which it runs. Per
 * action the store reads the row with {@code SELECT … FOR UPDATE} in the batch's transaction and
 * runs the statement only if the row still holds what detection saw; nothing here is ever
 * executed. Identifiers are shown as configured; the store quotes the catalog's spelling.
 */
final class SqlPlan {

  private SqlPlan() {}

  /** The comment, statement, binds and condition lines of one planned action. */
  static List<String> render(Job.Table table, RunEvents.Planned planned) {
    RepairAction a = planned.action();
    Normalization n = NormalizeRules.parse(table.normalize());
    Key key = a.key();
    String name = table.nameOfStore(a.target());
    List<String> keyColumns = table.keys();
    List<String> lines = new ArrayList<>();
    lines.add("-- " + a.target() + ", key " + key + ": " + planned.decision());
    List<Object> binds = new ArrayList<>();
    Entry result = a.result();
    Entry expected = a.expected().entry();
    if (result == null) {
      lines.add("DELETE FROM " + name + " WHERE " + keyCondition(keyColumns) + ";");
      binds.addAll(key.parts());
    } else {
      Map<String, Value> values = n.toStore(result.fields()).fields();
      if (expected == null) {
        List<String> cols = new ArrayList<>(keyColumns);
        cols.addAll(values.keySet());
        lines.add("INSERT INTO " + name + " (" + String.join(", ", cols) + ") VALUES ("
            + cols.stream().map(c -> "?").collect(Collectors.joining(", ")) + ");");
        binds.addAll(key.parts());
        binds.addAll(values.values());
      } else {
        lines.add("UPDATE " + name + " SET "
            + values.keySet().stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
            + " WHERE " + keyCondition(keyColumns) + ";");
        binds.addAll(values.values());
        binds.addAll(key.parts());
      }
    }
    lines.add("--   binds: " + binds.stream().map(SqlPlan::show).collect(Collectors.joining(", ")));
    lines.add(expected == null
        ? "--   only if key " + key + " is still absent"
        : "--   only if key " + key + " still holds " + fields(n, expected));
    return lines;
  }

  private static String keyCondition(List<String> keyColumns) {
    return keyColumns.stream().map(k -> k + " = ?").collect(Collectors.joining(" AND "));
  }

  private static String fields(Normalization n, Entry e) {
    return n.toStore(e.fields()).fields().entrySet().stream()
        .map(f -> f.getKey() + "=" + show(f.getValue()))
        .collect(Collectors.joining(", "));
  }

  /** A bound value: a column value as the diff shows it, a key part as in its key. */
  private static String show(Object bind) {
    return bind instanceof Value v ? v.toString() : Key.composite(List.of(bind)).toString();
  }
}
