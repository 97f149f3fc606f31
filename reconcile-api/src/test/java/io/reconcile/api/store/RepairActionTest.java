package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.Version;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RepairActionTest {

  private final Entry old = Entry.of(Key.of(1), Map.of("v", "old"));
  private final Entry fresh = Entry.of(Key.of(1), Map.of("v", "new"));

  @Test
  void idsAreStableAndDependOnWhatTheActionDoes() {
    RepairAction a = RepairAction.upsert("b", fresh, Expected.present(old));
    assertThat(a.id()).matches("[0-9a-f]{32}");
    assertThat(RepairAction.upsert("b", fresh, Expected.present(old)).id()).isEqualTo(a.id());
    assertThat(RepairAction.upsert("c", fresh, Expected.present(old)).id()).isNotEqualTo(a.id());
    assertThat(RepairAction.upsert("b", fresh, Expected.absent()).id()).isNotEqualTo(a.id());
    assertThat(RepairAction.delete("b", Key.of(1), Expected.present(old)).id()).isNotEqualTo(a.id());
    assertThat(RepairAction.upsert("b", old, Expected.present(fresh)).id()).as("the inverse").isNotEqualTo(a.id());
    // The result's version is part of the change; the expected entry's is not (it is not compared).
    Version v = Version.of(Instant.EPOCH);
    assertThat(RepairAction.upsert("b", fresh.withVersion(v), Expected.present(old)).id()).isNotEqualTo(a.id());
    assertThat(RepairAction.upsert("b", fresh, Expected.present(old.withVersion(v))).id()).isEqualTo(a.id());
    // Canonical bytes, not text: 1.5 and 1.50 are one value, "1.5" is another.
    RepairAction num = RepairAction.upsert("b", Entry.of(Key.of(1), Map.of("v", new BigDecimal("1.5"))), Expected.absent());
    assertThat(RepairAction.upsert("b", Entry.of(Key.of(1), Map.of("v", new BigDecimal("1.50"))), Expected.absent()).id())
        .isEqualTo(num.id());
    assertThat(RepairAction.upsert("b", Entry.of(Key.of(1), Map.of("v", "1.5")), Expected.absent()).id())
        .isNotEqualTo(num.id());
    // A restore writes its stored row: another row is another change.
    RepairAction restore = RepairAction.restore("b", fresh, Map.of("v", Value.of("new"), "note", Value.of("x")), Expected.present(old));
    assertThat(restore.id()).isNotEqualTo(a.id());
    assertThat(RepairAction.restore("b", fresh, Map.of("note", Value.of("x"), "v", Value.of("new")), Expected.present(old)))
        .isEqualTo(restore);
    assertThat(RepairAction.restore("b", fresh, Map.of("v", Value.of("new"), "note", Value.of("y")), Expected.present(old)).id())
        .isNotEqualTo(restore.id());
  }

  @Test
  void actionsAreMadeOnlyByTheFactories() {
    assertThat(RepairAction.Upsert.class.getConstructors()).isEmpty();
    assertThat(RepairAction.Delete.class.getConstructors()).isEmpty();
    RepairAction a = RepairAction.upsert("b", fresh, Expected.present(old));
    assertThat(a).isEqualTo(RepairAction.upsert("b", fresh, Expected.present(old)))
        .hasSameHashCodeAs(RepairAction.upsert("b", fresh, Expected.present(old)))
        .isNotEqualTo(RepairAction.upsert("b", fresh.withVersion(Version.of(Instant.EPOCH)), Expected.present(old)));
    String kind = a instanceof RepairAction.Upsert u ? "upsert of " + u.entry().key() : "delete";
    assertThat(kind).isEqualTo("upsert of 1");
  }

  @Test
  void inversesRestoreTheExpectedState() {
    RepairAction update = RepairAction.upsert("b", fresh, Expected.present(old));
    assertThat(update.inverse()).isEqualTo(RepairAction.upsert("b", old, Expected.present(fresh)));
    RepairAction insert = RepairAction.upsert("b", fresh, Expected.absent());
    assertThat(insert.inverse()).isEqualTo(RepairAction.delete("b", Key.of(1), Expected.present(fresh)));
    RepairAction delete = RepairAction.delete("b", Key.of(1), Expected.present(old));
    assertThat(delete.inverse()).isEqualTo(RepairAction.upsert("b", old, Expected.absent()));
    assertThat(delete.inverse().inverse()).isEqualTo(delete);
  }

  @Test
  void expectationsCompareDataNotVersions() {
    Entry versioned = old.withVersion(io.reconcile.api.Version.of(Instant.EPOCH));
    assertThat(Expected.present(old).matches(versioned)).isTrue();
    assertThat(Expected.present(old).matches(fresh)).isFalse();
    assertThat(Expected.present(old).matches(null)).isFalse();
    assertThat(Expected.absent().matches(null)).isTrue();
    assertThat(Expected.absent().matches(old)).isFalse();
  }

  @Test
  void rejectsInconsistentActions() {
    assertThatThrownBy(() -> RepairAction.delete("b", Key.of(1), Expected.absent()))
        .hasMessageContaining("must expect the entry it removes");
    assertThatThrownBy(() -> RepairAction.upsert("b", fresh, Expected.present(Entry.of(Key.of(2), Map.of()))))
        .hasMessageContaining("cannot expect an entry of key 2");
  }

  @Test
  void resolversComposeInOrder() {
    Resolver abstain = d -> Optional.empty();
    Resolver takeA = d -> Optional.of(new Resolution.TakeSide("a", "a owns it"));
    Resolver escalate = d -> Optional.of(new Resolution.Escalate("unsure"));
    Divergence d =
        new Divergence(Key.of(1), Divergence.Kind.MISMATCH,
            List.of(new Divergence.Side("a", old), new Divergence.Side("b", fresh)), "test", Instant.EPOCH, "v differs");
    assertThat(abstain.orElse(takeA).resolve(d)).contains(new Resolution.TakeSide("a", "a owns it"));
    assertThat(Resolver.firstOf(abstain, escalate, takeA).resolve(d)).contains(new Resolution.Escalate("unsure"));
    assertThat(Resolver.firstOf(abstain).resolve(d)).isEmpty();
    assertThat(d.entryIn("b")).contains(fresh);
    assertThat(d.reference().store()).isEqualTo("a");
    assertThat(new Resolution.Skip("x").repairs()).isFalse();
    assertThat(new Resolution.Delete("x").repairs()).isTrue();
  }

  @Test
  void divergenceSidesMustHoldItsKey() {
    assertThatThrownBy(
            () -> new Divergence(Key.of(2), Divergence.Kind.MISMATCH, List.of(new Divergence.Side("a", old)), "t", Instant.EPOCH, ""))
        .hasMessageContaining("side 'a' holds key 1, not 2");
  }
}
