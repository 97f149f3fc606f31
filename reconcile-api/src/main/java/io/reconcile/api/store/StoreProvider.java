package io.reconcile.api.store;

import java.util.Set;

/**
 * Opens stores of one kind by URI. A plugin ships one, registered for {@link java.util.ServiceLoader}
 * in {@code META-INF/services/io.reconcile.api.store.StoreProvider}; {@link Stores#open} picks the
 * provider whose scheme matches the URI. Implementations need a public no-argument constructor and
 * must be thread-safe.
 */
public interface StoreProvider {

  /**
   * The URI schemes this provider opens, e.g. {@code mem}, or {@code jdbc:postgresql} and {@code
   * jdbc:mariadb}. A URI matches a scheme when it starts with the scheme and a colon; the longest
   * matching scheme wins, so a generic {@code jdbc} provider yields to a specific one.
   */
  Set<String> schemes();

  /**
   * Opens a store.
   *
   * @throws io.reconcile.api.ReconcileException.ConfigurationException if the URI or options are
   *     wrong, saying what was expected and found
   * @throws io.reconcile.api.ReconcileException.StoreUnavailableException if the store cannot be
   *     reached
   */
  Store open(String uri, StoreOptions options);
}
