package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException;
import org.junit.jupiter.api.Test;

/** With only the api jar on the class path there is no provider at all. */
class StoresTest {

  @Test
  void noProviderNamesTheModuleToAdd() {
    assertThatThrownBy(() -> Stores.open("jdbc:postgresql://ada:hunter2@localhost/app"))
        .isInstanceOf(ReconcileException.ConfigurationException.class)
        .hasMessage(
            "no store provider handles the scheme 'jdbc:postgresql' of"
                + " 'jdbc:postgresql://ada:***@localhost/app'; providers found: none; add"
                + " io.reconcile:reconcile-jdbc to the class path");
    assertThatThrownBy(() -> Stores.open("mem:x")).hasMessageEndingWith("add io.reconcile:reconcile-core to the class path");
    assertThatThrownBy(() -> Stores.open("mongodb://h/db")).hasMessageContaining("add io.reconcile:reconcile-mongo");
    assertThatThrownBy(() -> Stores.open("kafka://h:9092/topic")).hasMessageContaining("add io.reconcile:reconcile-kafka");
    assertThatThrownBy(() -> Stores.open("foo:bar")).hasMessageContaining("check the URI's spelling");
  }
}
