package io.reconcile.jdbc.spi;

import java.util.Objects;

/**
 * One column of a store's table as the catalog ({@link java.sql.DatabaseMetaData#getColumns})
 * describes it: what a {@link SqlDialect} is given to map its type, order its keys and check the
 * values written to it. Immutable.
 *
 * @param name the name as the catalog spells it
 * @param quotedName the identifier quoted for SQL text (quotes inside doubled); use it as it is
 * @param jdbcType the {@link java.sql.Types} code the driver reports ({@code DATA_TYPE})
 * @param typeName the database's name of the type ({@code TYPE_NAME}), e.g. {@code DECIMAL}
 * @param size the column size the driver reports ({@code COLUMN_SIZE}): characters for text,
 *     digits for numbers, 0 when it reports none
 * @param decimalDigits digits after the point ({@code DECIMAL_DIGITS}), 0 when it reports none
 * @param nullable whether the column takes NULL (false only when declared NOT NULL)
 */
public record SqlColumn(
    String name, String quotedName, int jdbcType, String typeName, int size, int decimalDigits, boolean nullable) {

  /**
   * @throws NullPointerException if a name is null
   */
  public SqlColumn {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(quotedName, "quotedName");
    Objects.requireNonNull(typeName, "typeName");
  }
}
