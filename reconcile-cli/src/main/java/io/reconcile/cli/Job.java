package io.reconcile.cli;

import io.reconcile.api.store.Store;
import io.reconcile.api.store.StoreOptions;
import io.reconcile.api.store.Stores;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * What to compare, however it was given (flags or a run file): two databases and the tables to
 * compare between them.
 *
 * @param first the first database, the reference: "-" lines are rows only it holds
 * @param second the second database: "+" lines are rows only it holds
 * @param tables the tables, each compared on its own
 * @param threads segments compared at once per table
 * @param quiet no progress bar
 */
record Job(Side first, Side second, List<Table> tables, int threads, boolean quiet) {

  /** Segments compared at once unless configured. */
  static final int DEFAULT_THREADS = 4;

  /**
   * The command line of {@code command} (e.g. {@code undo}) over the same databases and table, with
   * {@code more} options at the end, quoted for a POSIX shell; never holds a password.
   */
  String commandLine(String command, Table table, String... more) {
    List<String> args = new ArrayList<>(List.of("reconcile", command, first.shownUri(), second.shownUri()));
    args.addAll(table.options());
    args.addAll(first.options(1));
    args.addAll(second.options(2));
    args.addAll(List.of(more));
    return Shell.quote(args);
  }

  /** Whether the store with this {@link Side#storeId id} is a Kafka topic ({@code kafka://}). */
  boolean isTopic(String storeId) {
    return side(storeId).uri().startsWith("kafka:");
  }

  /** Whether the store with this {@link Side#storeId id} is a MongoDB collection ({@code mongodb://}). */
  boolean isCollection(String storeId) {
    return MongoPlan.isCollection(side(storeId).uri());
  }

  /** The side of the store with this {@link Side#storeId id}. */
  Side side(String storeId) {
    return storeId.endsWith("@" + second.name()) ? second : first;
  }

  /**
   * Opens the table's store in both databases at the same time (each is a connection and a few
   * catalog reads, the command's largest fixed cost after the JVM's start); closing the pair closes
   * both. If either fails, the other is closed and the failure thrown — the first database's when
   * both fail.
   */
  Both open(Table table, boolean readOnly) {
    FutureTask<Store> secondStore = new FutureTask<>(() -> second.open(table, readOnly));
    Thread opener = new Thread(secondStore, "open-" + second.name());
    opener.setDaemon(true);
    opener.start();
    Store firstStore;
    try {
      firstStore = first.open(table, readOnly);
    } catch (RuntimeException | Error e) {
      closeOnceOpened(secondStore);
      throw e;
    }
    try {
      return new Both(firstStore, opened(secondStore));
    } catch (RuntimeException | Error e) {
      firstStore.close();
      throw e;
    }
  }

  /** The two stores of one table, the first database's and the second's. */
  record Both(Store first, Store second) implements AutoCloseable {
    @Override
    public void close() {
      try (Store a = first; Store b = second) {
        // both closed, the second first
      }
    }
  }

