package io.reconcile.mongo;

import static io.reconcile.mongo.CrossStore.diff;
import static io.reconcile.mongo.CrossStore.find;
import static io.reconcile.mongo.CrossStore.racing;
import static io.reconcile.mongo.CrossStore.repair;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.reconcile.api.store.Store;
import io.reconcile.core.ReconcileReport;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestMongo;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A table of one SQL product and a MongoDB collection holding the same accounts — rows against
 * documents, the key column against {@code _id} — drifted apart, compared and repaired through the
 * engine in both directions. The documents hold each number in another BSON type than the
 * table's column (int32, int64 and double {@code _id}s and visit counts, decimal128 and double
 * balances against {@code numeric(10,2)}) and timestamps as BSON dates, all equal by value.
 */
abstract class TableCollectionContract {

  static final int ROWS = 60;
  static final Instant BASE = Instant.parse("2024-03-01T10:00:00Z");
  private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  /** This class's client: opened before its first test, closed after its last (each subclass has its own). */
  static MongoClient CLIENT;

  /** A new, empty database of the product. */
  abstract TestDatabase newDatabase();

  /**
   * {@code CREATE TABLE accounts (id <64-bit integer> PRIMARY KEY, name <text> NOT NULL, balance
   * <decimal(10,2)> NOT NULL, visits <64-bit integer> NOT NULL, opened <timestamp(3) without zone>
   * NOT NULL, active <boolean> NOT NULL)} in the product's types.
   */
  abstract String createAccounts();

  TestDatabase db;
  MongoCollection<BsonDocument> accounts;

  @BeforeAll
  static void openClient() {
    CLIENT = TestMongo.client();
  }

  @AfterAll
  static void closeClient() {
    CLIENT.close();
  }

  @BeforeEach
  void plant() {
    db = newDatabase();
    db.exec(createAccounts());
    StringBuilder rows = new StringBuilder("INSERT INTO accounts (id, name, balance, visits, opened, active) VALUES ");
    List<BsonDocument> docs = new ArrayList<>();
    for (int i = 1; i <= ROWS; i++) {
      rows.append(i == 1 ? "" : ", ").append(row(i, "name " + i, i + ".50", i * 10L, opened(i), i % 2 == 0));
      docs.add(document(i));
    }
    db.exec(rows.toString());
    accounts = CrossStore.create(CLIENT, "accounts", "accounts");
    accounts.insertMany(docs);
  }

  static Instant opened(int i) {
    return BASE.plusSeconds(3_600L * i).plusMillis(i);
  }

  static String row(long id, String name, String balance, long visits, Instant opened, boolean active) {
    return "(" + id + ", '" + name + "', " + balance + ", " + visits + ", '"
        + LocalDateTime.ofInstant(opened, ZoneOffset.UTC).format(SQL_TIME) + "', " + active + ")";
  }

  /**
   * Row {@code i} as a document, its numbers in other types than the table's: {@code _id} int32 up
   * to 30 and int64 beyond; the balance decimal128 ({@code 4.50}) for even ids and double ({@code
   * 4.5}) for odd ones; the visits int32, int64 or double by {@code i mod 3}.
   */
  static BsonDocument document(int i) {
    BsonValue id = i <= 30 ? new BsonInt32(i) : new BsonInt64(i);
    BsonValue balance = i % 2 == 0 ? new BsonDecimal128(new Decimal128(new BigDecimal(i + ".50")))
        : new BsonDouble(i + 0.5);
    BsonValue visits = switch (i % 3) {
      case 0 -> new BsonInt32(i * 10);
      case 1 -> new BsonInt64(i * 10L);
      default -> new BsonDouble(i * 10.0);
    };
    return new BsonDocument("_id", id)
        .append("name", new BsonString("name " + i))
        .append("balance", balance)
        .append("visits", visits)
        .append("opened", new BsonDateTime(opened(i).toEpochMilli()))
        .append("active", BsonBoolean.valueOf(i % 2 == 0));
  }

