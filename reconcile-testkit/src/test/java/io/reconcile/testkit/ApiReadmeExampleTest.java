package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Canonical;
import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.RowHash;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.RepairAction;
import io.reconcile.testkit.internal.ReadmeExample;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The opening example of reconcile-api/README.md, taken from the README, compiled and run, and each
 * claim of its comments checked. It runs here because the api module's own tests cannot reach this
 * helper (the testkit depends on the api), and here the class path holds nothing of reconcile but
 * the api and the testkit.
 */
class ApiReadmeExampleTest {

  private static final Path README = Path.of("..", "reconcile-api", "README.md");

  @Test
  void openingExampleRunsAndSaysWhatItDoes() throws Exception {
    Map<String, Object> v = ReadmeExample.opening(README, "java").runAsMethodBody(
        List.of("io.reconcile.api.*", "io.reconcile.api.store.*", "java.math.BigDecimal", "java.util.Map"),
        List.of(), "k", "sortable", "row", "h", "d", "r", "v", "o", "fix");

    Key k = (Key) v.get("k");
    byte[] sortable = (byte[]) v.get("sortable");
    assertThat(k.parts()).containsExactly("eu", 42L);
    assertThat(Key.decode(sortable)).isEqualTo(k);
    assertThat(Arrays.compareUnsigned(sortable, Key.of("eu", 43L).encode())).isNegative();
    assertThat(Arrays.compareUnsigned(sortable, Key.of("eu", 41L).encode())).isPositive();

    Entry row = (Entry) v.get("row");
    byte[] md5 = MessageDigest.getInstance("MD5").digest(Canonical.encodeRow(row.key(), row.fields()));
    assertThat(v.get("h")).isEqualTo(RowHash.fromBytes(md5));
    assertThat(v.get("d")).isEqualTo(Digest.of((RowHash) v.get("h")))
        .extracting(d -> ((Digest) d).count()).isEqualTo(1L);

    assertThat(((VersionVector) v.get("v")).toText()).isEqualTo("{node-a:1}");
    assertThat(v.get("o")).isEqualTo(VersionVector.Order.CONCURRENT);

    KeyRange r = (KeyRange) v.get("r");
    assertThat(r.contains(k)).isTrue();
    assertThat(r.contains(Key.of("eu", 100L))).as("hi is exclusive").isFalse();
    assertThat(r.contains(Key.of("eu", 0L))).as("lo is inclusive").isTrue();

    RepairAction fix = (RepairAction) v.get("fix");
    assertThat(fix.target()).isEqualTo("replica");
    assertThat(fix.statusFor(null, false)).isEqualTo(ActionOutcome.Status.APPLIED);
    assertThat(fix.statusFor(row, false)).as("a replay").isEqualTo(ActionOutcome.Status.ALREADY_APPLIED);
    assertThat(fix.statusFor(Entry.of(k, Map.of("name", "Grace")), false)).isEqualTo(ActionOutcome.Status.REFUSED);
  }
}
