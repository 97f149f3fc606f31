package io.reconcile.jdbc;

import io.reconcile.api.Value;
import io.reconcile.jdbc.spi.SqlColumn;
import io.reconcile.jdbc.spi.SqlDialect;
import io.reconcile.jdbc.spi.SqlTable;
import java.sql.Connection;
import java.sql.SQLException;
import org.jspecify.annotations.Nullable;

/**
 * A dialect of the public SPI ({@link SqlDialect}) as the store's internal {@link Dialect}: each
 * concern the SPI covers is asked of it, with read-only views of the catalog's columns and table;
 * the rest is the generic dialect's (no pushdown: rows are hashed client-side).
 */
final class PublicDialect implements Dialect {

  private final SqlDialect dialect;

  PublicDialect(SqlDialect dialect) {
    this.dialect = dialect;
  }

  /** The dialect's kind of a catalog column, with limits that know only whether it takes NULL. */
  @Override
  public Column.@Nullable Typing typing(Table.ColumnInfo info) {
    SqlColumn column = new SqlColumn(info.name(), info.quoted(), info.jdbcType(), info.typeName(),
        info.size(), info.digits(), !info.notNull());
    return dialect.kind(column)
        .map(kind -> new Column.Typing(Column.Kind.of(kind), null, Limits.of(info.notNull())))
        .orElse(null);
  }

  @Override
  public String name() {
    return dialect.name();
  }

  @Override
  public @Nullable String refusal(Column c, Value v) {
    return dialect.refusal(c.view(), c.kind().view(), v).orElse(null);
  }

  @Override
  public boolean setsReadOnly() {
    return dialect.setsReadOnly();
  }

  @Override
  public SqlDialect.Restore beginRead(Connection c) throws SQLException {
    return dialect.beginRead(c);
  }

  @Override
  public boolean snapshotReads() {
    return dialect.snapshotReads();
  }

  @Override
  public SqlDialect.Restore beginWrite(Connection c) throws SQLException {
    return dialect.beginWrite(c);
  }

  @Override
  public String lockedReadFrom(Table table) {
    return dialect.lockedTable(new SqlTable(
        table.quoted(), table.keys().stream().map(Column::view).toList(),
        table.columns().stream().map(Column::view).toList()));
  }

  @Override
  public String lockForUpdate() {
    return dialect.lockSuffix();
  }

  @Override
  public String keyExpression(Column c) {
    return dialect.keyExpression(c.view());
  }

  @Override
  public String keyParameter(Column c) {
    return dialect.keyParameter(c.view());
  }

  @Override
  public String limit(int rows) {
    return dialect.limit(rows);
  }
}
