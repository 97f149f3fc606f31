package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Key;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Schema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * How Debezium record keys become keys of a store's schema (as JsonConverter writes each column
 * type Debezium maps), and the position token's text form.
 */
class DebeziumEventsTest {

  private static Key key(List<String> fields, List<Schema.Type> types, String json) {
    return new DebeziumEvents("test", "t", fields, types).key(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String enveloped(String fieldSchemas, String payload) {
    return "{\"schema\":{\"type\":\"struct\",\"fields\":[" + fieldSchemas + "],\"optional\":false,"
        + "\"name\":\"s.public.t.Key\"},\"payload\":" + payload + "}";
  }

  @Test
  @DisplayName("a numeric key column as a Connect decimal (scale from the envelope) equals the JDBC store's BigDecimal part")
  void connectDecimal() {
    String json = enveloped("{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\","
        + "\"version\":1,\"parameters\":{\"scale\":\"2\",\"connect.decimal.precision\":\"10\"},\"field\":\"price\"}",
        "{\"price\":\"BNI=\"}"); // 1234 unscaled
    assertThat(key(List.of("price"), List.of(Schema.Type.NUMBER), json)).isEqualTo(Key.of(new BigDecimal("12.34")));
    String whole = enveloped("{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\","
        + "\"version\":1,\"parameters\":{\"scale\":\"2\"},\"field\":\"price\"}", "{\"price\":\"AfQ=\"}"); // 500 → 5.00
    assertThat(key(List.of("price"), List.of(Schema.Type.NUMBER), whole)).isEqualTo(Key.of(5L));
  }

  @Test
  @DisplayName("variable-scale decimals, decimals as text and JSON numbers are numbers by value")
  void otherNumbers() {
    List<Schema.Type> number = List.of(Schema.Type.NUMBER);
    assertThat(key(List.of("n"), number, "{\"n\":{\"scale\":1,\"value\":\"Dw==\"}}")).isEqualTo(Key.of(new BigDecimal("1.5")));
    assertThat(key(List.of("n"), number, "{\"n\":\"12.50\"}")).isEqualTo(Key.of(new BigDecimal("12.5")));
    assertThat(key(List.of("n"), number, "{\"n\":9223372036854775807}")).isEqualTo(Key.of(Long.MAX_VALUE));
    assertThat(key(List.of("n"), number, "{\"n\":2.0}")).isEqualTo(Key.of(2L));
    assertThatThrownBy(() -> key(List.of("n"), number, "{\"n\":\"BNI=\"}"))
        .hasMessageContaining("key.converter.schemas.enable=true").hasMessageNotContaining("BNI=");
  }

  @Test
  @DisplayName("text, UUID and bytes parts; a char(n) column unpadded when the envelope says so; names matched ignoring case")
  void otherParts() {
    UUID u = UUID.fromString("6f1c2a3e-1b7d-4c1e-9a55-0c2b7f9e8d10");
    String json = enveloped("{\"type\":\"string\",\"optional\":false,\"name\":\"io.debezium.data.Uuid\",\"version\":1,"
        + "\"field\":\"ID\"},{\"type\":\"bytes\",\"optional\":false,\"field\":\"tag\"},{\"type\":\"string\","
        + "\"optional\":false,\"parameters\":{\"__debezium.source.column.type\":\"BPCHAR\"},\"field\":\"code\"}",
        "{\"ID\":\"" + u + "\",\"tag\":\"AQID\",\"code\":\"ab  \"}");
    assertThat(key(List.of("id", "tag", "code"), List.of(Schema.Type.UUID, Schema.Type.BYTES, Schema.Type.TEXT), json))
        .isEqualTo(Key.of(u, new byte[] {1, 2, 3}, "ab"));
    assertThat(key(List.of("code"), List.of(Schema.Type.TEXT), "{\"code\":\"ab  \"}"))
        .as("without the source type, text is kept as it is").isEqualTo(Key.of("ab  "));
  }

  @Test
  @DisplayName("a key of other fields or types is refused, naming the field but not the value")
  void refusals() {
    List<String> fields = List.of("id", "region");
    List<Schema.Type> types = List.of(Schema.Type.NUMBER, Schema.Type.TEXT);
    assertThatThrownBy(() -> key(fields, types, "{\"id\":1}")).hasMessageContaining("[id]").hasMessageContaining("keyFields");
    assertThatThrownBy(() -> key(fields, types, "{\"id\":1,\"zone\":\"eu\"}")).hasMessageContaining("not region");
    assertThatThrownBy(() -> key(fields, types, "{\"id\":1,\"region\":7}"))
        .hasMessageContaining("key field region should hold text, but holds a number");
    assertThatThrownBy(() -> key(List.of("u"), List.of(Schema.Type.UUID), "{\"u\":\"hidden-value\"}"))
        .hasMessageContaining("no UUID").hasMessageNotContaining("hidden-value");
    assertThatThrownBy(() -> key(fields, types, "[1]")).hasMessageContaining("not a JSON object");
  }

  @Test
  @DisplayName("a position token round-trips, and malformed ones say what is wrong")
  void positions() {
    TopicPosition p = new TopicPosition("AbCdEfGhIjKlMnOpQrStUv", 1234, Map.of(0, 5L, 1, 0L, 2, 77L));
    assertThat(p.token().token()).isEqualTo("v1;AbCdEfGhIjKlMnOpQrStUv;1234;0:5,1:0,2:77");
    assertThat(TopicPosition.parse(p.token())).isEqualTo(p);
    for (String bad : List.of("v1;id;1", "v0;id;1;0:1", "v1;;1;0:1", "v1;id;x;0:1", "v1;id;1;1:1", "v1;id;1;0:-1",
        "v1;id;1;0:1,2:1", "v1;id;1;0:1;", "v1;id;-5;0:1")) {
      assertThatThrownBy(() -> TopicPosition.parse(new FeedPosition(bad))).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
