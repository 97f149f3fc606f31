/**
 * SQLite for the reconcile JDBC store: {@link io.reconcile.sqlite.SqliteDialect}, found through
 * {@link java.util.ServiceLoader} for the product name {@code SQLite}, written against the public
 * dialect SPI of {@code io.reconcile.jdbc.spi} only.
 */
@NullMarked
package io.reconcile.sqlite;

import org.jspecify.annotations.NullMarked;
