/**
 * Change feeds from an embedded Debezium engine: {@link io.reconcile.debezium.PostgresChangeFeed},
 * the changed keys of one PostgreSQL table read from a logical replication slot.
 */
@NullMarked
package io.reconcile.debezium;

import org.jspecify.annotations.NullMarked;
