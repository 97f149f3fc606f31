package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.Store;
import io.reconcile.debezium.PostgresChangeFeed;
import io.reconcile.kafka.DebeziumTopicFeed;
import java.net.URI;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Where {@code reconcile watch} takes one side's changes from, as {@code --feed1}/{@code --feed2}
 * give it: {@code own} (the store's own feed: a topic, a MongoDB change stream), {@code debezium}
 * (an embedded Debezium engine on a PostgreSQL table's WAL) or {@code debezium-topic:kafka://HOST:PORT/TOPIC}
 * (the change events Debezium in Kafka Connect publishes for the table), or {@code none}.
 */
record FeedSpec(String kind, @Nullable String bootstrap, @Nullable String topic) {

  static final String HELP = "own (the store's own: a topic, a MongoDB change stream), debezium (PostgreSQL's WAL through an"
      + " embedded Debezium engine), debezium-topic:kafka://HOST:PORT/TOPIC (Debezium's change events for the table), none";

  private static final Pattern TOPIC = Pattern.compile("debezium-topic:kafka://([A-Za-z0-9.\\[\\]:-]+:\\d{1,5})/([A-Za-z0-9._-]{1,249})");
  private static final Pattern POSTGRES = Pattern.compile("jdbc:postgresql://([^/?#]+)/([^/?#]+)(?:[?#].*)?");

  static FeedSpec parse(String text, String option) {
    return switch (text) {
      case "own", "debezium", "none" -> new FeedSpec(text, null, null);
      default -> {
        Matcher m = TOPIC.matcher(text);
        if (!m.matches()) {
          throw new ConfigurationException(option + " takes one of: " + HELP + "; but was '" + Secrets.shown(text) + "'");
        }
        yield new FeedSpec("debezium-topic", m.group(1), m.group(2));
      }
    };
  }

  /**
   * The feed this spec gives for {@code store}, the side's table in {@code side}'s database; null for
   * {@code own} and {@code none}.
   *
   * @param watch the watch's name: the replication slot and publication of {@code debezium} are
   *     named after it
   */
  @Nullable ChangeFeedSource source(Job.Side side, Job.Table table, Store store, String watch, String option) {
    return switch (kind) {
      case "debezium" -> postgres(side, table, store, watch, option);
      case "debezium-topic" -> DebeziumTopicFeed.newBuilder(bootstrap, topic, store).build();
      default -> null;
    };
  }

  private static ChangeFeedSource postgres(Job.Side side, Job.Table table, Store store, String watch, String option) {
    Matcher m = POSTGRES.matcher(side.uri());
    if (!m.matches()) {
      throw new ConfigurationException(option + " debezium reads a PostgreSQL table's WAL, so the " + side.name()
          + " database must be a jdbc:postgresql://HOST[:PORT]/DATABASE URL, but was " + side.shownUri());
    }
    URI hostPort = URI.create("pg://" + m.group(1));
    if (hostPort.getHost() == null || hostPort.getUserInfo() != null) {
      throw new ConfigurationException(option + " debezium needs a host (and port) in the " + side.name()
          + " database's URL, without credentials (give --user and --password-env), but it was " + side.shownUri());
    }
    String name = table.nameOn(side);
    PostgresChangeFeed.Builder b = PostgresChangeFeed.newBuilder()
        .host(hostPort.getHost())
        .port(hostPort.getPort() < 0 ? 5432 : hostPort.getPort())
        .database(m.group(2))
        .table(name.contains(".") ? name : "public." + name)
        .watcherId(slotSafe(watch + "_" + side.name()))
        .store(store);
    if (side.user() != null) {
      b.user(side.user());
    }
    if (side.password() != null) {
      b.password(side.password());
    }
    return b.build();
  }

  /** A watch name as a PostgreSQL slot name takes it: lower case letters, digits and underscores. */
  private static String slotSafe(String name) {
    return name.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
  }
}
