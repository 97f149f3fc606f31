package io.reconcile.cli;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.util.List;

/** Hostile input against real MariaDB. */
class MariaDbHostileInputIT extends HostileInputContract {

  @Override
  TestDatabase newDatabase() {
    return TestServers.mariaDb();
  }

  @Override
  String createSideEffectFunction() {
    return "CREATE FUNCTION side_effect() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO x VALUES (2); RETURN 1; END";
  }

  @Override
  String quote(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  @Override
  List<String> productFilters() {
    return List.of(
        "id > 0 # the rest is a comment",
        "name = 'a\\' ; DROP TABLE x; -- '",
        "GET_LOCK('reconcile', 0) IS NOT NULL",
        "id > 0 /*! ; DROP TABLE x */");
  }
}
