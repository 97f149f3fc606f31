/**
 * The build's own test support, shared by this repository's modules' tests: {@link
 * io.reconcile.testkit.internal.ReadmeExample} keeps each README's example compiled and run. Not
 * exported by the module; not API.
 */
@NullMarked
package io.reconcile.testkit.internal;

import org.jspecify.annotations.NullMarked;
