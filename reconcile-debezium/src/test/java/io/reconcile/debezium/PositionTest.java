package io.reconcile.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.store.FeedPosition;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PositionTest {

  @Test
  void aPositionReadsBackAsWrittenWithNumbersAsLongsAsDebeziumsOffsetLoaderCastsThem() {
    Map<String, Object> offset = new LinkedHashMap<>();
    offset.put("lsn_proc", 26406032L);
    offset.put("lsn", 26406032L);
    offset.put("txId", 779L);
    offset.put("messageType", "INSERT");
    offset.put("snapshot", false);
    Position p = new Position("shop", "reconcile_w", "public.orders", 26406032L, offset, "id INT64");
    FeedPosition token = p.toFeedPosition();

    Position read = Position.parse(token);

    assertThat(read).isEqualTo(p);
    assertThat(read.offset().get("txId")).isInstanceOf(Long.class);
    assertThat(read.toFeedPosition()).isEqualTo(token);
  }

  @Test
  void theFirstPositionOfAFeedHoldsNoOffset() {
    Position p = new Position("shop", "s", "public.t", 5, null, null);
    assertThat(Position.parse(p.toFeedPosition())).isEqualTo(p);
    assertThat(p.toFeedPosition().token()).doesNotContain("offset");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "not json", "[1]", "{\"v\":2,\"database\":\"d\",\"slot\":\"s\",\"table\":\"t\",\"resumeLsn\":1}",
      "{\"v\":1,\"slot\":\"s\",\"table\":\"t\",\"resumeLsn\":1}",
      "{\"v\":1,\"database\":\"d\",\"slot\":\"s\",\"table\":\"t\",\"resumeLsn\":-1}",
      "{\"v\":1,\"database\":\"d\",\"slot\":\"s\",\"table\":\"t\",\"resumeLsn\":1,\"offset\":{}}",
      "{\"v\":1,\"database\":\"d\",\"slot\":\"s\",\"table\":\"t\",\"resumeLsn\":1,\"offset\":{\"txId\":1}}",
      "{\"v\":1,\"database\":\"d\",\"slot\":\"s\",\"table\":\"t\",\"resumeLsn\":1,\"offset\":{\"lsn\":[1]}}"})
  void malformedTokensAreRefusedWithAReasonThatDoesNotQuoteThem(String token) {
    assertThatThrownBy(() -> Position.parse(new FeedPosition(token)))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("database\":"));
  }
}
