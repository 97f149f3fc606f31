package io.reconcile.cli;

import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Command lines as a POSIX shell reads them back: words quoted only when they need it. */
final class Shell {

  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=,@%+^-]+");

  private Shell() {}

  /** The words joined by spaces, each in single quotes unless it holds only safe characters. */
  static String quote(List<String> words) {
    return words.stream().map(Shell::quote).collect(Collectors.joining(" "));
  }

  /** One word: as it is when plain, else in single quotes ({@code '} written {@code '\''}). */
  static String quote(String word) {
    return PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }
}
