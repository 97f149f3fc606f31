package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.core.memory.MemoryStore;
import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testkit.internal.ReadmeExample.Given;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The examples of README.md ("The building blocks underneath") and reconcile-core/README.md (its
 * opening example and the in-memory store's), each taken from the README, compiled, run, and checked
 * against what the README says it does.
 */
class ReadmeExampleTest {

  private static final Path ROOT_README = Path.of("..", "README.md");
  private static final Path CORE_README = Path.of("README.md");

  private static final List<String> API_IMPORTS = List.of(
      "io.reconcile.api.*", "io.reconcile.api.store.*", "io.reconcile.core.memory.MemoryStore",
      "java.math.BigDecimal", "java.util.List", "java.util.Map", "java.util.stream.Stream");

  @Test
  void rootReadmeWatch(@org.junit.jupiter.api.io.TempDir Path dir) {
    MemoryStore primary = MemoryStore.create("primary");
    MemoryStore replica = MemoryStore.create("replica");
    for (int i = 0; i < 100; i++) {
      primary.put(Entry.of(Key.of(i), Map.of("name", "n" + i)));
      replica.put(Entry.of(Key.of(i), Map.of("name", "n" + i)));
    }
    io.reconcile.core.audit.AuditLog audit = io.reconcile.core.audit.AuditLog.inMemory();
    Map<String, Object> v = ReadmeExample.following(ROOT_README, "Continuously, in the host's own process:", "java")
        .runAsMethodBody(List.of("io.reconcile.api.*", "io.reconcile.core.*", "io.reconcile.core.audit.AuditLog",
                "io.reconcile.core.checkpoint.FileCheckpointStore", "io.reconcile.core.memory.MemoryStore",
                "io.reconcile.core.resolve.Resolvers", "java.nio.file.Path", "java.time.Duration", "java.util.Map"),
            List.of(new Given("primary", MemoryStore.class, primary), new Given("replica", MemoryStore.class, replica),
                new Given("audit", io.reconcile.core.audit.AuditLog.class, audit), new Given("stateDir", Path.class, dir),
                new Given("status", WatchReport.class, null)),
            "status");
    WatchReport status = (WatchReport) v.get("status");
    assertThat(status.divergences()).as("the README says one divergence").isEqualTo(1);
    assertThat(status.repairs().applied()).as("and one repair").isEqualTo(1);
    assertThat(replica.get(List.of(Key.of(7)))).isEqualTo(primary.get(List.of(Key.of(7))));
  }

  @Test
  void rootReadmeBuildingBlocks() {
    Map<String, Object> v = ReadmeExample.following(ROOT_README, "The building blocks underneath, by hand:", "java")
        .runAsMethodBody(API_IMPORTS, List.of(), "primary", "replica", "p", "r", "truth", "seen");

    @SuppressWarnings("unchecked")
    List<Digest> p = (List<Digest>) v.get("p");
    @SuppressWarnings("unchecked")
    List<Digest> r = (List<Digest>) v.get("r");
    assertThat(p.get(0)).as("10.00 equals 10.0 by value").isEqualTo(r.get(0));
    assertThat(p.get(1)).isNotEqualTo(r.get(1));
    MemoryStore primary = (MemoryStore) v.get("primary");
    MemoryStore replica = (MemoryStore) v.get("replica");
    assertThat(replica.digest(KeyRange.all())).as("the upsert was applied").isEqualTo(primary.digest(KeyRange.all()));
    RepairAction again = RepairAction.upsert("replica", (Entry) v.get("truth"), Expected.present((Entry) v.get("seen")));
    assertThat(replica.apply(List.of(again))).extracting(ActionOutcome::status)
        .containsExactly(ActionOutcome.Status.ALREADY_APPLIED);
  }

  /**
   * Three stores of 200 rows: the replica holds an older version of key 2, the DR copy a newer
   * version of key 3, and key 4 has no email everywhere.
   */
  @Test
  void coreReadmeOpeningExample() {
    Map<String, MemoryStore> stores = new HashMap<>();
    for (String id : List.of("primary", "replica", "dr")) {
      MemoryStore store = MemoryStore.create(id);
      for (int i = 1; i <= 200; i++) {
        store.put(entry(i, "name " + i, i == 4 ? null : i + "@example.com", "{a:1}"));
      }
      stores.put(id, store);
    }
    stores.get("primary").put(entry(2, "renamed", "2@example.com", "{a:2}"));
    stores.get("dr").put(entry(2, "renamed", "2@example.com", "{a:2}"));
    stores.get("dr").put(entry(3, "moved", "3@example.com", "{a:1,b:1}"));
    Map<String, Digest> before = new HashMap<>();
    stores.forEach((id, s) -> before.put(id, s.digest(KeyRange.all())));

    Map<String, Object> v = ReadmeExample.opening(CORE_README, "java").runAsMethodBody(
        List.of("io.reconcile.core.*", "io.reconcile.core.check.*", "io.reconcile.core.resolve.Resolvers"),
        List.of(new Given("primary", Store.class, stores.get("primary")),
            new Given("replica", Store.class, stores.get("replica")),
            new Given("dr", Store.class, stores.get("dr"))),
        "report");

    ReconcileReport report = (ReconcileReport) v.get("report");
    assertThat(report.mode()).isEqualTo(Mode.DRY_RUN);
    assertThat(report.escalation()).as("within the limits").isEmpty();
    assertThat(report.plan()).as("the newest version wins, and the actions are conditional")
        .satisfiesExactly(
            line -> assertThat(line).startsWith("upsert 2 in replica if present "),
            line -> assertThat(line).startsWith("upsert 3 in primary if present "),
            line -> assertThat(line).startsWith("upsert 3 in replica if present "));
    assertThat(report.findings()).filteredOn(f -> f.kind().equals("RULE_VIOLATION"))
        .hasSize(3)
        .allSatisfy(f -> {
          assertThat(f.key()).isEqualTo("4");
          assertThat(f.detail()).contains("email not null");
          assertThat(f.decision()).as("reported, never repaired").startsWith("report");
        });
    stores.forEach((id, s) -> assertThat(s.digest(KeyRange.all())).as("a dry run writes nothing to " + id)
        .isEqualTo(before.get(id)));
  }

  @Test
  void coreReadmeInMemoryStore() {
    MemoryStore.drop("orders-replica");
    Map<String, Object> v = ReadmeExample.following(CORE_README, "## The in-memory store", "java")
        .runAsMethodBody(API_IMPORTS, List.of(), "orders", "shared", "d", "out");

    assertThat(((Digest) v.get("d")).count()).isEqualTo(1);
    @SuppressWarnings("unchecked")
    List<ActionOutcome> out = (List<ActionOutcome>) v.get("out");
    assertThat(out).extracting(ActionOutcome::status).containsExactly(ActionOutcome.Status.APPLIED);
    assertThat(((MemoryStore) v.get("orders")).size()).isZero();
    Store shared = (Store) v.get("shared");
    assertThat(shared.id()).isEqualTo("orders-replica");
    assertThat(MemoryStore.named("orders-replica").id()).isEqualTo("orders-replica");
    MemoryStore.drop("orders-replica");
  }

  private static Entry entry(int key, String name, String email, String vector) {
    Map<String, Object> fields = new HashMap<>();
    fields.put("name", name);
    fields.put("email", email);
    return Entry.of(Key.of(key), fields, Version.of(VersionVector.parse(vector)));
  }
}
