package io.reconcile.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.HashScheme;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.Capability;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.api.store.Store;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Checks that a store decorator (a metering, caching or fault-injecting wrapper, typically a
 * {@link io.reconcile.api.store.ForwardingStore} subclass) hands every call of {@link Store} to the
 * store it wraps as that same call — so that, say, a batched {@link Store#scan(List)} stays one
 * batched read instead of becoming the interface's default of one {@link Store#scan(KeyRange)} per
 * range. Methods are found by reflection over the interface, so a method added to {@link Store}
 * later is checked without changing any test:
 *
 * <pre>{@code
 * @Test
 * void forwardsEveryCall() {
 *   DecoratorCheck.assertForwardsEveryCall(MyMeteringStore::new);
 * }
 * }</pre>
 */
public final class DecoratorCheck {

  private DecoratorCheck() {}

  /**
   * Calls every method of {@link Store} once on {@code decorate} applied to a recording store, and
   * fails naming each method that did not reach the recording store as the same method with the
   * same arguments.
   *
   * @param decorate wraps a store in the decorator under test
   * @param notForwarded names of methods the decorator deliberately keeps to itself (e.g. {@code
   *     close} for a wrapper that must not close the caller's store)
   */
  public static void assertForwardsEveryCall(UnaryOperator<Store> decorate, String... notForwarded) {
    Set<String> exempt = Set.of(notForwarded);
    List<String> missed = new ArrayList<>();
    for (Method m : Store.class.getMethods()) {
      if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) || exempt.contains(m.getName())) {
        continue;
      }
      List<Call> calls = new ArrayList<>();
      Store decorated = decorate.apply(recording(calls));
      Object[] args = argumentsFor(m);
      String threw = "";
      try {
        Object result = m.invoke(decorated, args);
        if (result instanceof Stream<?> s) {
          s.close();
        }
      } catch (InvocationTargetException e) {
        threw = ", and the decorator threw " + e.getCause();
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
      if (calls.stream().noneMatch(c -> c.method.equals(m) && Arrays.equals(c.args, args))) {
        missed.add(signature(m) + " (the wrapped store saw " + calls.stream().map(c -> signature(c.method)).toList() + threw + ")");
      }
    }
    if (!missed.isEmpty()) {
      fail("the decorator does not forward, as the same call: " + String.join("; ", missed));
    }
  }

  private record Call(Method method, Object[] args) {}

  /** A store that records each call and answers with an empty result of the right shape. */
  private static Store recording(List<Call> calls) {
    return (Store) Proxy.newProxyInstance(
        Store.class.getClassLoader(), new Class<?>[] {Store.class}, (proxy, method, args) -> {
          Object[] a = args == null ? new Object[0] : args;
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "equals" -> proxy == a[0];
              case "hashCode" -> System.identityHashCode(proxy);
              default -> "recording store";
            };
          }
          calls.add(new Call(method, a));
          return answer(method, a);
        });
  }

  private static Object answer(Method m, Object[] args) {
    Class<?> type = m.getReturnType();
    return switch (m.getName()) {
      case "id" -> "recorded";
      case "capabilities" -> EnumSet.allOf(Capability.class);
      case "hashSchemes" -> Set.of(HashScheme.CANONICAL_MD5);
      case "digest" -> type == Digest.class ? Digest.EMPTY
          : ((List<?>) args[0]).stream().map(r -> Digest.EMPTY).toList();
      case "awaitVisible" -> true;
      default -> type == Optional.class ? Optional.empty()
          : type == Map.class ? Map.of()
          : type == List.class ? List.of()
          : type == Stream.class ? Stream.empty()
          : null;
    };
  }

  private static Object[] argumentsFor(Method m) {
    Class<?>[] types = m.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      Class<?> t = types[i];
      if (t == KeyRange.class) {
        args[i] = KeyRange.all();
      } else if (t == int.class) {
        args[i] = 4;
      } else if (t == Duration.class) {
        args[i] = Duration.ofSeconds(3);
      } else if (t == HashScheme.class) {
        args[i] = HashScheme.CANONICAL_MD5;
      } else if (t == RepairAction.class) {
        args[i] = sampleAction();
      } else if (t == Duration.class) {
        args[i] = Duration.ofSeconds(3);
      } else if (t == Optional.class) {
        args[i] = Optional.of(new FeedPosition("recorded-position"));
      } else if (t == List.class && m.getName().equals("apply")) {
        args[i] = List.of(sampleAction());
      } else if (t == List.class) {
        args[i] = List.of(KeyRange.all());
      } else if (t == Collection.class) {
        args[i] = List.of(Key.of(1L));
      } else {
        throw new IllegalStateException(
            "DecoratorCheck has no sample argument of type " + t.getName() + " for " + signature(m) + "; add one");
      }
    }
    return args;
  }

  private static RepairAction sampleAction() {
    return RepairAction.delete("recorded", Key.of(1L), Expected.present(Entry.of(Key.of(1L), Map.of("v", "x"))));
  }

  private static String signature(Method m) {
    return m.getName() + Arrays.stream(m.getParameterTypes()).map(Class::getSimpleName).toList()
        .toString().replace('[', '(').replace(']', ')');
  }
}
