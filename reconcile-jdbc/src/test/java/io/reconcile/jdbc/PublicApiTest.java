package io.reconcile.jdbc;

import io.reconcile.apicheck.ApiGate;
import org.junit.jupiter.api.Test;

/** The public API equals api/reconcile-jdbc.api; with -Dapi.update=true this rewrites the file. */
class PublicApiTest {

  @Test
  void matchesTheCheckedInApiFile() {
    ApiGate.check(JdbcStore.class, "reconcile-jdbc");
  }
}
