package io.reconcile.api.store;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.Redaction;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Opens stores by URI through the {@link StoreProvider}s on the class path, found with {@link
 * ServiceLoader} using this library's class loader.
 *
 * <p>This is the convenience path; constructing a store explicitly is the main one. When no
 * provider matches, or two match equally, opening fails with a message naming what was found and
 * the module to add — it never falls back to a store that would report "consistent" and lie.
 */
public final class Stores {

  /** Which module provides which scheme, for the error message when it is missing. */
  private static final Map<String, String> MODULE_BY_SCHEME =
      Map.of(
          "mem", "io.reconcile:reconcile-core",
          "jdbc", "io.reconcile:reconcile-jdbc",
          "mongodb", "io.reconcile:reconcile-mongo",
          "mongodb+srv", "io.reconcile:reconcile-mongo",
          "kafka", "io.reconcile:reconcile-kafka");

  private Stores() {}

  /** Opens a store with default options. */
  public static Store open(String uri) {
    return open(uri, StoreOptions.defaults());
  }

  /**
   * Opens a store by URI, e.g. {@code mem:orders} or {@code jdbc:postgresql://localhost/db}.
   *
   * @throws ReconcileException.ConfigurationException if no provider, or more than one, handles the
   *     URI's scheme
   */
  public static Store open(String uri, StoreOptions options) {
    return open(uri, options, Stores.class.getClassLoader());
  }

  /** Opens a store using providers visible to the given class loader. */
  public static Store open(String uri, StoreOptions options, ClassLoader loader) {
    List<String> failures = new ArrayList<>();
    List<StoreProvider> providers = load(loader, failures);
    String lower = uri.toLowerCase(Locale.ROOT);
    int best = -1;
    List<StoreProvider> winners = new ArrayList<>();
    for (StoreProvider p : providers) {
      for (String scheme : p.schemes()) {
        String s = scheme.toLowerCase(Locale.ROOT);
        if (lower.startsWith(s + ":")) {
          if (s.length() > best) {
            best = s.length();
            winners.clear();
          }
          if (s.length() == best && !winners.contains(p)) {
            winners.add(p);
          }
        }
      }
    }
    if (winners.size() == 1) {
      return winners.get(0).open(uri, options);
    }
    String shown = Redaction.uri(uri);
    if (winners.size() > 1) {
      throw new ReconcileException.ConfigurationException(
          "two or more store providers claim the scheme of '"
              + shown
              + "': "
              + winners.stream().map(p -> p.getClass().getName()).collect(Collectors.joining(", "))
              + "; keep only one of them on the class path");
    }
    String scheme = schemeOf(uri);
    StringBuilder msg =
        new StringBuilder("no store provider handles the scheme '")
            .append(scheme)
            .append("' of '")
            .append(shown)
            .append("'; providers found: ")
            .append(describe(providers));
    if (!failures.isEmpty()) {
      msg.append("; providers that failed to load: ").append(String.join("; ", failures));
    }
    String module = MODULE_BY_SCHEME.get(scheme.contains(":") ? scheme.substring(0, scheme.indexOf(':')) : scheme);
    msg.append(
        module != null
            ? "; add " + module + " to the class path"
            : "; add the plugin for this scheme to the class path, or check the URI's spelling");
    throw new ReconcileException.ConfigurationException(msg.toString());
  }

  private static List<StoreProvider> load(ClassLoader loader, List<String> failures) {
    List<StoreProvider> out = new ArrayList<>();
    Iterator<StoreProvider> it = ServiceLoader.load(StoreProvider.class, loader).iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          return out;
        }
        out.add(it.next());
      } catch (ServiceConfigurationError e) {
        failures.add(e.getMessage());
      }
    }
  }

  private static String describe(List<StoreProvider> providers) {
    if (providers.isEmpty()) {
      return "none";
    }
    return providers.stream()
        .map(p -> String.join("/", new java.util.TreeSet<>(p.schemes())) + " (" + p.getClass().getName() + ")")
        .collect(Collectors.joining(", "));
  }

  /** {@code mem} for {@code mem:x}; {@code jdbc:postgresql} for {@code jdbc:postgresql://…}. */
  private static String schemeOf(String uri) {
    int colon = uri.indexOf(':');
    if (colon < 0) {
      return uri;
    }
    String first = uri.substring(0, colon).toLowerCase(Locale.ROOT);
    if (first.equals("jdbc")) {
      int second = uri.indexOf(':', colon + 1);
      return second < 0 ? first : uri.substring(0, second).toLowerCase(Locale.ROOT);
    }
    return first;
  }
}
