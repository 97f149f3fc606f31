package io.reconcile.testkit;

import io.reconcile.api.Entry;
import io.reconcile.api.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What a merge may produce from its inputs: the field-wise order the contracts check inclusion
 * in by default, and whether a merged value is made only of what the inputs hold.
 */
final class Inclusion {

  private Inclusion() {}

  /**
   * Field-wise inclusion: {@code larger} holds every field {@code smaller} holds; where both hold
   * a map, every entry of {@code smaller}'s map, field-wise again; where both hold a list, every
   * element of {@code smaller}'s. Other values (numbers, text, a list where the other holds text, …)
   * may differ: a concurrent write may overwrite them.
   */
  static boolean fieldWise(Entry larger, Entry smaller) {
    return includes(larger.fields(), smaller.fields());
  }

  private static boolean includes(@Nullable Value larger, Value smaller) {
    if (larger == null) {
      return false;
    }
    if (smaller instanceof Value.MapValue s && larger instanceof Value.MapValue l) {
      for (Map.Entry<String, Value> f : s.fields().entrySet()) {
        if (!includes(l.fields().get(f.getKey()), f.getValue())) {
          return false;
        }
      }
      return true;
    }
    if (smaller instanceof Value.ListValue s && larger instanceof Value.ListValue l) {
      return l.values().containsAll(s.values());
    }
    return true;
  }

  /**
   * Whether {@code value} is one of {@code held}, or is made of them: a list of elements their
   * lists hold, a map whose every entry is made of what their maps hold under that name.
   */
  static boolean madeOf(Value value, List<Value> held) {
    if (held.contains(value)) {
      return true;
    }
    if (value instanceof Value.ListValue list) {
      List<Value> elements = new ArrayList<>();
      held.forEach(h -> {
        if (h instanceof Value.ListValue l) {
          elements.addAll(l.values());
        }
      });
      return elements.containsAll(list.values());
    }
    if (value instanceof Value.MapValue map) {
      for (Map.Entry<String, Value> f : map.fields().entrySet()) {
        List<Value> under = new ArrayList<>();
        held.forEach(h -> {
          if (h instanceof Value.MapValue m && m.fields().containsKey(f.getKey())) {
            under.add(m.fields().get(f.getKey()));
          }
        });
        if (!madeOf(f.getValue(), under)) {
          return false;
        }
      }
      return true;
    }
    return false;
  }
}
