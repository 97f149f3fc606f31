package io.reconcile.benchmarks;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.reconcile.api.Entry;
import io.reconcile.api.KeyRange;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.RepairAction;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How fast a {@link JdbcStore} applies repairs: a table of {@code rows} rows in embedded PostgreSQL
 * or MariaDB, then per round {@code changes} conditional updates spread over the keys (each
 * expecting the row as just read), applied in batches of {@code batch} actions — the engine's
 * write path without detection. Prints each round's time; the first warms up.
 *
 * <p>{@code mvn -q -pl reconcile-benchmarks exec:exec -Dbench.main=io.reconcile.benchmarks.RepairBenchmark
 * -Dbench.args="pg 100000 10000 500 4"} ({@code PRODUCT ROWS CHANGES BATCH ROUNDS}, product
 * {@code pg} or {@code maria}).
 */
public final class RepairBenchmark {

  private RepairBenchmark() {}

  public static void main(String[] args) {
    if (args.length != 5 || !(args[0].equals("pg") || args[0].equals("maria"))) {
      System.err.println("usage: RepairBenchmark pg|maria ROWS CHANGES BATCH ROUNDS, e.g. pg 100000 10000 500 4");
      System.exit(2);
    }
    boolean pg = args[0].equals("pg");
    int rows = Integer.parseInt(args[1]);
    int changes = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    int rounds = Integer.parseInt(args[4]);
    TestDatabase db = pg
        ? TestServers.postgres().exec("CREATE TABLE t (id bigint PRIMARY KEY, name text, qty int)",
            "INSERT INTO t SELECT g, 'n' || g, g % 100 FROM generate_series(1, " + rows + ") g")
        : TestServers.mariaDb().exec("CREATE TABLE t (id bigint PRIMARY KEY, name varchar(40), qty int)",
            "INSERT INTO t SELECT seq, CONCAT('n', seq), seq % 100 FROM seq_1_to_" + rows);
    HikariConfig config = new HikariConfig();
    config.setDataSource(db.dataSource());
    config.setMaximumPoolSize(2);
    try (HikariDataSource pool = new HikariDataSource(config)) {
      JdbcStore store = JdbcStore.newBuilder(pool).table("t").build();
      for (int round = 0; round < rounds; round++) {
        List<Entry> current;
        try (Stream<Entry> scan = store.scan(KeyRange.all())) {
          current = scan.toList();
        }
        List<RepairAction> actions = new ArrayList<>(changes);
        for (int i = 0; i < changes; i++) {
          Entry seen = current.get((int) ((long) i * current.size() / changes));
          Map<String, Object> fields = new LinkedHashMap<>();
          fields.put("name", "r" + round + "-" + i);
          fields.put("qty", round);
          actions.add(RepairAction.upsert(store.id(), Entry.of(seen.key(), fields), Expected.present(seen)));
        }
        long t0 = System.nanoTime();
        long applied = 0;
        for (int from = 0; from < actions.size(); from += batch) {
          applied += store.apply(actions.subList(from, Math.min(actions.size(), from + batch))).stream()
              .filter(o -> o.status() == ActionOutcome.Status.APPLIED).count();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf(Locale.ROOT, "%s round %d: %,d of %,d conditional updates applied in %,d ms (%,.0f rows/s)%n",
            args[0], round, applied, changes, ms, applied * 1000.0 / Math.max(1, ms));
      }
    }
    System.exit(0); // the embedded servers stop in shutdown hooks
  }
}
