package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Resolution;
import io.reconcile.api.repair.Resolver;
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
    assertThat(RepairAction.upsert("b", fresh, Expected.present(old)).id()).isEqualTo(a.id());
    assertThat(RepairAction.upsert("c", fresh, Expected.present(old)).id()).isNotEqualTo(a.id());
    assertThat(RepairAction.upsert("b", fresh, Expected.absent()).id()).isNotEqualTo(a.id());
    assertThat(RepairAction.delete("b", Key.of(1), Expected.present(old)).id()).isNotEqualTo(a.id());
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
