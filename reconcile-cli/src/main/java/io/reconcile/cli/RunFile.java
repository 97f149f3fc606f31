package io.reconcile.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.reconcile.api.ReconcileException.ConfigurationException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A YAML run file: a repeated job (two databases, several tables, a resolver and limits) kept in a
 * file instead of flags. Relative file paths in it (password files, the audit log) are resolved
 * against the run file's directory.
 *
 * <pre>{@code
 * first:  {url: "jdbc:postgresql://db1:5432/shop", user: app, password-env: PG_PASSWORD}
 * second: {url: "jdbc:mariadb://db2:3306/shop", user: app, password-file: db2.password}
 * tables:
 *   - {name: orders, key: [id], normalize: [trim]}
 *   - {name: customers, key: [id], columns: [name, email], where: "active"}
 *   - {name: items, second-name: order_items, key: [order_id, line]}  # named differently in the second
 *   - {name: open_orders, key: [id], trust-key: true}         # a view: no index proves the key unique
 * threads: 4
 * output: {stats: true, json: false, limit: 1000}           # for a diff
 * repair:                                                   # without it, the job is a diff
 *   resolver: source-wins
 *   apply: false
 *   max-changes: 1000
 *   max-ratio: 0.2
 *   audit: audit.jsonl
 * }</pre>
 */
record RunFile(
    @Nullable Database first,
    @Nullable Database second,
    @Nullable List<TableEntry> tables,
    @Nullable Integer threads,
    @Nullable Output output,
    @Nullable Repair repair) {

  record Database(@Nullable String url, @Nullable String user, @Nullable String passwordEnv, @Nullable String passwordFile) {}

  record TableEntry(
      @Nullable String name,
      @Nullable String secondName,
      @Nullable List<String> key,
      @Nullable List<String> columns,
      @Nullable String where,
      @Nullable List<String> normalize,
      @Nullable Boolean trustKey) {}

  record Output(boolean stats, boolean json, @Nullable Integer limit) {}

  record Repair(
      @Nullable String resolver,
      boolean apply,
      @Nullable Long maxChanges,
      @Nullable Double maxRatio,
      @Nullable String audit,
      boolean guardedWrites) {}

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** @throws ConfigurationException if the file cannot be read or is not a valid run file */
  static RunFile read(Path file) {
    try {
      RunFile f = YAML.readValue(file.toFile(), RunFile.class);
      if (f == null) {
        throw new ConfigurationException("run file " + file + " is empty; see `reconcile run --help` for its shape");
      }
      return f;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigurationException(
          "run file " + file + ": unknown key '" + path(e) + "'; known keys there: " + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
    } catch (JsonProcessingException e) {
      throw new ConfigurationException(
          "run file " + file + (e.getLocation() == null ? "" : ", line " + e.getLocation().getLineNr())
              + ": " + e.getOriginalMessage().lines().findFirst().orElse("not valid") + "; see `reconcile run --help` for its shape");
    } catch (FileNotFoundException | NoSuchFileException e) {
      throw new ConfigurationException("run file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigurationException("cannot read run file " + file + ": " + e.getMessage());
    }
  }

  /** Where in the file a mapping error is, e.g. {@code tables[1].nmae}. */
  private static String path(UnrecognizedPropertyException e) {
    StringBuilder sb = new StringBuilder();
    for (var ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(ref.getFieldName());
      } else {
        sb.append('[').append(ref.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** The job the file describes, reading passwords from {@code env} or files. */
  Job job(Path file, Map<String, String> env, boolean quiet) {
    if (tables == null || tables.isEmpty()) {
      throw missing(file, "tables", "a list of tables, e.g. tables: [{name: orders, key: [id]}]");
    }
    List<Job.Table> list = new ArrayList<>();
    for (TableEntry t : tables) {
      if (t.name() == null || t.key() == null || t.key().isEmpty()) {
        throw missing(file, "tables[].name and tables[].key", "each table's name and key columns, e.g. {name: orders, key: [id]}");
      }
      List<String> normalize = t.normalize() == null ? List.of() : t.normalize();
      NormalizeRules.parse(normalize);
      list.add(new Job.Table(t.name(), t.secondName(), t.key(), t.columns() == null ? List.of() : t.columns(), t.where(),
          normalize, Boolean.TRUE.equals(t.trustKey())));
    }
    int n = threads == null ? Job.DEFAULT_THREADS : threads;
    if (n < 1) {
      throw new ConfigurationException("run file " + file + ": threads must be at least 1, but was " + n);
    }
    return new Job(side(file, "first", first, env), side(file, "second", second, env), list, n, quiet);
  }

  private static Job.Side side(Path file, String name, @Nullable Database db, Map<String, String> env) {
    if (db == null || db.url() == null) {
      throw missing(file, name + ".url", "the " + name + " database's JDBC URL");
    }
    Path passwordFile = db.passwordFile() == null ? null : resolve(file, db.passwordFile());
    return new Job.Side(name, db.url(), db.user(),
        Secrets.password(db.passwordEnv(), passwordFile, env, name + ".password-env/" + name + ".password-file"),
        db.passwordEnv(), passwordFile);
  }

  /** The directory relative paths in a run file are resolved against: the file's own. */
  static Path directoryOf(Path file) {
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? Path.of("") : dir;
  }

  /** A path from the file, relative to its directory. */
  static Path resolve(Path file, String path) {
    return directoryOf(file).resolve(path);
  }

  private static ConfigurationException missing(Path file, String key, String what) {
    return new ConfigurationException("run file " + file + " lacks " + key + ": give " + what);
  }
}
