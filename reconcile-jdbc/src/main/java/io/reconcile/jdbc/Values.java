package io.reconcile.jdbc;

import io.reconcile.api.ReconcileException;
import io.reconcile.api.ReconcileException.ConfigurationException;
import io.reconcile.api.Value;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Converts between JDBC column values and reconcile values and key parts. */
final class Values {

  private Values() {}

  /**
   * Reads a compared column; SQL NULL is {@link Value#ofNull()}. PostgreSQL's {@code infinity} and
   * {@code -infinity} read as the ends of Java's time line: {@link LocalDate#MAX} and {@link
   * LocalDate#MIN} for dates (as the driver gives them), {@link Instant#MAX} and {@link
   * Instant#MIN} for timestamps, and are written back as such.
   */
  static Value read(ResultSet rs, int i, Column c) throws SQLException {
    Value v =
        switch (c.kind()) {
          case LONG -> {
            long n = rs.getLong(i);
            yield rs.wasNull() ? null : Value.of(n);
          }
          case DECIMAL -> {
            BigDecimal d = rs.getBigDecimal(i);
            yield d == null ? null : Value.of(d);
          }
          case REAL -> {
            float f = rs.getFloat(i);
            // Through Float's own shortest form: 0.1f reads as 0.1, not 0.10000000149011612.
            yield rs.wasNull() ? null : Value.from(f);
          }
          case DOUBLE -> {
            double d = rs.getDouble(i);
            yield rs.wasNull() ? null : Value.of(d);
          }
          case TEXT, JSON_TEXT -> {
            String s = rs.getString(i);
            yield s == null ? null : Value.of(c.padded() ? unpadded(s) : s);
          }
          case JSON -> {
            String s = rs.getString(i);
            try {
              yield s == null ? null : JsonValues.parse(s);
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException("column '" + c.catalogName() + "': " + e.getMessage()
                  + "; compare it as text (--normalize text=" + c.catalogName() + ")");
            }
          }
          case BOOLEAN -> {
            boolean b = rs.getBoolean(i);
            yield rs.wasNull() ? null : Value.of(b);
          }
          case DATE -> {
            LocalDate d = rs.getObject(i, LocalDate.class);
            yield d == null ? null : Value.of(d);
          }
          case TIMESTAMP -> {
            LocalDateTime t = rs.getObject(i, LocalDateTime.class);
            yield t == null ? null
                : Value.of(t.equals(LocalDateTime.MAX) ? Instant.MAX
                    : t.equals(LocalDateTime.MIN) ? Instant.MIN
                    : t.toInstant(ZoneOffset.UTC));
          }
          case TIMESTAMP_TZ -> {
            OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
            yield t == null ? null
                : Value.of(t.equals(OffsetDateTime.MAX) ? Instant.MAX
                    : t.equals(OffsetDateTime.MIN) ? Instant.MIN
                    : t.toInstant());
          }
          case UUID -> {
            UUID u = rs.getObject(i, UUID.class);
            yield u == null ? null : Value.of(u);
          }
          case UUID_TEXT -> {
            UUID u = rs.getObject(i, UUID.class);
            yield u == null ? null : Value.of(u.toString());
          }
          case BYTES -> {
            byte[] b = rs.getBytes(i);
            yield b == null ? null : Value.ofBytes(b);
          }
        };
    return v == null ? Value.ofNull() : v;
  }

  /** A {@code char(n)} value without its trailing pad spaces (U+0020 only). */
  static String unpadded(String s) {
    int end = s.length();
    while (end > 0 && s.charAt(end - 1) == ' ') {
      end--;
    }
    return s.substring(0, end);
  }

  /**
   * Reads a key column as a key part: a Long, BigDecimal (a decimal column; {@link
   * io.reconcile.api.Key} makes an integral one a Long), String, UUID or byte[] (a UUID compared as
   * text as its canonical text).
   */
  static Object readKeyPart(ResultSet rs, int i, Column c, String table) throws SQLException {
    Object part =
        switch (c.kind()) {
          case LONG -> {
            long n = rs.getLong(i);
            yield rs.wasNull() ? null : n;
          }
          case DECIMAL -> rs.getBigDecimal(i);
          case TEXT -> {
            String s = rs.getString(i);
            yield s != null && c.padded() ? unpadded(s) : s;
          }
          case UUID -> rs.getObject(i, UUID.class);
          case UUID_TEXT -> {
            UUID u = rs.getObject(i, UUID.class);
            yield u == null ? null : u.toString();
          }
          case BYTES -> rs.getBytes(i);
          default -> throw new IllegalStateException("not a key kind: " + c.kind());
        };
    if (part == null) {
      throw new ReconcileException(
          "key column '" + c.catalogName() + "' of table '" + table + "' holds NULL, which no key"
              + " may; declare it NOT NULL, or exclude such rows with a filter");
    }
    return part;
  }

