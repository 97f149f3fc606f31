package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Resolver;
import io.reconcile.testkit.ResolverContract;
import io.reconcile.testkit.VersionVectorResolverContract;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;
import net.jqwik.api.Group;
import net.jqwik.api.PropertyDefaults;

/**
 * Every built-in resolver keeps the testkit's resolver laws: deterministic, commutative over every
 * side (the built-ins promise more than {@link Resolver} asks: the reference is not privileged),
 * idempotent, no invented values; the version-vector ones also never pick a dominated version.
 */
@PropertyDefaults(tries = 300)
class BuiltInResolverContractsTest {

  /**
   * Appends the other side's tags to this side's and keeps this side's other fields: not
   * commutative, so it shows that the merge order follows store ids, not the order of the sides.
   */
  static final BinaryOperator<Entry> APPEND_TAGS =
      (x, y) -> {
        Map<String, Value> fields = new TreeMap<>(x.fields().fields());
        if (x.field("tags") instanceof Value.ListValue a && y.field("tags") instanceof Value.ListValue b) {
          List<Value> both = new ArrayList<>(a.values());
          both.addAll(b.values());
          fields.put("tags", new Value.ListValue(both));
        }
        return Entry.of(x.key(), Value.MapValue.of(fields), x.version());
      };

  /** Built-ins decide the same whichever side comes first. */
  interface Symmetric extends ResolverContract {
    @Override
    default boolean referenceIsPrivileged() {
      return false;
    }
  }

  @Group
  class SourceOfTruth implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.sourceOfTruth("b");
    }
  }

  @Group
  class OwnershipByRanges implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.ownership(Map.of(KeyRange.below(Key.of(0)), "a", KeyRange.atLeast(Key.of(0)), "c"));
    }
  }

  @Group
  class OwnershipByFunction implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.ownership(k -> Optional.of(Math.floorMod(k.hashCode(), 2) == 0 ? "b" : "d"));
    }
  }

  @Group
  class LastWriterWins implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.lastWriterWins();
    }
  }

  @Group
  class VersionVectors implements VersionVectorResolverContract {
    @Override
    public Resolver resolver() {
      return Resolvers.versionVectors();
    }

    @Override
    public boolean referenceIsPrivileged() {
      return false;
    }
  }

  @Group
  class VersionVectorsWithMerge implements VersionVectorResolverContract {
    @Override
    public Resolver resolver() {
      return Resolvers.versionVectors(APPEND_TAGS);
    }

    @Override
    public boolean referenceIsPrivileged() {
      return false;
    }
  }

  @Group
  class PerField implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.perField(
          Map.of(
              "amount", FieldRule.max(),
              "note", FieldRule.latest(),
              "tags", FieldRule.union(),
              "name", FieldRule.fromStore("b")),
          "a");
    }
  }

  @Group
  class PerFieldWithoutTimestamps implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.perField(Map.of("amount", FieldRule.min(), "tags", FieldRule.union()), "c");
    }
  }

  @Group
  class Escalate implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.escalate("a person decides");
    }
  }

  @Group
  class Skip implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.skip("not ours");
    }
  }

  @Group
  class Chain implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolver.firstOf(
          Resolvers.versionVectors(APPEND_TAGS), Resolvers.lastWriterWins(), Resolvers.escalate("no version"));
    }
  }
}
