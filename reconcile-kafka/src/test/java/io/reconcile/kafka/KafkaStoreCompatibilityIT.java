package io.reconcile.kafka;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeListener;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.Subscription;
import java.time.Duration;
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
    return new PulledSubscriptions(builder(shape).build());
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

  /**
   * The store, with the kit's listener served by its pull feed ({@link KafkaStore#changes}): a
   * thread polls a feed opened at the end and tells the listener each changed key. The kit still
   * asks for the deprecated {@code subscribe}, which the store no longer has; this goes once the kit
   * reads {@code changes}.
   */
  private static final class PulledSubscriptions extends ForwardingStore {

    PulledSubscriptions(Store store) {
      super(store);
    }

    @Override
    @SuppressWarnings("removal")
    public Subscription subscribe(ChangeListener listener) {
      ChangeFeed feed = changes(Optional.empty());
      Thread poller = new Thread(() -> {
        try {
          while (true) {
            for (Change c : feed.poll(Duration.ofMillis(200)).changes()) {
              listener.changed(c.key());
            }
          }
        } catch (ReconcileException.StoreUnavailableException | InterruptedException closed) {
          // the subscription (or the store) was closed
        }
      }, "kit-subscription");
      poller.setDaemon(true);
      poller.start();
      return () -> {
        feed.close();
        try {
          poller.join(10_000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      };
    }
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
