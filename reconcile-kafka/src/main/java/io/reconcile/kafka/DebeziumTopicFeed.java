package io.reconcile.kafka;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Store;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The change feed of a table that Debezium publishes to Kafka: a {@link ChangeFeedSource} for a
 * store of that table (a {@code JdbcStore}, say), reading the table's change-event topic as Kafka
 * Connect's {@code JsonConverter} writes it — keys and values with the {@code
 * {"schema":…,"payload":…}} envelope or without.
 *
 * <pre>{@code
 * ChangeFeedSource feed = DebeziumTopicFeed.newBuilder("127.0.0.1:9092", "shop.public.orders", orders).build();
 * try (ChangeFeed changes = feed.open(Optional.empty())) {
 *   ChangeBatch batch = changes.poll(Duration.ofSeconds(1));
 * }
 * }</pre>
 *
 * <p><b>Changes.</b> Every change event ({@code c}, {@code u}, {@code d}, {@code r}) and every
 * tombstone is a change of the key its record key holds, committed at the event's {@code
 * source.ts_ms} (the database's commit time; else the event's {@code ts_ms}, else — for a tombstone
 * — the record's timestamp). The record key's fields (the primary key columns) become the key's
 * parts by the store's {@link Store#schema() schema}, so that they equal the keys the store's scans
 * return: a {@code NUMBER} part from a JSON number, a Connect decimal (base64 bytes and the scale of
 * the envelope's schema), a Debezium variable-scale decimal, or a decimal as text ({@code
 * decimal.handling.mode=string}); a {@code TEXT} part from text (a {@code char(n)} column's pad
 * spaces dropped when the envelope tells its type, {@code column.propagate.source.type}); a {@code
 * UUID} part from its text; a {@code BYTES} part from base64 text. Fields are matched to key parts
 * by name (the schema's key names, or {@link Builder#keyFields}), exactly or else ignoring case.
 *
 * <p><b>Refusals and gaps.</b> A record key whose fields or values do not fit the schema (another
 * table's topic, a key column added) makes {@link ChangeFeed#poll} throw {@link
 * ReconcileException.ConfigurationException} naming the field and what was expected — never a value
 * — and every later poll of that feed throws it too: skipping it would miss a change. A truncate
 * event ({@code op} {@code t}) is a {@link ChangeBatch#gap() gap}: every row may have changed.
 * Positions and the other gaps are those of the topic itself, as for {@link KafkaStore#changes}:
 * the topic's id and the next offset per partition; a malformed position, one of another topic id,
 * of another partition count, before a partition's first offset, or older than the topic keeps
 * tombstones opens the feed with a gap. {@link ChangeFeed#commit} does nothing: the position lives
 * with the caller.
 *
 * <p>Immutable and thread-safe; each {@link #open} makes a feed with a consumer of its own.
 */
public final class DebeziumTopicFeed implements ChangeFeedSource {

  private static final Set<Schema.Type> KEY_TYPES =
      EnumSet.of(Schema.Type.NUMBER, Schema.Type.TEXT, Schema.Type.UUID, Schema.Type.BYTES);

  private final Map<String, Object> clientConfig;
  private final String topic;
  private final String name;
  private final DebeziumEvents events;

  private DebeziumTopicFeed(Builder b, List<String> fields, List<Schema.Type> types) {
    this.clientConfig = b.clientConfig;
    this.topic = b.topic;
    this.name = "the Debezium feed of store '" + b.store.id() + "'";
    this.events = new DebeziumEvents(name, topic, fields, types);
  }

  /**
   * A builder of the feed of {@code store} from {@code topic} of the cluster the client
   * configuration reaches ({@code bootstrap.servers} at least; security settings as the cluster needs
   * them, never logged).
   */
  public static Builder newBuilder(Map<String, ?> clientConfig, String topic, Store store) {
    return new Builder(clientConfig, topic, store);
  }

  /** A builder of the feed of {@code store} from {@code topic} of the cluster at {@code bootstrapServers}. */
  public static Builder newBuilder(String bootstrapServers, String topic, Store store) {
    return new Builder(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), topic, store);
  }

  /**
   * Opens the feed after {@code after}, or at the topic's current end (its last stable offsets)
   * when empty; see the class description for the gaps of a position it cannot resume.
   *
   * @throws ReconcileException.ConfigurationException if the topic does not exist
   * @throws ReconcileException.StoreUnavailableException if the cluster cannot be reached
   */
  @Override
  public ChangeFeed open(Optional<FeedPosition> after) {
    Objects.requireNonNull(after, "after");
    try (Admin admin = KafkaClients.admin(clientConfig)) {
      return TopicChangeFeed.open(name, clientConfig, admin, topic, after, events, () -> { });
    }
  }

  /** The change-event topic. */
  public String topic() {
    return topic;
  }

  @Override
  public String toString() {
    return "DebeziumTopicFeed[" + topic + "]";
  }

  /** Builds a {@link DebeziumTopicFeed}. */
  public static final class Builder {
    private final Map<String, Object> clientConfig;
    private final String topic;
    private final Store store;
    private List<String> keyFields = List.of();

    private Builder(Map<String, ?> clientConfig, String topic, Store store) {
      this.clientConfig = KafkaClients.checked(clientConfig, topic, "a Debezium feed");
      this.topic = topic;
      this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * The record key's fields (the table's primary key columns as Debezium names them), in the
     * order of the store's key parts; by default the key names of the store's schema.
     */
    public Builder keyFields(String... fields) {
      List<String> list = List.of(fields);
      if (list.isEmpty()) {
        throw new IllegalArgumentException("keyFields needs at least one field name");
      }
      this.keyFields = list;
      return this;
    }

    /**
     * The feed.
     *
     * @throws ReconcileException.ConfigurationException if the store declares no schema, a key part
     *     of a type no primary key column maps to, no key names and no {@link #keyFields}, or not as
     *     many key parts as key fields
     */
    public DebeziumTopicFeed build() {
      Schema schema = store.schema().orElseThrow(() -> new ReconcileException.ConfigurationException(
          "store '" + store.id() + "' declares no schema, so a Debezium feed cannot tell what its key parts are;"
              + " attach the feed to a store that knows its columns (a JdbcStore)"));
      for (Schema.Type t : schema.key()) {
        if (!KEY_TYPES.contains(t)) {
          throw new ReconcileException.ConfigurationException("store '" + store.id() + "' has a key part of type " + t
              + ", which a Debezium feed cannot read from a record key; key parts are " + KEY_TYPES);
        }
      }
      List<String> fields = keyFields.isEmpty() ? schema.keyNames() : keyFields;
      if (fields.isEmpty()) {
        throw new ReconcileException.ConfigurationException("store '" + store.id() + "' does not name its key parts;"
            + " give the Debezium feed the record key's field names (keyFields)");
      }
      if (fields.size() != schema.key().size()) {
        throw new ReconcileException.ConfigurationException("store '" + store.id() + "' has " + schema.key().size()
            + " key parts, but the Debezium feed was given the key fields " + fields + "; name one field per part");
      }
      return new DebeziumTopicFeed(this, fields, schema.key());
    }
  }
}
