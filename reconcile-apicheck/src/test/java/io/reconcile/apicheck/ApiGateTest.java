package io.reconcile.apicheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gate over a small module compiled here, changed between compilations as a developer would. */
class ApiGateTest {

  private static final String MODULE_INFO = """
      module demo {
        exports demo.api;
        uses demo.api.Greeter;
      }
      """;
  private static final String GREETER = """
      package demo.api;
      public class Greeter {
        public String greet(String name) { return "hello " + name; }
        %s
      }
      """;
  private static final String SECRET = """
      package demo.internal;
      public class Secret { public void reveal() {} }
      """;
  private static final String COMMAND = "mvn -pl demo-artifact -am test -Dtest=PublicApiTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false -Dapi.update=true";

  @TempDir
  Path dir;

  @Test
  void updateWritesTheApiOfTheExportedPackagesOnlyAndTheCheckThenPasses() throws IOException {
    CompiledModule module = compile("v1", "");
    ApiGate.check(module, "demo-artifact", dir, true);

    assertThat(Files.readString(dir.resolve("api/demo-artifact.api"))).contains("#   " + COMMAND + "\n")
        .endsWith("""

            module demo
              exports demo.api
              uses demo.api.Greeter

            package demo.api

            public class demo.api.Greeter
              public Greeter()
              public java.lang.String greet(java.lang.String)
            """);
    ApiGate.check(module, "demo-artifact", dir, false);
  }

  @Test
  void anApiChangeFailsTheCheckWithOneLinePerDifferenceAndTheCommandThatUpdatesTheFile() throws IOException {
    ApiGate.check(compile("v1", ""), "demo-artifact", dir, true);
    CompiledModule changed = compile("v2", "public void wave(int times) {}");

    assertThatThrownBy(() -> ApiGate.check(changed, "demo-artifact", dir, false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("The public API of demo-artifact differs from demo-artifact/api/demo-artifact.api in 1 place"
            + " (+ only in the code, - only in the file):\n"
            + "  + demo.api.Greeter: public void wave(int)\n"
            + "If the change is intended, regenerate the file and commit it with the change: " + COMMAND);

    ApiGate.check(changed, "demo-artifact", dir, true);
    ApiGate.check(changed, "demo-artifact", dir, false);
  }

  @Test
  void aRemovedMemberAndAChangedDeclarationAreReportedToo() throws IOException {
    ApiGate.check(compile("v1", ""), "demo-artifact", dir, true);
    String file = Files.readString(dir.resolve("api/demo-artifact.api"));
    Files.writeString(dir.resolve("api/demo-artifact.api"), file
        .replace("public class demo.api.Greeter", "public final class demo.api.Greeter")
        .replace("  public Greeter()\n", "  public Greeter()\n  public void wave()\n"));

    assertThatThrownBy(() -> ApiGate.check(compile("v1", ""), "demo-artifact", dir, false))
        .hasMessage("The public API of demo-artifact differs from demo-artifact/api/demo-artifact.api in 3 places"
            + " (+ only in the code, - only in the file):\n"
            + "  + public class demo.api.Greeter\n"
            + "  - public final class demo.api.Greeter\n"
            + "  - demo.api.Greeter: public void wave()\n"
            + "If the change is intended, regenerate the file and commit it with the change: " + COMMAND);
  }

  @Test
  void aMissingOrHandEditedFileSaysHowToRegenerateIt() throws IOException {
    CompiledModule module = compile("v1", "");
    assertThatThrownBy(() -> ApiGate.check(module, "demo-artifact", dir, false))
        .hasMessage("demo-artifact/api/demo-artifact.api does not exist: create it with `" + COMMAND
            + "` and commit it");

    ApiGate.check(module, "demo-artifact", dir, true);
    Path file = dir.resolve("api/demo-artifact.api");
    Files.writeString(file, Files.readString(file).replace("\n\npackage demo.api", "\npackage demo.api"));
    assertThatThrownBy(() -> ApiGate.check(module, "demo-artifact", dir, false))
        .hasMessage("demo-artifact/api/demo-artifact.api lists the current API but not as generated (edited by"
            + " hand?): regenerate it with `" + COMMAND + "`");
  }

  @Test
  void aLocationWithoutAModuleDescriptorIsRefused() throws IOException {
    Path plain = Files.createDirectories(dir.resolve("plain"));
    assertThatThrownBy(() -> CompiledModule.of(plain, getClass().getClassLoader()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected one module with a module-info.class at " + plain
            + ", found []: compile the module's src/main/java/module-info.java first");
  }

  /** Compiles the demo module, with {@code extra} members in Greeter, and loads it in a fresh loader. */
  private CompiledModule compile(String version, String extra) throws IOException {
    Path src = dir.resolve(version + "/src");
    Path classes = dir.resolve(version + "/classes");
    List<String> args = new ArrayList<>(List.of("--release", "17", "-d", classes.toString()));
    for (Map.Entry<String, String> source : Map.of(
        "module-info.java", MODULE_INFO,
        "demo/api/Greeter.java", GREETER.formatted(extra),
        "demo/internal/Secret.java", SECRET).entrySet()) {
      Path file = src.resolve(source.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, source.getValue());
      args.add(file.toString());
    }
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, args.toArray(String[]::new)))
        .as("javac exit status").isZero();
    URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
    return CompiledModule.of(classes, loader);
  }
}
