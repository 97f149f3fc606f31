package io.reconcile.jdbc.spi;

import java.sql.Types;
import java.util.Locale;
import java.util.Optional;

/**
 * What a column holds, as a JDBC store reads and writes it: each kind names the {@link
 * io.reconcile.api.Value} a column value becomes and the JDBC getter and setter used for it.
 * Only {@link #LONG}, {@link #DECIMAL}, {@link #TEXT}, {@link #UUID} and {@link #BYTES} columns
 * may be key columns.
 */
public enum ColumnKind {
  /** A 64-bit integer ({@code getLong}/{@code setLong}); a number value. */
  LONG,
  /** An exact decimal ({@code getBigDecimal}/{@code setBigDecimal}); a number value, by value. */
  DECIMAL,
  /** A 32-bit float ({@code getFloat}/{@code setFloat}); its shortest decimal form. */
  REAL,
  /** A 64-bit float ({@code getDouble}/{@code setDouble}); its shortest decimal form. */
  DOUBLE,
  /** Text ({@code getString}/{@code setString}). */
  TEXT,
  /** A boolean ({@code getBoolean}/{@code setBoolean}). */
  BOOLEAN,
  /** A date ({@code getObject}/{@code setObject} with {@link java.time.LocalDate}). */
  DATE,
  /** A timestamp without zone, read as UTC ({@link java.time.LocalDateTime}). */
  TIMESTAMP,
  /** A timestamp with zone ({@link java.time.OffsetDateTime}). */
  TIMESTAMP_TZ,
  /** A UUID ({@code getObject}/{@code setObject} with {@link java.util.UUID}). */
  UUID,
  /** Bytes ({@code getBytes}/{@code setBytes}). */
  BYTES,
  /** JSON, compared as its text. */
  JSON;

  /**
   * The kind the standard JDBC mapping gives a column, as {@link SqlDialect#kind} does by default:
   * by type name first ({@code uuid}; {@code json}, {@code jsonb}; {@code timestamptz} or a name
   * holding {@code with time zone}), then by the {@link Types} code — integer types {@link #LONG},
   * DECIMAL and NUMERIC {@link #DECIMAL}, REAL {@link #REAL}, FLOAT and DOUBLE {@link #DOUBLE},
   * character and CLOB types {@link #TEXT}, BOOLEAN and BIT {@link #BOOLEAN}, DATE, TIMESTAMP,
   * TIMESTAMP_WITH_TIMEZONE, and binary and BLOB types {@link #BYTES}. Empty for any other type.
   */
  public static Optional<ColumnKind> standard(int jdbcType, String typeName) {
    String t = typeName.toLowerCase(Locale.ROOT);
    // Type names first: drivers report UUID, JSON and zoned timestamps under generic codes.
    if (t.equals("uuid")) {
      return Optional.of(UUID);
    }
    if (t.equals("json") || t.equals("jsonb")) {
      return Optional.of(JSON);
    }
    if (t.equals("timestamptz") || t.contains("with time zone")) {
      return Optional.of(TIMESTAMP_TZ);
    }
    ColumnKind kind = switch (jdbcType) {
      case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> LONG;
      case Types.DECIMAL, Types.NUMERIC -> DECIMAL;
      case Types.REAL -> REAL;
      case Types.FLOAT, Types.DOUBLE -> DOUBLE;
      case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR,
          Types.LONGNVARCHAR, Types.CLOB, Types.NCLOB -> TEXT;
      case Types.BOOLEAN, Types.BIT -> BOOLEAN;
      case Types.DATE -> DATE;
      case Types.TIMESTAMP -> TIMESTAMP;
      case Types.TIMESTAMP_WITH_TIMEZONE -> TIMESTAMP_TZ;
      case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB -> BYTES;
      default -> null;
    };
    return Optional.ofNullable(kind);
  }
}
