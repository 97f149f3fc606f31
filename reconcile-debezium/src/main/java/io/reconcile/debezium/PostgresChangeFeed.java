package io.reconcile.debezium;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Schema;
import io.reconcile.api.store.Store;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The changed keys of one PostgreSQL table, read by an embedded Debezium engine (its PostgreSQL
 * connector, {@code pgoutput} plugin) from a logical replication slot of the feed's own: a {@link
 * ChangeFeedSource} to attach to the store that reads the same table, typically reconcile-jdbc's
 * {@code JdbcStore}. The keys it delivers equal the keys that store returns for the same rows; each
 * change carries its transaction's commit time.
 *
 * <pre>{@code
 * PostgresChangeFeed feed = PostgresChangeFeed.newBuilder()
 *     .host("db.internal").port(5432).database("shop")
 *     .user("reconcile_cdc").password(secret)
 *     .table("public.orders")
 *     .watcherId("orders_eu")          // slot and publication reconcile_orders_eu
 *     .store(ordersStore)              // the JdbcStore of public.orders: how keys are typed
 *     .build();
 * try (ChangeFeed changes = feed.open(Optional.empty())) {
 *   ChangeBatch batch = changes.poll(Duration.ofSeconds(1));
 *   // ... record batch.changes() durably, then:
 *   changes.commit(batch.position());
 * }
 * }</pre>
 *
 * <p><b>What the server needs:</b> {@code wal_level=logical}; a role with the {@code REPLICATION}
 * attribute that owns the table (to create the publication), or a publication created for it
 * beforehand. {@link #open} creates the replication slot {@link #slotName()} (plugin {@code
 * pgoutput}) and the publication {@link #publicationName()} (of this one table) when they are
 * missing; it never drops them: drop them when the watcher is retired ({@code SELECT
 * pg_drop_replication_slot('…')}, {@code DROP PUBLICATION …}), since a slot nobody reads keeps WAL
 * on the server's disk.
 *
 * <p><b>Positions</b> are JSON text holding the database, slot and table names and Debezium's
 * source offset (LSNs, transaction id, commit time) of the last change delivered — never the
 * password nor a row value. {@link ChangeFeed#commit} acknowledges the slot up to the position
 * (Debezium flushes the LSN of the last transaction completed before it), so PostgreSQL keeps the
 * WAL of every change after the last committed position and no more.
 *
 * <p><b>Gaps</b> (everything may have changed): a position that is malformed or of another
 * database, slot or table; a slot that is gone, or whose confirmed position has passed the
 * position (dropped and recreated, advanced by someone else); a {@code TRUNCATE} of the table; a
 * change of the table's key columns (their names or types); a key the feed cannot read.
 *
 * <p>Immutable and thread-safe; each {@link #open} starts an engine of its own, and a slot serves
 * one open feed at a time. {@link #toString()} leaves the password out.
 */
public final class PostgresChangeFeed implements ChangeFeedSource {

  /** PostgreSQL's limit on identifiers, in bytes (all of ours are ASCII). */
  private static final int MAX_IDENTIFIER = 63;

  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");
  private static final Pattern WATCHER_ID = Pattern.compile("[A-Za-z0-9_]{1,50}");

  /** The connector settings the feed decides; {@link Builder#connectorProperty} may not override them. */
  static final Set<String> OWN_PROPERTIES = Set.of(
      "name", "connector.class", "offset.storage", "offset.flush.interval.ms", "topic.prefix",
      "database.hostname", "database.port", "database.user", "database.password", "database.dbname",
      "plugin.name", "slot.name", "publication.name", "publication.autocreate.mode", "snapshot.mode",
      "table.include.list", "message.key.columns", "column.propagate.source.type",
      "decimal.handling.mode", "binary.handling.mode", "tombstones.on.delete", "skipped.operations",
      "errors.max.retries", "slot.drop.on.stop", "lsn.flush.mode", "provide.transaction.metadata");

  private final String host;
  private final int port;
  private final String database;
  private final String user;
  private final String password;
  private final String schema;
  private final String table;
  private final String slot;
  private final String publication;
  private final List<String> keyNames;
  private final List<Schema.Type> keyTypes;
  private final int queueCapacity;
  private final Map<String, String> connectorProperties;

  private PostgresChangeFeed(Builder b, List<String> keyNames, List<Schema.Type> keyTypes) {
    this.host = b.host;
    this.port = b.port;
    this.database = Objects.requireNonNull(b.database);
    this.user = Objects.requireNonNull(b.user);
    this.password = Objects.requireNonNull(b.password);
    this.schema = Objects.requireNonNull(b.schema);
    this.table = Objects.requireNonNull(b.table);
    this.slot = b.slot != null ? b.slot : "reconcile_" + Objects.requireNonNull(b.watcherId).toLowerCase(java.util.Locale.ROOT);
    this.publication = b.publication != null ? b.publication
        : "reconcile_" + Objects.requireNonNull(b.watcherId).toLowerCase(java.util.Locale.ROOT);
    this.keyNames = List.copyOf(keyNames);
    this.keyTypes = List.copyOf(keyTypes);
    this.queueCapacity = b.queueCapacity;
    this.connectorProperties = Map.copyOf(b.connectorProperties);
  }

  /** Starts configuring a feed. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Opens the feed after {@code after}, or at the slot's current position when empty; creates the
   * slot and the publication first if they are missing, and starts Debezium's engine on a thread
   * of its own. A position it cannot resume after gives a first batch with a gap (see the class
   * description); the feed then reads from the slot's current position.
   *
   * @throws ReconcileException.StoreUnavailableException if the server cannot be reached, refuses
   *     the login, or the slot is in use by another reader
   * @throws ReconcileException.ConfigurationException if the slot belongs to another database or
   *     plugin, or the publication exists without the table
   */
  @Override
  public ChangeFeed open(Optional<FeedPosition> after) {
    return DebeziumFeed.open(this, after);
  }

  /** The replication slot the feed reads, created by {@link #open} if missing. */
  public String slotName() {
    return slot;
  }

  /** The publication the slot decodes, created by {@link #open} if missing. */
  public String publicationName() {
    return publication;
  }

  /** The table, {@code schema.table}. */
  public String table() {
    return schema + "." + table;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  String database() {
    return database;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  String schemaName() {
    return schema;
  }

  String tableName() {
    return table;
  }

  List<String> keyNames() {
    return keyNames;
  }

  List<Schema.Type> keyTypes() {
    return keyTypes;
  }

  int queueCapacity() {
    return queueCapacity;
  }

  Map<String, String> connectorProperties() {
    return connectorProperties;
  }

  String jdbcUrl() {
    return "jdbc:postgresql://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
  }

  /** Where the feed reads from, for messages: no password. */
  String where() {
    return "table " + table() + ", slot " + slot + " on " + host + ":" + port + "/" + database + " as " + user;
  }

  @Override
  public String toString() {
    return "PostgresChangeFeed[" + where() + "]";
  }

  /**
   * Configures a {@link PostgresChangeFeed}. Required: {@link #database}, {@link #user}, {@link
   * #password}, {@link #table}, {@link #store}, and {@link #watcherId} unless both {@link
   * #slotName} and {@link #publicationName} are given. Not thread-safe.
   */
  public static final class Builder {

    private String host = "localhost";
    private int port = 5432;
    private @Nullable String database;
    private @Nullable String user;
    private @Nullable String password;
    private @Nullable String schema;
    private @Nullable String table;
    private @Nullable String watcherId;
    private @Nullable String slot;
    private @Nullable String publication;
    private @Nullable Store store;
    private int queueCapacity = 1024;
    private final Map<String, String> connectorProperties = new LinkedHashMap<>();

    private Builder() {}

    /** The server's host name or address; {@code localhost} unless set. */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '?' || c == '@')) {
        throw new IllegalArgumentException("host must be a host name or address, but was '" + host + "'");
      }
      this.host = host;
      return this;
    }

    /** The server's port; 5432 unless set. */
    public Builder port(int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535, but was " + port);
      }
      this.port = port;
      return this;
    }

    /** The database that holds the table (and in which the slot is created). */
    public Builder database(String database) {
      Objects.requireNonNull(database, "database");
      if (database.isBlank() || database.chars().anyMatch(c -> c < ' ' || c == '/' || c == '?')) {
        throw new IllegalArgumentException("database must be a database name, but was '" + database + "'");
      }
      this.database = database;
      return this;
    }

    /** The role to log in as: it needs the REPLICATION attribute. */
    public Builder user(String user) {
      Objects.requireNonNull(user, "user");
      if (user.isBlank()) {
        throw new IllegalArgumentException("user must not be blank");
      }
      this.user = user;
      return this;
    }

    /** The role's password (empty for a server that asks none); never shown in messages or positions. */
    public Builder password(String password) {
      this.password = Objects.requireNonNull(password, "password");
      return this;
    }

    /**
     * The table, as {@code schema.table}, both as PostgreSQL stores them: lower-case letters,
     * digits and underscores (the folded form of unquoted names).
     */
    public Builder table(String qualifiedName) {
      Objects.requireNonNull(qualifiedName, "table");
      String[] parts = qualifiedName.split("\\.", -1);
      if (parts.length != 2 || !isIdentifier(parts[0]) || !isIdentifier(parts[1])) {
        throw new IllegalArgumentException("table must be schema.table, each a lower-case PostgreSQL"
            + " identifier ([a-z_][a-z0-9_]*, at most " + MAX_IDENTIFIER + " characters), but was '"
            + qualifiedName + "'; tables whose names need quotes are not supported");
      }
      this.schema = parts[0];
      this.table = parts[1];
      return this;
    }

    /**
     * Names the watcher this feed serves: the slot and the publication are {@code reconcile_} and
     * the id in lower case, unless set with {@link #slotName} and {@link #publicationName}.
     * Letters, digits and underscores, 1 to 50 of them.
     */
    public Builder watcherId(String watcherId) {
      Objects.requireNonNull(watcherId, "watcherId");
      if (!WATCHER_ID.matcher(watcherId).matches()) {
        throw new IllegalArgumentException("watcherId must be 1 to 50 letters, digits or underscores, but was '"
            + watcherId + "'");
      }
      this.watcherId = watcherId;
      return this;
    }

    /** The replication slot to read (and create if missing), instead of one derived from the watcher id. */
    public Builder slotName(String slotName) {
      this.slot = identifier("slotName", slotName);
      return this;
    }

    /** The publication the slot decodes (created if missing), instead of one derived from the watcher id. */
    public Builder publicationName(String publicationName) {
      this.publication = identifier("publicationName", publicationName);
      return this;
    }

    /**
     * The store that reads the same table: its {@link Store#schema() schema} names the key columns
     * and their types, which decide the parts of the keys the feed delivers.
     */
    public Builder store(Store store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * How many changes the engine may read ahead of {@link ChangeFeed#poll}: when that many wait,
     * it stops reading from the slot until polled. 1024 unless set.
     */
    public Builder queueCapacity(int capacity) {
      if (capacity < 1) {
        throw new IllegalArgumentException("queueCapacity must be at least 1, but was " + capacity);
      }
      this.queueCapacity = capacity;
      return this;
    }

    /**
     * A further setting of Debezium's PostgreSQL connector (e.g. {@code database.sslmode}), for
     * what the builder does not cover. Settings the feed decides itself are refused.
     */
    public Builder connectorProperty(String name, String value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (OWN_PROPERTIES.contains(name)) {
        throw new IllegalArgumentException("connector property '" + name + "' is set by the feed itself;"
            + " use the builder's own method for it, if it has one");
      }
      connectorProperties.put(name, value);
      return this;
    }

    /**
     * A feed with these settings.
     *
     * @throws IllegalStateException if a required setting is missing
     * @throws ReconcileException.ConfigurationException if the store's schema does not name key
     *     columns of types a key can hold
     */
    public PostgresChangeFeed build() {
      List<String> missing = new ArrayList<>();
      if (database == null) {
        missing.add("database");
      }
      if (user == null) {
        missing.add("user");
      }
      if (password == null) {
        missing.add("password");
      }
      if (table == null) {
        missing.add("table");
      }
      if (store == null) {
        missing.add("store");
      }
      if (watcherId == null && (slot == null || publication == null)) {
        missing.add("watcherId (or both slotName and publicationName)");
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException("a PostgresChangeFeed needs " + String.join(", ", missing) + "; set "
            + (missing.size() == 1 ? "it" : "them") + " on the builder");
      }
      Schema keys = Objects.requireNonNull(store).schema().orElseThrow(() -> new ReconcileException.ConfigurationException(
          "store '" + store.id() + "' does not declare its schema, so the feed cannot tell how to type its keys;"
              + " give the store that reads " + schema + "." + table + " (e.g. reconcile-jdbc's JdbcStore)"));
      if (keys.keyNames().isEmpty()) {
        throw new ReconcileException.ConfigurationException("store '" + store.id() + "' does not name its key"
            + " columns; give the store that reads " + schema + "." + table + " (e.g. reconcile-jdbc's JdbcStore)");
      }
      for (int i = 0; i < keys.key().size(); i++) {
        String name = keys.keyNames().get(i);
        Schema.Type type = keys.key().get(i);
        if (!isIdentifier(name)) {
          throw new ReconcileException.ConfigurationException("key column '" + name + "' of store '" + store.id()
              + "' is not a lower-case PostgreSQL identifier; the feed supports only such key columns");
        }
        if (type != Schema.Type.NUMBER && type != Schema.Type.TEXT && type != Schema.Type.UUID
            && type != Schema.Type.BYTES) {
          throw new ReconcileException.ConfigurationException("key column '" + name + "' of store '" + store.id()
              + "' holds " + type + ", which no key part holds (numbers, text, UUIDs and bytes do)");
        }
      }
      return new PostgresChangeFeed(this, keys.keyNames(), keys.key());
    }

    private static String identifier(String what, String name) {
      Objects.requireNonNull(name, what);
      if (!isIdentifier(name)) {
        throw new IllegalArgumentException(what + " must be a lower-case PostgreSQL identifier ([a-z_][a-z0-9_]*,"
            + " at most " + MAX_IDENTIFIER + " characters), but was '" + name + "'");
      }
      return name;
    }
  }

  static boolean isIdentifier(String name) {
    return name.length() <= MAX_IDENTIFIER && IDENTIFIER.matcher(name).matches();
  }
}
