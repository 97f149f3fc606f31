package io.reconcile.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The public-API gate: a module's API as {@link CompiledModule#api()} renders it must equal the
 * signature file checked in with the module, {@code <module>/api/<artifactId>.api}, so that every
 * change to the API shows in review as a change to that file in the same commit. Run with the
 * system property {@value #UPDATE}{@code =true}, the check rewrites the file instead.
 */
public final class ApiGate {

  /** The system property that makes {@link #check} rewrite the signature file instead of comparing. */
  public static final String UPDATE = "api.update";

  private ApiGate() {}

  /**
   * Compares the API of the module holding {@code member} with {@code api/<artifactId>.api} in the
   * module's directory (Maven's {@code basedir}, else the working directory), or rewrites that file
   * when {@value #UPDATE} is {@code true}.
   *
   * @throws AssertionError if the file is missing or differs from the API: one line per
   *     difference, and the command that regenerates the file
   */
  public static void check(Class<?> member, String artifactId) {
    Path moduleDirectory = Path.of(System.getProperty("basedir", ""));
    check(CompiledModule.of(member), artifactId, moduleDirectory, Boolean.getBoolean(UPDATE));
  }

  static void check(CompiledModule module, String artifactId, Path moduleDirectory, boolean update) {
    Path file = moduleDirectory.resolve("api").resolve(artifactId + ".api");
    String shown = artifactId + "/api/" + artifactId + ".api";
    String command = "mvn -pl " + artifactId + " -am test -Dtest=PublicApiTest"
        + " -Dsurefire.failIfNoSpecifiedTests=false -D" + UPDATE + "=true";
    String current = text(module, artifactId, command);
    try {
      if (update) {
        Files.createDirectories(file.getParent());
        Files.writeString(file, current);
        return;
      }
      if (!Files.exists(file)) {
        throw new AssertionError(shown + " does not exist: create it with `" + command + "` and commit it");
      }
      String checkedIn = Files.readString(file).replace("\r\n", "\n");
      if (checkedIn.equals(current)) {
        return;
      }
      List<String> differences = differences(entries(checkedIn), entries(current));
      if (differences.isEmpty()) {
        throw new AssertionError(shown + " lists the current API but not as generated (edited by hand?):"
            + " regenerate it with `" + command + "`");
      }
      throw new AssertionError("The public API of " + artifactId + " differs from " + shown + " in "
          + differences.size() + (differences.size() == 1 ? " place" : " places")
          + " (+ only in the code, - only in the file):\n" + String.join("\n", differences)
          + "\nIf the change is intended, regenerate the file and commit it with the change: " + command);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot access " + file, e);
    }
  }

  private static String text(CompiledModule module, String artifactId, String command) {
    String header = """
        # The public API of %s (module %s),
        # read from its compiled classes: the module's directives, and every public and protected type
        # and member of its exported packages. PublicApiTest fails when this file and the code differ.
        # After an intended API change, regenerate the file with
        #   %s
        # and commit it with the change. Do not edit it by hand.
        """.formatted(artifactId, module.descriptor().name(), command);
    return header + "\n" + String.join("\n", module.api()) + "\n";
  }

  /** One line of a signature file: a declaration, or a member shown with the name of its type. */
  private record Entry(String owner, boolean member, String shown) {}

  private static Set<Entry> entries(String text) {
    Set<Entry> entries = new LinkedHashSet<>();
    String owner = "";
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("  ")) {
        entries.add(new Entry(owner, true, owner + ": " + line.strip()));
      } else {
        owner = nameIn(line);
        entries.add(new Entry(owner, false, line));
      }
    }
    return entries;
  }

  /** The module (its whole line) or the type a declaration line declares. */
  private static String nameIn(String declaration) {
    if (declaration.startsWith("module ") || declaration.startsWith("open module ")) {
      return declaration;
    }
    for (String token : declaration.split(" ")) {
      if (!token.startsWith("@") && token.contains(".")) {
        return token.split("[<(]", 2)[0];
      }
    }
    return declaration;
  }

  /** "+ entry" for what only the code has, "- entry" for what only the file has; grouped by type. */
  private static List<String> differences(Set<Entry> checkedIn, Set<Entry> current) {
    Comparator<Entry> order = Comparator.comparing(Entry::owner).thenComparing(Entry::member)
        .thenComparing(Entry::shown);
    Set<Entry> all = new TreeSet<>(order);
    all.addAll(checkedIn);
    all.addAll(current);
    List<String> differences = new ArrayList<>();
    for (Entry e : all) {
      if (!current.contains(e)) {
        differences.add("  - " + e.shown());
      } else if (!checkedIn.contains(e)) {
        differences.add("  + " + e.shown());
      }
    }
    return differences;
  }
}
