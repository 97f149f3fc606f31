/**
 * The dialect SPI of the JDBC store: {@link io.reconcile.jdbc.spi.SqlDialect} says what differs
 * in the SQL a {@link io.reconcile.jdbc.JdbcStore} sends to one database product — how its column
 * types map to values, how a read is made one read-only snapshot, how a repair locks the rows it
 * reads, how keys are ordered and pages limited. A dialect is chosen explicitly with {@link
 * io.reconcile.jdbc.JdbcStore.Builder#dialect} or found through {@link java.util.ServiceLoader} by
 * the product name the connection's {@link java.sql.DatabaseMetaData} reports. {@link
 * io.reconcile.jdbc.spi.SqlColumn} and {@link io.reconcile.jdbc.spi.SqlTable} are the read-only
 * views of the catalog a dialect is given. See {@code docs/writing-a-dialect.md}.
 */
@NullMarked
package io.reconcile.jdbc.spi;

import org.jspecify.annotations.NullMarked;
