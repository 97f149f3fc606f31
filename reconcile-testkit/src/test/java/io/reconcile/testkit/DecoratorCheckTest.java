package io.reconcile.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Segment;
import io.reconcile.api.store.Store;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DecoratorCheckTest {

  @Test
  @DisplayName("ForwardingStore forwards every method of Store as the same call, default methods included")
  void forwardingStoreForwardsEverything() {
    DecoratorCheck.assertForwardsEveryCall(s -> new ForwardingStore(s) {});
  }

  @Test
  @DisplayName("a decorator that leaves scan(List) to the interface's default fails, naming it")
  void aDecoratorOnTheDefaultsFails() {
    AssertionError e = assertThrows(AssertionError.class, () -> DecoratorCheck.assertForwardsEveryCall(Bare::new));
    assertTrue(e.getMessage().contains("scan(List)"), e.getMessage());
    assertTrue(e.getMessage().contains("the wrapped store saw [scan(KeyRange)]"), e.getMessage());
    assertTrue(e.getMessage().contains("fingerprint()"), e.getMessage());
    assertTrue(e.getMessage().contains("awaitVisible(Duration)"), e.getMessage());
  }

  @Test
  @DisplayName("methods a decorator keeps to itself on purpose can be named")
  void exemptions() {
    DecoratorCheck.assertForwardsEveryCall(s -> new ForwardingStore(s) {
      @Override
      public void close() {}
    }, "close");
    assertThrows(AssertionError.class, () -> DecoratorCheck.assertForwardsEveryCall(s -> new ForwardingStore(s) {
      @Override
      public void close() {}
    }));
  }

  /** Forwards only the abstract methods, as a decorator written against an older Store would. */
  private record Bare(Store d) implements Store {
    @Override
    public String id() {
      return d.id();
    }

    @Override
    public Set<Capability> capabilities() {
      return d.capabilities();
    }

    @Override
    public List<Segment> segments(KeyRange range, int maxSegments) {
      return d.segments(range, maxSegments);
    }

    @Override
    public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
      return d.digest(ranges, scheme);
    }

    @Override
    public Stream<Entry> scan(KeyRange range) {
      return d.scan(range);
    }

    @Override
    public List<ActionOutcome> apply(List<RepairAction> actions) {
      return d.apply(actions);
    }

    @Override
    public void close() {
      d.close();
    }
  }
}
