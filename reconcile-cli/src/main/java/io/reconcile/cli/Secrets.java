package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Redaction;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Passwords read from the environment or from files, and the scrubbing of every password read so
 * far (those URLs hold included) out of text shown to people: whatever a driver puts in a message,
 * the CLI never prints a password it was given.
 */
final class Secrets {

  private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

  /** The {@code key} option of a store URI ({@link Redaction} masks every option whose name ends in "key"). */
  private static final Pattern KEY_OPTION = Pattern.compile("([?&])key=");

  private static final Pattern KEY_VALUE = Pattern.compile("[?&]key=([^&;#]*)");

  /** What a {@code key=} option is renamed to while the rest of the URL is redacted. */
  private static final String KEY_MARK = "k\u0000ey=";

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
    Set<String> secrets = new HashSet<>(Redaction.secretsIn(uri));
    if (takesKeyOption(uri)) {
      Set<String> keyValues = new HashSet<>();
      Matcher m = KEY_VALUE.matcher(uri);
      while (m.find()) {
        keyValues.add(m.group(1));
        keyValues.add(URLDecoder.decode(m.group(1), StandardCharsets.UTF_8));
      }
      Set<String> others = Redaction.secretsIn(marked(uri));
      secrets.removeIf(s -> keyValues.contains(s) && !others.contains(s));
    }
    KNOWN.addAll(secrets);
  }

  /**
   * A database URL to show: with its secrets masked ({@link Redaction#uri}), but for the {@code key}
   * option of a store URI that takes one ({@code mongodb://…?key=_id.region,_id.id}, {@code
   * kafka://…?key=id}), which names key fields, not a secret, and without which the URL is another
   * store (a command line printed to resume or undo a run must keep it).
   */
  static String shown(String uri) {
    return takesKeyOption(uri) ? Redaction.uri(marked(uri)).replace(KEY_MARK, "key=") : Redaction.uri(uri);
  }

  /** Store URIs whose {@code key} option names key fields. */
  private static boolean takesKeyOption(String uri) {
    return uri.startsWith("mongodb:") || uri.startsWith("mongodb+srv:") || uri.startsWith("kafka:");
  }

  /** The URL with each {@code key} option renamed to a name that no secret has, its place and value kept. */
  private static String marked(String uri) {
    return KEY_OPTION.matcher(uri).replaceAll("$1" + KEY_MARK);
  }

  /** The text with every password read so far masked; nothing else of it changes. */
  static String scrub(String text) {
    return Redaction.scrub(text, KNOWN);
  }
}
