package io.reconcile.mongo;

import static io.reconcile.mongo.CrossStore.diff;
import static io.reconcile.mongo.CrossStore.find;
import static io.reconcile.mongo.CrossStore.repair;
import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.reconcile.api.store.Store;
import io.reconcile.core.ReconcileReport;
import io.reconcile.jdbc.JdbcStore;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestServers;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

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

  static final int PROFILES = 20;

  /** Profile {@code i} as JSON: the same in the jsonb column (which reorders keys) and as a nested document. */
  static String profile(int i, String city) {
    return "{\"city\": \"" + city + "\", \"zip\": " + (1000 + i) + ", \"score\": " + i + ".5,"
        + " \"tags\": [\"t" + i + "\", \"all\"], \"prefs\": {\"news\": " + (i % 2 == 0) + ", \"lang\": \"en\"}}";
  }

  @Test
  @DisplayName("a jsonb column and nested documents holding the same JSON are equal; the table repairs a nested field as a nested document")
  void jsonbAgainstNestedDocuments() {
    db.exec("CREATE TABLE profiles (id bigint PRIMARY KEY, name text NOT NULL, profile jsonb NOT NULL)");
    StringBuilder rows = new StringBuilder("INSERT INTO profiles (id, name, profile) VALUES ");
    List<BsonDocument> docs = new ArrayList<>();
    for (int i = 1; i <= PROFILES; i++) {
      rows.append(i == 1 ? "" : ", ").append("(").append(i).append(", 'user ").append(i).append("', '")
          .append(profile(i, "city " + i)).append("')");
      // The document's keys in another order than jsonb's, and its zip an int64: equal as maps by value.
      docs.add(BsonDocument.parse("{\"_id\": " + i + ", \"name\": \"user " + i + "\", \"profile\": {\"prefs\": {\"lang\": \"en\","
          + " \"news\": " + (i % 2 == 0) + "}, \"tags\": [\"t" + i + "\", \"all\"], \"zip\": {\"$numberLong\": \"" + (1000 + i) + "\"},"
          + " \"score\": " + i + ".5, \"city\": \"city " + i + "\"}}"));
    }
    db.exec(rows.toString());
    MongoCollection<BsonDocument> profiles = CrossStore.create(CLIENT, "profiles", "profiles");
    profiles.insertMany(docs);
    try (Store t = profilesTable(true); Store c = CrossStore.store(CLIENT, profiles, "collection", true)) {
      ReconcileReport r = diff(t, c);
      assertThat(r.divergences()).as("logically equal JSON: %s", r.findings().isEmpty() ? r.summary() : r.findings().get(0))
          .isZero();
    }

    profiles.updateOne(Filters.eq("_id", 9), Updates.set("profile.city", "moved"));
    try (Store t = profilesTable(true); Store c = CrossStore.store(CLIENT, profiles, "collection", false)) {
      ReconcileReport r = repair("table", t, c);
      assertThat(r.divergences()).as(r.summary()).isEqualTo(1);
      assertThat(r.converged()).as(r.summary()).isTrue();
    }
    BsonDocument nine = find(profiles, 9);
    assertThat(nine.isDocument("profile")).as("the profile stays a nested document: %s", nine).isTrue();
    assertThat(nine.getDocument("profile").getString("city").getValue()).isEqualTo("city 9");
  }

  private Store profilesTable(boolean readOnly) {
    return JdbcStore.newBuilder(db.dataSource()).id("table").table("profiles").keyColumns("id").readOnly(readOnly).build();
  }
}
