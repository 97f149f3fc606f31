package io.reconcile.apicheck;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Declarations whose rendering SignaturesTest pins: one of each thing the API file must show or hide. */
public final class Fixtures {

  private Fixtures() {}

  /** A class outsiders can extend: its protected members are API, its package-private ones are not. */
  public abstract static class Extensible<T extends Comparable<? super T>> implements Comparable<Extensible<T>> {
    public static final String NAME = "a \"quoted\"\tname";
    public static final long LIMIT = 10L;
    public static final char SEPARATOR = '/';
    public static final double RATIO = 0.25;
    public static final List<String> NOT_A_CONSTANT = List.of();
    protected @Nullable T value;
    int hidden;

    protected Extensible() {}

    Extensible(int hidden) {
      this.hidden = hidden;
    }

    public abstract <R extends @Nullable Object> R map(Map<? extends T, ?> in, String... names) throws IOException;

    protected final String @Nullable [] names(@Nullable String[] in) {
      return in.length == 0 ? null : new String[0];
    }

    public Supplier<String> supplier() {
      return () -> "a lambda is a private synthetic method, not API";
    }

    @Override
    public int compareTo(Extensible<T> other) { // javac adds a bridge compareTo(Object)
      return 0;
    }

    @Deprecated
    public static class Nested {
      public Nested() {}
    }

    protected interface ForSubclasses {}

    static class PackagePrivate {
      public void notApi() {}
    }

    public static class Inheriting extends PackagePrivate {}
  }

  /** A final class: protected members and types cannot be reached from outside, so are not API. */
  public static final class Closed {
    protected int unreachable;

    private Closed() {}

    protected void alsoUnreachable() {}

    protected static class Hidden {}
  }

  /** A closed hierarchy. */
  public sealed interface Shape permits Circle, Polygon {
    double area();

    default boolean isEmpty() {
      return area() == 0;
    }

    static Shape unit() {
      return new Circle(1, null);
    }
  }

  public record Circle(double radius, @Nullable String label) implements Shape {
    public double area() {
      return Math.PI * radius * radius;
    }
  }

  public abstract static non-sealed class Polygon implements Shape {
    protected Polygon() {}
  }

  public record Tagged(List<@Nullable String> tags) {
    public Tagged {
      tags = List.copyOf(tags);
    }
  }

  public enum Order {
    BEFORE, AFTER, EQUAL, CONCURRENT;

    public Order reversed() {
      return this == BEFORE ? AFTER : this == AFTER ? BEFORE : this;
    }
  }
}
