package io.reconcile.cli;

import io.reconcile.api.Normalization;
import io.reconcile.api.ReconcileException.ConfigurationException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/**
 * The {@code --normalize} rules: {@code trim} (or {@code trim=trailing}), {@code nfc}, {@code
 * timestamps=UNIT} (e.g. {@code millis}), {@code digits=N} significant digits, {@code ignore=COLUMN},
 * {@code rename=STORE_COLUMN:NAME} and {@code text=COLUMN} (a UUID column, key or compared,
 * compared as its lowercase canonical text, so it compares with a {@code char(36)} or {@code
 * varchar} column holding UUIDs: {@link Normalization.Builder#asText}).
 */
final class NormalizeRules {

  static final String HELP =
      "trim, trim=trailing, nfc, timestamps=UNIT (seconds, millis, micros), digits=N, ignore=COLUMN,"
          + " rename=COLUMN:NAME, text=COLUMN (a UUID column compared as text, e.g. with a char(36) column)";

  private NormalizeRules() {}

  /**
   * @throws ConfigurationException naming a rule that is not one of {@link #HELP} or repeats an
   *     earlier one, or saying why the rules do not fit together
   */
  static Normalization parse(List<String> rules) {
    Normalization.Builder b = Normalization.newBuilder();
    for (String rule : rules) {
      String r = rule.strip();
      int eq = r.indexOf('=');
      String name = (eq < 0 ? r : r.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      String arg = eq < 0 ? "" : r.substring(eq + 1).strip();
      try {
        switch (name) {
          case "trim" -> b.trim(arg.isEmpty() || arg.equalsIgnoreCase("both")
              ? Normalization.Trim.BOTH : Normalization.Trim.valueOf(arg.toUpperCase(Locale.ROOT)));
          case "nfc" -> b.nfc();
          case "timestamps" -> b.timestampPrecision(ChronoUnit.valueOf(arg.toUpperCase(Locale.ROOT)));
          case "digits" -> b.significantDigits(Integer.parseInt(arg));
          case "ignore" -> b.ignore(arg);
          case "text" -> b.asText(arg);
          case "rename" -> {
            int colon = arg.indexOf(':');
            if (colon < 1 || colon == arg.length() - 1) {
              throw new IllegalArgumentException("expected COLUMN:NAME");
            }
            b.rename(arg.substring(0, colon), arg.substring(colon + 1));
          }
          default -> throw new IllegalArgumentException("unknown rule");
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new ConfigurationException(
            "normalisation rule '" + rule + "' is not valid (" + e.getMessage() + "); rules are: " + HELP);
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ConfigurationException(
          "normalisation rules " + rules + " do not fit together (" + e.getMessage() + ")");
    }
  }
}
