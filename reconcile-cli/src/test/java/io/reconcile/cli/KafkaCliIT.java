package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestKafka;
import io.reconcile.testservers.TestServers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a process between a PostgreSQL table and a compacted Kafka topic of three
 * partitions (the table's outbox, drifted): compared, repaired into the topic (guarded), compared
 * again, undone.
 */
class KafkaCliIT {

  @TempDir Path dir;

  private TestDatabase pg;
  private String topicUri;
  private String topic;

  @BeforeEach
  void plant() {
    pg = TestServers.postgres();
    pg.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL)",
        "INSERT INTO accounts SELECT i, 'name ' || i, i + 0.5 FROM generate_series(1, 40) i");
    topic = TestKafka.compactedTopic("accounts", 3);
    topicUri = "kafka://" + TestKafka.bootstrapServers() + "/" + topic + "?index=" + dir.resolve("index");
    try (KafkaProducer<String, String> p = producer()) {
      for (int i = 1; i <= 40; i++) {
        p.send(record(i, "name " + i, i + ".50"));
      }
      p.send(record(12, "renamed", "99"));  // a stale value, published later
      p.send(new ProducerRecord<>(topic, "{\"id\":7}", null)); // a delete that never happened in the table
      p.send(record(41, "ghost", "0"));      // a key the table never had
    }
  }

  @Test
  @DisplayName("a table and its topic: diff, a dry run as records, --apply refused without --guarded-writes, then repaired, clean, undone")
  void tableAgainstTopic() {
    String diffOut = "- 7 balance=7.5, name=\"name 7\"\n"
        + "~ 12 balance: 12.5 → 99, name: \"name 12\" → \"renamed\"\n"
        + "+ 41 balance=0, name=\"ghost\"\n";
    Cli.Result diff = run("diff");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).isEqualTo(diffOut);

    Cli.Result dry = run("repair", "--resolver", "source-wins");
    assertThat(dry.exit()).as(dry.toString()).isEqualTo(1);
    assertThat(dry.out()).contains("PRODUCE key 7 value {balance=7.5, name=\"name 7\"}", "PRODUCE key 41 tombstone",
        "only if key 12 still holds {balance=99, name=\"renamed\"}");

    Path audit = dir.resolve("audit.jsonl");
    Cli.Result unguarded = run("repair", "--resolver", "source-wins", "--apply", "--audit", audit.toString());
    assertThat(unguarded.exit()).as(unguarded.toString()).isEqualTo(2);
    assertThat(unguarded.err()).contains("--guarded-writes").doesNotContain("Reconciler.Builder");

    Cli.Result apply = run("repair", "--resolver", "source-wins", "--apply", "--guarded-writes", "--audit", audit.toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("undo with: reconcile undo ").contains("--guarded-writes");
    Map<String, String> latest = TestKafka.latestValues(topic);
    assertThat(latest.get("{\"id\":7}")).contains("\"name\":\"name 7\"");
    assertThat(latest.get("{\"id\":12}")).contains("\"name\":\"name 12\"");
    assertThat(latest).containsEntry("{\"id\":41}", null);

    Cli.Result clean = run("diff");
    assertThat(clean.exit()).as(clean.toString()).isZero();
    assertThat(clean.out()).isEmpty();

    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    Cli.Result undo = Cli.shell(Map.of(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    Cli.Result again = run("diff");
    assertThat(again.exit()).as(again.toString()).isEqualTo(1);
    assertThat(again.out()).isEqualTo(diffOut);
  }

  @Test
  @DisplayName("the audit trail kept in a topic: repair --audit kafka://…, verify-audit reads it back, the printed undo line reverses the run")
  void auditInATopic() {
    String auditTopic = "audit-" + topic;
    TestKafka.createTopic(auditTopic, 1, Map.of());
    String audit = "kafka://" + TestKafka.bootstrapServers() + "/" + auditTopic;
    Cli.Result apply = run("repair", "--resolver", "source-wins", "--apply", "--guarded-writes", "--audit", audit);
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("--audit " + audit);

    Cli.Result verify = Cli.run("verify-audit", audit);
    assertThat(verify.exit()).as(verify.toString()).isZero();
    assertThat(verify.out()).startsWith(audit + ": intact, ");

    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    Cli.Result undo = Cli.shell(Map.of(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(run("diff").exit()).isEqualTo(1);
    assertThat(Cli.run("verify-audit", audit).exit()).isZero();
  }

  @Test
  @DisplayName("a run file with a topic as its second database repairs it with guarded-writes: true, and without it is refused")
  void runFile() throws java.io.IOException {
    String file = "first: {url: \"" + pg.jdbcUrl() + "\", user: " + pg.user() + "}\n"
        + "second: {url: \"" + topicUri + "\"}\n"
        + "tables:\n  - {name: accounts, key: [id]}\n"
        + "repair: {resolver: source-wins, apply: true, audit: audit.jsonl, guarded-writes: GUARDED}\n";
    Path refused = dir.resolve("refused.yaml");
    java.nio.file.Files.writeString(refused, file.replace("GUARDED", "false"));
    Cli.Result no = Cli.run("run", refused.toString());
    assertThat(no.exit()).as(no.toString()).isEqualTo(2);
    assertThat(no.err()).contains("--guarded-writes");

    Path guarded = dir.resolve("guarded.yaml");
    java.nio.file.Files.writeString(guarded, file.replace("GUARDED", "true"));
    Cli.Result yes = Cli.run("run", guarded.toString());
    assertThat(yes.exit()).as(yes.toString()).isZero();
    assertThat(run("diff").exit()).isZero();
  }

  @Test
  @DisplayName("hostile input on a topic's side: a filter, a password, a bad format are one line each, exit 2, no secret shown; an empty table against an empty topic is equal")
  void hostileInput() {
    Cli.Result filter = run("diff", "-w", "id > 0");
    assertThat(filter.exit()).as(filter.toString()).isEqualTo(2);
    assertThat(filter.err().lines()).singleElement().asString().contains("no filter");

    Cli.Result password = Cli.run(Map.of("KAFKA_SECRET", "s3cret-kafka-pw"), List.of("diff", pg.jdbcUrl(), topicUri,
        "-t", "accounts", "-k", "id", "--user1", pg.user(), "--user2", "app", "--password-env2", "KAFKA_SECRET"));
    assertThat(password.exit()).as(password.toString()).isEqualTo(2);
    assertThat(password.err().lines()).singleElement().asString().contains("sasl.jaas.config");
    assertThat(password.out() + password.err()).doesNotContain("s3cret-kafka-pw");

    Cli.Result format = Cli.run("diff", pg.jdbcUrl(), topicUri.replace("?", "?format=xml&"), "-t", "accounts", "-k", "id",
        "--user1", pg.user());
    assertThat(format.exit()).as(format.toString()).isEqualTo(2);
    assertThat(format.err().lines()).singleElement().asString().contains("format is json");

    pg.exec("CREATE TABLE nothing (id bigint PRIMARY KEY, name text)");
    String empty = TestKafka.compactedTopic("nothing", 3);
    Cli.Result equal = Cli.run("diff", pg.jdbcUrl(), "kafka://" + TestKafka.bootstrapServers() + "/" + empty
        + "?index=" + dir.resolve("empty-index"), "-t", "nothing", "-k", "id", "--user1", pg.user());
    assertThat(equal.exit()).as(equal.toString()).isZero();
    assertThat(equal.out()).isEmpty();
  }

  @Test
  @DisplayName("a topic that does not exist is one line naming it, exit 2, and nothing is created")
  void missingTopic() {
    Cli.Result r = Cli.run("diff", pg.jdbcUrl(), "kafka://" + TestKafka.bootstrapServers() + "/no-such-topic",
        "-t", "accounts", "-k", "id", "--user1", pg.user());
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().lines()).singleElement().asString().startsWith("reconcile: error: ").contains("no-such-topic");
  }

  private Cli.Result run(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, pg.jdbcUrl(), topicUri, "-t", "accounts", "-k", "id",
        "--user1", pg.user()));
    args.addAll(List.of(more));
    return Cli.run(Map.of(), args);
  }

  private ProducerRecord<String, String> record(int id, String name, String balance) {
    return new ProducerRecord<>(topic, "{\"id\":" + id + "}",
        "{\"id\":" + id + ",\"name\":\"" + name + "\",\"balance\":" + balance + "}");
  }

  private KafkaProducer<String, String> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestKafka.bootstrapServers()),
        new StringSerializer(), new StringSerializer());
  }
}
