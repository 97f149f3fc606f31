package io.reconcile.debezium.internal;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.jspecify.annotations.Nullable;

/**
 * Not API: the offset store of the Debezium engines that {@code io.reconcile.debezium} runs. Public
 * only because the engine instantiates it by class name. Kafka Connect's in-memory store, which
 * starts with the offsets {@link #seed seeded} under the engine's name, so that the connector
 * resumes after a position the application kept; nothing is written anywhere else.
 */
public final class SeededOffsetStore extends MemoryOffsetBackingStore {

  private static final Map<String, Map<ByteBuffer, ByteBuffer>> SEEDS = new ConcurrentHashMap<>();

  private @Nullable String engine;

  /** For the engine, which creates its offset store by reflection. */
  public SeededOffsetStore() {}

  /**
   * Makes the store of the engine named {@code engine} start with {@code offsets} (serialised as
   * Kafka Connect's offset readers ask for them). Called before the engine starts.
   */
  public static void seed(String engine, Map<ByteBuffer, ByteBuffer> offsets) {
    SEEDS.put(engine, Map.copyOf(offsets));
  }

  /** Forgets a seed the engine did not take (it failed before starting its store). */
  public static void forget(String engine) {
    SEEDS.remove(engine);
  }

  @Override
  public void configure(WorkerConfig config) {
    super.configure(config);
    engine = Objects.toString(config.originals().get("name"), null);
  }

  @Override
  public void start() {
    super.start();
    Map<ByteBuffer, ByteBuffer> seeded = engine == null ? null : SEEDS.remove(engine);
    if (seeded != null) {
      data.putAll(seeded);
    }
  }

  @Override
  public Set<Map<String, Object>> connectorPartitions(String connectorName) {
    return Set.of();
  }
}
