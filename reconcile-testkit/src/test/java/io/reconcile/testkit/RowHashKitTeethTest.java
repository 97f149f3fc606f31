package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reconcile.api.Digest;
import io.reconcile.api.HashScheme;
import io.reconcile.api.KeyHash;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.Store;
import io.reconcile.testkit.example.SortedMapStore;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * Proves the Store compatibility kit has teeth for a store's hash schemes: a store whose row hashes
 * under its second scheme do not add up to its digests under it, or that computes other bits under
 * the name of canonical XXH3-128, fails the kit there, and only there. The broken kits are static
 * nested classes, so surefire does not run them on their own.
 */
class RowHashKitTeethTest {

  /** Digests that count every row hash one higher than the row hashes the store reads out. */
  static final HashScheme OFF_BY_ONE = new HashScheme("reconcile-testkit-teeth/off-by-one", 128);

  static final class OffByOneDigests extends ForwardingStore {

    OffByOneDigests(Store delegate) {
      super(delegate);
    }

    @Override
    public Set<HashScheme> hashSchemes() {
      return Set.of(HashScheme.CANONICAL_MD5, OFF_BY_ONE);
    }

    @Override
    public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
      if (!scheme.equals(OFF_BY_ONE)) {
        return super.digest(ranges, scheme);
      }
      return super.digest(ranges, HashScheme.CANONICAL_MD5).stream()
          .map(d -> Digest.of(d.count(), d.sum().add(BigInteger.valueOf(d.count()))))
          .toList();
    }

    @Override
    public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
      return super.rowHashes(ranges, scheme.equals(OFF_BY_ONE) ? HashScheme.CANONICAL_MD5 : scheme);
    }
  }

  static class OffByOneKit extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new OffByOneDigests(new SortedMapStore("kit", false));
    }
  }

  /** Declares canonical XXH3-128 but computes canonical MD5 under its name. */
  static final class Md5CalledXxh3 extends ForwardingStore {

    Md5CalledXxh3(Store delegate) {
      super(delegate);
    }

    @Override
    public Set<HashScheme> hashSchemes() {
      return Set.of(HashScheme.CANONICAL_MD5, HashScheme.CANONICAL_XXH3_128);
    }

    @Override
    public List<Digest> digest(List<KeyRange> ranges, HashScheme scheme) {
      return super.digest(ranges, md5For(scheme));
    }

    @Override
    public Stream<KeyHash> rowHashes(List<KeyRange> ranges, HashScheme scheme) {
      return super.rowHashes(ranges, md5For(scheme));
    }

    private static HashScheme md5For(HashScheme scheme) {
      return scheme.equals(HashScheme.CANONICAL_XXH3_128) ? HashScheme.CANONICAL_MD5 : scheme;
    }
  }

  static class Md5CalledXxh3Kit extends StoreCompatibilityKit {
    @Override
    protected Store newStore() {
      return new Md5CalledXxh3(new SortedMapStore("kit", false));
    }
  }

  @Test
  @DisplayName("other bits under the name of canonical XXH3-128 fail the check of its known digest alone")
  void otherBitsUnderTheXxh3Name() {
    Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(Md5CalledXxh3Kit.class)).execute().testEvents();
    assertThat(events.failed().stream().map(e -> e.getTestDescriptor().getDisplayName()))
        .containsExactly("a store that declares canonical XXH3-128 computes exactly it: the sample's digest is the xxHash reference's");
    assertThat(events.succeeded().count()).as("the kit's other checks pass").isGreaterThan(20);
  }

  @Test
  @DisplayName("row hashes that do not add up to the digests under a declared scheme fail that check alone, naming the scheme")
  void rowHashesThatDoNotAddUp() {
    Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(OffByOneKit.class)).execute().testEvents();
    assertThat(events.failed().stream().map(e -> e.getTestDescriptor().getDisplayName()))
        .containsExactly("under every declared scheme, the row hashes of ranges add up to their digests (LONG keys)");
    assertThat(events.failed().stream().map(RowHashKitTeethTest::message).findFirst().orElseThrow())
        .contains("under " + OFF_BY_ONE.name());
    assertThat(events.succeeded().count()).as("the kit's other checks pass").isGreaterThan(20);
  }

  private static String message(Event e) {
    return e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
        .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
        .map(t -> String.valueOf(t.getMessage()))
        .orElse("");
  }
}
