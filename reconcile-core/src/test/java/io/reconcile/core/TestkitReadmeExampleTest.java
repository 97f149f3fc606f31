package io.reconcile.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.reconcile.testkit.internal.ReadmeExample;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The opening example of reconcile-testkit/README.md, taken from the README and compiled as the
 * classes it declares; each runs on its engine as a user's build would run it, and must pass. It
 * runs here, not in the testkit, because the example uses the in-memory store and a built-in
 * resolver, which are this module's.
 */
class TestkitReadmeExampleTest {

  private static final Path README = Path.of("..", "reconcile-testkit", "README.md");

  @Test
  void openingExampleClassesPassTheKitAndTheLaws() {
    Map<String, Class<?>> classes = ReadmeExample.opening(README, "java").compileAsClasses(List.of(
        "io.reconcile.api.repair.Resolver", "io.reconcile.api.store.Store", "io.reconcile.core.memory.MemoryStore",
        "io.reconcile.core.resolve.Resolvers", "io.reconcile.testkit.*", "java.util.EnumSet", "java.util.Set"));
    assertThat(classes).containsOnlyKeys("MemoryStoreKitTest", "LastWriterWinsLawsTest");

    Events kit = run("junit-jupiter", classes.get("MemoryStoreKitTest"));
    assertThat(kit.failed().count()).as(kit.failed().list().toString()).isZero();
    // 123 runs but for the read-only refusal (one per shape) and bad configurations: the example opens neither.
    assertThat(kit.succeeded().count()).as("the kit's tests, every group, once per key shape").isGreaterThanOrEqualTo(118);

    Events laws = run("jqwik", classes.get("LastWriterWinsLawsTest"));
    assertThat(laws.failed().count()).as(laws.failed().list().toString()).isZero();
    assertThat(laws.succeeded().count()).as("the resolver laws").isEqualTo(8);
  }

  private static Events run(String engine, Class<?> testClass) {
    return EngineTestKit.engine(engine).selectors(selectClass(testClass)).execute().testEvents();
  }
}
