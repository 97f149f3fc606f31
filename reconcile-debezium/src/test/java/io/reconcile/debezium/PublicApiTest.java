package io.reconcile.debezium;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.store.ChangeFeedSource;
import io.reconcile.apicheck.ApiGate;
import io.reconcile.apicheck.CompiledModule;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The public API equals api/reconcile-debezium.api; with -Dapi.update=true this rewrites the file.
 *
 * <p>This module has no module-info.java (Debezium's jars cannot be modules, see the README), so
 * the check reads the API through a descriptor written here for the purpose: {@link #DESCRIPTOR},
 * the module the jar would be, compiled next to a copy of its classes, which a class loader of its
 * own loads for {@link ApiGate}.
 */
class PublicApiTest {

  /** The API: one package, whose signatures use reconcile-api's types, with JSpecify's nullness. */
  static final String DESCRIPTOR = """
      module io.reconcile.debezium {
        requires transitive io.reconcile.api;
        requires static org.jspecify;
        exports io.reconcile.debezium;
      }
      """;

  @TempDir Path dir;

  @Test
  void matchesTheCheckedInApiFile() throws Exception {
    Path classes = CompiledModule.locationOf(PostgresChangeFeed.class);
    Path copy = dir.resolve("classes");
    copyTree(classes, copy);
    Path source = Files.writeString(dir.resolve("module-info.java"), DESCRIPTOR);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    int rc = javac.getTask(errors, null, null, List.of(
            "-d", copy.toString(), "-proc:none",
            "--module-path", CompiledModule.locationOf(ChangeFeedSource.class) + File.pathSeparator
                + CompiledModule.locationOf(NullMarked.class),
            "--patch-module", "io.reconcile.debezium=" + classes),
        null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(source.toFile())).call() ? 0 : 1;
    assertThat(rc).as("javac: %s", errors).isZero();

    List<URL> path = new ArrayList<>();
    path.add(copy.toUri().toURL());
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!Path.of(entry).toAbsolutePath().equals(classes.toAbsolutePath())) {
        path.add(Path.of(entry).toUri().toURL());
      }
    }
    try (URLClassLoader loader = new URLClassLoader(path.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
      ApiGate.check(loader.loadClass(PostgresChangeFeed.class.getName()), "reconcile-debezium");
    }
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
