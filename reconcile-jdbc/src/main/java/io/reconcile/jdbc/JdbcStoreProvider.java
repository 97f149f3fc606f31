package io.reconcile.jdbc;

import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Redaction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Opens {@link JdbcStore}s by JDBC URL (scheme {@code jdbc}, any driver on the class path) through
 * {@link java.util.ServiceLoader}; product-specific providers that claim e.g. {@code
 * jdbc:postgresql} take precedence over this generic one.
 *
 * <p>Options read: {@code dataset} (the table, required), {@code keyFields} (default: the primary
 * key), {@code fields} (default: all other columns; dataset names, mapped back through the
 * normalisation's renames), {@code normalization}, {@code filter}, {@code readOnly}, {@code id}
 * (default: the table name), {@code versionField} (the version column). Properties: {@code user},
 * {@code password}, {@code fetchSize}, {@code trustKey} ({@code true} or {@code false}, default false:
 * see {@link JdbcStore.Builder#trustKey}); every other property is passed to the driver as a
 * connection property (for PostgreSQL, {@code reWriteBatchedInserts} is {@code true} unless set;
 * {@code allowMultiQueries}, in the URL or a property, is refused). Passwords never appear in messages: URLs are shown {@linkplain Redaction#uri
 * redacted} and driver messages are scrubbed of secret values.
 *
 * <p>The store connects through {@link java.sql.DriverManager} and keeps up to a few connections
 * idle between operations (checked before reuse, closed with the store); for a pool of your own,
 * build a {@link JdbcStore} over a pooled {@link javax.sql.DataSource} instead.
 */
public final class JdbcStoreProvider implements StoreProvider {

  /** A URL parameter, {@code ?name=value}, {@code &name=value} or {@code ;name=value}. */
  private static final Pattern PARAMETER = Pattern.compile("[?&;]([^=&;?#]+)=([^&;#]*)");

  /** For ServiceLoader. */
  public JdbcStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("jdbc");
  }

  /**
   * @throws ConfigurationException if the URL is not a JDBC URL, the table is missing or the
   *     options do not fit the table
   * @throws ReconcileException.StoreUnavailableException if the database cannot be reached
   */
  @Override
  public Store open(String uri, StoreOptions options) {
    String shown = Redaction.uri(uri);
    if (!uri.regionMatches(true, 0, "jdbc:", 0, 5) || uri.length() == 5) {
      throw new ConfigurationException(
          "a JDBC store URI is a JDBC URL such as jdbc:h2:mem:db, but was '" + shown + "'");
    }
    String table =
        options
            .dataset()
            .orElseThrow(
                () ->
                    new ConfigurationException(
                        "opening '" + shown + "' needs the table: set StoreOptions.dataset(\"schema.table\")"));
    Properties props = new Properties();
    List<String> secrets = new ArrayList<>();
    String fetchSize = null;
    boolean trustKey = false;
    for (Map.Entry<String, String> p : options.properties().entrySet()) {
      if (p.getKey().equals("fetchSize")) {
        fetchSize = p.getValue();
        continue;
      }
      if (p.getKey().equals("trustKey")) {
        if (!p.getValue().equals("true") && !p.getValue().equals("false")) {
          throw new ConfigurationException(
              "property trustKey must be true or false, but was '" + p.getValue() + "'");
        }
        trustKey = p.getValue().equals("true");
        continue;
      }
      props.setProperty(p.getKey(), p.getValue());
      if (Redaction.isSecretName(p.getKey())) {
        secrets.add(p.getValue());
      }
    }
    if (uri.startsWith("jdbc:postgresql:") && !uri.contains("reWriteBatchedInserts")) {
      // Repairs insert in JDBC batches: let the driver send each batch as multi-row INSERTs.
      props.putIfAbsent("reWriteBatchedInserts", "true");
    }
    secrets.addAll(Redaction.secretsIn(uri));
    Matcher m = PARAMETER.matcher(uri);
    while (m.find()) {
      refuseStatementLists(m.group(1), m.group(2), shown);
    }
    for (String name : props.stringPropertyNames()) {
      refuseStatementLists(name, props.getProperty(name), shown);
    }
    DriverManagerSource source = new DriverManagerSource(uri, props, secrets);
    Normalization n = options.normalization();
    JdbcStore.Builder b =
        JdbcStore.newBuilder(source)
            .table(table)
            .normalization(n)
            .readOnly(options.readOnly())
            .trustKey(trustKey)
            .keyColumns(options.keyFields().toArray(String[]::new))
            .columns(options.fields().stream().map(n::storeName).toArray(String[]::new));
    options.id().ifPresent(b::id);
    options.filter().ifPresent(b::filter);
    options.versionField().ifPresent(b::versionColumn);
    if (fetchSize != null) {
      try {
        b.fetchSize(Integer.parseInt(fetchSize));
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(
            "property fetchSize must be a positive integer, but was '" + fetchSize + "'");
      }
    }
    try {
      return b.build();
    } catch (RuntimeException e) {
      source.close();
      throw redacted(e, source, shown);
    }
  }

  /** A failure to build the store, its message redacted, in the words of opening by URI. */
  private static RuntimeException redacted(RuntimeException e, DriverManagerSource source, String shown) {
    if (e instanceof ReconcileException.StoreUnavailableException u) {
      return new ReconcileException.StoreUnavailableException(source.redact(u.getMessage()), u.isTransient());
    }
    if (e instanceof ConfigurationException || e instanceof IllegalArgumentException) {
      return new ConfigurationException(source.redact(e.getMessage()) + " (store URI: " + shown + ")");
    }
    return e;
  }

  /**
   * Refuses the connection options that let one statement text run as several (MariaDB's and
   * MySQL's {@code allowMultiQueries}): a filter could then carry statements of its own past the
   * read-only transaction. The URL's value beats a property's in MariaDB's driver, so neither may
   * switch it on.
   */
  private static void refuseStatementLists(String name, String value, String shown) {
    if (name.equalsIgnoreCase("allowMultiQueries") && !value.trim().equalsIgnoreCase("false")) {
      throw new ConfigurationException(
          "connection option " + name + "=" + value + " lets one statement run several, which a"
              + " read-only comparison must not allow; remove it from the URL and the properties"
              + " (store URI: " + shown + ")");
    }
  }
}
