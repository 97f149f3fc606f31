/**
 * Test support for store plugins and merge rules: the {@link
 * io.reconcile.testkit.StoreCompatibilityKit} and the jqwik law contracts. The package is open to
 * JUnit, which instantiates the kit's non-public nested test classes and calls their methods. The
 * internal package (the build's own README checks, compiled with the JDK's compiler) is not
 * exported.
 */
module io.reconcile.testkit {
  requires java.compiler;
  requires transitive io.reconcile.api;
  requires transitive net.jqwik.api;
  requires org.junit.jupiter.api;
  requires org.junit.jupiter.params;
  requires static transitive org.jspecify;

  exports io.reconcile.testkit;

  opens io.reconcile.testkit to org.junit.platform.commons;
}
