package io.reconcile.api.store;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.repair.ActionOutcome;
import io.reconcile.api.repair.RepairAction;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A store that forwards every call to another: subclass it and override only what you decorate
 * (metering, fault injection, access control, caching). Thread-safe if the delegate is.
 *
 * <p>One exception keeps decorators whole: {@link #scan(List)} is not forwarded as one call but
 * scans range by range through {@link #scan(KeyRange)}, so a subclass that decorates {@code
 * scan(KeyRange)} sees every range read. Override {@code scan(List)} as well to pass batched
 * reads on to the delegate (e.g. {@code delegate().scan(ranges).map(…)}).
 */
public abstract class ForwardingStore implements Store {

  private final Store delegate;

  /** Forwards to {@code delegate}. */
  protected ForwardingStore(Store delegate) {
    this.delegate = java.util.Objects.requireNonNull(delegate, "delegate");
  }

  /** The store calls are forwarded to. */
  protected Store delegate() {
    return delegate;
  }

  @Override
  public String id() {
    return delegate.id();
  }

  @Override
  public Set<Capability> capabilities() {
    return delegate.capabilities();
  }

  @Override
  public Set<HashScheme> hashSchemes() {
    return delegate.hashSchemes();
  }

  @Override
  public Optional<Schema> schema() {
    return delegate.schema();
  }

  @Override
  public Map<String, String> fingerprint() {
    return delegate.fingerprint();
  }

  @Override
  public Optional<String> unwritable(RepairAction action) {
    return delegate.unwritable(action);
  }

  @Override
  public List<Segment> segments(KeyRange range, int maxSegments) {
    return delegate.segments(range, maxSegments);
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    return delegate.digest(ranges, scheme);
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return delegate.scan(range);
  }

  @Override
  public Map<Key, Entry> get(Collection<Key> keys) {
    return delegate.get(keys);
  }

  @Override
  public List<ActionOutcome> apply(List<RepairAction> actions) {
    return delegate.apply(actions);
  }

  @Override
  public Subscription subscribe(ChangeListener listener) {
    return delegate.subscribe(listener);
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[" + delegate + "]";
  }
}
