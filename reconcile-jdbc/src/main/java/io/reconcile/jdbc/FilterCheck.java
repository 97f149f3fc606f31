package io.reconcile.jdbc;

import io.reconcile.api.ReconcileException.ConfigurationException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Checks, before any statement runs, that a store's filter is one SQL expression that stays inside
 * the {@code AND (…)} the store appends it in: lexed as the database lexes SQL text (string
 * literals, quoted identifiers, PostgreSQL's {@code E''} strings and dollar quotes, MariaDB's
 * backslash escapes and backticks), it must hold no {@code ;} outside a literal, no comment, no
 * unterminated literal or identifier, no parameter marker, no NUL, and balanced parentheses that
 * never close more than they opened. Where a product's lexing depends on a session setting
 * (PostgreSQL {@code standard_conforming_strings}, MariaDB {@code NO_BACKSLASH_ESCAPES} and {@code
 * ANSI_QUOTES}, H2's compatibility modes), the filter must pass under every reading, so no setting
 * can turn a literal into a second statement. Subqueries and function calls pass: the read-only
 * transaction every read runs in is what keeps them from writing.
 */
final class FilterCheck {

  /** How one database product lexes SQL text. */
  enum Syntax {
    POSTGRESQL, MARIADB, H2, GENERIC;

    /** By the product name in the driver's metadata (MySQL reads as MariaDB does). */
    static Syntax of(String productName) {
      String p = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
      return p.equals("postgresql") ? POSTGRESQL
          : p.equals("mariadb") || p.equals("mysql") ? MARIADB
          : p.equals("h2") ? H2
          : GENERIC;
    }

    /** Every way this product may read text, the usual one first. */
    List<Mode> modes() {
      List<Mode> out = new ArrayList<>();
      switch (this) {
        case POSTGRESQL -> {
          out.add(new Mode("", false, false, false, false, Dollar.TAGGED, true, false, false, true));
          out.add(new Mode(" (read with standard_conforming_strings=off, where a backslash escapes)",
              true, false, false, false, Dollar.TAGGED, true, false, false, true));
        }
        case MARIADB -> {
          for (boolean noBackslash : new boolean[] {false, true}) {
            for (boolean ansiQuotes : new boolean[] {false, true}) {
              String as = !noBackslash && !ansiQuotes ? ""
                  : " (read with sql_mode " + (noBackslash ? "NO_BACKSLASH_ESCAPES" : "")
                      + (noBackslash && ansiQuotes ? "," : "") + (ansiQuotes ? "ANSI_QUOTES" : "") + ")";
              out.add(new Mode(as, !noBackslash, !ansiQuotes, true, false, Dollar.NONE, false, true,
                  false, false));
            }
          }
        }
        case H2 -> {
          for (boolean backticks : new boolean[] {false, true}) {
            for (boolean brackets : new boolean[] {false, true}) {
              String as = !backticks && !brackets ? ""
                  : " (read in a compatibility mode with " + (backticks ? "`identifiers`" : "")
                      + (backticks && brackets ? " and " : "") + (brackets ? "[identifiers]" : "") + ")";
              out.add(new Mode(as, false, false, backticks, brackets, Dollar.EMPTY_TAG, false, false,
                  true, false));
            }
          }
        }
        case GENERIC -> {
          // An unknown product: every quoting rule above may apply, each alone or with the others.
          for (int bits = 0; bits < 1 << 5; bits++) {
            out.add(new Mode(bits == 0 ? "" : " (read as some SQL dialects do)", (bits & 1) != 0,
                (bits & 2) != 0, (bits & 4) != 0, (bits & 8) != 0,
                (bits & 16) != 0 ? Dollar.TAGGED : Dollar.NONE, (bits & 16) != 0, true, true, false));
          }
        }
      }
      return out;
    }
  }

  /** Which dollar quotes open a literal: none, only {@code $$} (H2), or {@code $tag$} (PostgreSQL). */
  enum Dollar { NONE, EMPTY_TAG, TAGGED }

  /**
   * One reading of SQL text.
   *
   * @param as how this reading differs from the usual one, for messages ({@code ""} if it is it)
   * @param backslashEscapes a backslash in a string literal escapes the next character
   * @param doubleQuotedStrings {@code "…"} is a string literal (else a quoted identifier)
   * @param backticks {@code `…`} is a quoted identifier
   * @param brackets {@code […]} is a quoted identifier
   * @param dollar which dollar quotes there are
   * @param escapeStrings {@code E'…'} is a string with backslash escapes
   * @param hashComments {@code #} starts a comment
   * @param slashComments {@code //} starts a comment
   * @param doubledQuestionMark {@code ??} is the driver's escape for a {@code ?} operator
   */
  record Mode(String as, boolean backslashEscapes, boolean doubleQuotedStrings, boolean backticks,
      boolean brackets, Dollar dollar, boolean escapeStrings, boolean hashComments,
      boolean slashComments, boolean doubledQuestionMark) {}

  private static final String EXPECTED = "filter must be one SQL boolean expression, but it has ";

  private FilterCheck() {}

  /**
   * Refuses a filter that could be more than one boolean expression for {@code syntax}.
   *
   * @throws ConfigurationException starting with {@code filter}, one line saying what was found
   *     where and what to do
   */
  static void check(String filter, Syntax syntax) {
    for (Mode mode : syntax.modes()) {
      new Lexer(filter, mode).run();
    }
  }

  /** One pass over the text under one reading. */
  private static final class Lexer {
    private final String s;
    private final Mode mode;
    private final Deque<Integer> open = new ArrayDeque<>();

    Lexer(String s, Mode mode) {
      this.s = s;
      this.mode = mode;
    }

    void run() {
      int i = 0;
      while (i < s.length()) {
        char c = s.charAt(i);
        char next = i + 1 < s.length() ? s.charAt(i + 1) : '\0';
        if (c == '\'') {
          i = closing(i, '\'', mode.backslashEscapes(), "a string literal");
        } else if (mode.escapeStrings() && (c == 'E' || c == 'e') && next == '\'' && !continuesWord(i)) {
          i = closing(i + 1, '\'', true, "a string literal");
        } else if (c == '"') {
          i = mode.doubleQuotedStrings()
              ? closing(i, '"', mode.backslashEscapes(), "a string literal")
              : closing(i, '"', false, "a quoted identifier");
        } else if (c == '`' && mode.backticks()) {
          i = closing(i, '`', false, "a quoted identifier");
        } else if (c == '[' && mode.brackets()) {
          i = closing(i, ']', false, "a quoted identifier");
        } else if (c == '$' && dollarTag(i) != null) {
          String tag = dollarTag(i);
          int end = s.indexOf(tag, i + tag.length());
          if (end < 0) {
            throw refused("a dollar-quoted string that is never closed", i, "close it with " + tag);
          }
          i = end + tag.length();
        } else if ((c == '-' && next == '-') || (c == '/' && next == '*')
            || (c == '/' && next == '/' && mode.slashComments()) || (c == '#' && mode.hashComments())) {
          throw refused("a comment ('" + (c == '#' ? "#" : "" + c + next) + "')", i,
              "remove it: a comment could hide the rest of the statement");
        } else if (c == ';') {
          throw refused("';' outside any literal, which would end the statement", i,
              "remove it and write one condition, e.g. a = 1 AND b = 2");
        } else if (c == '?') {
          if (!(mode.doubledQuestionMark() && next == '?')) {
            throw refused("a parameter marker '?'", i,
                "write the value as a literal: a filter takes no parameters"
                    + (mode.doubledQuestionMark() ? " (write the ? operator as ??)" : ""));
          }
          i += 2;
        } else if (c == '\0') {
          throw refused("a NUL character", i, "remove it");
        } else {
          if (c == '(') {
            open.push(i);
          } else if (c == ')') {
            if (open.isEmpty()) {
              throw refused("a ')' that closes no '(' of its own, which would close the parentheses"
                  + " the store puts around the filter", i, "remove it or add its '('");
            }
            open.pop();
          }
          i++;
        }
      }
      if (!open.isEmpty()) {
        throw refused("a '(' that is never closed", open.getLast(), "add its ')'");
      }
    }

    /** The index after the quote closing the literal opened at {@code start}. */
    private int closing(int start, char quote, boolean backslash, String what) {
      int j = start + 1;
      while (j < s.length()) {
        char c = s.charAt(j);
        if (backslash && c == '\\') {
          j += 2;
        } else if (c == quote) {
          if (j + 1 < s.length() && s.charAt(j + 1) == quote) {
            j += 2; // a doubled quote stands for itself
          } else {
            return j + 1;
          }
        } else {
          j++;
        }
      }
      throw refused(what + " that is never closed", start,
          "close it with " + quote + " (a " + quote + " inside is written " + quote + quote + ")");
    }

    /** The dollar quote ({@code $tag$}) opening at {@code i}, or null when none opens there. */
    private String dollarTag(int i) {
      if (mode.dollar() == Dollar.NONE || continuesWord(i)) {
        return null;
      }
      if (i + 1 < s.length() && s.charAt(i + 1) == '$') {
        return "$$";
      }
      if (mode.dollar() != Dollar.TAGGED || i + 1 >= s.length() || !startsTag(s.charAt(i + 1))) {
        return null;
      }
      int j = i + 2;
      while (j < s.length() && (startsTag(s.charAt(j)) || Character.isDigit(s.charAt(j)))) {
        j++;
      }
      return j < s.length() && s.charAt(j) == '$' ? s.substring(i, j + 1) : null;
    }

    private static boolean startsTag(char c) {
      return Character.isLetter(c) || c == '_' || c >= 0x80;
    }

    /** Whether the character before {@code i} belongs to a word (identifier or number) it continues. */
    private boolean continuesWord(int i) {
      if (i == 0) {
        return false;
      }
      char p = s.charAt(i - 1);
      return Character.isLetterOrDigit(p) || p == '_' || p == '$' || p >= 0x80;
    }

    private ConfigurationException refused(String found, int at, String advice) {
      return new ConfigurationException(
          EXPECTED + found + " at position " + (at + 1) + " (near \"" + near(at) + "\")" + mode.as()
              + "; " + advice);
    }

    /** A short excerpt around {@code at}, on one line. */
    private String near(int at) {
      int from = Math.max(0, at - 12);
      int to = Math.min(s.length(), at + 12);
      StringBuilder b = new StringBuilder(from > 0 ? "…" : "");
      for (int k = from; k < to; k++) {
        char c = s.charAt(k);
        b.append(Character.isISOControl(c) ? ' ' : c);
      }
      return b.append(to < s.length() ? "…" : "").toString();
    }
  }
}
