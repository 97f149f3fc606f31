package io.reconcile.testkit.internal;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.jspecify.annotations.Nullable;

/**
 * A fenced code block of a README, found by its place in the file rather than copied into a test,
 * so that the README's example is what the test compiles and runs: edit the example and the test
 * runs the edit; break it and the build fails. A Java block is compiled in this JVM (javax.tools,
 * against {@code java.class.path}) either as the body of a method, whose variables the test then
 * checks, or as classes, which the test then loads and runs:
 *
 * <pre>{@code
 * @Test
 * void openingExampleRunsAsWritten() {
 *   Map<String, Object> variables = ReadmeExample.opening(Path.of("README.md"), "java")
 *       .runAsMethodBody(List.of("io.reconcile.api.*", "java.util.Map"), List.of(), "d");
 *   assertThat(((Digest) variables.get("d")).count()).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Failures are assertion errors that name the README and the line: a missing block, a block in
 * another language, a compilation error (with javac's message at the README's line), an exception
 * thrown by the example. Instances are immutable. Compiling needs a JDK (the system Java compiler).
 */
public final class ReadmeExample {

  private static final String FENCE = "```";
  private static final String BLOCK_CLASS = "ReadmeExampleBlock";

  private final Path readme;
  private final int firstLine;
  private final List<String> lines;

  private ReadmeExample(Path readme, int firstLine, List<String> lines) {
    this.readme = readme;
    this.firstLine = firstLine;
    this.lines = List.copyOf(lines);
  }

  /**
   * A variable the example uses without declaring it — a data source, stores the test filled —
   * declared with {@code type} before the example's first line and set to {@code value}.
   *
   * @param name the variable's name, as the example spells it
   * @param type its declared type: a class the example's imports or its full name reach
   * @param value its value
   */
  public record Given(String name, Class<?> type, @Nullable Object value) {
    public Given {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(type, "type");
      if (value != null && !type.isPrimitive() && !type.isInstance(value)) {
        throw new IllegalArgumentException(
            "given '" + name + "' is declared " + type.getName() + " but its value is a " + value.getClass().getName());
      }
    }
  }

  /**
   * The README's opening example: its first fenced block, which must be in {@code language} and
   * come before the README's first section heading ({@code ## …}), i.e. right after its title and
   * introduction.
   *
   * @param readme the README file
   * @param language the block's info string, e.g. {@code java} for {@code ```java}
   * @throws AssertionError naming the README if it does not open with such a block
   */
  public static ReadmeExample opening(Path readme, String language) {
    List<String> text = read(readme);
    for (int i = 0; i < text.size(); i++) {
      String line = text.get(i);
      if (line.startsWith("## ")) {
        return fail(readme + " does not open with its example: the section '" + line + "' at line " + (i + 1)
            + " comes before any fenced block");
      }
      if (line.stripLeading().startsWith(FENCE)) {
        String found = infoString(line);
        if (!found.equals(language)) {
          return fail(readme + " opens with a " + FENCE + found + " block at line " + (i + 1) + "; expected "
              + FENCE + language);
        }
        return block(readme, text, i);
      }
    }
    return fail(readme + " holds no fenced block; expected it to open with a " + FENCE + language + " example");
  }

  /**
   * The first fenced block in {@code language} after the first line that starts with {@code
   * marker} (leading spaces aside): a heading such as {@code ## Embedding it}, or the sentence that
   * introduces the block.
   *
   * @throws AssertionError naming the README if it has no such line, or no such block after it
   */
  public static ReadmeExample following(Path readme, String marker, String language) {
    List<String> text = read(readme);
    int from = -1;
    for (int i = 0; i < text.size() && from < 0; i++) {
      if (text.get(i).stripLeading().startsWith(marker)) {
        from = i;
      }
    }
    if (from < 0) {
      return fail(readme + " has no line starting with '" + marker + "'");
    }
    boolean inBlock = false;
    for (int i = from + 1; i < text.size(); i++) {
      String line = text.get(i);
      if (!inBlock && isOpeningFence(line) && infoString(line).equals(language)) {
        return block(readme, text, i);
      }
      if (isOpeningFence(line) || isClosingFence(line)) {
        inBlock = !inBlock;
      }
    }
    return fail(readme + " has no " + FENCE + language + " block after '" + marker + "' (line " + (from + 1) + ")");
  }

