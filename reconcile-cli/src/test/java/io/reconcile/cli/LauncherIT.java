package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code target/reconcile} launcher as users start it: from another working directory, by a
 * relative path and through a symbolic link, on the class-data archive built with the jar, with
 * {@code RECONCILE_OPTS} passed to the JVM — and the same answers as {@code java -jar}.
 */
class LauncherIT {

  private static final Path TARGET = Path.of("target").toAbsolutePath();

  @TempDir Path elsewhere;

  @Test
  void startsFromAnyDirectoryByAnyPath() throws Exception {
    Path link = elsewhere.resolve("reconcile");
    Files.createSymbolicLink(link, TARGET.resolve("reconcile"));
    String relative = elsewhere.relativize(TARGET.resolve("reconcile")).toString();
    for (String launcher : List.of(TARGET.resolve("reconcile").toString(), relative, link.toString())) {
      Run version = run(Map.of(), launcher, "--version");
      assertThat(version.exit()).as(launcher).isZero();
      assertThat(version.out()).as(launcher).isEqualTo(javaJar("--version").out());
    }
    Files.delete(link);
  }

  @Test
  void loadsTheCommandsClassesFromTheArchiveBuiltWithTheJar() throws Exception {
    assertThat(TARGET.resolve("reconcile.jsa")).as("the class-data archive built with the jar").isRegularFile();
    Run traced = run(Map.of("RECONCILE_OPTS", "-Xlog:class+load=info:stdout"), TARGET.resolve("reconcile").toString(), "--version");
    assertThat(traced.exit()).isZero();
    assertThat(traced.out()).contains("io.reconcile.cli.Main source: shared objects file");
  }

  @Test
  void errorsAndExitStatusAreTheJars() throws Exception {
    Run launched = run(Map.of(), TARGET.resolve("reconcile").toString(), "diff", "--no-such-option");
    Run jar = javaJar("diff", "--no-such-option");
    assertThat(launched.exit()).isEqualTo(jar.exit()).isEqualTo(2);
    assertThat(launched.err()).isEqualTo(jar.err()).startsWith("reconcile diff: ");
  }

  private record Run(int exit, String out, String err) {}

  private Run javaJar(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", TARGET.resolve("reconcile.jar").toString()));
    command.addAll(List.of(args));
    return exec(new ProcessBuilder(command));
  }

  private Run run(Map<String, String> env, String launcher, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(launcher));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().remove("RECONCILE_OPTS");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
    return exec(pb);
  }

  private Run exec(ProcessBuilder pb) throws IOException, InterruptedException {
    Path out = elsewhere.resolve("out.txt");
    Path err = elsewhere.resolve("err.txt");
    Process p = pb.directory(elsewhere.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException(pb.command() + " did not finish within 60 s");
    }
    return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
  }
}
