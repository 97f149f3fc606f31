/**
 * The {@code reconcile} command line: {@code demo} on in-memory stores; {@code diff}, {@code
 * repair}, {@code undo}, {@code verify-audit} and {@code run} on two database tables. Everything
 * but {@link io.reconcile.cli.Main} is package-private.
 */
@NullMarked
package io.reconcile.cli;

import org.jspecify.annotations.NullMarked;
