package io.reconcile.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.apicheck.Fixtures.Circle;
import io.reconcile.apicheck.Fixtures.Closed;
import io.reconcile.apicheck.Fixtures.Extensible;
import io.reconcile.apicheck.Fixtures.Order;
import io.reconcile.apicheck.Fixtures.Polygon;
import io.reconcile.apicheck.Fixtures.Shape;
import org.junit.jupiter.api.Test;

class SignaturesTest {

  private static final String F = "io.reconcile.apicheck.Fixtures$";
  private static final String NULLABLE = "@org.jspecify.annotations.Nullable";

  @Test
  void anExtensibleClassShowsGenericsConstantsAndProtectedMembersButNoBridgesLambdasOrPackagePrivates() {
    assertThat(Signatures.of(Extensible.class)).containsExactly(
        "public abstract static class " + F + "Extensible<T extends java.lang.Comparable<? super T>>"
            + " implements java.lang.Comparable<" + F + "Extensible<T>>",
        "  public static final long LIMIT = 10L",
        "  public static final java.lang.String NAME = \"a \\\"quoted\\\"\\u0009name\"",
        "  public static final java.util.List<java.lang.String> NOT_A_CONSTANT",
        "  public static final double RATIO = 0.25",
        "  public static final char SEPARATOR = '/'",
        "  protected " + NULLABLE + " T value",
        "  protected Extensible()",
        "  public int compareTo(" + F + "Extensible<T>)",
        "  public abstract <R extends " + NULLABLE + " java.lang.Object> R map(java.util.Map<? extends T, ?>,"
            + " java.lang.String...) throws java.io.IOException",
        "  protected final java.lang.String " + NULLABLE + " [] names(" + NULLABLE + " java.lang.String[])",
        "  public java.util.function.Supplier<java.lang.String> supplier()");
  }

  @Test
  void nestedTypesAreApiWhenOutsidersCanReachThem() {
    assertThat(Signatures.isApi(Extensible.Nested.class)).isTrue();
    assertThat(Signatures.isApi(Extensible.ForSubclasses.class)).isTrue();
    assertThat(Signatures.isApi(Extensible.PackagePrivate.class)).isFalse();
    assertThat(Signatures.isApi(Closed.Hidden.class)).as("protected in a final class").isFalse();
    assertThat(Signatures.isApi(new Object() {}.getClass())).as("anonymous").isFalse();
    assertThat(Signatures.of(Extensible.Nested.class)).containsExactly(
        "@java.lang.Deprecated public static class " + F + "Extensible$Nested", "  public Nested()");
    assertThat(Signatures.of(Extensible.ForSubclasses.class))
        .containsExactly("protected interface " + F + "Extensible$ForSubclasses");
  }

  @Test
  void aPublicClassInheritingFromANonPublicOneIsRefused() {
    assertThatThrownBy(() -> Signatures.of(Extensible.Inheriting.class))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(F + "Extensible$Inheriting extends the non-public " + F + "Extensible$PackagePrivate, whose"
            + " public members the API file would not list: make PackagePrivate public or declare them in"
            + " Inheriting");
  }

  @Test
  void aFinalClassShowsNoProtectedMembers() {
    assertThat(Signatures.of(Closed.class)).containsExactly("public static final class " + F + "Closed");
  }

  @Test
  void sealedTypesNameWhatTheyPermitAndInterfacesTellDefaultFromAbstract() {
    assertThat(Signatures.of(Shape.class)).containsExactly(
        "public sealed interface " + F + "Shape permits " + F + "Circle, " + F + "Polygon",
        "  public abstract double area()",
        "  public default boolean isEmpty()",
        "  public static " + F + "Shape unit()");
    assertThat(Signatures.of(Polygon.class)).containsExactly(
        "public abstract static non-sealed class " + F + "Polygon implements " + F + "Shape",
        "  protected Polygon()");
  }

  @Test
  void aRecordShowsItsComponentsInOrder() {
    assertThat(Signatures.of(Circle.class)).containsExactly(
        "public record " + F + "Circle(double radius, " + NULLABLE + " java.lang.String label) implements "
            + F + "Shape",
        "  public Circle(double, " + NULLABLE + " java.lang.String)",
        "  public double area()",
        "  public final boolean equals(java.lang.Object)",
        "  public final int hashCode()",
        "  public " + NULLABLE + " java.lang.String label()",
        "  public double radius()",
        "  public final java.lang.String toString()");
  }

  @Test
  void aCompactConstructorHasTheGenericTypesOfTheComponents() {
    assertThat(Signatures.of(Fixtures.Tagged.class)).contains(
        "  public Tagged(java.util.List<" + NULLABLE + " java.lang.String>)");
  }

  @Test
  void anEnumShowsItsConstantsInDeclarationOrder() {
    assertThat(Signatures.of(Order.class)).containsExactly(
        "public enum " + F + "Order",
        "  constants BEFORE, AFTER, EQUAL, CONCURRENT",
        "  public " + F + "Order reversed()",
        "  public static " + F + "Order valueOf(java.lang.String)",
        "  public static " + F + "Order[] values()");
  }
}
