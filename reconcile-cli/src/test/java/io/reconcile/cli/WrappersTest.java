package io.reconcile.cli;

import io.reconcile.testkit.DecoratorCheck;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The command line's store wrappers keep every call of the store they wrap, batched reads included. */
class WrappersTest {

  @Test
  @DisplayName("the progress bar's wrapper forwards every call as the same call")
  void progressBar() {
    ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), "t", System::nanoTime);
    DecoratorCheck.assertForwardsEveryCall(bar::observe);
  }

  @Test
  @DisplayName("the lww resolver's wrapper forwards every call as the same call")
  void lastWriterWins() {
    DecoratorCheck.assertForwardsEveryCall(ResolverSpec.parse("lww:updated_at")::prepare);
  }
}
