package io.reconcile.jdbc;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Store;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** A store that records the hash schemes the engine digests it with. */
final class SchemeSpy extends ForwardingStore {

  final Set<HashScheme> used = ConcurrentHashMap.newKeySet();

  SchemeSpy(Store delegate) {
    super(delegate);
  }

  @Override
  public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
    used.add(scheme);
    return super.digest(ranges, scheme);
  }

  @Override
  public Stream<Entry> scan(List<KeyRange> ranges) {
    return delegate().scan(ranges);
  }
}
