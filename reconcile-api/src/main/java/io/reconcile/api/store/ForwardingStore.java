package io.reconcile.api.store;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A store that forwards every call to another, default methods of {@link Store} included (so that
 * a decorator never silently turns the delegate's batched multi-range read or its own digest of one
 * range into the interface's slower default): subclass it and override only what you decorate
 * (metering, fault injection, access control, caching). Thread-safe if the delegate is.
 *
 * <p>Some methods read the same thing in different shapes: {@link #scan(KeyRange)}, {@link
 * #scan(List)} and {@link #rowHashes}; {@link #digest(List, HashScheme)} and {@link
 * #digest(KeyRange)}. Each is forwarded on its own, so a subclass that decorates one of a group
 * decorates the others as well.
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
  public Digest digest(KeyRange range) {
    return delegate.digest(range);
  }

  @Override
  public Stream<Entry> scan(KeyRange range) {
    return delegate.scan(range);
  }

  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    return delegate.scan(ranges);
  }

  @Override
  public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
    return delegate.rowHashes(ranges, scheme);
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
  public boolean awaitVisible(Duration timeout) {
    return delegate.awaitVisible(timeout);
  }

  @Override
  public ChangeFeed changes(Optional<FeedPosition> after) {
    return delegate.changes(after);
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
