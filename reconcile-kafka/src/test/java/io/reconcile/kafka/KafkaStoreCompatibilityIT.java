package io.reconcile.kafka;

import io.reconcile.api.store.Store;
import io.reconcile.testkit.KeyShape;
import io.reconcile.testkit.StoreCompatibilityKit;
import io.reconcile.testservers.TestKafka;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/** The store kit against compacted topics of three partitions on a real (in-process) broker, every key shape. */
class KafkaStoreCompatibilityIT extends StoreCompatibilityKit {

  @Override
  protected Set<KeyShape> keyShapes() {
    return EnumSet.allOf(KeyShape.class);
  }

  @Override
  protected Store newStore(KeyShape shape) {
    return builder(shape).build();
  }

  @Override
  protected Optional<Store> newReadOnlyStore(KeyShape shape) {
    return Optional.of(builder(shape).readOnly(true).build());
  }

  @Override
  protected Map<String, Supplier<Store>> badConfigurations() {
    return Map.of("no-such-topic", () -> KafkaStore.newBuilder(TestKafka.bootstrapServers(), "no-such-topic")
        .indexDirectory(TopicFixture.newDirectory()).build());
  }

  private static KafkaStore.Builder builder(KeyShape shape) {
    String topic = TestKafka.compactedTopic("kit-" + shape.name().toLowerCase(java.util.Locale.ROOT), 3);
    KeyFormat keys = switch (shape) {
      case LONG, TEXT -> KeyFormat.json("id");
      case LONG_AND_TEXT -> KeyFormat.json("id", "tag");
      case OBJECT_ID -> KeyFormat.bytes("id");
    };
    return KafkaStore.newBuilder(TestKafka.bootstrapServers(), topic).id("kit").keyFormat(keys)
        .indexDirectory(TopicFixture.newDirectory());
  }
}
