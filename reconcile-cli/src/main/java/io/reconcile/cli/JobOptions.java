package io.reconcile.cli;

import io.reconcile.api.ReconcileException.ConfigurationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The flags that say what to compare: two databases, their credentials, the tables. */
final class JobOptions {

  @Parameters(index = "0", paramLabel = "URI1", description = "the first database (the reference): a JDBC URL, a kafka:// topic or a mongodb:// collection")
  private String uri1 = "";

  @Parameters(index = "1", paramLabel = "URI2", description = "the second database: a JDBC URL, a kafka:// topic or a mongodb:// collection")
  private String uri2 = "";

  @Option(names = {"-t", "--table"}, required = true, paramLabel = "TABLE[,TABLE2]",
      description = "the table to compare, as table or schema.table; TABLE2 names it in the second"
          + " database when it is called differently there (several tables: a run file)")
  private String table = "";

  @Option(names = {"-k", "--key"}, required = true, paramLabel = "COLUMN[,COLUMN…]",
      description = "the key column(s), in key order: the primary key or a unique one (or see --trust-key)")
  private List<String> keys = new ArrayList<>();

  @Option(names = "--trust-key",
      description = "take the -k columns as unique though no primary key or unique index says so (a view's"
          + " key, a table without one): duplicates are looked for first (one pass over the table) and"
          + " fail every read that meets one")
  private boolean trustKey;

  @Option(names = {"-c", "--columns"}, paramLabel = "COLUMN[,COLUMN…]",
      description = "the columns to compare (default: all but the key)")
  private List<String> columns = new ArrayList<>();

  @Option(names = {"-w", "--where"}, paramLabel = "CONDITION",
      description = "a SQL condition limiting the rows compared on both sides, e.g. \"region = 'eu'\"")
  private @Nullable String where;

  @Option(names = "--normalize", paramLabel = "RULE[,RULE…]",
      description = "normalise values before comparing: " + NormalizeRules.HELP)
  private List<String> normalize = new ArrayList<>();

  @Option(names = "--user1", paramLabel = "USER", description = "the first database's user")
  private @Nullable String user1;

  @Option(names = "--user2", paramLabel = "USER", description = "the second database's user")
  private @Nullable String user2;

  @Option(names = "--password-env1", paramLabel = "VAR", description = "read the first database's password from environment variable VAR")
  private @Nullable String passwordEnv1;

  @Option(names = "--password-file1", paramLabel = "FILE", description = "read the first database's password from the first line of FILE")
  private @Nullable Path passwordFile1;

  @Option(names = "--password-env2", paramLabel = "VAR", description = "read the second database's password from environment variable VAR")
  private @Nullable String passwordEnv2;

  @Option(names = "--password-file2", paramLabel = "FILE", description = "read the second database's password from the first line of FILE")
  private @Nullable Path passwordFile2;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "" + Job.DEFAULT_THREADS,
      description = "segments compared at once (default: ${DEFAULT-VALUE})")
  private int threads;

  @Option(names = {"-q", "--quiet"}, description = "no progress bar on stderr (it is off anyway when stderr is not a terminal)")
  private boolean quiet;

  /** The job these flags describe, reading passwords from {@code env} or files. */
  Job job(Map<String, String> env) {
    Job.Side first = new Job.Side("first", uri1, user1,
        Secrets.password(passwordEnv1, passwordFile1, env, "--password-env1/--password-file1"), passwordEnv1, passwordFile1);
    Job.Side second = new Job.Side("second", uri2, user2,
        Secrets.password(passwordEnv2, passwordFile2, env, "--password-env2/--password-file2"), passwordEnv2, passwordFile2);
    List<String> keys = commaSeparated(this.keys);
    List<String> columns = commaSeparated(this.columns);
    List<String> normalize = commaSeparated(this.normalize);
    NormalizeRules.parse(normalize); // a wrong rule fails before any connection is made
    String[] names = table.split(",", -1);
    if (names.length > 2 || Arrays.stream(names).anyMatch(String::isBlank)) {
      throw new ConfigurationException(
          "-t takes TABLE or TABLE,TABLE2 (the name in the second database), but was '" + table
              + "'; to compare several tables, use a run file");
    }
    List<Job.Table> list =
        List.of(new Job.Table(names[0], names.length == 2 ? names[1] : null, keys, columns, where, normalize, trustKey));
    if (threads < 1) {
      throw new ConfigurationException("--threads must be at least 1, but was " + threads);
    }
    return new Job(first, second, list, threads, quiet);
  }

  /**
   * The values of a repeatable option, each split at commas, taken literally: quotes are part of
   * a name (a column may be called {@code we"ird}), never syntax.
   */
  private static List<String> commaSeparated(List<String> values) {
    List<String> out = new ArrayList<>();
    for (String v : values) {
      out.addAll(Arrays.asList(v.split(",", -1)));
    }
    return out;
  }
}
