package io.reconcile.jdbc;

import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * What a column accepts beyond its {@link Column.Kind}, as the catalog told when the store was
 * built: whether it takes NULL, a character column's length, a decimal's precision and scale, a
 * timestamp's fractional digits, an enumeration's labels, and the range of dates and numbers its
 * product's type holds. {@link #refusal} decides from these alone, without I/O, whether a value can
 * be written exactly (not rounded, truncated or refused by the database). Immutable.
 *
 * @param product the database product, which decides the ranges of dates and timestamps
 * @param notNull whether the column is declared NOT NULL
 * @param length the most characters a character column holds; 0 when unlimited or unknown
 * @param precision a decimal column's digits; 0 when unconstrained or unknown
 * @param scale a decimal column's digits after the point (with a precision)
 * @param fractionDigits a timestamp column's fractional second digits; -1 when unknown
 * @param labels an enumeration's or set's labels, in declared order; empty when not one
 * @param labelSet whether a value is a comma-separated set of labels (MariaDB SET)
 */
record Limits(
    Product product,
    boolean notNull,
    int length,
    int precision,
    int scale,
    int fractionDigits,
    List<String> labels,
    boolean labelSet) {

  /** The products whose types' ranges are known. */
  enum Product {
    POSTGRESQL,
    MARIADB,
    H2,
    OTHER;

    static Product of(String productName) {
      String p = productName.toLowerCase(Locale.ROOT);
      return p.contains("postgres") ? POSTGRESQL
          : p.contains("mariadb") || p.contains("mysql") ? MARIADB
          : p.contains("h2") ? H2
          : OTHER;
    }
  }

  /** Limits that accept whatever the kind can bind: for catalogs that tell nothing more. */
  static Limits none(Product product) {
    return new Limits(product, false, 0, 0, 0, -1, List.of(), false);
  }

  Limits {
    labels = List.copyOf(labels);
  }

  private static final LocalDate PG_DATE_MIN = LocalDate.of(-4712, 1, 1);
  private static final LocalDate PG_DATE_MAX = LocalDate.of(5874897, 12, 31);
  private static final Instant PG_TIMESTAMP_MIN = Instant.parse("-4712-01-01T00:00:00Z");
  private static final Instant PG_TIMESTAMP_MAX = Instant.parse("+294276-12-31T23:59:59.999999Z");
  private static final LocalDate MARIADB_DATE_MIN = LocalDate.of(1000, 1, 1);
  private static final LocalDate MARIADB_DATE_MAX = LocalDate.of(9999, 12, 31);
  private static final Instant MARIADB_DATETIME_MIN = Instant.parse("1000-01-01T00:00:00Z");
  private static final Instant MARIADB_DATETIME_MAX = Instant.parse("9999-12-31T23:59:59.999999Z");
  private static final Instant MARIADB_TIMESTAMP_MIN = Instant.parse("1970-01-01T00:00:01Z");
  private static final Instant MARIADB_TIMESTAMP_MAX = Instant.parse("2038-01-19T03:14:07.999999Z");
  private static final Instant LOCAL_MIN = LocalDateTime.MIN.toInstant(ZoneOffset.UTC);
  private static final Instant LOCAL_MAX = LocalDateTime.MAX.toInstant(ZoneOffset.UTC);

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
      case REAL, DOUBLE -> v instanceof Value.Num ? null
          : v instanceof Value.NonFinite
              ? product == Product.MARIADB ? "finite numbers only (MariaDB has no NaN or infinity)" : null
              : "numbers only";
      case TEXT -> text(v);
      case JSON -> v instanceof Value.Text ? null : "JSON text only";
      case BOOLEAN -> v instanceof Value.Bool ? null : "booleans only";
      case DATE -> date(v);
      case TIMESTAMP, TIMESTAMP_TZ -> timestamp(c, v);
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
    if (product == Product.POSTGRESQL && s.indexOf('\0') >= 0) {
      return "text without NUL characters (PostgreSQL cannot store them)";
    }
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
    LocalDate x = d.value();
    return switch (product) {
      case POSTGRESQL -> x.equals(LocalDate.MAX) || x.equals(LocalDate.MIN)
              || (!x.isBefore(PG_DATE_MIN) && !x.isAfter(PG_DATE_MAX)) ? null
          : "dates from 4713 BC to " + PG_DATE_MAX + ", infinity and -infinity";
      case MARIADB -> !x.isBefore(MARIADB_DATE_MIN) && !x.isAfter(MARIADB_DATE_MAX) ? null
          : "dates from " + MARIADB_DATE_MIN + " to " + MARIADB_DATE_MAX;
      case H2, OTHER -> null;
    };
  }

  private @Nullable String timestamp(Column c, Value v) {
    if (!(v instanceof Value.Timestamp ts)) {
      return "timestamps only";
    }
    Instant x = ts.value();
    Instant min;
    Instant max;
    String accepts;
    switch (product) {
      case POSTGRESQL -> {
        if (x.equals(Instant.MAX) || x.equals(Instant.MIN)) {
          return null; // infinity and -infinity
        }
        min = PG_TIMESTAMP_MIN;
        max = PG_TIMESTAMP_MAX;
        accepts = "timestamps from 4713 BC to 294276 AD, infinity and -infinity";
      }
      case MARIADB -> {
        boolean isTimestamp = c.typeName().toLowerCase(Locale.ROOT).startsWith("timestamp");
        min = isTimestamp ? MARIADB_TIMESTAMP_MIN : MARIADB_DATETIME_MIN;
        max = isTimestamp ? MARIADB_TIMESTAMP_MAX : MARIADB_DATETIME_MAX;
        accepts = "timestamps from " + min + " to " + max;
      }
      default -> {
        min = LOCAL_MIN;
        max = LOCAL_MAX;
        accepts = "timestamps from " + min + " to " + max;
      }
    }
    if (x.isBefore(min) || x.isAfter(max)) {
      return accepts;
    }
    if (fractionDigits >= 0 && fractionDigits(x) > fractionDigits) {
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
