package io.reconcile.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the packaged {@code target/reconcile.jar} as a process, on the JVM running the tests. */
final class Cli {

  private static final Path JAR = Path.of("target", "reconcile.jar");

  /** What a run of the command printed, and its exit status. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  /** Runs {@code java -jar target/reconcile.jar ARGS} with extra environment variables. */
  static Result run(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(javaJar());
    command.addAll(args);
    return exec(env, command);
  }

  /**
   * Runs a command line as a user pastes it into a POSIX shell, {@code reconcile} standing for
   * {@code java -jar target/reconcile.jar}.
   */
  static Result shell(Map<String, String> env, String commandLine) {
    String function = "reconcile() { " + String.join(" ", javaJar()) + " \"$@\"; }\n";
    return exec(env, List.of("sh", "-c", function + commandLine));
  }

  /**
   * Starts {@code java -jar target/reconcile.jar ARGS} and returns at once: the caller reads its
   * output, waits for it or kills it. Its stderr is merged into its stdout.
   */
  static Process start(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(javaJar());
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The command that starts the packaged jar. */
  static List<String> javaJar() {
    if (!Files.isRegularFile(JAR)) {
      throw new IllegalStateException(JAR.toAbsolutePath() + " is missing; integration tests run after `mvn package`");
    }
    String java = ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("cannot tell which java runs the tests"));
    // Short-lived JVMs: skip the optimising compiler, it costs more than it saves here.
    return List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", JAR.toString());
  }

  private static Result exec(Map<String, String> env, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().putAll(env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command + " did not finish within 60 s");
      }
      return new Result(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Result run(String... args) {
    return run(Map.of(), List.of(args));
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
