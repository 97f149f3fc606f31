package io.reconcile.jdbc.spi;

import java.util.List;
import java.util.Objects;

/**
 * A store's table (or view) as validated against the catalog: what a {@link SqlDialect} is given
 * to write the table reference of a locking read. Immutable.
 *
 * @param quotedName the table's name quoted (and schema-qualified where it has a schema) for SQL
 *     text; use it as it is
 * @param keyColumns the key columns, in key order
 * @param columns the compared columns, in table order
 */
public record SqlTable(String quotedName, List<SqlColumn> keyColumns, List<SqlColumn> columns) {

  /**
   * @throws NullPointerException if an argument or a column is null
   */
  public SqlTable {
    Objects.requireNonNull(quotedName, "quotedName");
    keyColumns = List.copyOf(keyColumns);
    columns = List.copyOf(columns);
  }
}
