/**
 * The vocabulary of reconcile: {@link io.reconcile.api.Key keys} and {@link
 * io.reconcile.api.KeyRange key ranges}, {@link io.reconcile.api.Entry entries} of canonical
 * {@link io.reconcile.api.Value values}, the {@link io.reconcile.api.Canonical canonical encoding}
 * and {@link io.reconcile.api.RowHash row hashes}, order-independent {@link io.reconcile.api.Digest
 * digests}, {@link io.reconcile.api.VersionVector version vectors} and {@link
 * io.reconcile.api.MerkleTree Merkle trees}.
 */
@NullMarked
package io.reconcile.api;

import org.jspecify.annotations.NullMarked;
