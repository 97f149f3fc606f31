package io.reconcile.api.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Version;
import io.reconcile.api.VersionVector;
import io.reconcile.api.store.ActionOutcome.Status;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.jspecify.annotations.Nullable;

/**
 * The truth table of {@link RepairAction#statusFor}: what a store does with an action, given what
 * its target holds. Data comes from four values, two of them equal by value ({@code 1} and {@code
 * 1.0}), versions from three, so that equal data, equal data under other versions, and absences are
 * all common.
 */
class StatusForPropertiesTest {

  private static final Key KEY = Key.of(7);

  private static final Version[] VERSIONS = {
    Version.NONE, Version.of(VersionVector.of(Map.of("a", 1L))), Version.of(Instant.parse("2024-01-01T00:00:00Z"))
  };

  private static final Object[] DATA = {"x", "y", 1, new BigDecimal("1.0")};

  private static Entry entry(int data, int version) {
    return Entry.of(KEY, Map.of("v", DATA[data]), VERSIONS[version]);
  }

  private static Arbitrary<Entry> entries() {
    return Combinators.combine(Arbitraries.integers().between(0, DATA.length - 1), Arbitraries.integers().between(0, 2))
        .as(StatusForPropertiesTest::entry);
  }

  @Provide
  Arbitrary<@Nullable Entry> states() {
    return entries().injectNull(0.2);
  }

  @Provide
  Arbitrary<RepairAction> actions() {
    Arbitrary<Expected> expectations = Arbitraries.oneOf(Arbitraries.just(Expected.absent()), entries().map(Expected::present));
    Arbitrary<RepairAction> upserts = Combinators.combine(entries(), expectations).as((e, x) -> RepairAction.upsert("t", e, x));
    Arbitrary<RepairAction> deletes = entries().map(e -> RepairAction.delete("t", KEY, Expected.present(e)));
    return Arbitraries.oneOf(upserts, deletes);
  }

  /** What a store holds after writing the action: versions only where it keeps them. */
  private static @Nullable Entry written(RepairAction a, boolean versioned) {
    Entry r = a.result();
    return r == null || versioned ? r : r.withVersion(Version.NONE);
  }

  private static boolean sameData(@Nullable Entry x, @Nullable Entry y) {
    return x == null || y == null ? x == y : x.sameData(y);
  }

  @Property
  void writesOnlyFromTheExpectedState(
      @ForAll("actions") RepairAction a, @ForAll("states") @Nullable Entry current, @ForAll boolean versioned) {
    Status s = a.statusFor(current, versioned);
    if (s == Status.APPLIED) {
      assertThat(a.expected().matches(current)).as("an action writes only over its expected state").isTrue();
    }
    if (a.expected().matches(current)) {
      assertThat(s).as("the expected state is never refused").isNotEqualTo(Status.REFUSED);
    }
  }

  @Property
  void refusesExactlyWhatItMustNotOverwrite(
      @ForAll("actions") RepairAction a, @ForAll("states") @Nullable Entry current, @ForAll boolean versioned) {
    Entry r = a.result();
    boolean inPlace = sameData(current, r) && (!versioned || r == null || current.version().equals(r.version()));
    assertThat(a.statusFor(current, versioned) == Status.REFUSED)
        .as("refused exactly when the target holds neither the result (with its version, where versions are kept)"
            + " nor the expected data")
        .isEqualTo(!inPlace && !a.expected().matches(current));
  }

  @Property
  void aReplayIsAlreadyApplied(
      @ForAll("actions") RepairAction a, @ForAll("states") @Nullable Entry current, @ForAll boolean versioned) {
    if (a.statusFor(current, versioned) == Status.APPLIED) {
      assertThat(a.statusFor(written(a, versioned), versioned))
          .as("once written, the same action is already applied")
          .isEqualTo(Status.ALREADY_APPLIED);
    }
  }

