package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.example.SortedMapStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves the kit's checks of write semantics have teeth: stores that claim more than they do fail
 * the tests of what they claim, and stores that claim less are held to less. The stores are static
 * nested kit subclasses, so surefire does not run them on its own.
 */
class StoreKitTeethTest {

  private static Events run(Class<? extends StoreCompatibilityKit> kit) {
    return EngineTestKit.engine("junit-jupiter").selectors(selectClass(kit)).execute().testEvents();
  }

  private static List<String> names(java.util.stream.Stream<Event> events) {
    return events.map(e -> e.getTestDescriptor().getDisplayName()).sorted().toList();
  }

  @Test
  @DisplayName("a store that writes without COMPARE_AND_SET passes, and is not checked for refusals")
  void withoutCompareAndSet() {
    Events events = run(WithoutCompareAndSet.class);
    assertThat(names(events.failed().stream())).isEmpty();
    assertThat(names(events.aborted().stream())).filteredOn(n -> n.startsWith("with COMPARE_AND_SET")).hasSize(4);
  }

  @Test
  @DisplayName("a store whose reads lag its writes passes when it says so (awaitVisible), and fails when it claims READ_YOUR_WRITES")
  void laggingReads() {
    Events honest = run(Lagging.class);
    assertThat(names(honest.failed().stream())).isEmpty();
    assertThat(honest.succeeded().count()).isGreaterThan(20);

    List<String> failed = names(run(LaggingClaimingReadYourWrites.class).failed().stream());
    assertThat(failed).contains(
        "upserts and deletes are visible to the next scan, look-up and digest, and report what they found (LONG keys)",
        "COMPARE_AND_SET, ATOMIC_BATCH and READ_YOUR_WRITES come only with WRITE; awaitVisible is true at once with"
            + " READ_YOUR_WRITES and rejects a negative timeout (LONG keys)");
  }

  @Test
  @DisplayName("a store that writes a batch action by action fails ATOMIC_BATCH when a batch fails part way")
  void notAtomic() {
    List<String> failed = names(run(ActionByAction.class).failed().stream());
    assertThat(failed).contains(
        "an action for another store fails its batch with IllegalArgumentException; with ATOMIC_BATCH, nothing of"
            + " the batch is written (LONG keys)");
  }

  @Test
  @DisplayName("a store that claims COMPARE_AND_SET but inserts over a present row fails the race for an absent key and the refusals, not the race from a present row")
  void blindInserts() {
    List<String> failed = names(run(BlindInsertsClaimingCompareAndSet.class).failed().stream());
    assertThat(failed).doesNotContain(
        "with COMPARE_AND_SET, of two conditional writes racing from the same state, exactly one applies (LONG keys)");
    assertThat(failed).contains(
        "with COMPARE_AND_SET, of two inserts racing for the same absent key, exactly one applies and the loser finds the"
            + " winner's row (LONG keys)",
        "with COMPARE_AND_SET, an action whose expectation is stale is REFUSED, reports what it found, and changes nothing"
            + " (LONG keys)",
        "with COMPARE_AND_SET, a refused action does not stop the rest of its batch (LONG keys)");
  }

  @Test
  @DisplayName("a store that orders text by Java's String order fails the text and composite shapes it declares, and passes the others")
  void textInStringOrder() {
    Events events = run(TextInStringOrder.class);
    List<String> failed = names(events.failed().stream());
    assertThat(failed)
        .contains("a scan returns exactly the entries of its range, with open ends and bounds between keys (TEXT keys)",
            "a scan returns exactly the entries of its range, with open ends and bounds between keys (LONG_AND_TEXT keys)")
        .allMatch(n -> n.endsWith("(TEXT keys)") || n.endsWith("(LONG_AND_TEXT keys)"));
    assertThat(names(events.succeeded().stream())).filteredOn(n -> n.endsWith("(OBJECT_ID keys)")).hasSizeGreaterThan(20);
  }

  @Test
  @DisplayName("a store that keeps 8 bytes of a 12-byte id fails the OBJECT_ID shape it declares, and passes the LONG one")
  void truncatedObjectIds() {
    Events events = run(TruncatedObjectIds.class);
    List<String> failed = names(events.failed().stream());
    assertThat(failed)
        .contains("what was written reads back as the same canonical data: null, empty text, 'NULL', non-ASCII, extreme"
            + " decimals (OBJECT_ID keys)")
        .allMatch(n -> n.endsWith("(OBJECT_ID keys)"));
    assertThat(names(events.succeeded().stream())).filteredOn(n -> n.endsWith("(LONG keys)")).hasSizeGreaterThan(20);
  }