  Store table(boolean readOnly) {
    return JdbcStore.newBuilder(db.dataSource()).id("table").table("accounts").keyColumns("id").readOnly(readOnly).build();
  }

  MongoStore collection(boolean readOnly) {
    return CrossStore.store(CLIENT, accounts, "collection", readOnly);
  }

  /** Drifts the collection: document 7 deleted, 12 renamed with another balance, 61 the table lacks. */
  void driftCollection() {
    accounts.deleteOne(Filters.eq("_id", 7));
    accounts.updateOne(Filters.eq("_id", 12), Updates.combine(Updates.set("name", "renamed"),
        Updates.set("balance", new Decimal128(new BigDecimal("99.00")))));
    BsonDocument ghost = document(61).append("name", new BsonString("ghost"));
    accounts.insertOne(ghost);
  }

  @Test
  @DisplayName("rows and documents holding the same data in other numeric types and as dates are equal")
  void equalWhenLogicallyEqual() {
    try (Store t = table(true); Store c = collection(true)) {
      ReconcileReport r = diff(t, c);
      assertThat(r.divergences()).as(r.summary()).isZero();
      assertThat(r.converged()).isTrue();
      ReconcileReport back = diff(c, t);
      assertThat(back.divergences()).as(back.summary()).isZero();
    }
  }

  @Test
  @DisplayName("a one-field change in one document is found as a MISMATCH of that key only")
  void oneChangedFieldIsFound() {
    accounts.updateOne(Filters.eq("_id", 44), Updates.set("visits", 441L));
    try (Store t = table(true); Store c = collection(true)) {
      ReconcileReport r = diff(t, c);
      assertThat(r.divergencesByKind()).as(r.summary()).isEqualTo(Map.of("MISMATCH", 1L));
      assertThat(r.findings()).singleElement().satisfies(f -> assertThat(f.key()).contains("44"));
    }
  }

  @Test
  @DisplayName("a diff finds the missing, extra and mismatched documents, and writes nothing")
  void diffFindsMissingExtraAndMismatched() {
    driftCollection();
    long before = accounts.countDocuments();
    String tableBefore = db.checksum();
    try (Store t = table(true); Store c = collection(false)) {
      ReconcileReport r = diff(t, c);
      assertThat(r.divergencesByKind()).as(r.summary())
          .isEqualTo(Map.of("MISSING", 1L, "EXTRA", 1L, "MISMATCH", 1L));
      assertThat(r.findings()).extracting(f -> f.kind() + " " + f.key())
          .anySatisfy(s -> assertThat(s).startsWith("MISSING").contains("7"))
          .anySatisfy(s -> assertThat(s).startsWith("MISMATCH").contains("12"))
          .anySatisfy(s -> assertThat(s).startsWith("EXTRA").contains("61"));
      assertThat(r.converged()).isFalse();
    }
    assertThat(accounts.countDocuments()).isEqualTo(before);
    assertThat(find(accounts, 12).getString("name").getValue()).isEqualTo("renamed");
    assertThat(db.checksum()).isEqualTo(tableBefore);
  }

  @Test
  @DisplayName("the table repairs its collection: verified converged, types kept where a document held the value, and a second diff is empty")
  void tableRepairsCollection() {
    driftCollection();
    String tableBefore = db.checksum();
    try (Store t = table(true); Store c = collection(false)) {
      ReconcileReport r = repair("table", t, c);
      assertThat(r.divergences()).as(r.summary()).isEqualTo(3);
      assertThat(r.repairs().applied()).as(r.summary()).isEqualTo(3);
      assertThat(r.converged()).as(r.summary()).isTrue();
      assertThat(r.verification().rangesVerified()).as(r.summary()).isPositive();
      assertThat(r.verification().unconverged()).isEmpty();
    }
    BsonDocument seven = find(accounts, 7);
    assertThat(seven).isNotNull();
    assertThat(seven.getString("name").getValue()).isEqualTo("name 7");
    assertThat(seven.get("balance")).isEqualTo(new BsonDouble(7.5));
    assertThat(seven.get("visits").asNumber().longValue()).isEqualTo(70L);
    assertThat(seven.get("opened")).isEqualTo(new BsonDateTime(opened(7).toEpochMilli()));
    assertThat(seven.getBoolean("active").getValue()).isFalse();
    BsonDocument twelve = find(accounts, 12);
    assertThat(twelve.getString("name").getValue()).isEqualTo("name 12");
    assertThat(twelve.get("balance").isDecimal128()).as("the document's decimal128 is kept: %s", twelve).isTrue();
    assertThat(twelve.get("balance").asDecimal128().getValue().bigDecimalValue()).isEqualByComparingTo("12.5");
    assertThat(find(accounts, 61)).isNull();
    assertThat(accounts.countDocuments()).isEqualTo(ROWS);
    assertThat(db.checksum()).as("the source of truth is not written").isEqualTo(tableBefore);
    try (Store t = table(true); Store c = collection(true)) {
      ReconcileReport again = diff(t, c);
      assertThat(again.divergences()).as(again.summary()).isZero();
    }
  }