  /** The README the block is in. */
  public Path readme() {
    return readme;
  }

  /** The line number (from 1) in the README of the block's first line of code. */
  public int firstLine() {
    return firstLine;
  }

  /** The block's lines, without the fences and without the fence's indentation. */
  public List<String> lines() {
    return lines;
  }

  /** The block's lines joined with {@code \n}. */
  public String code() {
    return String.join("\n", lines);
  }

  /**
   * Compiles the block as the body of a static method (which may throw any exception), runs it
   * once, and returns the values the named variables hold at its end.
   *
   * @param imports what the example uses without naming its package, as after {@code import}:
   *     {@code io.reconcile.api.*}, {@code java.util.Map}
   * @param given the variables the example uses without declaring them
   * @param variables variables the example declares, whose values to return
   * @return each of {@code variables} with its value (null allowed), in the order given
   * @throws AssertionError if the block does not compile (javac's messages at the README's lines,
   *     a variable the block does not declare among them) or throws (the cause attached)
   */
  public Map<String, @Nullable Object> runAsMethodBody(List<String> imports, List<Given> given, String... variables) {
    List<String> before = new ArrayList<>(importLines(imports));
    before.add("public final class " + BLOCK_CLASS + " {");
    before.add("  public static java.util.Map<String, Object> run(java.util.Map<String, Object> given$) throws Throwable {");
    for (Given g : given) {
      String type = g.type().getCanonicalName();
      before.add("    " + type + " " + g.name() + " = (" + type + ") given$.get(\"" + g.name() + "\");");
    }
    List<String> after = new ArrayList<>();
    after.add("    java.util.Map<String, Object> variables$ = new java.util.LinkedHashMap<>();");
    for (String v : variables) {
      after.add("    variables$.put(\"" + v + "\", " + v + ");");
    }
    after.add("    return variables$;");
    after.add("  }");
    after.add("}");
    ClassLoader loader = compile(before, after, BLOCK_CLASS + ".java");
    Map<String, @Nullable Object> values = new LinkedHashMap<>();
    for (Given g : given) {
      values.put(g.name(), g.value());
    }
    try {
      @SuppressWarnings("unchecked")
      Map<String, @Nullable Object> result = (Map<String, @Nullable Object>)
          loader.loadClass(BLOCK_CLASS).getMethod("run", Map.class).invoke(null, values);
      return Collections.unmodifiableMap(result);
    } catch (InvocationTargetException e) {
      return fail("the example at " + where() + " threw " + e.getCause(), e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not run the compiled example of " + where(), e);
    }
  }

  /**
   * Compiles the block as a source file of its own (classes in the unnamed package, none public)
   * and loads its top-level classes.
   *
   * @param imports as for {@link #runAsMethodBody}
   * @return the block's top-level classes by simple name, in name order
   * @throws AssertionError if the block does not compile (javac's messages at the README's lines)
   */
  public Map<String, Class<?>> compileAsClasses(List<String> imports) {
    ClassLoader loader = compile(importLines(imports), List.of(), "ReadmeExampleClasses.java");
    Map<String, Class<?>> classes = new TreeMap<>();
    for (String name : ((BlockClassLoader) loader).names()) {
      if (!name.contains("$")) {
        try {
          classes.put(name, loader.loadClass(name));
        } catch (ClassNotFoundException e) {
          throw new IllegalStateException("javac wrote " + name + " but it cannot be loaded", e);
        }
      }
    }
    return Collections.unmodifiableMap(classes);
  }

  private String where() {
    return readme + ":" + firstLine;
  }

  private static List<String> importLines(List<String> imports) {
    return imports.stream().map(i -> "import " + i + ";").toList();
  }

  /** Compiles {@code before}, the block, then {@code after} as one source file, in memory. */
  private ClassLoader compile(List<String> before, List<String> after, String fileName) {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no Java compiler in " + System.getProperty("java.home")
          + ": compiling the example of " + readme + " needs a JDK, not a JRE");
    }
    List<String> source = new ArrayList<>(before);
    source.addAll(lines);
    source.addAll(after);
    String text = String.join("\n", source) + "\n";
    JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + fileName), JavaFileObject.Kind.SOURCE) {
      @Override
      public CharSequence getCharContent(boolean ignoreEncodingErrors) {
        return text;
      }
    };
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    Map<String, ByteArrayOutputStream> classes = new LinkedHashMap<>();
    try (StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, Locale.ROOT, null);
        JavaFileManager inMemory = new ClassesInMemory(standard, classes)) {
      List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-proc:none");
      boolean ok = javac.getTask(null, inMemory, diagnostics, options, null, List.of(file)).call();
      if (!ok) {
        StringBuilder message = new StringBuilder("the example at " + where() + " does not compile:");
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
          if (d.getKind() == Diagnostic.Kind.ERROR) {
            message.append('\n').append(at(d.getLineNumber(), before.size())).append(": ")
                .append(d.getMessage(Locale.ROOT));
          }
        }
        return fail(message.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ClassLoader parent = Thread.currentThread().getContextClassLoader();
    return new BlockClassLoader(parent != null ? parent : ReadmeExample.class.getClassLoader(), classes);
  }

  /** Where a line of the generated source is: the README's line within the block, else around it. */
  private String at(long sourceLine, int linesBefore) {
    long inBlock = sourceLine - linesBefore - 1;
    if (inBlock >= 0 && inBlock < lines.size()) {
      return readme + ":" + (firstLine + inBlock);
    }
    return "the code the test puts around the block (line " + sourceLine + ")";
  }

  private static ReadmeExample block(Path readme, List<String> text, int fence) {
    int indent = text.get(fence).length() - text.get(fence).stripLeading().length();
    List<String> code = new ArrayList<>();
    for (int i = fence + 1; i < text.size(); i++) {
      String line = text.get(i);
      if (isClosingFence(line)) {
        return new ReadmeExample(readme, fence + 2, code);
      }
      int strip = Math.min(indent, line.length() - line.stripLeading().length());
      code.add(line.substring(strip));
    }
    return fail(readme + ": the block opened at line " + (fence + 1) + " is never closed");
  }

  private static boolean isOpeningFence(String line) {
    return line.stripLeading().startsWith(FENCE) && !isClosingFence(line);
  }

  private static boolean isClosingFence(String line) {
    return line.strip().matches("`{3,}");
  }

  private static String infoString(String line) {
    return line.strip().replaceFirst("^`+", "").strip();
  }

  private static List<String> read(Path readme) {
    try {
      return Files.readAllLines(readme);
    } catch (IOException e) {
      return fail("cannot read " + readme.toAbsolutePath() + ": " + e);
    }
  }

  /** Keeps what javac writes in memory, one buffer per class. */
  private static final class ClassesInMemory extends ForwardingJavaFileManager<StandardJavaFileManager> {
    private final Map<String, ByteArrayOutputStream> classes;

    ClassesInMemory(StandardJavaFileManager files, Map<String, ByteArrayOutputStream> classes) {
      super(files);
      this.classes = classes;
    }

    @Override
    public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind,
        FileObject sibling) {
      return new SimpleJavaFileObject(URI.create("mem:///" + className.replace('.', '/') + kind.extension), kind) {
        @Override
        public OutputStream openOutputStream() {
          ByteArrayOutputStream bytes = new ByteArrayOutputStream();
          classes.put(className, bytes);
          return bytes;
        }
      };
    }
  }

  /** Defines the block's classes; everything else comes from the test's class loader. */
  private static final class BlockClassLoader extends ClassLoader {
    private final Map<String, ByteArrayOutputStream> classes;

    BlockClassLoader(ClassLoader parent, Map<String, ByteArrayOutputStream> classes) {
      super(parent);
      this.classes = classes;
    }

    List<String> names() {
      return List.copyOf(classes.keySet());
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      ByteArrayOutputStream bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      byte[] b = bytes.toByteArray();
      return defineClass(name, b, 0, b.length);
    }
  }
}
