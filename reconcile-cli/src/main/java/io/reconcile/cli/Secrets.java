package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Passwords read from the environment or from files, and the scrubbing of every password read so
 * far (those URLs hold included) out of text shown to people: whatever a driver puts in a message,
 * the CLI never prints a password it was given.
 */
final class Secrets {

  private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

  private Secrets() {}

  /**
   * The password named by an environment variable or held in a file (its first line), or null if
   * neither is given.
   *
   * @param what the option pair, for messages, e.g. {@code --password-env1/--password-file1}
   * @throws ConfigurationException if both are given, the variable is not set, or the file cannot be read
   */
  static @Nullable String password(
      @Nullable String envVar, @Nullable Path file, Map<String, String> env, String what) {
    if (envVar != null && file != null) {
      throw new ConfigurationException(
          "give the password of one side either from the environment or from a file, not both (" + what + ")");
    }
    String password = null;
    if (envVar != null) {
      password = env.get(envVar);
      if (password == null) {
        throw new ConfigurationException(
            "environment variable " + envVar + " is not set; export it with the password, or use a password file");
      }
    } else if (file != null) {
      try {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        password = (end < 0 ? text : text.substring(0, end)).stripTrailing();
      } catch (IOException e) {
        throw new ConfigurationException(
            "cannot read the password file " + file + " (" + e.getClass().getSimpleName() + "); check the path and its permissions");
      }
    }
    if (password != null && !password.isEmpty()) {
      KNOWN.add(password);
    }
    return password;
  }

  /**
   * Remembers the secrets a database URL holds (a password in its user-info or in a parameter, in
   * every form it is written there), so that no message repeats them.
   */
  static void rememberIn(String uri) {
    KNOWN.addAll(Redaction.secretsIn(uri));
  }

  /** The text with every password read so far masked; nothing else of it changes. */
  static String scrub(String text) {
    return Redaction.scrub(text, KNOWN);
  }
}
