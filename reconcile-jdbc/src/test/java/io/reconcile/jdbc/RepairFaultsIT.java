package io.reconcile.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Digest;
import io.reconcile.api.Entry;
import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.ActionOutcome;
import io.reconcile.api.store.Expected;
import io.reconcile.api.store.ForwardingStore;
import io.reconcile.api.store.RepairAction;
import io.reconcile.core.Mode;
import io.reconcile.core.ReconcileReport;
import io.reconcile.jdbc.CrossDialectIT.Product;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Repairs on real servers under interference: a concurrent writer, and a connection killed mid-batch. */
@DisplayName("repairs stay safe under a concurrent writer and a killed connection")
class RepairFaultsIT {

  /** The source's rows, and a replica missing key 40, with keys 100 and 102 changed, and extra 5000. */
  private static List<Entry> drifted(List<Entry> rows) {
    Map<Long, Entry> byId = new TreeMap<>();
    rows.forEach(e -> byId.put((Long) e.key().part(0), e));
    byId.remove(40L);
    byId.put(100L, Entry.of(Key.of(100), CrossDialectIT.row(107).fields()));
    byId.put(102L, Entry.of(Key.of(102), CrossDialectIT.fields(201)));
    byId.put(5000L, Entry.of(Key.of(5000), CrossDialectIT.fields(5000)));
    return new ArrayList<>(byId.values());
  }

