package io.reconcile.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The library's hints in the words of the command line: a message that says what to do with an API
 * call ({@code columns(...)}, {@code Normalization.ignore}, {@code Limits.maxDivergenceRatio}) names
 * the option that does it here instead ({@code -c}, {@code --normalize ignore=COLUMN}, {@code
 * --max-ratio}; {@code Normalization.Builder.asText("u")} becomes {@code --normalize text=u}).
 * Applied to every library message the CLI prints.
 */
final class CliWords {

  /** API wording → CLI wording, longest first where one contains another. */
  private static final Map<String, String> WORDS = new LinkedHashMap<>();

  static {
    WORDS.put("StoreOptions.fields, Normalization.ignore", "-c, --normalize ignore=COLUMN");
    WORDS.put("Normalization.rename or ignore", "--normalize rename=COLUMN:NAME or ignore=COLUMN");
    WORDS.put("Normalization.rename(...)", "--normalize rename=COLUMN:NAME");
    WORDS.put("Normalization.ignore(...)", "--normalize ignore=COLUMN");
    WORDS.put("Normalization.rename", "--normalize rename=COLUMN:NAME");
    WORDS.put("Normalization.ignore", "--normalize ignore=COLUMN");
    WORDS.put("trustKey(true) or StoreOptions.property(\"trustKey\", \"true\")", "--trust-key");
    WORDS.put("keyColumns(...) or StoreOptions.keyFields", "-k");
    WORDS.put("Normalization.Builder.asText with its name", "--normalize text=COLUMN");
    WORDS.put("StoreOptions.keyFields", "-k");
    WORDS.put("StoreOptions.fields", "-c");
    WORDS.put("keyColumns(...)", "-k");
    WORDS.put("columns(...)", "-c");
    WORDS.put("Limits.maxDivergenceRatio", "--max-ratio");
    WORDS.put("Limits.maxRepairsPerRun", "--max-changes");
    WORDS.put("Limits.maxRepairsPerSegment", "--max-changes");
    WORDS.put("takes the properties user and password, but was given 'trustKey'", "takes no --trust-key");
    WORDS.put("filter must be one SQL boolean expression", "-w/--where must be one SQL boolean expression");
    WORDS.put("the parentheses the store puts around the filter", "the parentheses reconcile puts around -w");
    WORDS.put("a filter takes no parameters", "-w takes no parameters");
    WORDS.put("from the filter", "from -w/--where");
    WORDS.put("with a filter", "with -w/--where");
  }

  /** A field compared as text, as the library names the rule for it. */
  private static final Pattern AS_TEXT = Pattern.compile("Normalization\\.Builder\\.asText\\(\"([^\"]*)\"\\)");

  private CliWords() {}

  /** The message with every API hint it holds put in CLI words. */
  static String of(String message) {
    String out = AS_TEXT.matcher(message).replaceAll(m -> Matcher.quoteReplacement("--normalize text=" + m.group(1)));
    for (Map.Entry<String, String> w : WORDS.entrySet()) {
      out = out.replace(w.getKey(), w.getValue());
    }
    return out;
  }
}