  @Test
  @DisplayName("the collection repairs its table: deleted, stale and extra rows, verified; a second diff is empty")
  void collectionRepairsTable() {
    db.exec("DELETE FROM accounts WHERE id = 3",
        "UPDATE accounts SET name = 'stale', balance = 1, visits = 0 WHERE id = 4",
        "INSERT INTO accounts (id, name, balance, visits, opened, active) VALUES "
            + row(62, "ghost", "0", 0, BASE, false));
    accounts.updateOne(Filters.eq("_id", 5), Updates.set("name", "newer in the collection"));
    long documents = accounts.countDocuments();
    try (Store t = table(false); Store c = collection(true)) {
      ReconcileReport r = repair("collection", c, t);
      assertThat(r.divergencesByKind()).as(r.summary())
          .isEqualTo(Map.of("MISSING", 1L, "EXTRA", 1L, "MISMATCH", 2L));
      assertThat(r.repairs().applied()).as(r.summary()).isEqualTo(4);
      assertThat(r.converged()).as(r.summary()).isTrue();
      assertThat(r.verification().unconverged()).isEmpty();
    }
    assertThat(db.query("SELECT name, balance, visits FROM accounts WHERE id = 3").strip()).isEqualTo("name 3|3.50|30");
    assertThat(db.query("SELECT name, balance, visits FROM accounts WHERE id = 4").strip()).isEqualTo("name 4|4.50|40");
    assertThat(db.query("SELECT name FROM accounts WHERE id = 5").strip()).isEqualTo("newer in the collection");
    assertThat(db.query("SELECT count(*) FROM accounts WHERE id = 62").strip()).isEqualTo("0");
    assertThat(accounts.countDocuments()).as("the source of truth is not written").isEqualTo(documents);
    try (Store t = table(true); Store c = collection(true)) {
      ReconcileReport again = diff(c, t);
      assertThat(again.divergences()).as(again.summary()).isZero();
    }
  }

  @Test
  @DisplayName("a document written after detection, before the repair reaches it, is refused and keeps the newer value")
  void concurrentWriterIsNotOverwritten() {
    driftCollection();
    try (Store t = table(true); MongoStore c = collection(false)) {
      Store raced = racing(c, () -> accounts.updateOne(Filters.eq("_id", 12), Updates.set("name", "written meanwhile")));
      ReconcileReport r = repair("table", t, raced);
      assertThat(r.divergences()).as(r.summary()).isEqualTo(3);
      assertThat(r.repairs().refused()).as(r.summary()).isEqualTo(1);
      assertThat(r.repairs().applied()).as(r.summary()).isEqualTo(2);
      assertThat(r.converged()).as(r.summary()).isFalse();
    }
    BsonDocument twelve = find(accounts, 12);
    assertThat(twelve.getString("name").getValue()).isEqualTo("written meanwhile");
    assertThat(twelve.get("balance").asDecimal128().getValue().bigDecimalValue()).isEqualByComparingTo("99");
    assertThat(find(accounts, 7)).isNotNull();
    assertThat(find(accounts, 61)).isNull();
  }
}
