package io.reconcile.jdbc;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.jdbc.spi.SqlDialect;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.jspecify.annotations.Nullable;

/**
 * Finds the {@link SqlDialect} providers ({@link ServiceLoader}, through this module's class
 * loader) that serve a database product, for a store whose builder chose none.
 */
final class DialectDiscovery {

  private DialectDiscovery() {}

  /**
   * The one provider that {@linkplain SqlDialect#serves serves} {@code productName}, or null when
   * none does (the built-in dialects then decide).
   *
   * @throws ConfigurationException if several serve it, or a provider cannot be loaded: naming
   *     them and what to do
   */
  static @Nullable SqlDialect find(String productName) {
    List<SqlDialect> serving = new ArrayList<>();
    List<String> broken = new ArrayList<>();
    Iterator<SqlDialect> it = ServiceLoader.load(SqlDialect.class, SqlDialect.class.getClassLoader()).iterator();
    while (true) {
      SqlDialect d;
      try {
        if (!it.hasNext()) {
          break;
        }
        d = it.next();
      } catch (ServiceConfigurationError e) {
        broken.add(e.getMessage());
        continue;
      }
      if (d.serves(productName)) {
        serving.add(d);
      }
    }
    if (!broken.isEmpty()) {
      throw new ConfigurationException(
          "a JDBC dialect provider (" + SqlDialect.class.getName() + ") could not be loaded: "
              + String.join("; ", broken) + "; fix or remove the jar that declares it");
    }
    if (serving.size() > 1) {
      throw new ConfigurationException(
          "several JDBC dialects serve database product '" + productName + "': "
              + serving.stream().map(d -> d.name() + " (" + d.getClass().getName() + ")").toList()
              + "; keep one of their jars, or choose one with JdbcStore.Builder.dialect(...)");
    }
    return serving.isEmpty() ? null : serving.get(0);
  }
}
