package io.reconcile.mongo;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.MongoCredential;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Opens {@link MongoStore}s for URIs {@code mongodb://[USER:PASSWORD@]HOST[:PORT][,HOST…]/DATABASE.COLLECTION[?OPTIONS]}
 * (and {@code mongodb+srv://}), e.g. {@code mongodb://127.0.0.1:27017/shop.orders}. Without a
 * collection in the path, the store options' dataset names it. The options are MongoDB's connection
 * string options ({@code replicaSet}, {@code authSource}, {@code tls}, {@code readPreference}, …),
 * passed to the driver (an option it does not know is refused, not ignored), and two of reconcile's:
 *
 * <ul>
 *   <li>{@code key}: {@code _id}, the fields of a compound {@code _id} ({@code
 *       key=_id.region,_id.id}), or top-level fields a unique index covers ({@code key=orderId});
 *       see {@link MongoStore.Builder#key};
 *   <li>{@code rowHash}: the field in which the collection's writers keep each document's row hash,
 *       so that the server digests ranges itself; see {@link MongoStore.Builder#rowHashField}.
 * </ul>
 *
 * Without {@code key}, the store options' key fields name the dataset's key, which the collection
 * holds in its {@code _id}: one field is the scalar {@code _id} (a table's {@code id} against a
 * collection's {@code _id}), several the fields of a compound {@code _id}. The store options' fields
 * are the compared fields (a projection). Credentials come in the URI or as the properties {@code
 * user} and {@code password}; they authenticate against {@code admin} unless {@code authSource}
 * names another database, and never appear in messages. Without a {@code serverSelectionTimeoutMS},
 * an unreachable server fails after 10 seconds.
 */
public final class MongoStoreProvider implements StoreProvider {

  /**
   * The connection string options of the MongoDB driver 5.x (lowercase), so that a misspelt one is
   * refused rather than ignored with a warning.
   */
  private static final Set<String> DRIVER_OPTIONS = Set.of(
      "appname", "authmechanism", "authmechanismproperties", "authsource", "compressors", "connecttimeoutms",
      "directconnection", "heartbeatfrequencyms", "journal", "loadbalanced", "localthresholdms", "maxconnecting",
      "maxidletimems", "maxlifetimems", "maxpoolsize", "maxstalenessseconds", "minpoolsize", "proxyhost",
      "proxypassword", "proxyport", "proxyusername", "readconcernlevel", "readpreference", "readpreferencetags",
      "replicaset", "retryreads", "retrywrites", "serverselectiontimeoutms", "serverselectiontryonce",
      "servermonitoringmode", "sockettimeoutms", "srvmaxhosts", "srvservicename", "ssl", "sslinvalidhostnameallowed",
      "timeoutms", "tls", "tlsallowinvalidcertificates", "tlsallowinvalidhostnames", "tlscafile",
      "tlscertificatekeyfile", "tlscertificatekeyfilepassword", "tlsinsecure", "uuidrepresentation", "w",
      "waitqueuemultiple", "waitqueuetimeoutms", "wtimeoutms", "zlibcompressionlevel", "gssapiservicename", "safe",
      "fsync", "j", "wtimeout", "slaveok");

  private static final Pattern URI = Pattern.compile("(mongodb(?:\\+srv)?://)([^/?#]+)(?:/([^?#]*))?(?:\\?([^#]*))?");

  /** For ServiceLoader. */
  public MongoStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("mongodb", "mongodb+srv");
  }

  @Override
  public Store open(String uri, StoreOptions options) {
    Matcher m = URI.matcher(uri);
    if (!m.matches()) {
      throw new ConfigurationException("a MongoDB store URI is mongodb://HOST:PORT/DATABASE.COLLECTION (e.g."
          + " mongodb://127.0.0.1:27017/shop.orders), but it does not have that shape; check the host, port and path");
    }
    String path = m.group(3) == null ? "" : decode(m.group(3));
    int dot = path.indexOf('.');
    String database = dot < 0 ? path : path.substring(0, dot);
    String collection = dot < 0 ? options.dataset().orElse("") : path.substring(dot + 1);
    if (database.isEmpty() || collection.isEmpty()) {
      throw new ConfigurationException("a MongoDB store needs a database and a collection:"
          + " mongodb://HOST:PORT/DATABASE.COLLECTION, or mongodb://HOST:PORT/DATABASE with the collection as the table");
    }
    if (options.filter().isPresent() || options.versionField().isPresent()) {
      throw new ConfigurationException("a MongoDB store compares whole collections: it takes no filter (-w/--where) and"
          + " no version field; leave them out for collection '" + collection + "'");
    }
    List<String> driverOptions = new ArrayList<>();
    Map<String, String> ours = new java.util.HashMap<>();
    if (m.group(4) != null && !m.group(4).isEmpty()) {
      for (String pair : m.group(4).split("&")) {
        String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
        if (name.equals("key") || name.equals("rowHash")) {
          if (ours.put(name, decode(pair.substring(name.length() + Math.min(1, pair.length() - name.length())))) != null) {
            throw new ConfigurationException("option '" + name + "' of a MongoDB store URI is given twice; give it once");
          }
        } else if (DRIVER_OPTIONS.contains(name.toLowerCase(Locale.ROOT))) {
          driverOptions.add(pair);
        } else {
          throw new ConfigurationException("a MongoDB store URI takes MongoDB's connection string options (e.g."
              + " replicaSet, authSource, tls, readPreference) and key= and rowHash=, but was given '" + name
              + "'; check its spelling");
        }
      }
    }
    String key = ours.get("key");
    for (String name : options.properties().keySet()) {
      if (!name.equals("user") && !name.equals("password")) {
        throw new ConfigurationException("a MongoDB store takes the properties user and password, but was given '" + name
            + "'" + (name.equals("trustKey") ? " (an _id is unique already: leave out --trust-key)" : ""));
      }
    }
    String authSource = driverOptions.stream().filter(o -> o.toLowerCase(Locale.ROOT).startsWith("authsource="))
        .map(o -> decode(o.substring(o.indexOf('=') + 1))).findFirst().orElse(null);
    MongoClient client = client(m.group(1) + m.group(2) + "/" + (driverOptions.isEmpty() ? "" : "?"
        + String.join("&", driverOptions)), authSource, options);
    try {
      MongoStore.Builder b = MongoStore.newBuilderOwning(client, database, collection)
          .id(options.id().orElse(collection))
          .key(keyNames(key, options.keyFields()))
          .fields(options.fields().toArray(String[]::new))
          .normalization(options.normalization())
          .readOnly(options.readOnly());
      if (ours.containsKey("rowHash")) {
        b.rowHashField(ours.get("rowHash"));
      }
      return b.build();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** The builder's key names: the URI's {@code key}, else the dataset's key held in {@code _id}. */
  private static String[] keyNames(String key, List<String> datasetKey) {
    if (key != null) {
      return key.split(",");
    }
    if (datasetKey.isEmpty() || datasetKey.size() == 1) {
      return new String[] {"_id"};
    }
    return datasetKey.stream().map(f -> f.startsWith("_id.") ? f : "_id." + f).toArray(String[]::new);
  }

  private static MongoClient client(String connection, @Nullable String authSource, StoreOptions options) {
    ConnectionString cs;
    try {
      cs = new ConnectionString(connection);
    } catch (IllegalArgumentException e) {
      // The driver's message may quote the string, credentials and all.
      throw new ConfigurationException("the MongoDB connection string is not valid: check the host, the port, the"
          + " options after '?' (MongoDB's connection string options, and key=) and that a user or password holding"
          + " ':', '@' or '/' is percent-encoded");
    }
    MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(cs);
    if (cs.getServerSelectionTimeout() == null) {
      settings.applyToClusterSettings(c -> c.serverSelectionTimeout(10, TimeUnit.SECONDS));
    }
    Map<String, String> p = options.properties();
    if (p.containsKey("user") || p.containsKey("password")) {
      if (cs.getCredential() != null) {
        throw new ConfigurationException("the MongoDB URI holds a user already; give the user and password either in"
            + " the URI or as properties (--user/--password-env), not both");
      }
      if (!p.containsKey("user") || !p.containsKey("password")) {
        throw new ConfigurationException("a MongoDB user needs a password and a password a user; give both");
      }
      String source = authSource != null ? authSource : "admin";
      settings.credential(MongoCredential.createCredential(p.get("user"), source, p.get("password").toCharArray()));
    }
    try {
      return MongoClients.create(settings.build());
    } catch (IllegalArgumentException e) {
      throw new ReconcileException.ConfigurationException("the MongoDB client settings are not valid; check the"
          + " connection string options");
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
