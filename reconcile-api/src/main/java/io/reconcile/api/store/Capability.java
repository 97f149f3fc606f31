package io.reconcile.api.store;

/** What a {@link Store} can do beyond reading. The engine plans around what each store declares. */
public enum Capability {
  /** Digests are computed where the data lives; only digests travel, not rows. */
  SERVER_SIDE_DIGEST,
  /** {@link Store#scan} returns entries in key order (otherwise in any order). */
  ORDERED_SCAN,
  /** {@link Store#apply} writes; without it, the store is read-only. */
  WRITE,
  /** Entries carry {@link io.reconcile.api.Version version metadata}. */
  VERSIONS,
  /** {@link Store#subscribe} reports changed keys as they happen. */
  CHANGE_FEED
}
