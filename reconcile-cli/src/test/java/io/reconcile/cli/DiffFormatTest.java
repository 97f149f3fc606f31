package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.Value;
import io.reconcile.api.repair.Divergence;
import io.reconcile.api.repair.Divergence.Kind;
import io.reconcile.api.repair.Divergence.Side;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DiffFormatTest {

  private static Divergence d(Kind kind, Key key, @Nullable Entry first, @Nullable Entry second) {
    return new Divergence(key, kind, List.of(new Side("t@first", first), new Side("t@second", second)),
        "test", Instant.EPOCH, "detail");
  }

  private static Entry row(Key key, Object... nameValue) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], nameValue[i + 1]);
    }
    return Entry.of(key, m);
  }

  @Test
  void textLinesAreGitStyle() {
    Key k = Key.of("eu", 7L);
    Entry a = row(k, "name", "Ada", "balance", new BigDecimal("10.50"), "note", Value.ofNull());
    Entry b = row(k, "name", "Ada L.", "balance", new BigDecimal("10.5"), "note", "x");
    assertThat(DiffFormat.text(d(Kind.MISSING, k, a, null)))
        .isEqualTo("- (\"eu\", 7) balance=10.5, name=\"Ada\", note=NULL");
    assertThat(DiffFormat.text(d(Kind.EXTRA, k, null, b)))
        .isEqualTo("+ (\"eu\", 7) balance=10.5, name=\"Ada L.\", note=\"x\"");
    assertThat(DiffFormat.text(d(Kind.MISMATCH, k, a, b)))
        .as("equal by value is not a change")
        .isEqualTo("~ (\"eu\", 7) name: \"Ada\" → \"Ada L.\", note: NULL → \"x\"");
  }

  @Test
  void aColumnOnlyOneSideHasAndLongValuesAreShownAsSuch() {
    Key k = Key.of(1);
    String longText = "x".repeat(200);
    assertThat(DiffFormat.text(d(Kind.MISMATCH, k, row(k, "a", 1), row(k, "a", 1, "b", longText))))
        .isEqualTo("~ 1 b: (no column) → \"" + "x".repeat(DiffFormat.MAX_VALUE_CHARS - 2) + "…");
  }

  @Test
  void jsonKeepsTypesAndFullValues() {
    Key k = Key.of("eu", 7L);
    Entry a = row(k, "n", new BigDecimal("1.50"), "t", "a\"b", "z", Value.ofNull(), "ok", true);
    Entry b = row(k, "n", 2, "t", "a\"b", "z", Value.ofNull(), "ok", true);
    assertThat(DiffFormat.json("orders", List.of("region", "id"), d(Kind.MISMATCH, k, a, b)))
        .isEqualTo("{\"table\":\"orders\",\"op\":\"~\",\"kind\":\"MISMATCH\",\"key\":{\"region\":\"eu\",\"id\":\"7\"},"
            + "\"first\":{\"n\":\"1.5\",\"ok\":true,\"t\":\"a\\\"b\",\"z\":null},"
            + "\"second\":{\"n\":\"2\",\"ok\":true,\"t\":\"a\\\"b\",\"z\":null},\"changed\":[\"n\"]}");
    assertThat(DiffFormat.json("orders", List.of("region", "id"), d(Kind.EXTRA, k, null, b)))
        .contains("\"op\":\"+\"", "\"first\":null").doesNotContain("changed");
  }

  @Test
  void jsonKeepsEveryDigitOfDecimalsAndBigKeys() {
    Key k = Key.of(9_007_199_254_740_993L); // 2^53 + 1: a double cannot hold it
    Entry a = row(k, "n", new BigDecimal("12345678901234567890.12345678901234567891"));
    Entry b = row(k, "n", new BigDecimal("12345678901234567890.12345678901234567892"));
    assertThat(DiffFormat.json("t", List.of("id"), d(Kind.MISMATCH, k, a, b)))
        .contains("\"id\":\"9007199254740993\"", "\"n\":\"12345678901234567890.12345678901234567891\"",
            "\"n\":\"12345678901234567890.12345678901234567892\"");
  }

  @Test
  void infinityIsShownAsSuch() {
    Key k = Key.of(1);
    Entry a = row(k, "t", java.time.Instant.MIN, "d", java.time.LocalDate.MAX);
    Entry b = row(k, "t", java.time.Instant.parse("2026-01-01T00:00:00Z"), "d", java.time.LocalDate.MAX);
    assertThat(DiffFormat.text(d(Kind.MISMATCH, k, a, b))).isEqualTo("~ 1 t: -infinity → 2026-01-01T00:00:00Z");
    assertThat(DiffFormat.json("t", List.of("id"), d(Kind.MISSING, k, a, null))).contains("\"d\":\"infinity\"", "\"t\":\"-infinity\"");
  }

  @Test
  void countsBySign() {
    Key k = Key.of(1);
    Entry e = row(k, "a", 1);
    DiffFormat.Counts c = DiffFormat.Counts.NONE;
    for (Divergence x : List.of(
        d(Kind.MISSING, k, e, null), d(Kind.MISSING, k, e, null), d(Kind.EXTRA, k, null, e), d(Kind.CONCURRENT, k, e, e))) {
      c = c.plus(x);
    }
    assertThat(c).isEqualTo(new DiffFormat.Counts(2, 1, 1));
  }
}
