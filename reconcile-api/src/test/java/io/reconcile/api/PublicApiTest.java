package io.reconcile.api;

import io.reconcile.apicheck.ApiGate;
import org.junit.jupiter.api.Test;

/** The public API equals api/reconcile-api.api; with -Dapi.update=true this rewrites the file. */
class PublicApiTest {

  @Test
  void matchesTheCheckedInApiFile() {
    ApiGate.check(Key.class, "reconcile-api");
  }
}
