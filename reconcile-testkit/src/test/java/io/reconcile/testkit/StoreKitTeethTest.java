package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.example.SortedMapStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
    assertThat(names(events.aborted().stream())).filteredOn(n -> n.startsWith("with COMPARE_AND_SET")).hasSize(3);
  }

  @Test
  @DisplayName("a store whose reads lag its writes passes when it says so (awaitVisible), and fails when it claims READ_YOUR_WRITES")
  void laggingReads() {
    Events honest = run(Lagging.class);
    assertThat(names(honest.failed().stream())).isEmpty();
    assertThat(honest.succeeded().count()).isGreaterThan(20);

    List<String> failed = names(run(LaggingClaimingReadYourWrites.class).failed().stream());
    assertThat(failed).contains(
        "upserts and deletes are visible to the next scan, look-up and digest, and report what they found",
        "COMPARE_AND_SET, ATOMIC_BATCH and READ_YOUR_WRITES come only with WRITE; awaitVisible is true at once with"
            + " READ_YOUR_WRITES and rejects a negative timeout");
  }

  @Test
  @DisplayName("a store that writes a batch action by action fails ATOMIC_BATCH when a batch fails part way")
  void notAtomic() {
    List<String> failed = names(run(ActionByAction.class).failed().stream());
    assertThat(failed).contains(
        "an action for another store fails its batch with IllegalArgumentException; with ATOMIC_BATCH, nothing of"
            + " the batch is written");
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
