/**
 * Checks of a published module's surface, for that module's tests: {@link
 * io.reconcile.apicheck.CompiledModule} reads the compiled module descriptor and renders the public
 * API of the exported packages; {@link io.reconcile.apicheck.ApiGate} compares it with the signature
 * file checked in with the module. Internal to this repository; never published.
 */
@NullMarked
package io.reconcile.apicheck;

import org.jspecify.annotations.NullMarked;
