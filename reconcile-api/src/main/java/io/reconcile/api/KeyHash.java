package io.reconcile.api;

import java.util.Objects;

/**
 * One entry's key and its row hash under some {@link HashScheme}, as {@link
 * io.reconcile.api.store.Store#rowHashes} gives them: a few bytes per row that tell whether two
 * stores' rows under a key are the same, without moving the rows.
 *
 * @param key the entry's key
 * @param hash the row hash; comparable only with hashes under the same scheme
 */
public record KeyHash(Key key, RowHash hash) {

  public KeyHash {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(hash, "hash");
  }
}
