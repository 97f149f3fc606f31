package io.reconcile.mongo;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;

/**
 * The table–collection contract with MariaDB 11.4. MariaDB's {@code JSON} is {@code LONGTEXT},
 * which reconcile-jdbc reads as text (as it does every JSON column), so this table has plain columns
 * only; nested documents against a JSON column are {@link PostgresCollectionIT}'s.
 */
class MariaDbCollectionIT extends TableCollectionContract {

  @Override
  TestDatabase newDatabase() {
    return TestServers.mariaDb();
  }

  @Override
  String createAccounts() {
    return "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(200) NOT NULL, balance decimal(10,2) NOT NULL,"
        + " visits bigint NOT NULL, opened datetime(3) NOT NULL, active boolean NOT NULL)";
  }
}
