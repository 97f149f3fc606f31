package io.reconcile.jdbc;

import java.sql.Types;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One column of the store's table, as validated against the catalog.
 *
 * @param catalogName the name as the catalog spells it
 * @param fieldName the store field name entries use: the catalog name, folded to lower case when
 *     the database folded an unquoted identifier to upper case (so {@code name} reads the same from
 *     H2, which stores {@code NAME}, as from PostgreSQL)
 * @param quoted the quoted identifier for SQL text
 * @param jdbcType the {@link Types} code the driver reported
 * @param typeName the database's type name
 * @param kind how values are read and written
 * @param cast the SQL type a written parameter is cast to ({@code CAST(? AS cast)}), for types the
 *     database does not convert a text parameter to by itself (PostgreSQL enums, domains, {@code
 *     inet}, {@code interval}, …); null when a plain parameter fits
 * @param limits what the column accepts beyond its kind, as far as the catalog tells
 */
record Column(
    String catalogName,
    String fieldName,
    String quoted,
    int jdbcType,
    String typeName,
    Kind kind,
    @Nullable String cast,
    Limits limits) {

  /** The parameter placeholder for a value written to this column. */
  String parameter() {
    return cast == null ? "?" : "CAST(? AS " + cast + ")";
  }

  /** The same column, read and written as {@code kind}. */
  Column withKind(Kind kind) {
    return new Column(catalogName, fieldName, quoted, jdbcType, typeName, kind, cast, limits);
  }

  /** How a column's values map to reconcile values. */
  enum Kind {
    LONG(true),
    /** An exact decimal; as a key column, its key parts are numbers by value ({@code 1.50 = 1.5}). */
    DECIMAL(true),
    REAL(false),
    DOUBLE(false),
    TEXT(true),
    BOOLEAN(false),
    DATE(false),
    TIMESTAMP(false),
    TIMESTAMP_TZ(false),
    UUID(true),
    /**
     * A UUID column compared as text ({@link io.reconcile.api.Normalization.Builder#asText}): read
     * as its canonical text (lowercase, 8-4-4-4-12) — which orders as the UUIDs do, unsigned — and
     * written from such text as the UUID it spells. Never reported by {@link #of}: a normalisation
     * rule makes it.
     */
    UUID_TEXT(true),
    BYTES(true),
    JSON(false);

    /** Whether a key column may have this kind (it maps to a {@link io.reconcile.api.Key} part). */
    final boolean keyable;

    Kind(boolean keyable) {
      this.keyable = keyable;
    }

    /** The kind of a column type, or null when reconcile cannot read it. */
    static @Nullable Kind of(int jdbcType, String typeName) {
      String t = typeName.toLowerCase(Locale.ROOT);
      // Type names first: drivers report UUID, JSON and zoned timestamps under generic codes.
      if (t.equals("uuid")) {
        return UUID;
      }
      if (t.equals("json") || t.equals("jsonb")) {
        return JSON;
      }
      if (t.equals("timestamptz") || t.contains("with time zone")) {
        return TIMESTAMP_TZ;
      }
      return switch (jdbcType) {
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
    }
  }

  /**
   * Whether the column is fixed-length character ({@code char(n)}), whose trailing pad spaces are
   * not part of its values: PostgreSQL and H2 return them padded, MariaDB trimmed, so every
   * product's reads and server-side digests drop trailing spaces (U+0020) of such columns.
   */
  boolean padded() {
    return kind == Kind.TEXT && (jdbcType == Types.CHAR || jdbcType == Types.NCHAR);
  }

  @Override
  public String toString() {
    return catalogName + " " + typeName;
  }
}
