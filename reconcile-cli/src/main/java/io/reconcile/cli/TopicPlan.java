package io.reconcile.cli;

import io.reconcile.api.Entry;
import io.reconcile.api.Normalization;
import io.reconcile.api.store.RepairAction;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A dry run's plan for a Kafka topic, as the records the store would produce for each action: the
 * key and the new value's fields, or a tombstone; per batch the store reads the topic up to its end
 * first and produces, in one transaction, only the records whose key still holds what detection
 * saw. Nothing here is ever produced.
 */
final class TopicPlan {

  private TopicPlan() {}

  /** The comment, record and condition lines of one planned action. */
  static List<String> render(Job.Table table, RunEvents.Planned planned) {
    RepairAction a = planned.action();
    Normalization n = NormalizeRules.parse(table.normalize());
    List<String> lines = new ArrayList<>();
    lines.add("-- " + a.target() + ", key " + a.key() + ": " + planned.decision());
    Entry result = a.result();
    lines.add(result == null
        ? "PRODUCE key " + a.key() + " tombstone"
        : "PRODUCE key " + a.key() + " value " + fields(n, result));
    Entry expected = a.expected().entry();
    lines.add(expected == null
        ? "--   only if key " + a.key() + " is still absent"
        : "--   only if key " + a.key() + " still holds " + fields(n, expected));
    return lines;
  }

  private static String fields(Normalization n, Entry e) {
    return n.toStore(e.fields()).fields().entrySet().stream()
        .map(f -> f.getKey() + "=" + f.getValue())
        .collect(Collectors.joining(", ", "{", "}"));
  }
}
