package io.reconcile.core;

import io.reconcile.apicheck.ApiGate;
import org.junit.jupiter.api.Test;

/** The public API equals api/reconcile-core.api; with -Dapi.update=true this rewrites the file. */
class PublicApiTest {

  @Test
  void matchesTheCheckedInApiFile() {
    ApiGate.check(Reconciler.class, "reconcile-core");
  }
}
