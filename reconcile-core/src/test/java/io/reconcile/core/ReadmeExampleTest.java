package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import io.reconcile.api.store.Stores;
import io.reconcile.core.memory.MemoryStore;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The embedding examples of README.md and reconcile-core/README.md, kept compiling and true. */
class ReadmeExampleTest {

  @Test
  void readmeExample() {
    // --- README example starts
    MemoryStore primary = MemoryStore.create("primary"), replica = MemoryStore.create("replica");
    primary.put(Entry.of(Key.of(1), Map.of("name", "Ada", "balance", new BigDecimal("10.00"))));
    replica.put(Entry.of(Key.of(1), Map.of("name", "Ada", "balance", new BigDecimal("10.0")))); // equal by value
    primary.put(Entry.of(Key.of(2), Map.of("name", "Grace", "balance", 5)));
    replica.put(Entry.of(Key.of(2), Map.of("name", "Grace", "balance", 7))); // drifted

    List<KeyRange> halves = KeyRange.all().split(List.of(Key.of(2))); // [-∞, 2) and [2, +∞)
    List<Digest> p = primary.digest(halves, HashScheme.CANONICAL_MD5);
    List<Digest> r = replica.digest(halves, HashScheme.CANONICAL_MD5); // only digests travel
    Entry truth = primary.get(List.of(Key.of(2))).get(Key.of(2));
    Entry seen = replica.get(List.of(Key.of(2))).get(Key.of(2));
    replica.apply(List.of(RepairAction.upsert("replica", truth, Expected.present(seen)))); // only if unchanged
    // --- README example ends

    assertThat(p.get(0)).isEqualTo(r.get(0));
    assertThat(p.get(1)).isNotEqualTo(r.get(1));
    assertThat(replica.digest(KeyRange.all())).isEqualTo(primary.digest(KeyRange.all()));
    assertThat(replica.apply(List.of(RepairAction.upsert("replica", truth, Expected.present(seen)))))
        .extracting(ActionOutcome::status)
        .containsExactly(ActionOutcome.Status.ALREADY_APPLIED);
  }

  @Test
  void coreReadmeExample() {
    MemoryStore.drop("orders-replica");
    MemoryStore orders = MemoryStore.create("orders");
    orders.put(Entry.of(Key.of(1), Map.of("total", new BigDecimal("9.90"))));
    Store shared = Stores.open("mem:orders-replica");
    try (Stream<Entry> rows = orders.scan(KeyRange.all())) {
      assertThat(rows.count()).isEqualTo(1);
    }
    Digest d = orders.digest(KeyRange.all());
    List<ActionOutcome> out = orders.apply(List.of(RepairAction.delete(
        "orders", Key.of(1), Expected.present(Entry.of(Key.of(1), Map.of("total", 9.9))))));
    assertThat(out.get(0).status()).isEqualTo(ActionOutcome.Status.APPLIED);
    assertThat(d.count()).isEqualTo(1);
    assertThat(shared.id()).isEqualTo("orders-replica");
    MemoryStore.drop("orders-replica");
  }

  @Test
  void engineExample(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    MemoryStore primary = MemoryStore.create("primary"), replica = MemoryStore.create("replica");
    for (int i = 0; i < 10; i++) {
      primary.put(Entry.of(Key.of(i), Map.of("name", "n" + i)));
      if (i != 3) {
        replica.put(Entry.of(Key.of(i), Map.of("name", "n" + i)));
      }
    }
    try (var audit = io.reconcile.core.audit.FileAuditLog.open(dir.resolve("audit.jsonl"))) {
      ReconcileReport report = Reconciler.newBuilder()
          .stores(primary, replica)
          .resolver(io.reconcile.core.resolve.Resolvers.lastWriterWins()
              .orElse(io.reconcile.core.resolve.Resolvers.sourceOfTruth("primary")))
          .mode(Mode.APPLY)
          .auditLog(audit)
          .build()
          .run();
      assertThat(report.summary()).contains("1 applied");
    }
    assertThat(replica.size()).isEqualTo(10);
  }
}
