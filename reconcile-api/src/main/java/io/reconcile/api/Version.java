package io.reconcile.api;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * Version metadata of an entry, used by resolvers to decide which side wins: a {@link
 * VersionVector} (causal history), a timestamp (for last-writer-wins), both, or neither.
 *
 * @param vector the causal version, or null if the store keeps none
 * @param timestamp when the entry was last written, or null if the store keeps no such time
 */
public record Version(@Nullable VersionVector vector, @Nullable Instant timestamp) {

  /** No version metadata. */
  public static final Version NONE = new Version(null, null);

  /** A version with only a vector. */
  public static Version of(VersionVector vector) {
    return new Version(vector, null);
  }

  /** A version with only a timestamp. */
  public static Version of(Instant timestamp) {
    return new Version(null, timestamp);
  }

  @Override
  public String toString() {
    if (vector == null && timestamp == null) {
      return "unversioned";
    }
    if (vector == null) {
      return "@" + timestamp;
    }
    return timestamp == null ? vector.toText() : vector.toText() + "@" + timestamp;
  }
}
