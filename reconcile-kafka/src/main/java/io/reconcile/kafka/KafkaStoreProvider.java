package io.reconcile.kafka;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * Opens {@link KafkaStore}s for URIs {@code kafka://HOST:PORT[,HOST:PORT…]/TOPIC[?OPTIONS]}, e.g.
 * {@code kafka://127.0.0.1:9092/orders?format=json&key=id}. Without a topic in the path, the store
 * options' dataset names it. The query options:
 *
 * <ul>
 *   <li>{@code format}: the record values, {@code json} (the default), {@code string} or {@code
 *       bytes} (one field, named by {@code field}, {@code value} by default), or {@code avro}
 *       (records of the schema in the {@code .avsc} file {@code schema} names, read when the
 *       store opens; see {@link ValueFormat#avro}, and add {@code org.apache.avro:avro});
 *   <li>{@code schema}: the path of the Avro schema file, with {@code format=avro} only;
 *   <li>{@code keyFormat}: the record keys, {@code json} (the default), {@code string}, {@code
 *       bytes} or {@code long};
 *   <li>{@code key}: the key's fields, comma-separated (also the store options' key fields; {@code
 *       id} by default);
 *   <li>{@code index}: the directory of the local index (see {@link KafkaStore.Builder#indexDirectory}).
 * </ul>
 *
 * Store option properties whose names are Kafka client settings (with a dot: {@code
 * security.protocol}, {@code sasl.jaas.config}, …) go to the clients; they are never logged.
 */
public final class KafkaStoreProvider implements StoreProvider {

  private static final Pattern URI = Pattern.compile("kafka://([^/?#]+)(?:/([^?#]*))?(?:\\?([^#]*))?");
  private static final Set<String> QUERY = Set.of("format", "keyFormat", "key", "field", "schema", "index");

  /** For ServiceLoader. */
  public KafkaStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("kafka");
  }

  @Override
  public Store open(String uri, StoreOptions options) {
    Matcher m = URI.matcher(uri);
    if (!m.matches()) {
      throw new ConfigurationException(
          "a Kafka store URI is kafka://HOST:PORT/TOPIC (e.g. kafka://127.0.0.1:9092/orders?format=json&key=id),"
              + " but it does not have that shape; check the host, port and topic");
    }
    String servers = m.group(1);
    if (servers.contains("@")) {
      throw new ConfigurationException("a Kafka store URI takes no user or password before the host; give SASL"
          + " settings as client properties (sasl.jaas.config) instead");
    }
    Map<String, String> query = query(m.group(3));
    String topic = m.group(2) == null || m.group(2).isEmpty() ? options.dataset().orElse(null) : decode(m.group(2));
    if (topic == null) {
      throw new ConfigurationException("a Kafka store needs a topic: kafka://HOST:PORT/TOPIC");
    }
    if (options.filter().isPresent() || options.versionField().isPresent()) {
      throw new ConfigurationException("a Kafka store compares whole topics: it takes no filter (-w/--where) and no"
          + " version field; leave them out for topic '" + topic + "'");
    }
    Map<String, Object> client = new LinkedHashMap<>();
    client.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
    options.properties().forEach((name, value) -> {
      if (!name.contains(".")) {
        throw new ConfigurationException("a Kafka store takes client settings (names with a dot, e.g."
            + " security.protocol) as properties, but was given '" + name + "'; for SASL give sasl.jaas.config");
      }
      client.put(name, value);
    });
    List<String> keyFields = !options.keyFields().isEmpty() ? options.keyFields()
        : query.containsKey("key") ? List.of(query.get("key").split(",")) : List.of("id");
    KafkaStore.Builder b = KafkaStore.newBuilder(client, topic)
        .id(options.id().orElse(topic))
        .keyFormat(keyFormat(query.getOrDefault("keyFormat", "json"), keyFields))
        .valueFormat(valueFormat(query))
        .fields(options.fields().toArray(String[]::new))
        .normalization(options.normalization())
        .readOnly(options.readOnly());
    if (query.containsKey("index")) {
      b.indexDirectory(Path.of(query.get("index")));
    }
    return b.build();
  }

  private static KeyFormat keyFormat(String name, List<String> fields) {
    if (!name.equals("json") && fields.size() != 1) {
      throw new ConfigurationException("keyFormat=" + name + " holds a key of one field, but the key has " + fields
          + "; give one key field, or keyFormat=json for a composite key");
    }
    return switch (name) {
      case "json" -> KeyFormat.json(fields.toArray(String[]::new));
      case "string" -> KeyFormat.string(fields.get(0));
      case "bytes" -> KeyFormat.bytes(fields.get(0));
      case "long" -> KeyFormat.longs(fields.get(0));
      default -> throw new ConfigurationException(
          "keyFormat is json, string, bytes or long, but was '" + name + "'");
    };
  }

  private static ValueFormat valueFormat(Map<String, String> query) {
    String name = query.getOrDefault("format", "json");
    String field = query.getOrDefault("field", "value");
    if (query.containsKey("schema") != name.equals("avro")) {
      throw new ConfigurationException(name.equals("avro")
          ? "format=avro needs schema=PATH, the path of the record values' Avro schema (an .avsc file)"
          : "option schema goes with format=avro, but the format is " + name);
    }
    return switch (name) {
      case "json" -> ValueFormat.json();
      case "string" -> ValueFormat.string(field);
      case "bytes" -> ValueFormat.bytes(field);
      case "avro" -> avro(Path.of(query.get("schema")));
      default -> throw new ConfigurationException("format is json, string, bytes or avro, but was '" + name + "'");
    };
  }

  /** The Avro format, named only here so that this class loads without Avro on the class path. */
  private static ValueFormat avro(Path schemaFile) {
    try {
      Class.forName("org.apache.avro.Schema", false, KafkaStoreProvider.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new ConfigurationException("format=avro needs Apache Avro: add org.apache.avro:avro (an optional"
          + " dependency of reconcile-kafka) to the class path");
    }
    return AvroValueFormat.ofSchemaFile(schemaFile);
  }

  private static Map<String, String> query(String q) {
    Map<String, String> out = new LinkedHashMap<>();
    if (q == null || q.isEmpty()) {
      return out;
    }
    for (String pair : q.split("&")) {
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      if (!QUERY.contains(name)) {
        throw new ConfigurationException("a Kafka store URI takes the options " + new java.util.TreeSet<>(QUERY)
            + ", but was given '" + name + "'");
      }
      if (eq < 0 || out.put(name, decode(pair.substring(eq + 1))) != null) {
        throw new ConfigurationException("option '" + name + "' of a Kafka store URI needs one value (" + name + "=…)");
      }
    }
    return out;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
