package io.reconcile.debezium;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The builder's checks; the feed itself runs in PostgresChangeFeedIT. */
class PostgresChangeFeedTest {

  @ParameterizedTest
  @ValueSource(strings = {"orders", "public.orders.x", "Public.orders", "public.\"orders\"", "public.or ders",
      "public.orders;drop", ".orders"})
  void tablesMustBeSchemaDotTableInPostgresFoldedForm(String table) {
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().table(table))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("schema.table");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "Slot", "1slot", "slot-name", "slot'); drop", "x1234567890123456789012345678901234567890123456789012345678901234"})
  void slotAndPublicationNamesMustBeLowerCaseIdentifiers(String name) {
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().slotName(name))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("slotName");
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().publicationName(name))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("publicationName");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "a-b", "a b", "x12345678901234567890123456789012345678901234567890"})
  void watcherIdsAreShortWordsThatMakeValidNames(String id) {
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().watcherId(id))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("watcherId");
  }

  @Test
  void aBuilderWithoutRequiredSettingsSaysWhichAreMissing() {
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().database("shop").password("pw").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("user").hasMessageContaining("table").hasMessageContaining("store")
        .hasMessageContaining("watcherId").hasMessageNotContaining("pw");
  }

  @Test
  void settingsTheFeedDecidesCannotBeOverridden() {
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().connectorProperty("snapshot.mode", "initial"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("snapshot.mode");
    assertThatThrownBy(() -> PostgresChangeFeed.newBuilder().connectorProperty("database.password", "x"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
