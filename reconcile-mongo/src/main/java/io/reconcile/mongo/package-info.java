/**
 * MongoDB collections as reconcile stores: {@link io.reconcile.mongo.MongoStore} (documents in
 * their canonical form, key ranges per BSON type, conditional per-document repairs, change streams)
 * and the provider of {@code mongodb://} URIs.
 */
@NullMarked
package io.reconcile.mongo;

import org.jspecify.annotations.NullMarked;