  /**
   * Binds a key part to a parameter compared with key column {@code c}; to a UUID column compared
   * as text, a UUID or the canonical text of one, as the UUID. A number part fits an integer or a
   * decimal column whatever its own type (a decimal range bound against an integer column compares
   * by value).
   */
  static void bindKeyPart(PreparedStatement ps, int i, Column c, Object part) throws SQLException {
    if (c.kind() == Column.Kind.UUID_TEXT && part instanceof String s && UuidText.parse(s) != null) {
      ps.setObject(i, UuidText.parse(s));
      return;
    }
    boolean fits =
        switch (c.kind()) {
          case LONG, DECIMAL -> part instanceof Long || part instanceof BigDecimal;
          case TEXT -> part instanceof String;
          case UUID, UUID_TEXT -> part instanceof UUID;
          case BYTES -> part instanceof byte[];
          default -> false;
        };
    if (!fits) {
      throw new IllegalArgumentException(
          "key column '" + c.catalogName() + "' (" + c.typeName() + ") cannot be compared with a "
              + part.getClass().getSimpleName() + " key part; keys and ranges must use the"
              + " column's type (numbers as Long or BigDecimal, text as String, UUID, binary as byte[])");
    }
    if (part instanceof Long l) {
      ps.setLong(i, l);
    } else if (part instanceof BigDecimal d) {
      ps.setBigDecimal(i, d);
    } else if (part instanceof String s) {
      ps.setString(i, s);
    } else if (part instanceof UUID u) {
      ps.setObject(i, u);
    } else {
      ps.setBytes(i, (byte[]) part);
    }
  }

  /**
   * Binds a value to be written to column {@code c}. A UUID column takes a UUID or the canonical
   * text of one ({@link UuidText}), written as the UUID.
   */
  static void bind(PreparedStatement ps, int i, Column c, Value v, Dialect dialect)
      throws SQLException {
    if (v instanceof Value.Null) {
      // Under a cast, an untyped NULL: the cast gives it the column's type.
      ps.setNull(i, c.cast() != null ? java.sql.Types.OTHER : c.jdbcType());
      return;
    }
    boolean bound =
        switch (c.kind()) {
          case LONG -> {
            if (v instanceof Value.Num n) {
              try {
                ps.setLong(i, n.decimal().longValueExact());
              } catch (ArithmeticException e) {
                throw mismatch(c, v);
              }
              yield true;
            }
            yield false;
          }
          case DECIMAL -> {
            if (v instanceof Value.Num n) {
              ps.setBigDecimal(i, n.decimal());
              yield true;
            }
            yield false;
          }
          case REAL, DOUBLE -> {
            double d;
            if (v instanceof Value.Num n) {
              d = n.decimal().doubleValue();
            } else if (v instanceof Value.NonFinite nf) {
              d = nf.value();
            } else {
              yield false;
            }
            if (c.kind() == Column.Kind.REAL) {
              ps.setFloat(i, (float) d);
            } else {
              ps.setDouble(i, d);
            }
            yield true;
          }
          case TEXT -> {
            if (v instanceof Value.Text t) {
              ps.setString(i, t.value());
              yield true;
            }
            yield false;
          }
          case JSON -> {
            if (JsonValues.refusal(v) == null) {
              dialect.bindJson(ps, i, JsonValues.format(v));
              yield true;
            }
            yield false;
          }
          case JSON_TEXT -> {
            if (v instanceof Value.Text t) {
              dialect.bindJson(ps, i, t.value());
              yield true;
            }
            yield false;
          }
          case BOOLEAN -> {
            if (v instanceof Value.Bool b) {
              ps.setBoolean(i, b.value());
              yield true;
            }
            yield false;
          }
          case DATE -> {
            if (v instanceof Value.Date d) {
              ps.setObject(i, d.value());
              yield true;
            }
            yield false;
          }
          case TIMESTAMP -> {
            if (v instanceof Value.Timestamp t) {
              // PostgreSQL's driver writes LocalDateTime.MAX and MIN as infinity and -infinity.
              ps.setObject(i, t.value().equals(Instant.MAX) ? LocalDateTime.MAX
                  : t.value().equals(Instant.MIN) ? LocalDateTime.MIN
                  : LocalDateTime.ofInstant(t.value(), ZoneOffset.UTC));
              yield true;
            }
            yield false;
          }
          case TIMESTAMP_TZ -> {
            if (v instanceof Value.Timestamp t) {
              ps.setObject(i, t.value().equals(Instant.MAX) ? OffsetDateTime.MAX
                  : t.value().equals(Instant.MIN) ? OffsetDateTime.MIN
                  : OffsetDateTime.ofInstant(t.value(), ZoneOffset.UTC));
              yield true;
            }
            yield false;
          }
          case UUID, UUID_TEXT -> {
            UUID u = v instanceof Value.Uuid id ? id.value()
                : v instanceof Value.Text t ? UuidText.parse(t.value())
                : null;
            if (u != null) {
              ps.setObject(i, u);
              yield true;
            }
            yield false;
          }
          case BYTES -> {
            if (v instanceof Value.Bytes b) {
              ps.setBytes(i, b.value());
              yield true;
            }
            yield false;
          }
        };
    if (!bound) {
      throw mismatch(c, v);
    }
  }

  private static ConfigurationException mismatch(Column c, Value v) {
    return new ConfigurationException(
        "cannot write a " + v.getClass().getSimpleName() + " value to column '" + c.catalogName()
            + "' of type " + c.typeName()
            + "; the entry does not fit the table (check renames and types of both stores)");
  }
}
