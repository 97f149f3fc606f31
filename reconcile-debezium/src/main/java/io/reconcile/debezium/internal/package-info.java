/**
 * Not API: classes that Debezium's engine loads by name, and so must be public. Nothing here is
 * promised to stay.
 */
@NullMarked
package io.reconcile.debezium.internal;

import org.jspecify.annotations.NullMarked;
