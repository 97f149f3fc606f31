package io.reconcile.core.resolve;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Resolver;
import io.reconcile.testkit.LastWriterWinsContract;
import io.reconcile.testkit.ResolverContract;
import io.reconcile.testkit.SourceOfTruthContract;
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
 * idempotent, no invented values or deletes, stateless, thread-safe; the source of truth wins, the
 * latest write wins, and the version-vector ones never pick a dominated version, let the
 * dominating one win and merge or escalate concurrent ones, keeping each whole.
 */
@PropertyDefaults(tries = 300)
class BuiltInResolverContractsTest {

  /**
   * Keeps every field of both sides (this side's value where both hold one), except that where
   * both hold a list it appends the other side's to this side's: not commutative, so it shows that
   * the merge order follows store ids, not the order of the sides.
   */
  static final BinaryOperator<Entry> APPEND_LISTS =
      (x, y) -> {
        Map<String, Value> fields = new TreeMap<>(y.fields().fields());
        x.fields().fields().forEach((name, mine) -> {
          if (mine instanceof Value.ListValue a && y.fields().fields().get(name) instanceof Value.ListValue b) {
            List<Value> both = new ArrayList<>(a.values());
            both.addAll(b.values());
            fields.put(name, new Value.ListValue(both));
          } else {
            fields.put(name, mine);
          }
        });
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
  class SourceOfTruth implements Symmetric, SourceOfTruthContract {
    @Override
    public Resolver resolver() {
      return Resolvers.sourceOfTruth("b");
    }

    @Override
    public String source() {
      return "b";
    }
  }

  @Group
  class OwnershipByRanges implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.ownership(Map.of(KeyRange.below(Key.of(0)), "a", KeyRange.atLeast(Key.of(0)), "c"));
    }

    @Override
    public boolean decidesByKey() {
      return true;
    }
  }

  @Group
  class OwnershipByFunction implements Symmetric {
    @Override
    public Resolver resolver() {
      return Resolvers.ownership(k -> Optional.of(Math.floorMod(k.hashCode(), 2) == 0 ? "b" : "d"));
    }

    @Override
    public boolean decidesByKey() {
      return true;
    }
  }

  @Group
  class LastWriterWins implements Symmetric, LastWriterWinsContract {
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
      return Resolvers.versionVectors(APPEND_LISTS);
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
          Resolvers.versionVectors(APPEND_LISTS), Resolvers.lastWriterWins(), Resolvers.escalate("no version"));
    }
  }
}
