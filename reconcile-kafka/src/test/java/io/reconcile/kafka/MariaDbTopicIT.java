package io.reconcile.kafka;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;

/** The cross-store contract with MariaDB 11.4. */
class MariaDbTopicIT extends TopicCrossStoreContract {

  @Override
  TestDatabase newDatabase() {
    return TestServers.mariaDb();
  }

  @Override
  String createAccounts() {
    return "CREATE TABLE accounts (id bigint PRIMARY KEY, name varchar(4000) NOT NULL, balance decimal(10,2) NOT NULL)";
  }
}