  /**
   * Declares COMPARE_AND_SET, but an insert (an upsert expecting absence) writes whatever the key
   * holds, as an {@code INSERT … ON CONFLICT DO UPDATE} without a condition would; the example
   * store underneath decides every other action.
   */
  static final class BlindInsertsClaimingCompareAndSet extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new ForwardingStore(new SortedMapStore("kit", false)) {
        @Override
        public synchronized List<ActionOutcome> apply(List<RepairAction> actions) {
          List<ActionOutcome> out = new ArrayList<>();
          for (RepairAction a : actions) {
            Entry now = a.expected().isAbsent() && a.result() != null ? delegate().get(List.of(a.key())).get(a.key()) : null;
            if (now == null) {
              out.addAll(delegate().apply(List.of(a)));
            } else {
              delegate().apply(List.of(RepairAction.upsert(a.target(), a.result(), Expected.present(now))));
              out.add(new ActionOutcome(a, ActionOutcome.Status.APPLIED, now));
            }
          }
          return out;
        }
      };
    }
  }

  /** The example store, but its scans order text parts by {@link String#compareTo} (UTF-16 units). */
  static final class TextInStringOrder extends StoreCompatibilityKit {
    @Override
    protected Set<KeyShape> keyShapes() {
      return EnumSet.allOf(KeyShape.class);
    }

    @Override
    protected Store newStore(KeyShape shape) {
      return new ForwardingStore(new SortedMapStore("kit", false)) {
        @Override
        public Stream<Entry> scan(KeyRange range) {
          return super.scan(range).sorted(Comparator.comparing(Entry::key, StoreKitTeethTest::stringOrder));
        }
      };
    }
  }

  /** Key order, but with text parts compared as Java compares strings. */
  private static int stringOrder(Key a, Key b) {
    for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
      int c = a.part(i) instanceof String x && b.part(i) instanceof String y ? x.compareTo(y) : Key.of(a.part(i)).compareTo(Key.of(b.part(i)));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  /** The example store, but reading back only the last 8 bytes of a 12-byte id, as a store keeping ids in a long would. */
  static final class TruncatedObjectIds extends StoreCompatibilityKit {
    @Override
    protected Set<KeyShape> keyShapes() {
      return EnumSet.of(KeyShape.LONG, KeyShape.OBJECT_ID);
    }

    @Override
    protected Store newStore(KeyShape shape) {
      return new ForwardingStore(new SortedMapStore("kit", false)) {
        @Override
        public Stream<Entry> scan(KeyRange range) {
          return super.scan(range).map(e -> e.key().part(0) instanceof byte[] id
              ? Entry.of(Key.ofBytes(Arrays.copyOfRange(id, 4, 12)), e.fields())
              : e);
        }
      };
    }
  }

  /** The example store without COMPARE_AND_SET. */
  static final class WithoutCompareAndSet extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new ForwardingStore(new SortedMapStore("kit", false)) {
        @Override
        public Set<Capability> capabilities() {
          Set<Capability> c = EnumSet.copyOf(delegate().capabilities());
          c.remove(Capability.COMPARE_AND_SET);
          return c;
        }
      };
    }
  }

  /**
   * Reads a replica that takes the written batches only when {@link #awaitVisible} is called, as a
   * store whose reads come from an index fed by a log; declares no READ_YOUR_WRITES.
   */
  static class LaggingStore extends ForwardingStore {
    private final Store primary = new SortedMapStore("kit", false);
    private final List<List<RepairAction>> pending = new ArrayList<>();

    LaggingStore() {
      super(new SortedMapStore("kit", false));
    }

    @Override
    public Set<Capability> capabilities() {
      Set<Capability> c = EnumSet.copyOf(delegate().capabilities());
      c.remove(Capability.READ_YOUR_WRITES);
      return c;
    }

    @Override
    public synchronized List<ActionOutcome> apply(List<RepairAction> actions) {
      List<ActionOutcome> outcomes = primary.apply(actions);
      pending.add(actions);
      return outcomes;
    }

    @Override
    public synchronized boolean awaitVisible(Duration timeout) {
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("a negative timeout: " + timeout);
      }
      pending.forEach(delegate()::apply);
      pending.clear();
      return true;
    }

    @Override
    public void close() {
      primary.close();
      super.close();
    }
  }

  static final class Lagging extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new LaggingStore();
    }
  }

  static final class LaggingClaimingReadYourWrites extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new LaggingStore() {
        @Override
        public Set<Capability> capabilities() {
          Set<Capability> c = super.capabilities();
          c.add(Capability.READ_YOUR_WRITES);
          return c;
        }
      };
    }
  }

  /** Claims ATOMIC_BATCH but applies a batch one action at a time, each its own batch. */
  static final class ActionByAction extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new ForwardingStore(new SortedMapStore("kit", false)) {
        @Override
        public List<ActionOutcome> apply(List<RepairAction> actions) {
          List<ActionOutcome> out = new ArrayList<>();
          for (RepairAction a : actions) {
            out.addAll(delegate().apply(List.of(a)));
          }
          return out;
        }
      };
    }
  }
}
