package io.reconcile.core.check;

import io.reconcile.api.repair.CheckContext;
import io.reconcile.api.store.Store;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

/** A check context over given stores with a fixed clock. */
record TestContext(List<Store> stores, Clock clock) implements CheckContext {

  static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");

  static TestContext of(Store... stores) {
    return new TestContext(List.of(stores), Clock.fixed(NOW, ZoneOffset.UTC));
  }
}
