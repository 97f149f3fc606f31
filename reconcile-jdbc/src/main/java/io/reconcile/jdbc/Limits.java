package io.reconcile.jdbc;

import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What a column accepts beyond its {@link Column.Kind}, as the catalog told when the store was
 * built: whether it takes NULL, a character column's length, a decimal's precision and scale, a
 * timestamp's fractional digits, an enumeration's labels, and the range of dates and timestamps its
 * product's type holds. The product's {@link Dialect#typing} builds them from its catalog; {@link
 * #refusal} decides from these alone, without I/O, whether a value can be written exactly (not
 * rounded, truncated or refused by the database). Immutable.
 *
 * @param notNull whether the column is declared NOT NULL
 * @param length the most characters a character column holds; 0 when unlimited or unknown
 * @param precision a decimal column's digits; 0 when unconstrained or unknown
 * @param scale a decimal column's digits after the point (with a precision)
 * @param fractionDigits a timestamp column's fractional second digits; -1 when unknown
 * @param labels an enumeration's or set's labels, in declared order; empty when not one
 * @param labelSet whether a value is a comma-separated set of labels (MariaDB SET)
 * @param dates the dates a date column holds
 * @param timestamps the instants a timestamp column holds
 */
record Limits(
    boolean notNull,
    int length,
    int precision,
    int scale,
    int fractionDigits,
    List<String> labels,
    boolean labelSet,
    Bounds<LocalDate> dates,
    Bounds<Instant> timestamps) {

  /**
   * The values of a type that orders them: those from {@code min} to {@code max}, and the {@code
   * specials} it also names (PostgreSQL's infinity and -infinity, read as the extreme values).
   *
   * @param accepts what the type holds, in words for a refusal
   */
  record Bounds<T extends Comparable<? super T>>(T min, T max, Set<T> specials, String accepts) {

    Bounds {
      specials = Set.copyOf(specials);
    }

    /** The range from {@code min} to {@code max}, described as such. */
    static <T extends Comparable<? super T>> Bounds<T> between(T min, T max) {
      return new Bounds<>(min, max, Set.of(), "from " + min + " to " + max);
    }

    boolean holds(T x) {
      return specials.contains(x) || (x.compareTo(min) >= 0 && x.compareTo(max) <= 0);
    }
  }

  /** Any date Java holds. */
  static final Bounds<LocalDate> ANY_DATE = Bounds.between(LocalDate.MIN, LocalDate.MAX);

  /** The instants a JDBC driver binds as a local date-time: those of {@link LocalDateTime}. */
  static final Bounds<Instant> ANY_LOCAL_TIMESTAMP = Bounds.between(
      LocalDateTime.MIN.toInstant(ZoneOffset.UTC), LocalDateTime.MAX.toInstant(ZoneOffset.UTC));

  /** Limits that accept whatever the kind can bind: for catalogs that tell nothing more. */
  static Limits of(boolean notNull) {
    return new Limits(notNull, 0, 0, 0, -1, List.of(), false, ANY_DATE, ANY_LOCAL_TIMESTAMP);
  }

  Limits {
    labels = List.copyOf(labels);
  }

  /**
   * Why {@code v} cannot be written to {@code c} exactly, as what the column accepts (never the
   * value), or null if it can.
   */
  @Nullable String refusal(Column c, Value v) {
    if (v instanceof Value.Null) {
      return notNull ? "no NULL (it is NOT NULL)" : null;
    }
    return switch (c.kind()) {
      case LONG -> integer(c, v);
      case DECIMAL -> decimal(v);
      case REAL, DOUBLE -> v instanceof Value.Num || v instanceof Value.NonFinite ? null : "numbers only";
      case TEXT -> text(v);
      case JSON -> JsonValues.refusal(v);
      case JSON_TEXT -> v instanceof Value.Text ? null : "JSON text only";
      case BOOLEAN -> v instanceof Value.Bool ? null : "booleans only";
      case DATE -> date(v);
      case TIMESTAMP, TIMESTAMP_TZ -> timestamp(v);
      case UUID, UUID_TEXT -> v instanceof Value.Uuid
              || (v instanceof Value.Text t && UuidText.parse(t.value()) != null) ? null
          : "UUIDs only, or their canonical text (36 characters: lowercase hex digits in groups of"
              + " 8-4-4-4-12 joined by hyphens)";
      case BYTES -> v instanceof Value.Bytes ? null : "bytes only";
    };
  }

  private @Nullable String integer(Column c, Value v) {
    long[] range = integerRange(c.typeName());
    if (precision > 0 && scale == 0 && precision < 19) {
      // numeric(p,0) read as an integer (a key column): p digits
      long most = BigDecimal.TEN.pow(precision).longValueExact() - 1;
      range = new long[] {c.typeName().toLowerCase(Locale.ROOT).contains("unsigned") ? 0 : -most, most};
    }
    String accepts = "integers from " + range[0] + " to " + range[1];
    if (!(v instanceof Value.Num n)) {
      return accepts;
    }
    long x;
    try {
      x = n.decimal().longValueExact();
    } catch (ArithmeticException e) {
      return accepts;
    }
    boolean zeroYear = x == 0 && c.typeName().equalsIgnoreCase("year"); // MariaDB's year 0000
    return zeroYear || (x >= range[0] && x <= range[1]) ? null : accepts;
  }

  /** The range of an integer type by its name; YEAR as MariaDB's. */
  static long[] integerRange(String typeName) {
    String t = typeName.toLowerCase(Locale.ROOT);
    boolean unsigned = t.contains("unsigned");
    String base = t.replace("unsigned", "").replace("zerofill", "").trim();
    int bits = switch (base) {
      case "tinyint", "int1" -> 8;
      case "int2", "smallint", "smallserial" -> 16;
      case "mediumint" -> 24;
      case "int4", "int", "integer", "serial" -> 32;
      case "year" -> 0;
      default -> 64;
    };
    if (bits == 0) {
      return new long[] {1901, 2155};
    }
    if (bits == 64) {
      return new long[] {unsigned ? 0 : Long.MIN_VALUE, Long.MAX_VALUE};
    }
    long half = 1L << (bits - 1);
    return unsigned ? new long[] {0, 2 * half - 1} : new long[] {-half, half - 1};
  }

  private @Nullable String decimal(Value v) {
    String accepts =
        precision == 0 ? "finite decimals"
            : "decimals of at most " + precision + " digits, " + scale + " of them after the point";
    if (!(v instanceof Value.Num n)) {
      return accepts;
    }
    if (precision == 0) {
      return null;
    }
    BigDecimal d = n.decimal().stripTrailingZeros();
    int fraction = Math.max(0, d.scale());
    int whole = Math.max(0, d.precision() - d.scale());
    return fraction > scale || whole > precision - scale ? accepts : null;
  }

  private @Nullable String text(Value v) {
    if (!(v instanceof Value.Text t)) {
      return "text only";
    }
    String s = t.value();
    if (!labels.isEmpty()) {
      String accepts = (labelSet ? "comma-separated labels of " : "one of the labels ") + labels;
      if (labelSet) {
        if (!s.isEmpty()) {
          for (String part : s.split(",", -1)) {
            if (!labels.contains(part)) {
              return accepts;
            }
          }
        }
        return null;
      }
      return labels.contains(s) ? null : accepts;
    }
    if (length > 0 && s.codePointCount(0, s.length()) > length) {
      return "text of at most " + length + " characters";
    }
    return null;
  }

  private @Nullable String date(Value v) {
    if (!(v instanceof Value.Date d)) {
      return "dates only";
    }
    return dates.holds(d.value()) ? null : "dates " + dates.accepts();
  }

  private @Nullable String timestamp(Value v) {
    if (!(v instanceof Value.Timestamp ts)) {
      return "timestamps only";
    }
    Instant x = ts.value();
    if (!timestamps.holds(x)) {
      return "timestamps " + timestamps.accepts();
    }
    if (!timestamps.specials().contains(x) && fractionDigits >= 0 && fractionDigits(x) > fractionDigits) {
      return "timestamps of at most " + fractionDigits + " fractional second digits";
    }
    return null;
  }

  private static int fractionDigits(Instant x) {
    int nanos = x.getNano();
    if (nanos == 0) {
      return 0;
    }
    int digits = 9;
    while (nanos % 10 == 0) {
      nanos /= 10;
      digits--;
    }
    return digits;
  }
}
