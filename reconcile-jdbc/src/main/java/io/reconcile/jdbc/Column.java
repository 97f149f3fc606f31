package io.reconcile.jdbc;

import io.reconcile.jdbc.spi.ColumnKind;
import io.reconcile.jdbc.spi.SqlColumn;
import java.sql.Types;
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
 * @param size the column size the catalog reported ({@code COLUMN_SIZE})
 * @param digits the decimal digits the catalog reported ({@code DECIMAL_DIGITS})
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
    int size,
    int digits,
    Kind kind,
    @Nullable String cast,
    Limits limits) {

  /** The column as a dialect of the public SPI sees it. */
  SqlColumn view() {
    return new SqlColumn(catalogName, quoted, jdbcType, typeName, size, digits, !limits.notNull());
  }

  /** The parameter placeholder for a value written to this column. */
  String parameter() {
    return cast == null ? "?" : "CAST(? AS " + cast + ")";
  }

  /** The same column, read and written as {@code kind}. */
  Column withKind(Kind kind) {
    return new Column(catalogName, fieldName, quoted, jdbcType, typeName, size, digits, kind, cast, limits);
  }

  /**
   * How a product reads and writes a catalog column, as its dialect's {@link Dialect#typing} maps
   * it.
   *
   * @param kind how values are read and written
   * @param cast the SQL type a written parameter is cast to, or null
   * @param limits what the column accepts beyond its kind
   */
  record Typing(Kind kind, @Nullable String cast, Limits limits) {}

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
    /** A JSON column, compared as the document it holds ({@link JsonValues}). */
    JSON(false),
    /**
     * A JSON column compared as its text ({@link io.reconcile.api.Normalization.Builder#asText}),
     * spelling and all. Never reported by {@link #of}: a normalisation rule makes it.
     */
    JSON_TEXT(false);

    /** Whether a key column may have this kind (it maps to a {@link io.reconcile.api.Key} part). */
    final boolean keyable;

    Kind(boolean keyable) {
      this.keyable = keyable;
    }

    /** The kind of a column type by the standard JDBC mapping, or null when reconcile cannot read it. */
    static @Nullable Kind of(int jdbcType, String typeName) {
      return ColumnKind.standard(jdbcType, typeName).map(Kind::of).orElse(null);
    }

    /** The kind a public dialect's {@link ColumnKind} names. */
    static Kind of(ColumnKind kind) {
      return valueOf(kind.name());
    }

    /** This kind as the public SPI names it: a UUID compared as text is still a UUID column. */
    ColumnKind view() {
      return this == UUID_TEXT ? ColumnKind.UUID : ColumnKind.valueOf(name());
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
