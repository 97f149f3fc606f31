package io.reconcile.mongo;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;

/** The table–collection contract with PostgreSQL 17, and a jsonb column against nested documents. */
class PostgresCollectionIT extends TableCollectionContract {

  @Override
  TestDatabase newDatabase() {
    return TestServers.postgres();
  }

  @Override
  String createAccounts() {
    return "CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL,"
        + " visits bigint NOT NULL, opened timestamp(3) NOT NULL, active boolean NOT NULL)";
  }
}
