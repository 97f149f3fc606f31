package io.reconcile.apicheck;

import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedArrayType;
import java.lang.reflect.AnnotatedParameterizedType;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.AnnotatedTypeVariable;
import java.lang.reflect.AnnotatedWildcardType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders the API of compiled classes as text, one line per declaration, the same on every run and
 * JDK: a type's declaration, then its public (and, where a subclass outside the module can reach
 * them, protected) fields, constructors and methods, indented by two spaces and sorted. Types are
 * named by their binary names ({@code Outer$Inner}); generic signatures and runtime-visible type
 * annotations (JSpecify's {@code @Nullable}) are kept; synthetic members and bridges are not.
 * Annotations are rendered by type only, without their values.
 */
final class Signatures {

  private Signatures() {}

  /** Whether {@code type} is part of the API when its package is exported. */
  static boolean isApi(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    Class<?> outer = type.getDeclaringClass();
    if (outer == null) {
      return Modifier.isPublic(type.getModifiers());
    }
    return isApi(outer) && visible(type.getModifiers(), outer);
  }

  /**
   * The type's declaration line, then its members' lines: the constants of an enum in declaration
   * order, then fields, constructors and methods, each sorted by name, then by the whole line.
   */
  static List<String> of(Class<?> type) {
    Class<?> superclass = type.getSuperclass();
    if (superclass != null && !Modifier.isPublic(superclass.getModifiers())) {
      // Its public members would be API through this class without being declared here.
      throw new IllegalStateException(type.getName() + " extends the non-public " + superclass.getName()
          + ", whose public members the API file would not list: make " + superclass.getSimpleName()
          + " public or declare them in " + type.getSimpleName());
    }
    List<Line> members = new ArrayList<>();
    if (type.isEnum()) {
      // The constants in declaration order: ordinals, compareTo and switch order depend on it.
      members.add(new Line(0, "", "constants " + Arrays.stream(type.getEnumConstants())
          .map(c -> ((Enum<?>) c).name()).collect(Collectors.joining(", "))));
    }
    for (Field f : type.getDeclaredFields()) {
      if (visible(f) && !f.isEnumConstant()) {
        members.add(new Line(1, f.getName(), field(f)));
      }
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      if (visible(c)) {
        members.add(new Line(2, "", executable(c, "", type.getSimpleName())));
      }
    }
    for (Method m : type.getDeclaredMethods()) {
      if (visible(m) && !m.isBridge()) {
        members.add(new Line(3, m.getName(), executable(m, type(m.getAnnotatedReturnType()) + " ", m.getName())));
      }
    }
    members.sort(Comparator.comparingInt(Line::kind).thenComparing(Line::name).thenComparing(Line::text));
    List<String> lines = new ArrayList<>();
    lines.add(declaration(type));
    members.forEach(m -> lines.add("  " + m.text()));
    return lines;
  }

  /** A member's line, with what it sorts by. */
  private record Line(int kind, String name, String text) {}

  private static boolean visible(Member m) {
    return !m.isSynthetic() && visible(m.getModifiers(), m.getDeclaringClass());
  }

  /** Public, or protected in a class that code outside its module can extend. */
  private static boolean visible(int modifiers, Class<?> owner) {
    if (Modifier.isPublic(modifiers)) {
      return true;
    }
    return Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers())
        && !owner.isSealed() && !owner.isEnum()
        && Stream.of(owner.getDeclaredConstructors())
            .anyMatch(c -> (c.getModifiers() & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0);
  }

  private static String declaration(Class<?> type) {
    StringJoiner d = new StringJoiner(" ");
    annotations(d, type.getDeclaredAnnotations());
    int m = type.getModifiers();
    d.add(Modifier.isPublic(m) ? "public" : "protected");
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
    } else if (type.isInterface()) {
      kind = "interface";
    } else if (type.isEnum()) {
      kind = "enum";
    } else if (type.isRecord()) {
      kind = "record";
    } else {
      kind = "class";
      if (Modifier.isAbstract(m)) {
        d.add("abstract");
      }
      if (Modifier.isStatic(m)) {
        d.add("static");
      }
      if (Modifier.isFinal(m)) {
        d.add("final");
      }
    }
    if (type.isSealed()) {
      d.add("sealed");
    } else if ((kind.equals("class") || kind.equals("interface")) && !Modifier.isFinal(m)
        && hasSealedParent(type)) {
      d.add("non-sealed");
    }
    d.add(kind);
    StringBuilder name = new StringBuilder(type.getName()).append(typeParameters(type.getTypeParameters()));
    if (type.isRecord()) {
      StringJoiner components = new StringJoiner(", ", "(", ")");
      for (RecordComponent c : type.getRecordComponents()) {
        components.add(type(c.getAnnotatedType()) + " " + c.getName());
      }
      name.append(components);
    }
    d.add(name);
    if (kind.equals("class") && type.getAnnotatedSuperclass().getType() != Object.class) {
      d.add("extends").add(type(type.getAnnotatedSuperclass()));
    }
    if (!type.isAnnotation() && type.getInterfaces().length > 0) {
      d.add(type.isInterface() ? "extends" : "implements");
      d.add(Stream.of(type.getAnnotatedInterfaces()).map(Signatures::type).collect(Collectors.joining(", ")));
    }
    if (type.isSealed()) {
      d.add("permits").add(Stream.of(type.getPermittedSubclasses()).map(Class::getName).sorted()
          .collect(Collectors.joining(", ")));
    }
    return d.toString();
  }

  private static boolean hasSealedParent(Class<?> type) {
    Class<?> superclass = type.getSuperclass();
    return superclass != null && superclass.isSealed()
        || Stream.of(type.getInterfaces()).anyMatch(Class::isSealed);
  }

  private static String field(Field f) {
    StringJoiner d = new StringJoiner(" ");
    annotations(d, f.getDeclaredAnnotations());
    int m = f.getModifiers();
    d.add(Modifier.isPublic(m) ? "public" : "protected");
    if (Modifier.isStatic(m)) {
      d.add("static");
    }
    if (Modifier.isFinal(m)) {
      d.add("final");
    }
    d.add(type(f.getAnnotatedType())).add(f.getName());
    if (Modifier.isStatic(m) && Modifier.isFinal(m)
        && (f.getType().isPrimitive() || f.getType() == String.class)) {
      // Constants are copied into the code that uses them, so their values are API too.
      d.add("=").add(literal(f));
    }
    return d.toString();
  }

  private static String literal(Field f) {
    Object value;
    try {
      f.setAccessible(true);
      value = f.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot read constant " + f, e);
    }
    if (value instanceof String s) {
      return quote(s, '"');
    }
    if (value instanceof Character c) {
      return quote(String.valueOf(c), '\'');
    }
    return value instanceof Long ? value + "L" : value instanceof Float ? value + "F" : String.valueOf(value);
  }

  private static String quote(String s, char quote) {
    StringBuilder b = new StringBuilder().append(quote);
    for (char c : s.toCharArray()) {
      if (c == quote || c == '\\') {
        b.append('\\').append(c);
      } else if (c < 0x20 || c > 0x7e) {
        b.append(String.format("\\u%04x", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.append(quote).toString();
  }

  /** A constructor ({@code result} empty, {@code name} the simple name of its class) or method. */
  private static String executable(Executable e, String result, String name) {
    StringJoiner d = new StringJoiner(" ");
    annotations(d, e.getDeclaredAnnotations());
    int m = e.getModifiers();
    d.add(Modifier.isPublic(m) ? "public" : "protected");
    if (Modifier.isStatic(m)) {
      d.add("static");
    }
    if (e instanceof Method method && method.isDefault()) {
      d.add("default");
    } else if (Modifier.isAbstract(m)) {
      d.add("abstract");
    }
    if (Modifier.isFinal(m)) {
      d.add("final");
    }
    String typeParameters = typeParameters(e.getTypeParameters());
    if (!typeParameters.isEmpty()) {
      d.add(typeParameters);
    }
    StringJoiner parameters = new StringJoiner(", ", name + "(", ")");
    AnnotatedType[] types = isCanonical(e) ? Stream.of(e.getDeclaringClass().getRecordComponents())
        .map(RecordComponent::getAnnotatedType).toArray(AnnotatedType[]::new) : e.getAnnotatedParameterTypes();
    for (int i = 0; i < types.length; i++) {
      String t = type(types[i]);
      // The last parameter of a varargs method is an array: written T... as in its source.
      parameters.add(e.isVarArgs() && i == types.length - 1 ? t.substring(0, t.length() - 2) + "..." : t);
    }
    String signature = result + parameters;
    AnnotatedType[] exceptions = e.getAnnotatedExceptionTypes();
    if (exceptions.length > 0) {
      signature += " throws " + Stream.of(exceptions).map(Signatures::type).collect(Collectors.joining(", "));
    }
    return d.add(signature).toString();
  }

  /**
   * Whether {@code e} is a record's canonical constructor, whose parameters are the components. They
   * are rendered as the components, because javac versions record a compact constructor's
   * parameters differently: javac 17 drops type annotations nested in them ({@code
   * List<@Nullable String>}), javac 21 and later mark them implicit, which JDK 17 then reflects
   * erased ({@code List}). (An explicit canonical constructor whose parameters' annotations differ
   * from its components' is shown with the components'.)
   */
  private static boolean isCanonical(Executable e) {
    Class<?> type = e.getDeclaringClass();
    return e instanceof Constructor && type.isRecord() && Arrays.equals(e.getParameterTypes(),
        Stream.of(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new));
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    StringJoiner all = new StringJoiner(", ", "<", ">");
    for (TypeVariable<?> v : variables) {
      StringJoiner d = new StringJoiner(" ");
      annotations(d, v.getDeclaredAnnotations());
      d.add(v.getName());
      AnnotatedType[] bounds = v.getAnnotatedBounds();
      if (!(bounds.length == 1 && isPlainObject(bounds[0]))) {
        d.add("extends").add(Stream.of(bounds).map(Signatures::type).collect(Collectors.joining(" & ")));
      }
      all.add(d.toString());
    }
    return all.toString();
  }

  private static boolean isPlainObject(AnnotatedType t) {
    return t.getType() == Object.class && t.getDeclaredAnnotations().length == 0;
  }

  /** A type as written in source, with binary names and type annotations (JSpecify's placement). */
  static String type(AnnotatedType t) {
    StringJoiner annotations = new StringJoiner(" ");
    annotations(annotations, t.getDeclaredAnnotations());
    String prefix = annotations.length() == 0 ? "" : annotations + " ";
    if (t instanceof AnnotatedArrayType array) {
      // An annotation on the array itself goes before its brackets: String @Nullable [].
      return type(array.getAnnotatedGenericComponentType()) + (prefix.isEmpty() ? "" : " " + prefix) + "[]";
    }
    if (t instanceof AnnotatedParameterizedType parameterized) {
      Class<?> raw = (Class<?>) ((ParameterizedType) parameterized.getType()).getRawType();
      AnnotatedType owner = parameterized.getAnnotatedOwnerType();
      String name = owner instanceof AnnotatedParameterizedType ? type(owner) + "$" + raw.getSimpleName() : raw.getName();
      return prefix + name + Stream.of(parameterized.getAnnotatedActualTypeArguments()).map(Signatures::type)
          .collect(Collectors.joining(", ", "<", ">"));
    }
    if (t instanceof AnnotatedWildcardType wildcard) {
      AnnotatedType[] lower = wildcard.getAnnotatedLowerBounds();
      if (lower.length > 0) {
        return prefix + "? super " + type(lower[0]);
      }
      AnnotatedType[] upper = wildcard.getAnnotatedUpperBounds();
      return upper.length == 0 || isPlainObject(upper[0]) ? prefix + "?" : prefix + "? extends " + type(upper[0]);
    }
    if (t instanceof AnnotatedTypeVariable) {
      return prefix + ((TypeVariable<?>) t.getType()).getName();
    }
    return prefix + ((Class<?>) t.getType()).getName();
  }

  private static void annotations(StringJoiner into, Annotation[] annotations) {
    Stream.of(annotations).map(a -> "@" + a.annotationType().getName()).sorted().forEach(into::add);
  }
}
