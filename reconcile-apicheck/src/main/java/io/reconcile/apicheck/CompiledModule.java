package io.reconcile.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleDescriptor.Exports;
import java.lang.module.ModuleDescriptor.Opens;
import java.lang.module.ModuleDescriptor.Provides;
import java.lang.module.ModuleDescriptor.Requires;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A compiled module as the build produced it — a classes directory holding {@code
 * module-info.class}, or a jar — whatever path its classes are loaded from: its descriptor, and
 * the text of its public API. Tests run on the class path, so the descriptor is read from the
 * compiled {@code module-info.class}, not from a {@link Module} at run time.
 */
public final class CompiledModule {

  private final Path location;
  private final ModuleReference reference;
  private final ClassLoader loader;

  private CompiledModule(Path location, ModuleReference reference, ClassLoader loader) {
    this.location = location;
    this.reference = reference;
    this.loader = loader;
  }

  /**
   * The module that holds {@code member}, read from where {@code member} was loaded.
   *
   * @throws IllegalArgumentException if that location holds no module descriptor
   */
  public static CompiledModule of(Class<?> member) {
    return of(locationOf(member), member.getClassLoader());
  }

  /**
   * The module at {@code location} (a directory holding {@code module-info.class}, or a jar), whose
   * classes {@code loader} loads.
   *
   * @throws IllegalArgumentException if {@code location} holds no module descriptor
   */
  public static CompiledModule of(Path location, ClassLoader loader) {
    List<ModuleReference> found = new ArrayList<>(ModuleFinder.of(location).findAll());
    if (found.size() != 1 || found.get(0).descriptor().isAutomatic()) {
      throw new IllegalArgumentException("expected one module with a module-info.class at " + location
          + ", found " + found.stream().map(r -> r.descriptor().toNameAndVersion()).toList()
          + ": compile the module's src/main/java/module-info.java first");
    }
    return new CompiledModule(location, found.get(0), loader);
  }

  /** Where the classes of {@code type} were loaded from: a classes directory or a jar. */
  public static Path locationOf(Class<?> type) {
    try {
      return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("no file location for " + type, e);
    }
  }

  /** The classes directory or jar this module was read from. */
  public Path location() {
    return location;
  }

  /** The compiled module descriptor. */
  public ModuleDescriptor descriptor() {
    return reference.descriptor();
  }

  /** The packages exported to every module (qualified exports are not API). */
  public Set<String> exportedPackages() {
    return descriptor().exports().stream().filter(e -> !e.isQualified()).map(Exports::source)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * What the module requires as written in its {@code module-info.java}, sorted: each module's
   * name after its modifiers ({@code "static transitive org.jspecify"}), without the {@code
   * java.base} every module requires implicitly.
   */
  public Set<String> requires() {
    return descriptor().requires().stream()
        .filter(r -> !r.modifiers().contains(Requires.Modifier.MANDATED))
        .map(r -> Stream.concat(r.modifiers().stream().map(m -> m.name().toLowerCase(Locale.ROOT)).sorted(),
            Stream.of(r.name())).collect(Collectors.joining(" ")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The public API as lines of text: the module's directives, each exported package with its
   * annotations, then every public type of the exported packages (nested ones included) with its
   * members, types sorted by name, members sorted within their type, blocks separated by an empty
   * line. Loads (and initialises, to read constants) every class of the exported packages.
   */
  public List<String> api() {
    List<String> lines = new ArrayList<>(directives());
    Set<String> exported = exportedPackages();
    TreeMap<String, Class<?>> types = new TreeMap<>();
    for (String name : classNames()) {
      if (exported.contains(packageOf(name))) {
        Class<?> type = load(name);
        if (Signatures.isApi(type)) {
          types.put(type.getName(), type);
        }
      }
    }
    lines.add("");
    for (String p : exported) {
      Package pkg = loader.getDefinedPackage(p);
      Stream<String> annotations = pkg == null ? Stream.empty()
          : Stream.of(pkg.getDeclaredAnnotations()).map(a -> "@" + a.annotationType().getName()).sorted();
      lines.add(Stream.concat(annotations, Stream.of("package", p)).collect(Collectors.joining(" ")));
    }
    for (Class<?> type : types.values()) {
      lines.add("");
      lines.addAll(Signatures.of(type));
    }
    return lines;
  }

  private List<String> directives() {
    ModuleDescriptor d = descriptor();
    List<String> directives = new ArrayList<>();
    requires().forEach(r -> directives.add("requires " + r));
    for (Exports e : d.exports()) {
      directives.add("exports " + e.source() + (e.isQualified() ? " to " + String.join(", ", new TreeSet<>(e.targets())) : ""));
    }
    for (Opens o : d.opens()) {
      directives.add("opens " + o.source() + (o.isQualified() ? " to " + String.join(", ", new TreeSet<>(o.targets())) : ""));
    }
    for (String service : d.uses()) {
      directives.add("uses " + service);
    }
    for (Provides p : d.provides()) {
      directives.add("provides " + p.service() + " with " + String.join(", ", p.providers()));
    }
    directives.sort(null);
    List<String> lines = new ArrayList<>();
    lines.add((d.isOpen() ? "open module " : "module ") + d.name());
    directives.forEach(x -> lines.add("  " + x));
    return lines;
  }

  private List<String> classNames() {
    try (ModuleReader reader = reference.open(); Stream<String> resources = reader.list()) {
      return resources.filter(r -> r.endsWith(".class") && !r.endsWith("module-info.class")
              && !r.endsWith("package-info.class"))
          .map(r -> r.substring(0, r.length() - ".class".length()).replace('/', '.')).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the classes of " + location, e);
    }
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  private Class<?> load(String name) {
    try {
      return Class.forName(name, false, loader);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException(name + " is in " + location + " but its class loader cannot load it", e);
    }
  }
}
