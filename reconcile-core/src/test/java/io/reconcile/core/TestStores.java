package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.core.memory.MemoryStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The engine tests' stores: rows of one field {@code v}, and two stores that start out equal. */
final class TestStores {

  private TestStores() {}

  /** The row of key {@code id} with field {@code v}. */
  static Entry row(long id, String v) {
    return Entry.of(Key.of(id), Map.of("v", v));
  }

  /** Stores "a" and "b", each holding rows 0 to n - 1 with {@code v = "v" + key}. */
  static MemoryStore[] equalPair(int n) {
    MemoryStore a = MemoryStore.create("a");
    MemoryStore b = MemoryStore.create("b");
    List<Entry> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(i, "v" + i));
    }
    a.putAll(rows);
    b.putAll(rows);
    return new MemoryStore[] {a, b};
  }
}