  @Property
  void versionsCountOnlyWhereTheStoreKeepsThem(
      @ForAll("actions") RepairAction a, @ForAll("states") @Nullable Entry current, @ForAll("states") @Nullable Entry other) {
    if (current != null && other != null && current.sameData(other)) {
      assertThat(a.statusFor(current, false))
          .as("a store without versions decides on data alone")
          .isEqualTo(a.statusFor(other, false));
    }
    Status unversioned = a.statusFor(current, false);
    Status versioned = a.statusFor(current, true);
    if (versioned == Status.ALREADY_APPLIED) {
      assertThat(unversioned).as("in place with its version is in place without").isEqualTo(Status.ALREADY_APPLIED);
    }
  }

  @Property
  void agreesWithThePlanner(@ForAll("states") @Nullable Entry current, @ForAll("states") @Nullable Entry decided) {
    // The engine's planner: an upsert when the data or the version differs, a delete when the
    // decision is absence and the target holds something; nothing otherwise.
    if (decided == null) {
      if (current != null) {
        assertThat(RepairAction.delete("t", KEY, Expected.present(current)).statusFor(current, true)).isEqualTo(Status.APPLIED);
      }
      return;
    }
    boolean planned = current == null || !current.sameData(decided) || !current.version().equals(decided.version());
    Expected x = current == null ? Expected.absent() : Expected.present(current);
    RepairAction upsert = RepairAction.upsert("t", decided, x);
    assertThat(upsert.statusFor(current, true))
        .as("for a store that keeps versions, the planner plans an upsert exactly when it is not in place")
        .isEqualTo(planned ? Status.APPLIED : Status.ALREADY_APPLIED);
    if (!planned) {
      assertThat(upsert.statusFor(current, false)).isEqualTo(Status.ALREADY_APPLIED);
    }
  }

  @Example
  void theTable() {
    Entry x = entry(0, 0);
    Entry xv = entry(0, 1);
    Entry y = entry(2, 0);
    Entry y10 = entry(3, 0);
    RepairAction update = RepairAction.upsert("t", y, Expected.present(x));
    // the result in place
    assertThat(update.statusFor(y, true)).isEqualTo(Status.ALREADY_APPLIED);
    assertThat(update.statusFor(y10, true)).as("by value").isEqualTo(Status.ALREADY_APPLIED);
    assertThat(update.statusFor(y.withVersion(VERSIONS[2]), false)).isEqualTo(Status.ALREADY_APPLIED);
    // the result's data under another version: refused where versions count, in place where not
    assertThat(update.statusFor(y.withVersion(VERSIONS[2]), true)).isEqualTo(Status.REFUSED);
    // the expected data, whatever its version
    assertThat(update.statusFor(x, true)).isEqualTo(Status.APPLIED);
    assertThat(update.statusFor(xv, true)).isEqualTo(Status.APPLIED);
    assertThat(update.statusFor(xv, false)).isEqualTo(Status.APPLIED);
    // anything else
    assertThat(update.statusFor(null, true)).isEqualTo(Status.REFUSED);
    assertThat(update.statusFor(entry(1, 0), false)).isEqualTo(Status.REFUSED);
    // a version-only change: written where versions are kept, already in place where not
    RepairAction bump = RepairAction.upsert("t", xv, Expected.present(x));
    assertThat(bump.statusFor(x, true)).isEqualTo(Status.APPLIED);
    assertThat(bump.statusFor(x, false)).isEqualTo(Status.ALREADY_APPLIED);
    // inserts and deletes
    RepairAction insert = RepairAction.upsert("t", y, Expected.absent());
    assertThat(insert.statusFor(null, true)).isEqualTo(Status.APPLIED);
    assertThat(insert.statusFor(x, true)).isEqualTo(Status.REFUSED);
    RepairAction delete = RepairAction.delete("t", KEY, Expected.present(x));
    assertThat(delete.statusFor(null, true)).isEqualTo(Status.ALREADY_APPLIED);
    assertThat(delete.statusFor(xv, true)).isEqualTo(Status.APPLIED);
    assertThat(delete.statusFor(y, false)).isEqualTo(Status.REFUSED);
    assertThatThrownBy(() -> delete.statusFor(Entry.of(Key.of(8), Map.of()), true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("action " + delete.id() + " writes key 7, but was given the entry of key 8 as what its target holds;"
            + " pass the entry the target holds under the action's key");
  }
}
