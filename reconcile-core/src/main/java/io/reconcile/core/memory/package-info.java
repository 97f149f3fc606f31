/** The in-memory store ({@code mem:}): every capability, no server. */
@NullMarked
package io.reconcile.core.memory;

import org.jspecify.annotations.NullMarked;
