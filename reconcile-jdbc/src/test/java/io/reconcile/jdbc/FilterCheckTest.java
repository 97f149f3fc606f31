package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.jdbc.FilterCheck.Syntax;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("A filter must be one boolean expression, lexed as its database lexes SQL")
class FilterCheckTest {

  private static void ok(String filter, Syntax syntax) {
    assertThatCode(() -> FilterCheck.check(filter, syntax)).doesNotThrowAnyException();
  }

  private static void refused(String filter, Syntax syntax, String found) {
    assertThatThrownBy(() -> FilterCheck.check(filter, syntax))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("filter must be one SQL boolean expression, but it has ")
        .hasMessageContaining(found)
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @EnumSource(Syntax.class)
  @DisplayName("plain conditions, subqueries, functions and literals holding ; ) -- pass everywhere")
  void plainConditionsPass(Syntax syntax) {
    ok("region = 'eu'", syntax);
    ok("a = 1 AND (b > 2 OR c IN (SELECT id FROM t WHERE d = 'x'))", syntax);
    ok("note <> 'a;b) -- /* #'", syntax);
    ok("name = 'it''s'", syntax);
    ok("lower(name) LIKE 'a%'", syntax);
  }

  @ParameterizedTest
  @EnumSource(Syntax.class)
  @DisplayName("stacked statements, comments, stray parentheses and unterminated literals are refused")
  void escapesAreRefused(Syntax syntax) {
    refused("1=1) ; DROP TABLE x; --", syntax, "a ')' that closes no '(' of its own");
    refused("1=1; DROP TABLE x", syntax, "';' outside any literal, which would end the statement at position 4");
    refused("1=1 -- rest", syntax, "a comment ('--') at position 5");
    refused("1=1 /* x */", syntax, "a comment ('/*')");
    refused("1=1) OR (1=1", syntax, "')' that closes no '('");
    refused("(a = 1", syntax, "a '(' that is never closed at position 1");
    refused("a = 'open", syntax, "a string literal that is never closed at position 5");
    refused("a = ?", syntax, "a parameter marker '?'");
    refused("a = 1\0", syntax, "a NUL character");
  }

  @Test
  @DisplayName("PostgreSQL: dollar quotes and E'' strings are literals; a backslash before a quote is refused")
  void postgres() {
    ok("v <> $$a'; DROP TABLE x; --$$", Syntax.POSTGRESQL);
    ok("v <> $tag$ ; $$ ; $tag$", Syntax.POSTGRESQL);
    ok("v <> E'it\\'s; fine'", Syntax.POSTGRESQL);
    ok("a$b$c = 1", Syntax.POSTGRESQL); // $ inside an identifier opens no quote
    ok("\"we\"\"ird;\" = 1", Syntax.POSTGRESQL);
    ok("doc ?? 'key'", Syntax.POSTGRESQL);
    ok("x # 3 = 1", Syntax.POSTGRESQL); // # is an operator, not a comment
    refused("v <> $t$ ; DROP", Syntax.POSTGRESQL, "a dollar-quoted string that is never closed");
    refused("v <> E'\\' ; DROP TABLE x", Syntax.POSTGRESQL, "never closed");
    refused("v <> 'a\\' ; DROP TABLE x; SELECT '", Syntax.POSTGRESQL, "';' outside any literal");
    refused("v <> 'a\\'' ; DROP TABLE x; SELECT '", Syntax.POSTGRESQL,
        "';' outside any literal, which would end the statement at position 12 (near \"v <> 'a\\'' ; DROP TABLE…\")"
            + " (read with standard_conforming_strings=off, where a backslash escapes)");
    refused("\"open", Syntax.POSTGRESQL, "a quoted identifier that is never closed");
  }

  @Test
  @DisplayName("MariaDB: backticks and \"strings\"; #, backslash and ANSI_QUOTES readings all checked")
  void mariaDb() {
    ok("`we``ird;` = 1", Syntax.MARIADB);
    ok("v <> \"it's; fine\"", Syntax.MARIADB);
    ok("v LIKE 'a\\_%'", Syntax.MARIADB);
    refused("1=1 # DROP", Syntax.MARIADB, "a comment ('#')");
    refused("`id` = 1 ; DROP TABLE x", Syntax.MARIADB, "';' outside any literal");
    refused("v <> 'a\\' ; DROP TABLE x; SELECT '", Syntax.MARIADB, "NO_BACKSLASH_ESCAPES");
    refused("v <> \"a\\\" ; DROP TABLE x; SELECT \"", Syntax.MARIADB, "ANSI_QUOTES");
    refused("`open", Syntax.MARIADB, "a quoted identifier that is never closed");
  }

  @Test
  @DisplayName("H2: // comments, $$ strings, and the compatibility modes' `quotes` and [quotes]")
  void h2() {
    ok("v <> $$a;b$$", Syntax.H2);
    ok("ARRAY[1, 2] = a", Syntax.H2);
    refused("1=1 // DROP", Syntax.H2, "a comment ('//')");
    refused("`'` = 1 ; DROP TABLE x ; SELECT '", Syntax.H2, "`identifiers`");
    refused("['] = 1 ; DROP TABLE x ; SELECT '", Syntax.H2, "[identifiers]");
  }

  @Test
  @DisplayName("the message shows a short excerpt, not a long filter")
  void shortExcerpt() {
    String longFilter = "a = 1 AND ".repeat(50) + "b = 2; DROP TABLE x" + " AND c = 3".repeat(50);
    assertThatThrownBy(() -> FilterCheck.check(longFilter, Syntax.POSTGRESQL))
        .hasMessageContaining("at position 506 (near \"… 1 AND b = 2; DROP TABLE…\")")
        .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage()).hasSizeLessThan(250));
  }
}
