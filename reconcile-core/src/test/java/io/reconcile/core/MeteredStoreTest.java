package io.reconcile.core;

import io.reconcile.testkit.DecoratorCheck;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MeteredStoreTest {

  @Test
  @DisplayName("the engine's metering wrapper forwards every call as the same call (it never closes the caller's store)")
  void forwardsEveryCall() {
    DecoratorCheck.assertForwardsEveryCall(MeteredStore::new, "close");
  }
}
