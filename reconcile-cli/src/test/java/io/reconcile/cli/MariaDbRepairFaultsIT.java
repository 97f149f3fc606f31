package io.reconcile.cli;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import io.reconcile.testservers.TestServers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Repair faults with MariaDB as the target: the hold is a named lock ({@code GET_LOCK}) that the
 * triggers take and give back at once, so a write waits while the test holds it; sessions are ended
 * with {@code KILL CONNECTION}; the restart is a normal shutdown (SIGTERM) and a start on the same
 * data directory and port.
 */
class MariaDbRepairFaultsIT extends RepairFaultsContract {

  /** Named locks are server-wide: one per database keeps cases apart. */
  private static final String LOCK = "CONCAT('reconcile hold ', DATABASE())";

  @Override
  TestServer newServer() {
    return TestServers.dedicatedMariaDb();
  }

  @Override
  TestDatabase newSource() {
    return TestServers.mariaDb();
  }

  @Override
  List<String> createHold() {
    List<String> sql = new ArrayList<>();
    for (String event : List.of("INSERT", "UPDATE", "DELETE")) {
      String row = event.equals("DELETE") ? "OLD" : "NEW";
      sql.add("CREATE TRIGGER hold_" + event.toLowerCase() + " BEFORE " + event + " ON accounts FOR EACH ROW BEGIN"
          + " IF " + row + ".id >= " + HELD_FROM + " THEN"
          + " IF GET_LOCK(" + LOCK + ", 600) = 1 THEN DO RELEASE_LOCK(" + LOCK + "); END IF;"
          + " END IF; END");
    }
    return sql;
  }

  @Override
  String holdSql() {
    return "DO GET_LOCK(" + LOCK + ", 0)";
  }

  @Override
  String unholdSql() {
    return "DO RELEASE_LOCK(" + LOCK + ")";
  }

  @Override
  long sessionsWaiting(TestDatabase db) {
    return Long.parseLong(db.query("SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = DATABASE()"
        + " AND STATE = 'User lock'").strip());
  }

  @Override
  void endWaitingSessions(TestDatabase db) {
    kill(db, "STATE = 'User lock'");
  }

  @Override
  void endSessionsExcept(TestDatabase db, Connection keep) throws SQLException {
    long kept;
    try (Statement s = keep.createStatement(); ResultSet rs = s.executeQuery("SELECT CONNECTION_ID()")) {
      rs.next();
      kept = rs.getLong(1);
    }
    kill(db, "ID <> " + kept);
  }

  /** Kills the connections of {@code db} that match {@code condition}, but the one that kills. */
  private static void kill(TestDatabase db, String condition) {
    String ids = db.query("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = DATABASE() AND ID <> CONNECTION_ID()"
        + " AND " + condition);
    ids.lines().forEach(id -> db.exec("KILL CONNECTION " + id));
  }
}
