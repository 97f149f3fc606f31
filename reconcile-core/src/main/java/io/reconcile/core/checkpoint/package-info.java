/**
 * Checkpoints: the last durable state of a run, saved atomically so that a restarted run resumes
 * where a crash left it ({@link io.reconcile.core.checkpoint.CheckpointStore}, kept in a {@link
 * io.reconcile.core.checkpoint.FileCheckpointStore directory} or in memory).
 */
@NullMarked
package io.reconcile.core.checkpoint;

import org.jspecify.annotations.NullMarked;
