package io.reconcile.testkit;

import io.reconcile.apicheck.ApiGate;
import org.junit.jupiter.api.Test;

/** The public API equals api/reconcile-testkit.api; with -Dapi.update=true this rewrites the file. */
class PublicApiTest {

  @Test
  void matchesTheCheckedInApiFile() {
    ApiGate.check(StoreCompatibilityKit.class, "reconcile-testkit");
  }
}
