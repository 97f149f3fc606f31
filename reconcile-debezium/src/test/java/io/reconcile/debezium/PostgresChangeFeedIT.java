package io.reconcile.debezium;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.reconcile.api.Key;
import io.reconcile.api.KeyRange;
import io.reconcile.api.ReconcileException;
import io.reconcile.api.store.Change;
import io.reconcile.api.store.ChangeBatch;
import io.reconcile.api.store.ChangeFeed;
import io.reconcile.api.store.FeedPosition;
import io.reconcile.api.store.Store;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServer;
import io.reconcile.testservers.TestServers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The feed against a real PostgreSQL 17 with {@code wal_level=logical} (one server for the class,
 * one table and one slot per test), compared with what reconcile-jdbc's store reads from the same
 * table.
 */
class PostgresChangeFeedIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger TABLES = new AtomicInteger();

  private static TestServer server;
  private static TestDatabase db;
  private static String host;
  private static int port;
  private static String database;

  @BeforeAll
  static void startServer() {
    server = TestServers.logicalPostgres();
    db = server.newDatabase();
    Matcher m = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)/(\\w+)").matcher(db.jdbcUrl());
    assertThat(m.matches()).as(db.jdbcUrl()).isTrue();
    host = m.group(1);
    port = Integer.parseInt(m.group(2));
    database = m.group(3);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** A new table keyed by (bigint, text), its store, and a feed of it with a slot of its own. */
  private record Fixture(String table, Store store, PostgresChangeFeed feed) {}

  private static Fixture fixture() {
    String table = "orders_" + TABLES.incrementAndGet();
    db.exec("CREATE TABLE public." + table + " (region bigint NOT NULL, code text NOT NULL, amount int,"
        + " PRIMARY KEY (region, code))");
    Store store = JdbcStore.newBuilder(db.dataSource()).table("public." + table).build();
    return new Fixture(table, store, feedOf(table, store, db.password()));
  }

  private static PostgresChangeFeed feedOf(String table, Store store, String password) {
    return PostgresChangeFeed.newBuilder()
        .host(host).port(port).database(database)
        .user(db.user()).password(password)
        .table("public." + table)
        .watcherId("w_" + table)
        .store(store)
        .build();
  }

  /** Polls until the changes seen satisfy {@code done}; every batch is kept, in order. */
  private static List<ChangeBatch> pollUntil(ChangeFeed feed, Predicate<List<ChangeBatch>> done)
      throws InterruptedException {
    List<ChangeBatch> batches = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!done.test(batches)) {
      assertThat(System.nanoTime()).as("waited %s for the changes; those seen: %s", WAIT,
          batches.stream().filter(b -> !b.changes().isEmpty() || b.gap().isPresent()).toList()).isLessThan(deadline);
      batches.add(feed.poll(Duration.ofMillis(200)));
    }
    return batches;
  }

  private static Set<Key> keysOf(List<ChangeBatch> batches) {
    return batches.stream().flatMap(b -> b.changes().stream()).map(Change::key).collect(Collectors.toSet());
  }

  private static Predicate<List<ChangeBatch>> seen(Key... keys) {
    return batches -> keysOf(batches).containsAll(List.of(keys));
  }

  private static Predicate<List<ChangeBatch>> gapSeen() {
    return batches -> batches.stream().anyMatch(b -> b.gap().isPresent());
  }

  private static FeedPosition last(List<ChangeBatch> batches) {
    return batches.get(batches.size() - 1).position();
  }

  private static Set<Key> storeKeys(Store store) {
    try (Stream<io.reconcile.api.Entry> s = store.scan(KeyRange.all())) {
      return s.map(io.reconcile.api.Entry::key).collect(Collectors.toSet());
    }
  }

  private static long confirmedFlushLsn(String slot) {
    String lsn = db.query("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'").strip();
    return org.postgresql.replication.LogSequenceNumber.valueOf(lsn).asLong();
  }

  private static void assertNoSecret(List<ChangeBatch> batches) {
    for (ChangeBatch b : batches) {
      assertThat(b.position().token()).doesNotContain(db.password());
    }
  }

  @Test
  @DisplayName("inserts, updates and deletes under a composite key deliver the keys the JDBC store returns, with commit times")
  void deliversTheStoresKeys() throws Exception {
    Fixture f = fixture();
    try (ChangeFeed feed = f.feed().open(Optional.empty())) {
      ChangeBatch first = feed.poll(Duration.ZERO);
      assertThat(first.gap()).isEmpty();
      assertThat(first.changes()).isEmpty();
      Instant before = Instant.now().minusSeconds(5);
      db.exec("INSERT INTO " + f.table() + " VALUES (1, 'a', 10), (2, 'b', 20), (30000000000, 'Zürich', 5)");
      Set<Key> stored = storeKeys(f.store());
      assertThat(stored).hasSize(3);
      db.exec("UPDATE " + f.table() + " SET amount = 11 WHERE region = 1",
          "DELETE FROM " + f.table() + " WHERE region = 2");
      List<ChangeBatch> batches = pollUntil(feed, b -> b.stream().mapToInt(x -> x.changes().size()).sum() >= 5);

      assertThat(keysOf(batches)).isEqualTo(stored);
      List<Key> inOrder = batches.stream().flatMap(b -> b.changes().stream()).map(Change::key).toList();
      assertThat(inOrder).containsExactly(Key.of(1L, "a"), Key.of(2L, "b"), Key.of(30000000000L, "Zürich"),
          Key.of(1L, "a"), Key.of(2L, "b"));
      assertThat(batches).allSatisfy(b -> assertThat(b.gap()).isEmpty());
      assertThat(batches.stream().flatMap(b -> b.changes().stream()))
          .allSatisfy(c -> assertThat(c.committedAt()).isBetween(before, Instant.now().plusSeconds(5)));
      assertNoSecret(batches);
    }
  }

  @Test
  @DisplayName("char(n), uuid and numeric key columns give the same key parts as the JDBC store reads")
  void otherKeyTypesEqualTheStoresKeys() throws Exception {
    String table = "typed_" + TABLES.incrementAndGet();
    db.exec("CREATE TABLE public." + table + " (code char(5) NOT NULL, id uuid NOT NULL, price numeric(10,2) NOT NULL,"
        + " bin bytea NOT NULL, note text, PRIMARY KEY (code, id, price, bin))");
    Store store = JdbcStore.newBuilder(db.dataSource()).table("public." + table).build();
    try (ChangeFeed feed = feedOf(table, store, db.password()).open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      db.exec("INSERT INTO " + table + " VALUES ('ab', '6f1c2a9e-0d1b-4c5e-9a8b-7c6d5e4f3a2b', 1.50, '\\x00ff', 'x'),"
          + " ('abcde', '00000000-0000-0000-0000-000000000001', 20, '\\x', null)");
      Set<Key> stored = storeKeys(store);
      db.exec("DELETE FROM " + table + " WHERE code = 'ab'");
      List<ChangeBatch> batches = pollUntil(feed, b -> b.stream().mapToInt(x -> x.changes().size()).sum() >= 3);
      assertThat(stored).hasSize(2);
      assertThat(keysOf(batches)).isEqualTo(stored);
    }
  }

  @Test
  @DisplayName("reopened after a committed position, the feed delivers the changes made since, and not much more")
  void resumesAfterACommittedPosition() throws Exception {
    Fixture f = fixture();
    FeedPosition committed;
    try (ChangeFeed feed = f.feed().open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      db.exec("INSERT INTO " + f.table() + " VALUES (1, 'a', 1)", "INSERT INTO " + f.table() + " VALUES (2, 'b', 2)");
      List<ChangeBatch> batches = pollUntil(feed, seen(Key.of(1L, "a"), Key.of(2L, "b")));
      committed = last(batches);
      feed.commit(committed);
    }
    db.exec("INSERT INTO " + f.table() + " VALUES (3, 'c', 3)", "UPDATE " + f.table() + " SET amount = 4 WHERE region = 1");
    try (ChangeFeed feed = f.feed().open(Optional.of(committed))) {
      ChangeBatch first = feed.poll(Duration.ZERO);
      assertThat(first.gap()).isEmpty();
      assertThat(first.position()).isEqualTo(committed);
      List<ChangeBatch> batches = pollUntil(feed, seen(Key.of(3L, "c"), Key.of(1L, "a")));
      assertThat(batches).allSatisfy(b -> assertThat(b.gap()).isEmpty());
      // at least once: the changes after the position; of those before it, at most the last transaction's
      assertThat(keysOf(batches)).isSubsetOf(Key.of(1L, "a"), Key.of(2L, "b"), Key.of(3L, "c"));
      assertThat(batches.stream().mapToInt(b -> b.changes().size()).sum()).isLessThanOrEqualTo(3);
    }
  }

  @Test
  @DisplayName("commit advances the slot's confirmed_flush_lsn; a delivered but uncommitted position does not")
  void commitAcknowledgesTheSlotOnlyThatFar() throws Exception {
    Fixture f = fixture();
    String slot = f.feed().slotName();
    long initial = confirmedFlushLsn(slot);
    FeedPosition p2;
    try (ChangeFeed feed = f.feed().open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      db.exec("INSERT INTO " + f.table() + " VALUES (1, 'a', 1)");
      pollUntil(feed, seen(Key.of(1L, "a")));
      db.exec("INSERT INTO " + f.table() + " VALUES (2, 'b', 2)");
      p2 = last(pollUntil(feed, seen(Key.of(2L, "b"))));
      db.exec("INSERT INTO " + f.table() + " VALUES (3, 'c', 3)");
      FeedPosition p3 = last(pollUntil(feed, seen(Key.of(3L, "c"))));
      feed.commit(p2);
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (confirmedFlushLsn(slot) <= initial) {
        assertThat(System.nanoTime()).as("confirmed_flush_lsn never advanced past %s", initial).isLessThan(deadline);
        Thread.onSpinWait();
      }
      long p3Lsn = (Long) Position.parse(p3).offset().get("lsn");
      assertThat(confirmedFlushLsn(slot)).isLessThan(p3Lsn);
    }
    // closed: the engine flushed what it had; p3 was never committed, so the slot has not passed it
    try (ChangeFeed feed = f.feed().open(Optional.of(p2))) {
      List<ChangeBatch> batches = pollUntil(feed, seen(Key.of(3L, "c")));
      assertThat(batches).allSatisfy(b -> assertThat(b.gap()).isEmpty());
      assertThat(keysOf(batches)).contains(Key.of(3L, "c"));
    }
  }

  @Test
  @DisplayName("a TRUNCATE of the table gives a gap")
  void truncateIsAGap() throws Exception {
    Fixture f = fixture();
    try (ChangeFeed feed = f.feed().open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      db.exec("INSERT INTO " + f.table() + " VALUES (1, 'a', 1)", "TRUNCATE " + f.table(),
          "INSERT INTO " + f.table() + " VALUES (2, 'b', 2)");
      List<ChangeBatch> batches = pollUntil(feed, b -> gapSeen().test(b) && seen(Key.of(2L, "b")).test(b));
      ChangeBatch gap = batches.stream().filter(b -> b.gap().isPresent()).findFirst().orElseThrow();
      assertThat(gap.gap().orElseThrow()).contains("truncated");
      assertThat(gap.changes()).doesNotContain(new Change(Key.of(1L, "a"), null));
    }
  }

  @Test
  @DisplayName("a malformed position, or one of another slot, gives a gap; the feed then delivers what follows")
  void foreignPositionsAreGaps() throws Exception {
    Fixture f = fixture();
    Fixture other = fixture();
    FeedPosition otherPosition;
    try (ChangeFeed feed = other.feed().open(Optional.empty())) {
      otherPosition = feed.poll(Duration.ZERO).position();
    }
    for (FeedPosition p : List.of(new FeedPosition("{not json"), new FeedPosition("{\"v\":99}"), otherPosition)) {
      try (ChangeFeed feed = f.feed().open(Optional.of(p))) {
        ChangeBatch first = feed.poll(Duration.ZERO);
        assertThat(first.gap()).as("position %s", p).isPresent();
        assertThat(first.position()).isNotEqualTo(p);
      }
    }
    try (ChangeFeed feed = f.feed().open(Optional.of(new FeedPosition("garbage")))) {
      assertThat(feed.poll(Duration.ZERO).gap().orElseThrow()).contains("not one of this feed's");
      db.exec("INSERT INTO " + f.table() + " VALUES (7, 'g', 7)");
      assertThat(keysOf(pollUntil(feed, seen(Key.of(7L, "g"))))).contains(Key.of(7L, "g"));
    }
  }

  @Test
  @DisplayName("a slot dropped (and created again) since the position gives a gap")
  void lostSlotIsAGap() throws Exception {
    Fixture f = fixture();
    String slot = f.feed().slotName();
    FeedPosition committed;
    try (ChangeFeed feed = f.feed().open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      db.exec("INSERT INTO " + f.table() + " VALUES (1, 'a', 1)");
      committed = last(pollUntil(feed, seen(Key.of(1L, "a"))));
      feed.commit(committed);
    }
    db.exec("SELECT pg_drop_replication_slot('" + slot + "')");
    try (ChangeFeed feed = f.feed().open(Optional.of(committed))) {
      assertThat(feed.poll(Duration.ZERO).gap().orElseThrow()).contains("does not exist");
    }
    committed = f.feed().open(Optional.empty()).poll(Duration.ZERO).position();
    db.exec("SELECT pg_drop_replication_slot('" + slot + "')");
    db.exec("INSERT INTO " + f.table() + " VALUES (2, 'b', 2)");
    db.exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
    try (ChangeFeed feed = f.feed().open(Optional.of(committed))) {
      assertThat(feed.poll(Duration.ZERO).gap().orElseThrow()).contains("past the position");
    }
  }

  @Test
  @DisplayName("close() from another thread ends a poll that is waiting")
  void closeEndsAWaitingPoll() throws Exception {
    Fixture f = fixture();
    ChangeFeed feed = f.feed().open(Optional.empty());
    feed.poll(Duration.ZERO);
    AtomicReference<Thread> poller = new AtomicReference<>();
    CompletableFuture<Object> polled = CompletableFuture.supplyAsync(() -> {
      poller.set(Thread.currentThread());
      try {
        return feed.poll(Duration.ofMinutes(5));
      } catch (InterruptedException | RuntimeException e) {
        return e;
      }
    });
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (poller.get() == null || poller.get().getState() != Thread.State.TIMED_WAITING) {
      assertThat(System.nanoTime()).as("the poll never started waiting").isLessThan(deadline);
      Thread.onSpinWait();
    }
    long start = System.nanoTime();
    feed.close();
    Object result = polled.get(30, TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(result).isInstanceOf(ReconcileException.StoreUnavailableException.class);
    assertThat(((Exception) result).getMessage()).contains("closed");
    assertThatThrownBy(() -> feed.poll(Duration.ZERO)).isInstanceOf(ReconcileException.StoreUnavailableException.class);
  }

  @Test
  @DisplayName("a change of the key columns' type gives a gap")
  void keySchemaChangeIsAGap() throws Exception {
    Fixture f = fixture();
    try (ChangeFeed feed = f.feed().open(Optional.empty())) {
      feed.poll(Duration.ZERO);
      db.exec("INSERT INTO " + f.table() + " VALUES (1, 'a', 1)");
      pollUntil(feed, seen(Key.of(1L, "a")));
      db.exec("ALTER TABLE " + f.table() + " ALTER COLUMN code TYPE varchar(20)",
          "INSERT INTO " + f.table() + " VALUES (2, 'b', 2)");
      List<ChangeBatch> batches = pollUntil(feed, gapSeen());
      assertThat(batches.stream().flatMap(b -> b.gap().stream())).anySatisfy(r -> assertThat(r).contains("key columns"));
    }
  }

  @Test
  @DisplayName("a refused login names the server, never the password")
  void passwordNeverInErrors() {
    Fixture f = fixture();
    String wrong = "Wr0ng-" + db.password();
    PostgresChangeFeed bad = feedOf(f.table(), f.store(), wrong);
    assertThat(bad.toString()).doesNotContain(wrong).contains(f.table());
    assertThatThrownBy(() -> bad.open(Optional.empty()))
        .isInstanceOf(ReconcileException.StoreUnavailableException.class)
        .satisfies(e -> {
          for (Throwable t = e; t != null; t = t.getCause()) {
            assertThat(String.valueOf(t.getMessage())).doesNotContain(wrong).doesNotContain(db.password());
          }
          assertThat(e.getMessage()).contains(database).contains("REPLICATION");
        });
  }
}
