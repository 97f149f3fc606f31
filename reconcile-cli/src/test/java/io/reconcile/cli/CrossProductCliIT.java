package io.reconcile.cli;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;

/** The CLI contract from PostgreSQL to MariaDB: the same rows read the same in both products. */
class CrossProductCliIT extends CliContract {
  @Override
  TestDatabase newFirst() {
    return TestServers.postgres();
  }

  @Override
  TestDatabase newSecond() {
    return TestServers.mariaDb();
  }
}
