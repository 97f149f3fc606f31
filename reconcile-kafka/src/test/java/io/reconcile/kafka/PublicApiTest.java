package io.reconcile.kafka;

import io.reconcile.apicheck.ApiGate;
import org.junit.jupiter.api.Test;

/** The public API equals api/reconcile-kafka.api; with -Dapi.update=true this rewrites the file. */
class PublicApiTest {

  @Test
  void matchesTheCheckedInApiFile() {
    ApiGate.check(KafkaStore.class, "reconcile-kafka");
  }
}
