/** The {@code reconcile} command line ({@code reconcile demo}). */
@NullMarked
package io.reconcile.cli;

import org.jspecify.annotations.NullMarked;