  @ParameterizedTest(name = "{0}: rows written between detection and repair are refused and reported, not overwritten")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void concurrentWriterIsNotOverwritten(Product product) throws Exception {
    List<Entry> rows = CrossDialectIT.rows();
    JdbcStore source = CrossDialectIT.seeded(CrossDialectIT.fresh(Product.H2), "source", rows);
    DataSource ds = CrossDialectIT.fresh(product);
    JdbcStore replica = CrossDialectIT.seeded(ds, "replica", drifted(rows));

    // Between the engine's detection and its first write batch, another thread updates key 102 and
    // inserts key 40 on the replica and commits; the batch waits for it on a latch.
    CountDownLatch written = new CountDownLatch(1);
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    AtomicBoolean first = new AtomicBoolean(true);
    ForwardingStore interfered = new ForwardingStore(replica) {
      @Override
      public List<ActionOutcome> apply(List<RepairAction> actions) {
        if (first.getAndSet(false)) {
          Thread writer = new Thread(() -> {
            try {
              H2.exec(ds, "UPDATE items SET v = 'concurrent' WHERE id = 102",
                  "INSERT INTO items (id, v) VALUES (40, 'concurrent')");
            } catch (Throwable t) {
              writerFailure.set(t);
            } finally {
              written.countDown();
            }
          }, "concurrent-writer");
          writer.start();
          try {
            assertThat(written.await(30, TimeUnit.SECONDS)).as("the writer finished").isTrue();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        }
        return super.apply(actions);
      }
    };
    ReconcileReport report = CrossDialectIT.reconcile(source, interfered, Mode.APPLY);
    assertThat(writerFailure.get()).isNull();
    assertThat(report.divergences()).as(report.summary()).isEqualTo(4);
    assertThat(report.repairs().refused()).as(report.summary()).isEqualTo(2);
    assertThat(report.repairs().applied()).as(report.summary()).isEqualTo(2);
    // The refused rows are reported as such, with what the target held instead.
    assertThat(report.findings()).filteredOn(f -> f.key().contains("102") || f.key().contains("40"))
        .hasSize(2);
    assertThat(H2.query(ds, "SELECT id, v FROM items WHERE id IN (40, 102) ORDER BY id"))
        .isEqualTo("40|concurrent\n102|concurrent\n");
    assertThat(H2.query(ds, "SELECT COUNT(*) FROM items WHERE id IN (100, 5000)")).isEqualTo("1\n");

    // Nothing interferes with the next run: it repairs what is left, and the one after is clean.
    ReconcileReport next = CrossDialectIT.reconcile(source, replica, Mode.APPLY);
    assertThat(next.divergences()).as(next.summary()).isEqualTo(2);
    assertThat(next.converged()).isTrue();
    assertThat(CrossDialectIT.reconcile(source, replica, Mode.APPLY).divergences()).isZero();
    assertThat(replica.digest(KeyRange.all())).isEqualTo(source.digest(KeyRange.all()));
  }

  @ParameterizedTest(name = "{0}: a connection killed mid-batch leaves nothing half-written; the next run converges")
  @EnumSource(value = Product.class, names = {"POSTGRES", "MARIADB"})
  void killedConnectionMidBatch(Product product) {
    List<Entry> rows = CrossDialectIT.rows();
    JdbcStore source = CrossDialectIT.seeded(CrossDialectIT.fresh(Product.H2), "source", rows);
    DataSource ds = CrossDialectIT.fresh(product);
    CrossDialectIT.seeded(ds, "replica", drifted(rows));
    AtomicInteger killAfter = new AtomicInteger(2); // kill before the second write statement
    DataSource faulty = killing(ds, product, killAfter);
    JdbcStore replica = CrossDialectIT.full(faulty, "replica");
    JdbcStore observer = CrossDialectIT.full(ds, "replica");
    Digest before = observer.digest(KeyRange.all());
    Entry at100 = observer.get(List.of(Key.of(100))).get(Key.of(100));
    Entry at102 = observer.get(List.of(Key.of(102))).get(Key.of(102));
    Entry at5000 = observer.get(List.of(Key.of(5000))).get(Key.of(5000));
    List<RepairAction> batch = List.of(
        RepairAction.upsert("replica", CrossDialectIT.row(40), Expected.absent()),
        RepairAction.upsert("replica", CrossDialectIT.row(100), Expected.present(at100)),
        RepairAction.upsert("replica", CrossDialectIT.row(102), Expected.present(at102)),
        RepairAction.delete("replica", Key.of(5000), Expected.present(at5000)));

    assertThatThrownBy(() -> replica.apply(batch))
        .isInstanceOf(ReconcileException.StoreUnavailableException.class)
        .hasMessageContaining("nothing of it was written");
    assertThat(killAfter).as("the fault fired").hasValueLessThan(0);
    // The delete of key 5000 (the first write statement) ran before the kill; it was rolled back
    // with the rest.
    assertThat(observer.digest(KeyRange.all())).isEqualTo(before);
    assertThat(observer.get(List.of(Key.of(5000)))).containsKey(Key.of(5000));
    assertThat(observer.get(List.of(Key.of(40)))).isEmpty();

    ReconcileReport next = CrossDialectIT.reconcile(source, replica, Mode.APPLY);
    assertThat(next.divergences()).as(next.summary()).isEqualTo(4);
    assertThat(next.repairs().applied()).isEqualTo(4);
    assertThat(next.converged()).isTrue();
    assertThat(observer.digest(KeyRange.all())).isEqualTo(source.digest(KeyRange.all()));
  }

  /**
   * A data source whose connections, while {@code killAfter} counts down from a positive value,
   * have the server kill them (from another session) just before that many-th write statement
   * (a single update or a JDBC batch);
   * the fault fires once.
   */
  private static DataSource killing(DataSource ds, Product product, AtomicInteger killAfter) {
    return (DataSource) Proxy.newProxyInstance(RepairFaultsIT.class.getClassLoader(),
        new Class<?>[] {DataSource.class}, (proxy, method, args) -> {
          Object result = DigestPushdownContract.invoke(ds, method, args);
          if (!(result instanceof Connection conn)) {
            return result;
          }
          long backend = backendId(conn, product);
          return Proxy.newProxyInstance(RepairFaultsIT.class.getClassLoader(),
              new Class<?>[] {Connection.class}, (p, m, a) -> {
                Object r = DigestPushdownContract.invoke(conn, m, a);
                if (!(r instanceof PreparedStatement ps)) {
                  return r;
                }
                return Proxy.newProxyInstance(RepairFaultsIT.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, (sp, sm, sa) -> {
                      if ((sm.getName().equals("executeUpdate") || sm.getName().equals("executeBatch"))
                          && killAfter.get() > 0
                          && killAfter.decrementAndGet() == 0) {
                        kill(ds, product, backend);
                        killAfter.set(-1);
                      }
                      return DigestPushdownContract.invoke(ps, sm, sa);
                    });
              });
        });
  }

  private static long backendId(Connection conn, Product product) throws Exception {
    String sql = product == Product.POSTGRES ? "SELECT pg_backend_pid()" : "SELECT CONNECTION_ID()";
    try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void kill(DataSource ds, Product product, long backend) throws Exception {
    try (Connection admin = ds.getConnection(); Statement s = admin.createStatement()) {
      if (product == Product.POSTGRES) {
        try (ResultSet rs = s.executeQuery("SELECT pg_terminate_backend(" + backend + ", 10000)")) {
          rs.next();
          assertThat(rs.getBoolean(1)).as("terminated backend %s", backend).isTrue();
        }
      } else {
        s.execute("KILL CONNECTION " + backend);
      }
    }
  }
}