  private static Store opened(FutureTask<Store> task) {
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return task.get();
        } catch (InterruptedException e) {
          interrupted = true; // the store is opening: wait for it, so that it is closed, not leaked
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException re) {
            throw re;
          }
          if (e.getCause() instanceof Error err) {
            throw err;
          }
          throw new IllegalStateException(e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeOnceOpened(FutureTask<Store> task) {
    try {
      opened(task).close();
    } catch (RuntimeException | Error ignored) {
      // the first database's failure is the one reported
    }
  }

  Job {
    tables = List.copyOf(tables);
    if (tables.isEmpty()) {
      throw new IllegalArgumentException("a job needs at least one table");
    }
  }

  /**
   * One database.
   *
   * @param name {@code first} or {@code second}; with the table it makes the store id in reports and
   *     the audit log ({@code orders@second})
   * @param uri its JDBC URL, {@code kafka://} topic or {@code mongodb://} collection, which may hold
   *     secrets and is only ever shown redacted
   * @param user the user, or null for the driver's default (or a user in the URL)
   * @param password the password, or null
   * @param passwordEnv the environment variable the password was read from, or null
   * @param passwordFile the file the password was read from, or null
   */
  record Side(
      String name,
      String uri,
      @Nullable String user,
      @Nullable String password,
      @Nullable String passwordEnv,
      @Nullable Path passwordFile) {

    Side {
      Secrets.rememberIn(uri); // whatever the URL holds is masked in every message from now on
    }

    /** The store over one table of this database; read-only unless the caller repairs. */
    Store open(Table table, boolean readOnly) {
      StoreOptions.Builder o =
          StoreOptions.newBuilder()
              .id(storeId(table))
              .dataset(table.nameOn(this))
              .keyFields(table.keys().toArray(String[]::new))
              .fields(table.columns().toArray(String[]::new))
              .normalization(NormalizeRules.parse(table.normalize()))
              .readOnly(readOnly);
      if (table.where() != null) {
        o.filter(table.where());
      }
      if (table.trustKey()) {
        o.property("trustKey", "true");
      }
      if (user != null) {
        o.property("user", user);
      }
      if (password != null) {
        o.property("password", password);
      }
      return Stores.open(uri, o.build());
    }

    /**
     * The options that give this side to another command, as {@code n} (1 or 2) of a command line:
     * the URL (redacted if it holds a secret), the user, and where the password comes from — never
     * the password itself.
     */
    List<String> options(int n) {
      List<String> out = new ArrayList<>();
      if (user != null) {
        out.addAll(List.of("--user" + n, user));
      }
      if (passwordEnv != null) {
        out.addAll(List.of("--password-env" + n, passwordEnv));
      }
      if (passwordFile != null) {
        out.addAll(List.of("--password-file" + n, passwordFile.toString()));
      }
      return out;
    }

    /** The URL to show in a command line: as given, or redacted when it holds a secret. */
    String shownUri() {
      return Secrets.shown(uri);
    }

    /** The store id of this side for a table. */
    String storeId(Table table) {
      return table.name() + "@" + name;
    }

    @Override
    public String toString() {
      return name + " " + Secrets.shown(uri);
    }
  }

  /**
   * One table, compared between the two databases.
   *
   * @param name the table in the first database, {@code table} or {@code schema.table}; it names
   *     the table in reports
   * @param secondName the table in the second database, or null when it has the same name
   * @param keys the key columns, in key order
   * @param columns the compared columns; empty for every column but the key
   * @param where a SQL condition limiting the rows compared (trusted text), or null
   * @param normalize {@code --normalize} rules
   * @param trustKey whether the key columns are taken as unique without an index that says so
   *     ({@code --trust-key}; the stores then check them)
   */
  record Table(
      String name,
      @Nullable String secondName,
      List<String> keys,
      List<String> columns,
      @Nullable String where,
      List<String> normalize,
      boolean trustKey) {
    Table {
      keys = List.copyOf(keys);
      columns = List.copyOf(columns);
      normalize = List.copyOf(normalize);
    }

    /**
     * The options that give this table to another command: -t, -k, and -c, -w, --normalize,
     * --trust-key as used.
     */
    List<String> options() {
      List<String> out = new ArrayList<>(List.of("-t", secondName == null ? name : name + "," + secondName, "-k", String.join(",", keys)));
      if (!columns.isEmpty()) {
        out.addAll(List.of("-c", String.join(",", columns)));
      }
      if (where != null) {
        out.addAll(List.of("-w", where));
      }
      if (!normalize.isEmpty()) {
        out.addAll(List.of("--normalize", String.join(",", normalize)));
      }
      if (trustKey) {
        out.add("--trust-key");
      }
      return out;
    }

    /** The table's name in the database of {@code side}. */
    String nameOn(Side side) {
      return nameOfStore(side.storeId(this));
    }

    /** The table's name in the database of the store with this {@link Side#storeId id}. */
    String nameOfStore(String storeId) {
      return storeId.endsWith("@second") && secondName != null ? secondName : name;
    }
  }
}
