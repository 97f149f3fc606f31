package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Normalization;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StoreOptionsTest {

  @Test
  @DisplayName("unset options are the plugin's defaults")
  void defaults() {
    StoreOptions o = StoreOptions.newBuilder().build();
    assertThat(o).isEqualTo(StoreOptions.defaults());
    assertThat(o.id()).isEmpty();
    assertThat(o.dataset()).isEmpty();
    assertThat(o.keyFields()).isEmpty();
    assertThat(o.fields()).isEmpty();
    assertThat(o.normalization()).isEqualTo(Normalization.none());
    assertThat(o.versionField()).isEmpty();
    assertThat(o.filter()).isEmpty();
    assertThat(o.readOnly()).isFalse();
    assertThat(o.properties()).isEmpty();
  }

  @Test
  @DisplayName("a setter called twice throws, naming the option and what it was set to")
  void setOnce() {
    Map<String, Consumer<StoreOptions.Builder>> twice = Map.of(
        "id was already set to orders", b -> b.id("orders").id("replica"),
        "dataset was already set to sales.orders", b -> b.dataset("sales.orders").dataset("orders"),
        "keyFields was already set to [region, id]", b -> b.keyFields("region", "id").keyFields("id"),
        "fields was already set to []", b -> b.fields().fields("name"),
        "normalization was already set to " + Normalization.none(),
            b -> b.normalization(Normalization.none()).normalization(Normalization.none()),
        "versionField was already set to updated_at", b -> b.versionField("updated_at").versionField("v"),
        "filter was already set to region = 'eu'", b -> b.filter("region = 'eu'").filter("true"),
        "readOnly was already set to false", b -> b.readOnly(false).readOnly(true),
        "property password was already set", b -> b.property("password", "s3cret").property("password", "other"));
    twice.forEach((message, calls) ->
        assertThatThrownBy(() -> calls.accept(StoreOptions.newBuilder()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage(message));
  }

  @Test
  @DisplayName("names must be text, each given once; secrets are masked when shown")
  void checks() {
    assertThatThrownBy(() -> StoreOptions.newBuilder().id(" ")).hasMessage("id must not be blank");
    assertThatThrownBy(() -> StoreOptions.newBuilder().keyFields("id", "")).hasMessage("keyFields name must not be blank");
    assertThatThrownBy(() -> StoreOptions.newBuilder().fields("a", "b", "a"))
        .hasMessage("fields names 'a' twice; name each field once");
    StoreOptions o = StoreOptions.newBuilder().keyFields("region", "id").property("password", "s3cret").property("user", "app")
        .readOnly(true).build();
    assertThat(o.keyFields()).isEqualTo(List.of("region", "id"));
    assertThat(o.readOnly()).isTrue();
    assertThat(o.property("password")).contains("s3cret");
    assertThat(o.toString()).doesNotContain("s3cret").contains("user=app");
  }
}
