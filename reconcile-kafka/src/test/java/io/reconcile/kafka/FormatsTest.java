package io.reconcile.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.Value;
import io.reconcile.api.store.StoreOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Record keys and values both ways, and the URIs the provider refuses before it connects. */
class FormatsTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("JSON keys: an object's named fields or a bare scalar read as one key, written back as the object")
  void jsonKeys() {
    KeyFormat one = KeyFormat.json("id");
    assertThat(one.read(utf8("{\"id\":42,\"other\":1}"))).isEqualTo(Key.of(42L));
    assertThat(one.read(utf8("42"))).isEqualTo(Key.of(42L));
    assertThat(one.read(utf8("\"a-b\""))).isEqualTo(Key.of("a-b"));
    assertThat(new String(one.write(Key.of(42L)), StandardCharsets.UTF_8)).isEqualTo("{\"id\":42}");

    KeyFormat two = KeyFormat.json("region", "id");
    Key k = two.read(utf8("{\"id\":7,\"region\":\"eu\"}"));
    assertThat(k).isEqualTo(Key.of("eu", 7L));
    assertThat(two.read(two.write(k))).isEqualTo(k);
    assertThat(KeyFormat.json("id").read(utf8("{\"id\":1.50}"))).isEqualTo(Key.of(new BigDecimal("1.5")));
    for (Key tricky : List.of(Key.of("plain"), Key.of("quote\" and \\ back"), Key.of("é 日本 🙂"), Key.of("tab\there"),
        Key.of(Long.MIN_VALUE), Key.of(new BigDecimal("12345678901234567890.25")))) {
      assertThat(one.read(one.write(tricky))).as(tricky.toString()).isEqualTo(tricky);
    }
  }

  @Test
  @DisplayName("a key that is not of the format is refused naming what was expected, never the bytes")
  void badKeys() {
    assertThatThrownBy(() -> KeyFormat.json("id").read(utf8("{\"other\":\"secret-value\"}")))
        .hasMessageContaining("no field id").hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> KeyFormat.json("id").read(utf8("not json secret-value")))
        .hasMessageContaining("not JSON").hasMessageNotContaining("secret-value");
    assertThatThrownBy(() -> KeyFormat.longs("id").read(new byte[3])).hasMessageContaining("8 bytes");
    assertThatThrownBy(() -> KeyFormat.string("id").read(new byte[] {(byte) 0xC3})).hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> KeyFormat.string("id").write(Key.of(5L))).hasMessageContaining("key field id is text");
  }

  @Test
  @DisplayName("simple keys and values round-trip")
  void simpleFormats() {
    assertThat(KeyFormat.longs("id").read(KeyFormat.longs("id").write(Key.of(-5L)))).isEqualTo(Key.of(-5L));
    assertThat(KeyFormat.bytes("id").read(new byte[] {1, 2})).isEqualTo(Key.ofBytes(new byte[] {1, 2}));
    Value.MapValue text = ValueFormat.string("body").read(utf8("héllo"));
    assertThat(text.fields()).containsEntry("body", Value.of("héllo"));
    assertThat(ValueFormat.string("body").write(text)).isEqualTo(utf8("héllo"));
    assertThatThrownBy(() -> ValueFormat.string("body").write(Value.MapValue.of(Map.of("other", Value.of("secret")))))
        .hasMessageContaining("body").hasMessageNotContaining("secret\"");
  }

  @Test
  @DisplayName("JSON values: nested documents kept, numbers exact, and written back to equal values")
  void jsonValues() {
    Value.MapValue v = ValueFormat.json().read(utf8("{\"a\":{\"b\":[1,2.50,null]},\"n\":12345678901234567890.1,\"t\":true}"));
    assertThat(v.fields().get("n")).isEqualTo(Value.of(new BigDecimal("12345678901234567890.1")));
    assertThat(ValueFormat.json().read(ValueFormat.json().write(v))).isEqualTo(v);
    assertThatThrownBy(() -> ValueFormat.json().read(utf8("[1]"))).hasMessageContaining("JSON object");
  }

  @Test
  @DisplayName("URIs the provider refuses, each in one line naming the option, before anything connects")
  void badUris() {
    KafkaStoreProvider p = new KafkaStoreProvider();
    StoreOptions none = StoreOptions.defaults();
    for (Map.Entry<String, String> bad : Map.of(
        "kafka:/nohost", "shape",
        "kafka://u:secret@127.0.0.1:1/t", "no user or password",
        "kafka://127.0.0.1:1/t?format=xml", "format is json",
        "kafka://127.0.0.1:1/t?keyFormat=uuid", "keyFormat is",
        "kafka://127.0.0.1:1/t?colour=red", "takes the options",
        "kafka://127.0.0.1:1/t?keyFormat=long&key=a,b", "one field",
        "kafka://127.0.0.1:1/", "needs a topic").entrySet()) {
      assertThatThrownBy(() -> p.open(bad.getKey(), none)).as(bad.getKey())
          .isInstanceOf(ReconcileException.ConfigurationException.class)
          .hasMessageContaining(bad.getValue()).hasMessageNotContaining("secret");
    }
    assertThatThrownBy(() -> p.open("kafka://127.0.0.1:1/t", StoreOptions.newBuilder().filter("a > 1").build()))
        .hasMessageContaining("no filter");
    assertThatThrownBy(() -> p.open("kafka://127.0.0.1:1/t", StoreOptions.newBuilder().property("password", "secret").build()))
        .hasMessageContaining("sasl.jaas.config").hasMessageNotContaining("secret\"");
    assertThat(List.copyOf(p.schemes())).containsExactly("kafka");
  }
}
