package io.reconcile.core.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.store.RepairAction;
import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Round trips of random keys, values, entries, actions and records. The composite properties turn
 * jqwik's edge-case mixing off: their edge cases multiply into thousands of combinations and slow
 * the run several-fold, and the generators already draw edge values (extreme numbers and instants,
 * empty and unpaired-surrogate texts, empty collections) often.
 */
class AuditJsonPropertiesTest {

  @Provide
  Arbitrary<Value> values() {
    return AuditGenerators.values();
  }

  @Provide
  Arbitrary<Key> keys() {
    return AuditGenerators.keys();
  }

  @Provide
  Arbitrary<Entry> entries() {
    return AuditGenerators.entries();
  }

  @Provide
  Arbitrary<RepairAction> actions() {
    return AuditGenerators.actions();
  }

  @Provide
  Arbitrary<AuditRecord> records() {
    return AuditGenerators.records();
  }

  @Property(tries = 1000)
  void valuesRoundTripExactly(@ForAll("values") Value v) {
    Value back = AuditJson.valueFromJson(AuditJson.toJson(v));
    assertThat(back).isEqualTo(v);
    assertThat(AuditGenerators.exactlyEqual(back, v))
        .as("numbers keep decimal text and flag")
        .isTrue();
  }

  @Property(tries = 1000)
  void keysRoundTrip(@ForAll("keys") Key k) {
    assertThat(AuditJson.keyFromJson(AuditJson.toJson(k))).isEqualTo(k);
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void entriesRoundTripExactly(@ForAll("entries") Entry e) {
    Entry back = AuditJson.entryFromJson(AuditJson.toJson(e));
    assertThat(back).isEqualTo(e);
    assertThat(back.version()).isEqualTo(e.version());
    assertThat(back.hash()).isEqualTo(e.hash());
    assertThat(AuditGenerators.exactlyEqual(back, e)).isTrue();
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void actionsRoundTripWithTheirIds(@ForAll("actions") RepairAction a) {
    RepairAction back = AuditJson.actionFromJson(AuditJson.toJson(a));
    assertThat(back).isEqualTo(a);
    assertThat(back.id()).isEqualTo(a.id());
    assertThat(back.expected()).isEqualTo(a.expected());
  }

  /** The whole path of a record: audit line text, UTF-8 bytes, parse, decode; and a valid chain. */
  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void recordsRoundTripThroughAuditLines(@ForAll("records") AuditRecord r) {
    Chain chain = new Chain();
    Chain.Link link = chain.next(r);
    String line = new String(link.line().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    assertThat(line).isEqualTo(link.line()).doesNotContain("\n");
    AuditRecord back = Chain.record(Chain.parse(line));
    assertThat(back).isEqualTo(r);
    if (r.found() != null) {
      assertThat(AuditGenerators.exactlyEqual(back.found(), r.found())).isTrue();
    }
    if (r.foundRow() != null) {
      assertThat(AuditGenerators.exactlyEqual(Value.MapValue.of(back.foundRow()), Value.MapValue.of(r.foundRow()))).isTrue();
    }
    if (r.action() instanceof RepairAction.Upsert u && u.storedRow() != null) {
      RepairAction.Upsert b = (RepairAction.Upsert) back.action();
      assertThat(AuditGenerators.exactlyEqual(Value.MapValue.of(b.storedRow()), Value.MapValue.of(u.storedRow()))).isTrue();
    }
    Chain.Verifier verifier = new Chain.Verifier();
    assertThat(verifier.accept(line, true)).isTrue();
    assertThat(verifier.result()).isEqualTo(new AuditLog.Verification(true, 1, null));
  }
}
