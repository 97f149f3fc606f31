/**
 * A reconcile {@link io.reconcile.api.store.Store} over one table of any JDBC database: {@link
 * io.reconcile.jdbc.JdbcStore} (built explicitly over a {@link javax.sql.DataSource}) and {@link
 * io.reconcile.jdbc.JdbcStoreProvider} (opened by URI, scheme {@code jdbc}). Everything else in this
 * package is an implementation detail.
 */
@NullMarked
package io.reconcile.jdbc;

import org.jspecify.annotations.NullMarked;
