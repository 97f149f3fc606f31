package io.reconcile.jdbc;

import io.reconcile.api.Key;
import io.reconcile.api.ReconcileException.StoreUnavailableException;
import java.lang.reflect.Method;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Errors of the write path without row values. Drivers put values in their messages: PostgreSQL's
 * batch error quotes the statement with every bound value, and server messages quote keys and
 * values ({@code Key (id)=(5) already exists}, MariaDB's {@code Duplicate entry '…'}). So a write
 * failure is described by what is known without them — the statement, the key (keys are shown in
 * diffs anyway), the column and constraint where the server names them, the SQLState and what it
 * means — and the driver's exception travels only as a {@linkplain #sanitized sanitised copy}:
 * class name, SQLState, vendor code and stack trace, the same for its causes, chained and
 * suppressed exceptions.
 */
final class WriteFailures {

  private WriteFailures() {}

  /** What common SQLStates mean, by state and then by class (the first two characters). */
  private static final Map<String, String> MEANINGS = Map.ofEntries(
      Map.entry("23505", "a unique index already holds this key or value"),
      Map.entry("23503", "a foreign key is violated"),
      Map.entry("23502", "a NOT NULL column would be NULL"),
      Map.entry("23514", "a CHECK constraint rejected the row"),
      Map.entry("23P01", "an exclusion constraint rejected the row"),
      Map.entry("23000", "an integrity constraint (unique, foreign key, NOT NULL or CHECK) rejected the row"),
      Map.entry("22001", "a value is too long for its column"),
      Map.entry("22003", "a number is out of its column's range"),
      Map.entry("22007", "a date or time value has an invalid format"),
      Map.entry("22008", "a date or time value is out of its column's range"),
      Map.entry("22P02", "a value is not valid text for its column's type"),
      Map.entry("22021", "a value is not valid in the database's character encoding"),
      Map.entry("42501", "the user lacks a privilege this write needs"),
      Map.entry("42804", "a value's type does not match its column's"),
      Map.entry("42703", "a column does not exist"),
      Map.entry("42P01", "the table does not exist"),
      Map.entry("25006", "the transaction or database is read-only"),
      Map.entry("40001", "the transaction was rolled back by a serialisation conflict; retrying may succeed"),
      Map.entry("40P01", "the transaction was rolled back to break a deadlock; retrying may succeed"),
      Map.entry("57014", "the statement was cancelled or timed out"),
      Map.entry("P0001", "a trigger or function raised an exception"),
      Map.entry("45000", "a trigger or procedure signalled an error"),
      Map.entry("22", "the data does not fit the column"),
      Map.entry("23", "an integrity constraint rejected the row"),
      Map.entry("08", "the connection failed; retrying may succeed"),
      Map.entry("40", "the transaction was rolled back; retrying may succeed"),
      Map.entry("42", "the statement was refused (syntax or access rule)"),
      Map.entry("53", "the server lacks resources (disk, memory, connections)"),
      Map.entry("HY", "the driver or server reported a general error"));

  /**
   * MariaDB/MySQL error codes of writes a view does not let through, whose SQLState is the generic
   * HY000.
   */
  private static final Map<Integer, String> VIEW_REFUSALS = Map.of(
      1288, "the view is not updatable",
      1393, "a join view changes only one of its tables per statement",
      1394, "a join view takes inserts only into one of its tables",
      1395, "a join view cannot delete",
      1471, "the view cannot be inserted into");

  /** A failed statement of a repair batch: its verb and, when known, the key it wrote. */
  static final class FailedWrite extends SQLException {
    private static final long serialVersionUID = 1L;

    final String what;

    FailedWrite(String what, SQLException cause) {
      super(what, cause.getSQLState(), cause.getErrorCode(), cause);
      this.what = what;
    }

    FailedWrite(String what) {
      super(what);
      this.what = what;
    }
  }

  /**
   * Which statement of a batch of {@code size} failed, from the update counts the driver reports:
   * the first marked failed, or the first missing when the driver stopped at the failure; -1 when
   * the counts do not tell (a single statement is then the one).
   */
  static int failedIndex(SQLException e, int size) {
    if (size == 1) {
      return 0;
    }
    if (!(e instanceof BatchUpdateException b) || b.getUpdateCounts() == null) {
      return -1;
    }
    int[] counts = b.getUpdateCounts();
    int failed = 0;
    int first = -1;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == Statement.EXECUTE_FAILED) {
        failed++;
        first = first < 0 ? i : first;
      }
    }
    if (failed == 0) {
      return counts.length < size ? counts.length : -1;
    }
    return failed == 1 || failed < counts.length ? first : -1;
  }

  /** The phrase for a write of {@code key} ("the insert of key [5]"), or of one of several keys. */
  static String statement(String verb, @Nullable Key key, int batchSize) {
    return key != null ? "the " + verb + " of key " + key
        : "one of " + batchSize + " " + verb + "s (the driver does not say which)";
  }

  /**
   * The store failure for a failed write: one line naming the store, the table, the statement and
   * key when known, the column and constraint the server names, the SQLState and its meaning;
   * transient for connection (08) and rollback (40) states. The cause is a sanitised copy.
   */
  static StoreUnavailableException failure(String what, String table, SQLException e) {
    StringBuilder m = new StringBuilder(what);
    SQLException driver = e;
    if (e instanceof FailedWrite f) {
      m.append(": ").append(f.what).append(" in table '").append(table).append('\'');
      driver = f.getCause() instanceof SQLException s ? s : null;
    }
    String state = e.getSQLState();
    String viewRefusal = null;
    if (driver != null) {
      List<String> names = serverNames(driver);
      if (!names.isEmpty()) {
        m.append(" (").append(String.join(", ", names)).append(')');
      }
      state = deepestState(driver);
      for (Throwable t = driver; t != null && viewRefusal == null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof SQLException s && VIEW_REFUSALS.containsKey(s.getErrorCode())) {
          viewRefusal = VIEW_REFUSALS.get(s.getErrorCode()) + " (error " + s.getErrorCode() + ")";
        }
      }
    }
    if (state != null) {
      String meaning = viewRefusal != null ? viewRefusal : MEANINGS.getOrDefault(state,
          state.length() >= 2 ? MEANINGS.get(state.substring(0, 2)) : null);
      m.append(": SQLState ").append(state);
      if (meaning != null) {
        m.append(", ").append(meaning);
      }
    }
    boolean isTransient = JdbcStore.isTransient(driver != null ? driver : e)
        || (state != null && (state.startsWith("08") || state.startsWith("40")));
    return new StoreUnavailableException(
        m.toString().replace('\n', ' ').replace('\r', ' '), isTransient, sanitized(e));
  }

  /** The most specific SQLState in the chain (a batch error's own state is often generic). */
  private static @Nullable String deepestState(SQLException e) {
    String state = e.getSQLState();
    SQLException next = e.getNextException();
    Throwable cause = e.getCause();
    SQLException inner = next != null ? next : cause instanceof SQLException s ? s : null;
    if (inner != null && inner != e) {
      String deeper = deepestState(inner);
      if (deeper != null) {
        return deeper;
      }
    }
    return state;
  }

  /**
   * The column, constraint and table PostgreSQL's server error names (identifiers, never values),
   * read by reflection so that no driver is a compile dependency; empty for other drivers.
   */
  private static List<String> serverNames(SQLException e) {
    List<String> out = new ArrayList<>();
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = e; t != null && seen.put(t, true) == null;
        t = t instanceof SQLException s && s.getNextException() != null ? s.getNextException() : t.getCause()) {
      try {
        Method server = t.getClass().getMethod("getServerErrorMessage");
        Object message = server.invoke(t);
        if (message == null) {
          continue;
        }
        for (String field : List.of("Column", "Constraint")) {
          Object name = message.getClass().getMethod("get" + field).invoke(message);
          if (name != null) {
            out.add(field.toLowerCase(java.util.Locale.ROOT) + " '" + name + "'");
          }
        }
        return out;
      } catch (ReflectiveOperationException | RuntimeException ignored) {
        // Not PostgreSQL's exception: it names nothing we can read without its message.
      }
    }
    return out;
  }

  /**
   * A copy of {@code t} and everything it carries (causes, chained SQL exceptions, suppressed)
   * without any message: class names, SQLStates, vendor codes and stack traces only.
   */
  static SQLException sanitized(SQLException t) {
    return (SQLException) sanitized(t, new IdentityHashMap<>());
  }

  private static Throwable sanitized(Throwable t, Map<Throwable, Throwable> done) {
    Throwable already = done.get(t);
    if (already != null) {
      return already;
    }
    Throwable copy;
    if (t instanceof FailedWrite f) {
      copy = new SQLException(f.what, f.getSQLState(), f.getErrorCode());
    } else if (t instanceof SQLException s) {
      copy = new SQLException(
          t.getClass().getName() + (s.getSQLState() == null ? "" : " [SQLState " + s.getSQLState() + "]")
              + " (message withheld: it may quote row values)",
          s.getSQLState(), s.getErrorCode());
    } else {
      copy = new Exception(t.getClass().getName() + " (message withheld: it may quote row values)");
    }
    done.put(t, copy);
    copy.setStackTrace(t.getStackTrace());
    Throwable cause = t.getCause();
    if (cause != null) {
      copy.initCause(sanitized(cause, done));
    }
    if (t instanceof SQLException s && copy instanceof SQLException c) {
      SQLException next = s.getNextException();
      if (next != null && next != cause) {
        c.setNextException((SQLException) sanitized(next, done));
      }
    }
    for (Throwable suppressed : t.getSuppressed()) {
      copy.addSuppressed(sanitized(suppressed, done));
    }
    return copy;
  }
}
