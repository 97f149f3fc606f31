package io.reconcile.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the command as users run it: the {@code target/reconcile} launcher over the packaged {@code
 * target/reconcile.jar}, as a process, with {@code JAVA_HOME} the JVM running the tests.
 */
final class Cli {

  private static final Path LAUNCHER = Path.of("target", "reconcile");

  /** What a run of the command printed, and its exit status. */
  record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Cli() {}

  /** Runs {@code target/reconcile ARGS} with extra environment variables. */
  static Result run(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(List.of(launcher()));
    command.addAll(args);
    return exec(Path.of("."), env, command);
  }

  /**
   * Runs a command line as a user pastes it into a POSIX shell, with {@code target} first on the
   * PATH so that {@code reconcile} is the launcher.
   */
  static Result shell(Map<String, String> env, String commandLine) {
    return shellIn(Path.of("."), env, commandLine);
  }

  /** As {@link #shell}, in another working directory (the repository root: {@code Path.of("..")}). */
  static Result shellIn(Path directory, Map<String, String> env, String commandLine) {
    String path = Path.of(launcher()).getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    Map<String, String> withPath = new HashMap<>(env);
    withPath.put("PATH", path);
    return exec(directory, withPath, List.of("sh", "-c", commandLine));
  }

  /**
   * Starts {@code target/reconcile ARGS} and returns at once: the caller reads its output, waits
   * for it or kills it (the launcher execs the JVM: the process is the JVM). Its stderr is merged
   * into its stdout.
   */
  static Process start(Map<String, String> env, List<String> args) {
    List<String> command = new ArrayList<>(List.of(launcher()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    environment(pb, env);
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The launcher's absolute path. */
  private static String launcher() {
    if (!Files.isExecutable(LAUNCHER)) {
      throw new IllegalStateException(LAUNCHER.toAbsolutePath() + " is missing; integration tests run after `mvn package`");
    }
    return LAUNCHER.toAbsolutePath().toString();
  }

  /** The caller's variables, and JAVA_HOME the JVM running the tests (the launcher runs its java). */
  private static void environment(ProcessBuilder pb, Map<String, String> env) {
    pb.environment().remove("RECONCILE_OPTS");
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().putAll(env);
  }

  private static Result exec(Path directory, Map<String, String> env, List<String> command) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(directory.toFile());
    environment(pb, env);
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
