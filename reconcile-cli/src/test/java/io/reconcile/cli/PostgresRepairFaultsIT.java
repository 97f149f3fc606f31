package io.reconcile.cli;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import io.reconcile.testservers.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Repair faults with PostgreSQL as the target: the hold is a transaction-level advisory lock taken
 * in a trigger, sessions are ended with {@code pg_terminate_backend}, the restart is a fast
 * shutdown ({@code pg_ctl stop -m fast}) and a start on the same data directory.
 */
class PostgresRepairFaultsIT extends RepairFaultsContract {

  private static final int LOCK = 4242;

  @Override
  TestServer newServer() {
    return TestServers.dedicatedPostgres();
  }

  @Override
  TestDatabase newSource() {
    return TestServers.postgres();
  }

  @Override
  List<String> createHold() {
    return List.of(
        "CREATE FUNCTION hold() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            + " IF COALESCE(NEW.id, OLD.id) >= " + HELD_FROM + " THEN PERFORM pg_advisory_xact_lock(" + LOCK + "); END IF;"
            + " RETURN COALESCE(NEW, OLD); END $$",
        "CREATE TRIGGER hold BEFORE INSERT OR UPDATE OR DELETE ON accounts FOR EACH ROW EXECUTE FUNCTION hold()");
  }

  @Override
  String holdSql() {
    return "SELECT pg_advisory_lock(" + LOCK + ")";
  }

  @Override
  String unholdSql() {
    return "SELECT pg_advisory_unlock(" + LOCK + ")";
  }

  @Override
  long sessionsWaiting(TestDatabase db) {
    return Long.parseLong(db.query("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())").strip());
  }

  @Override
  void endWaitingSessions(TestDatabase db) {
    db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()");
  }

  @Override
  void endSessionsExcept(TestDatabase db, Connection keep) throws SQLException {
    long kept;
    try (Statement s = keep.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
      rs.next();
      kept = rs.getLong(1);
    }
    db.exec("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database()"
        + " AND pid <> pg_backend_pid() AND pid <> " + kept);
  }
}
