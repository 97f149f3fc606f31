package io.reconcile.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Key;
import io.reconcile.testkit.internal.ReadmeExample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadmeExampleTest {

  @TempDir Path dir;

  private Path readme(String... lines) throws Exception {
    return Files.writeString(dir.resolve("README.md"), String.join("\n", lines) + "\n");
  }

  @Test
  void theOpeningBlockIsTheFirstBeforeAnySection() throws Exception {
    Path readme = readme("# m", "", "What it is.", "", "```java", "int a = 1;", "  int b = a + 1;", "```", "",
        "## More", "```java", "int c = 3;", "```");
    ReadmeExample example = ReadmeExample.opening(readme, "java");
    assertThat(example.lines()).containsExactly("int a = 1;", "  int b = a + 1;");
    assertThat(example.firstLine()).isEqualTo(6);
  }

  @Test
  void aReadmeThatDoesNotOpenWithItsExampleFails() throws Exception {
    Path late = readme("# m", "", "## Section", "```java", "int a = 1;", "```");
    assertThatThrownBy(() -> ReadmeExample.opening(late, "java")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("does not open with its example: the section '## Section' at line 3");
    Path other = readme("# m", "```bash", "ls", "```");
    assertThatThrownBy(() -> ReadmeExample.opening(other, "java")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("opens with a ```bash block at line 2; expected ```java");
    Path open = readme("# m", "```java", "int a = 1;");
    assertThatThrownBy(() -> ReadmeExample.opening(open, "java")).isInstanceOf(AssertionError.class)
        .hasMessageContaining("the block opened at line 2 is never closed");
  }

  @Test
  void followingSkipsOtherBlocksAndTakesTheFenceIndentationOff() throws Exception {
    Path readme = readme("# m", "```java", "int x = 0;", "```", "Then, by hand:", "```", "## not a heading",
        "```", "- a list item:", "  ```java", "  int y = 2;", "    int z = 3;", "  ```");
    ReadmeExample example = ReadmeExample.following(readme, "Then, by hand", "java");
    assertThat(example.lines()).containsExactly("int y = 2;", "  int z = 3;");
    assertThat(example.firstLine()).isEqualTo(11);
    assertThatThrownBy(() -> ReadmeExample.following(readme, "Nowhere", "java"))
        .hasMessageContaining("has no line starting with 'Nowhere'");
    assertThatThrownBy(() -> ReadmeExample.following(readme, "Then, by hand", "bash"))
        .hasMessageContaining("has no ```bash block after 'Then, by hand' (line 5)");
  }

  @Test
  void aMethodBodyRunsWithItsGivensAndHandsBackItsVariables() throws Exception {
    Path readme = readme("# m", "```java", "Key k = Key.of(prefix, 42L);", "List<Object> parts = k.parts();", "```");
    Map<String, Object> v = ReadmeExample.opening(readme, "java").runAsMethodBody(
        List.of("io.reconcile.api.Key", "java.util.List"),
        List.of(new ReadmeExample.Given("prefix", String.class, "eu")), "k", "parts");
    assertThat(v).containsEntry("k", Key.of("eu", 42L)).containsEntry("parts", List.of("eu", 42L));
  }

  @Test
  void compileErrorsAreReportedAtTheReadmesLine() throws Exception {
    Path readme = readme("# m", "", "```java", "int a = 1;", "String s = a;", "```");
    ReadmeExample example = ReadmeExample.opening(readme, "java");
    assertThatThrownBy(() -> example.runAsMethodBody(List.of(), List.of(), "a"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("the example at " + readme + ":4 does not compile:\n" + readme + ":5: ")
        .hasMessageContaining("incompatible types");
    assertThatThrownBy(() -> example.runAsMethodBody(List.of(), List.of(), "b"))
        .hasMessageContaining("the code the test puts around the block");
  }

  @Test
  void anExceptionTheExampleThrowsFailsWithItAttached() throws Exception {
    Path readme = readme("# m", "```java", "int n = Integer.parseInt(\"one\");", "```");
    assertThatThrownBy(() -> ReadmeExample.opening(readme, "java")
            .runAsMethodBody(List.of(), List.of(), "n"))
        .isInstanceOf(AssertionError.class)
        .hasMessageStartingWith("the example at " + readme + ":3 threw java.lang.NumberFormatException")
        .hasCauseInstanceOf(NumberFormatException.class);
  }

  @Test
  void aGivenOfTheWrongTypeIsRefused() {
    assertThatThrownBy(() -> new ReadmeExample.Given("n", Integer.class, "one"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("given 'n' is declared java.lang.Integer but its value is a java.lang.String");
  }

  @Test
  @SuppressWarnings("unchecked")
  void classesAreLoadedByName() throws Exception {
    Path readme = readme("# m", "```java", "class Answer implements Supplier<Integer> {",
        "  public Integer get() { return 42; }", "  static class Inner {}", "}", "interface Marker {}", "```");
    Map<String, Class<?>> classes = ReadmeExample.opening(readme, "java")
        .compileAsClasses(List.of("java.util.function.Supplier"));
    assertThat(classes).containsOnlyKeys("Answer", "Marker");
    var constructor = classes.get("Answer").getDeclaredConstructor();
    constructor.setAccessible(true);
    assertThat(((Supplier<Integer>) constructor.newInstance()).get()).isEqualTo(42);
  }
}
