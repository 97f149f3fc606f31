package io.reconcile.core;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.memory.MemoryStore;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A store that writes without compare-and-set, as a topic does: every action is written as it is,
 * whatever the entry holds, action by action (no atomic batch). Reads are the memory store's.
 */
final class BlindWriteStore extends ForwardingStore {

  private final MemoryStore memory;

  BlindWriteStore(MemoryStore memory) {
    super(memory);
    this.memory = memory;
  }

  @Override
  public Set<Capability> capabilities() {
    Set<Capability> c = EnumSet.copyOf(memory.capabilities());
    c.removeAll(EnumSet.of(Capability.COMPARE_AND_SET, Capability.ATOMIC_BATCH));
    return c;
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    List<ActionOutcome> out = new ArrayList<>();
    for (RepairAction a : actions) {
      Key key = a.key();
      Entry before = memory.get(List.of(key)).get(key);
      Entry result = a.result();
      if (result == null) {
        memory.remove(key);
      } else {
        memory.put(result);
      }
      out.add(new ActionOutcome(a, ActionOutcome.Status.APPLIED, before));
    }
    return out;
  }
}
