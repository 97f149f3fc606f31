/**
 * Compacted Kafka topics as reconcile stores: {@link io.reconcile.kafka.KafkaStore} (a local sorted
 * index of the newest record per key, transactional repairs), the record formats it reads and
 * writes ({@link io.reconcile.kafka.KeyFormat}, {@link io.reconcile.kafka.ValueFormat}), the
 * provider of {@code kafka://} URIs and {@link io.reconcile.kafka.KafkaAuditLog}, an audit trail
 * kept in a topic.
 */
@NullMarked
package io.reconcile.kafka;

import org.jspecify.annotations.NullMarked;
