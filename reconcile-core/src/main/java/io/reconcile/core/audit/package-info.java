/**
 * The audit trail: {@link io.reconcile.core.audit.AuditRecord records} of what a run intended and
 * what the stores reported, kept in a hash-chained, append-only {@link
 * io.reconcile.core.audit.AuditLog} (a {@link io.reconcile.core.audit.FileAuditLog file} of JSON
 * lines, or memory), and the {@link io.reconcile.core.audit.AuditJson JSON codec} for records and
 * the values they carry. A log kept in other storage (a Kafka topic, say) implements only {@link
 * io.reconcile.core.audit.AuditLog.Lines} — append a line, read the lines — and gets the very same
 * chain and verification from {@link io.reconcile.core.audit.AuditLog#over}.
 */
@NullMarked
package io.reconcile.core.audit;

import org.jspecify.annotations.NullMarked;
