package io.reconcile.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.store.FeedPosition;
import org.bson.BsonBinary;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The text form of change stream positions: what the feed writes, it reads back exactly; anything else is refused. */
class StreamPositionTest {

  @Test
  void aResumeTokenReadsBackWithItsTypes() {
    BsonDocument token = new BsonDocument("_data", new BsonString("8263F0A1B2000000012B0429296E1404"))
        .append("_typeBits", new BsonBinary(new byte[] {1, 2})).append("n", new BsonInt64(7));
    FeedPosition p = new StreamPosition.After(token).toFeedPosition();
    assertThat(p.token()).startsWith("v1;{");
    assertThat(StreamPosition.parse(p)).isEqualTo(new StreamPosition.After(token));
  }

  @Test
  void aClusterTimeReadsBackAndItsSuccessorIsTheNextTimestamp() {
    BsonTimestamp t = new BsonTimestamp(-2, 5); // seconds beyond 2^31, unsigned
    FeedPosition p = new StreamPosition.At(t).toFeedPosition();
    assertThat(p.token()).isEqualTo("v1;at;4294967294:5");
    assertThat(StreamPosition.parse(p)).isEqualTo(new StreamPosition.At(t));
    assertThat(StreamPosition.At.after(new BsonTimestamp(10, 3))).isEqualTo(new StreamPosition.At(new BsonTimestamp(10, 4)));
    assertThat(StreamPosition.At.after(new BsonTimestamp(10, -1))).isEqualTo(new StreamPosition.At(new BsonTimestamp(11, 0)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"_data\": \"00\"}", "v2;{\"_data\": \"00\"}", "v1;", "v1;{", "v1;[1]", "v1;{}", "v1;at;1",
      "v1;at;1:x", "v1;at;-1:0", "v1;at;1:2:3", "v1;at;99999999999:0"})
  void anythingElseIsRefusedWithoutQuotingIt(String token) {
    assertThatThrownBy(() -> StreamPosition.parse(new FeedPosition(token))).isInstanceOf(IllegalArgumentException.class)
        .message().doesNotContain(token);
  }
}
