package io.reconcile.cli;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.util.List;

/** Hostile input against real PostgreSQL. */
class PostgresHostileInputIT extends HostileInputContract {

  @Override
  TestDatabase newDatabase() {
    TestDatabase db = TestServers.postgres();
    db.exec("CREATE SEQUENCE seq");
    return db;
  }

  @Override
  String createSideEffectFunction() {
    return "CREATE FUNCTION side_effect() RETURNS int LANGUAGE plpgsql AS $$ BEGIN INSERT INTO x VALUES (2); RETURN 1; END $$";
  }

  @Override
  String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  @Override
  List<String> productFilters() {
    return List.of(
        "nextval('seq') > 0",
        "pg_advisory_lock(1) IS NOT NULL",
        "id > 0 $$ ; DROP TABLE x; $$",
        "$tag$ ) ; DROP TABLE x; -- $tag$ = ''",
        "(SELECT count(*) FROM (SELECT side_effect()) s) > 0",
        "E'\\'' = '' ; DROP TABLE x");
  }
}
