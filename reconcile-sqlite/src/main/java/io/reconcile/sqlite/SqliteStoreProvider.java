package io.reconcile.sqlite;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.StoreProvider;
import io.reconcile.jdbc.JdbcStoreProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Opens {@code jdbc:sqlite:} URIs as {@link io.reconcile.jdbc.JdbcStoreProvider} does, except that
 * a database file is opened only if it exists: the driver would otherwise create an empty file for
 * a mistyped path, and a diff must write nothing. It sets the driver's {@code open_mode} to read
 * and write without creating (SQLITE_OPEN_READWRITE), unless the options set {@code open_mode}
 * themselves or the database is in memory; a plain path to a missing file is refused first, with a
 * message saying so. Found through {@link java.util.ServiceLoader}: its
 * scheme {@code jdbc:sqlite} is longer than the generic {@code jdbc}, so it wins.
 */
public final class SqliteStoreProvider implements StoreProvider {

  /** SQLITE_OPEN_READWRITE without SQLITE_OPEN_CREATE. */
  private static final String EXISTING_FILES_ONLY = "2";

  /** Creates the provider; it holds no state. */
  public SqliteStoreProvider() {}

  @Override
  public Set<String> schemes() {
    return Set.of("jdbc:sqlite");
  }

  @Override
  public Store open(String uri, StoreOptions options) {
    boolean inMemory = uri.contains(":memory:") || uri.contains("mode=memory");
    if (inMemory || options.property("open_mode").isPresent()) {
      return new JdbcStoreProvider().open(uri, options);
    }
    String path = uri.substring("jdbc:sqlite:".length());
    if (!path.isEmpty() && !path.startsWith("file:") && !path.contains("?") && !Files.exists(Path.of(path))) {
      throw new ReconcileException.ConfigurationException(
          "SQLite database file '" + path + "' does not exist; reconcile opens existing files only and never"
              + " creates one — check the path (relative paths start from the working directory)");
    }
    return new JdbcStoreProvider().open(uri, withProperty(options, "open_mode", EXISTING_FILES_ONLY));
  }

  private static StoreOptions withProperty(StoreOptions o, String name, String value) {
    StoreOptions.Builder b = StoreOptions.newBuilder()
        .keyFields(o.keyFields().toArray(String[]::new))
        .fields(o.fields().toArray(String[]::new))
        .normalization(o.normalization())
        .readOnly(o.readOnly());
    o.id().ifPresent(b::id);
    o.dataset().ifPresent(b::dataset);
    o.versionField().ifPresent(b::versionField);
    o.filter().ifPresent(b::filter);
    o.properties().forEach(b::property);
    return b.property(name, value).build();
  }
}
