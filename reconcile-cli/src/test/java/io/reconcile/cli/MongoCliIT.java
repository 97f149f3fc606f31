package io.reconcile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.reconcile.testkit.internal.ReadmeExample;
import io.reconcile.testservers.TestDatabase;
import io.reconcile.testservers.TestMongo;
import io.reconcile.testservers.TestServers;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command as a process between a PostgreSQL table and a MongoDB collection (a copy of the table
 * as documents, drifted), and between two collections: compared, planned, repaired, compared again,
 * undone; a run file with a collection on one side; and hostile input on a collection's side, which
 * is one line and exit 2, writes nothing and never shows a password. MongoDB is the in-memory,
 * wire-compatible server of {@link TestMongo}, or the real one {@code MONGO_URI} names.
 */
class MongoCliIT {

  /** The planted differences, as {@code reconcile diff} prints them. */
  static final String DIFF = "- 7 balance=7.5, name=\"name 7\"\n"
      + "~ 12 name: \"name 12\" → \"renamed\"\n"
      + "+ 41 balance=0, name=\"ghost\"\n";

  private static final String PASSWORD = "s3cret-mongo-pw";

  @TempDir Path dir;

  private TestDatabase pg;
  private MongoClient client;
  private String database;
  private MongoCollection<Document> accounts;
  private String mongoUri;

  @BeforeEach
  void plant() {
    pg = TestServers.postgres();
    pg.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL, balance numeric(10,2) NOT NULL)",
        "INSERT INTO accounts SELECT i, 'name ' || i, i + 0.5 FROM generate_series(1, 40) i");
    client = TestMongo.client();
    database = TestMongo.newDatabase("shop");
    accounts = client.getDatabase(database).getCollection("accounts");
    List<Document> docs = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      if (i != 7) {
        docs.add(new Document("_id", i).append("name", i == 12 ? "renamed" : "name " + i).append("balance", i + 0.5));
      }
    }
    docs.add(new Document("_id", 41).append("name", "ghost").append("balance", 0));
    accounts.insertMany(docs);
    mongoUri = TestMongo.uri() + "/" + database + ".accounts";
  }

  @AfterEach
  void close() {
    client.close();
  }

  @Test
  @DisplayName("a table and its collection: diff, a dry run as document writes that writes nothing, repaired, clean, undone")
  void tableAgainstCollection() {
    Cli.Result diff = run("diff");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).isEqualTo(DIFF);
    assertThat(diff.err()).isEmpty();

    String before = documents(accounts);
    Cli.Result dry = run("repair", "--resolver", "source-wins", "--dry-run");
    assertThat(dry.exit()).as(dry.toString()).isEqualTo(1);
    assertThat(dry.out()).contains(
        "db.accounts.insertOne({_id: 7, balance: 7.5, name: \"name 7\"})\n--   only if key 7 is still absent\n",
        "db.accounts.replaceOne({_id: 12}, {_id: 12, balance: 12.5, name: \"name 12\"})\n"
            + "--   only if key 12 still holds {balance: 12.5, name: \"renamed\"}\n",
        "db.accounts.deleteOne({_id: 41})\n--   only if key 41 still holds {balance: 0, name: \"ghost\"}\n",
        "-- accounts: 3 difference(s), 3 statement(s) planned; dry run, nothing was written\n");
    assertThat(documents(accounts)).isEqualTo(before);

    Path audit = dir.resolve("audit.jsonl");
    Cli.Result apply = run("repair", "--resolver", "source-wins", "--apply", "--audit", audit.toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(apply.out()).contains("3 applied, 0 already in place, 0 refused", "verified: 3 of 3 repaired ranges now agree");
    // the table's numeric(10,2) went in as the double the other documents hold, not as text or decimal128
    assertThat(accounts.find(new Document("_id", 7)).first()).isEqualTo(
        new Document("_id", 7).append("balance", 7.5).append("name", "name 7"));
    assertThat(accounts.find(new Document("_id", 41)).first()).isNull();

    Cli.Result clean = run("diff");
    assertThat(clean.exit()).as(clean.toString()).isZero();
    assertThat(clean.out()).isEmpty();
    assertThat(Cli.run("verify-audit", audit.toString()).exit()).isZero();

    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    assertThat(undoLine).startsWith("reconcile undo ").contains(mongoUri);
    Cli.Result undo = Cli.shell(Map.of(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(undo.out()).contains("3 reversed");
    // Every document is back, field for field and type for type; but the deleted one comes back with
    // its fields in name order (balance before name), not in the order it had: the audit log reads
    // a row back as a sorted map (reconcile-core's AuditJson), so the order is not restored.
    assertThat(inNameOrder(documents(accounts))).isEqualTo(inNameOrder(before));
    assertThat(run("diff").out()).isEqualTo(DIFF);
  }

  /**
   * The root README's MongoDB example: the diff line (with its continuation), run from the
   * repository root by a POSIX shell exactly as written but for the database's URL, the collection's
   * URI and the user, prints the lines after it (their # comments aside); the dry run, written with
   * {@code …} for the diff's arguments, prints the lines after it; the apply line converges.
   */
  @Test
  @DisplayName("the README's MongoDB section, run as written, prints the README's output and converges")
  void readmeRunsAsWritten() {
    List<String> block = ReadmeExample.following(Path.of("..", "README.md"), "## A table against a MongoDB collection", "bash").lines();
    int start = indexOf(block, "reconcile-cli/target/reconcile diff ", 0);
    int end = start;
    while (block.get(end).endsWith("\\")) {
      end++;
    }
    String command = String.join("\n", block.subList(start, end + 1));
    command = replaceOnce(command, "jdbc:postgresql://db1:5432/shop", pg.jdbcUrl());
    command = replaceOnce(command, "mongodb://127.0.0.1:27017/shop.accounts", mongoUri);
    command = replaceOnce(command, "--user1 app", "--user1 " + pg.user());
    String arguments = command.substring("reconcile-cli/target/reconcile diff ".length());

    int comment = indexOf(block, "#", end + 1);
    Cli.Result diff = Cli.shellIn(Path.of(".."), Map.of(), command);
    assertThat(diff.out()).as(diff.toString()).isEqualTo(output(block.subList(end + 1, comment)));
    assertThat(diff.exit()).isEqualTo(1);

    int dryLine = indexOf(block, "reconcile-cli/target/reconcile repair … --resolver source-wins", comment);
    assertThat(block.get(dryLine)).isEqualTo("reconcile-cli/target/reconcile repair … --resolver source-wins");
    int next = indexOf(block, "#", dryLine + 1);
    String before = documents(accounts);
    Cli.Result dry = Cli.shellIn(Path.of(".."), Map.of(),
        "reconcile-cli/target/reconcile repair " + arguments + " --resolver source-wins");
    assertThat(dry.out()).as(dry.toString()).isEqualTo(output(block.subList(dryLine + 1, next)));
    assertThat(dry.exit()).isEqualTo(1);
    assertThat(documents(accounts)).isEqualTo(before);

    int applyLine = indexOf(block, "reconcile-cli/target/reconcile repair … --resolver source-wins --apply", next);
    String apply = block.get(applyLine).replace("reconcile-cli/target/reconcile repair … ", "reconcile-cli/target/reconcile repair "
        + arguments + " ").replace("audit.jsonl", dir.resolve("audit.jsonl").toString());
    Cli.Result applied = Cli.shellIn(Path.of(".."), Map.of(), apply);
    assertThat(applied.exit()).as(applied.toString()).isZero();
    assertThat(run("diff").exit()).isZero();
  }

  @Test
  @DisplayName("two collections under a compound _id: nested documents and arrays diffed; a repair of some fields keeps the others")
  void collectionAgainstCollection() {
    MongoDatabase db = client.getDatabase(database);
    MongoCollection<Document> a = db.getCollection("orders");
    MongoCollection<Document> b = db.getCollection("orders_copy");
    for (int i = 1; i <= 30; i++) {
      for (String region : List.of("eu", "us")) {
        Document d = new Document("_id", new Document("region", region).append("id", i)).append("item", "item " + i)
            .append("qty", i).append("tags", List.of("x", "y"))
            .append("shipped", new Document("at", new Date(1_767_225_600_000L + i * 1000L)).append("by", "post"));
        a.insertOne(d);
        if (region.equals("eu") && i == 3) {
          continue;
        }
        Document copy = Document.parse(d.toJson());
        if (region.equals("us") && i == 5) {
          copy.append("qty", 500L).append("note", "kept");
        }
        if (region.equals("us") && i == 6) {
          copy.append("tags", List.of("y", "x"));
        }
        b.insertOne(copy);
      }
    }
    String uri = TestMongo.uri() + "/" + database;

    Cli.Result diff = Cli.run("diff", uri, uri, "-t", "orders,orders_copy", "-k", "region,id", "-c", "item,qty,tags,shipped");
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).isEqualTo(
        "- (\"eu\", 3) item=\"item 3\", qty=3, shipped={at=2026-01-01T00:00:03Z, by=\"post\"}, tags=[\"x\", \"y\"]\n"
            + "~ (\"us\", 5) qty: 5 → 500\n"
            + "~ (\"us\", 6) tags: [\"x\", \"y\"] → [\"y\", \"x\"]\n");

    Cli.Result dry = Cli.run("repair", uri, uri, "-t", "orders,orders_copy", "-k", "region,id", "-c", "item,qty,tags,shipped",
        "--resolver", "source-wins");
    assertThat(dry.exit()).as(dry.toString()).isEqualTo(1);
    assertThat(dry.out()).contains(
        "db.orders_copy.insertOne({_id: {region: \"eu\", id: 3}, item: \"item 3\", qty: 3,"
            + " shipped: {at: ISODate(\"2026-01-01T00:00:03Z\"), by: \"post\"}, tags: [\"x\", \"y\"]})\n",
        "db.orders_copy.replaceOne({_id: {region: \"us\", id: 5}}, {_id: {region: \"us\", id: 5}, item: \"item 5\", qty: 5,"
            + " shipped: {at: ISODate(\"2026-01-01T00:00:05Z\"), by: \"post\"}, tags: [\"x\", \"y\"]})\n"
            + "--   the fields it does not compare are kept as the document holds them\n");

    Cli.Result apply = Cli.run("repair", uri, uri, "-t", "orders,orders_copy", "-k", "region,id", "-c", "item,qty,tags,shipped",
        "--resolver", "source-wins", "--apply", "--audit", dir.resolve("audit.jsonl").toString());
    assertThat(apply.exit()).as(apply.toString()).isZero();
    BsonDocument us5 = db.getCollection("orders_copy", BsonDocument.class)
        .find(new Document("_id", new Document("region", "us").append("id", 5))).first();
    assertThat(us5.getString("note").getValue()).as("a field not compared is kept").isEqualTo("kept");
    assertThat(us5.get("qty").isInt64()).as("the number keeps the type the document held").isTrue();
    assertThat(us5.getInt64("qty").getValue()).isEqualTo(5L);
    Cli.Result again = Cli.run("diff", uri, uri, "-t", "orders,orders_copy", "-k", "region,id", "-c", "item,qty,tags,shipped");
    assertThat(again.exit()).as(again.toString()).isZero();
    assertThat(Cli.run("diff", uri, uri, "-t", "orders,orders_copy", "-k", "region,id").out())
        .as("without -c the field only the copy has is a difference").isEqualTo("~ (\"us\", 5) note: (no column) → \"kept\"\n");
  }

  @Test
  @DisplayName("the URI's key= option is kept, not masked, in the printed resume and undo lines, and the undo line reverses the run")
  void keyOptionInPrintedLines() {
    String keyed = mongoUri + "?key=_id";
    Cli.Result apply = Cli.run(Map.of(), List.of("repair", pg.jdbcUrl(), keyed, "-t", "accounts", "-k", "id",
        "--user1", pg.user(), "--resolver", "source-wins", "--apply", "--audit", dir.resolve("audit.jsonl").toString()));
    assertThat(apply.exit()).as(apply.toString()).isZero();
    assertThat(apply.out().lines().findFirst().orElseThrow()).contains("'" + keyed + "'").doesNotContain("***");
    String undoLine = apply.out().replaceAll("(?s).*undo with: ([^\n]+)\n.*", "$1");
    assertThat(undoLine).contains("'" + keyed + "'");
    Cli.Result undo = Cli.shell(Map.of(), undoLine);
    assertThat(undo.exit()).as(undo.toString()).isZero();
    assertThat(run("diff").out()).isEqualTo(DIFF);
  }

  @Test
  @DisplayName("a run file with a collection as its second database diffs it, and with a repair section repairs it")
  void runFile() throws IOException {
    String sides = "first: {url: \"" + pg.jdbcUrl() + "\", user: " + pg.user() + "}\n"
        + "second: {url: \"" + TestMongo.uri() + "/" + database + "\"}\n"
        + "tables:\n  - {name: accounts, key: [id]}\n";
    Path diffFile = dir.resolve("diff.yaml");
    Files.writeString(diffFile, sides);
    Cli.Result diff = Cli.run("run", diffFile.toString());
    assertThat(diff.exit()).as(diff.toString()).isEqualTo(1);
    assertThat(diff.out()).isEqualTo(DIFF);

    Path repairFile = dir.resolve("repair.yaml");
    Files.writeString(repairFile, sides + "repair: {resolver: source-wins, apply: true, audit: audit.jsonl}\n");
    Cli.Result repair = Cli.run("run", repairFile.toString());
    assertThat(repair.exit()).as(repair.toString()).isZero();
    assertThat(repair.out()).contains("3 applied");
    assertThat(dir.resolve("audit.jsonl")).exists();
    assertThat(Cli.run("run", diffFile.toString()).exit()).isZero();
  }

  @Test
  @DisplayName("a password in the URI or from the environment is never shown: refused credentials, an unreachable server, --debug")
  void passwordsNeverShown() throws IOException {
    String before = checksums();
    String withPassword = mongoUri.replace("mongodb://", "mongodb://app:" + PASSWORD + "@");
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    String unreachable = "mongodb://app:" + PASSWORD + "@127.0.0.1:" + closed + "/" + database
        + ".accounts?serverSelectionTimeoutMS=1000";
    for (List<String> args : List.of(
        List.of("diff", pg.jdbcUrl(), withPassword, "-t", "accounts", "-k", "id", "--user1", pg.user()),
        List.of("repair", pg.jdbcUrl(), withPassword, "-t", "accounts", "-k", "id", "--user1", pg.user(),
            "--resolver", "source-wins", "--apply", "--audit", dir.resolve("a.jsonl").toString()),
        List.of("diff", pg.jdbcUrl(), mongoUri, "-t", "accounts", "-k", "id", "--user1", pg.user(),
            "--user2", "app", "--password-env2", "MONGO_PASSWORD"),
        List.of("diff", pg.jdbcUrl(), unreachable, "-t", "accounts", "-k", "id", "--user1", pg.user()),
        List.of("repair", pg.jdbcUrl(), unreachable, "-t", "accounts", "-k", "id", "--user1", pg.user(),
            "--resolver", "source-wins", "--apply", "--audit", dir.resolve("b.jsonl").toString()),
        List.of("diff", pg.jdbcUrl(), unreachable, "-t", "accounts", "-k", "id", "--user1", pg.user(), "--debug"))) {
      Cli.Result r = Cli.run(Map.of("MONGO_PASSWORD", PASSWORD), args);
      assertThat(r.exit()).as(r.toString()).isEqualTo(2);
      assertThat(r.out() + r.err()).as(r.toString()).doesNotContain(PASSWORD);
      if (!args.contains("--debug")) {
        assertThat(r.err().lines()).as(r.toString()).singleElement().asString().startsWith("reconcile: error: ");
        assertThat(r.out()).isEmpty();
      }
      if (args.get(2).equals(unreachable)) {
        assertThat(r.err()).contains("could not reach the MongoDB server");
      }
    }
    assertThat(checksums()).isEqualTo(before);
  }

  @Test
  @DisplayName("a bad URI, an unknown option, a -w filter, --trust-key, a wrong key or a missing collection is one line, exit 2, nothing written or created")
  void hostileInput() {
    String before = checksums();
    String base = TestMongo.uri() + "/" + database;
    Map<List<String>, String> cases = Map.of(
        List.of("mongodb://127.0.0.1:notaport/" + database + ".accounts"), "connection string is not valid",
        List.of("mongodb://"), "mongodb://HOST:PORT/DATABASE.COLLECTION",
        List.of(TestMongo.uri()), "needs a database and a collection",
        List.of(mongoUri, "-w", "name = 'x'"), "takes no filter (-w/--where)",
        List.of(mongoUri, "--trust-key"), "leave out --trust-key",
        List.of(mongoUri + "?key=id"), "has no unique index on [id]",
        List.of(mongoUri + "?key=_id.id,tag"), "keyed by _id, by the fields of a compound _id",
        List.of(base + ".nosuch"), "collection 'nosuch' does not exist in database '" + database + "'",
        List.of(mongoUri, "--collection", "accounts"), "Unknown options: '--collection', 'accounts'");
    cases.forEach((args, message) -> {
      for (String command : List.of("diff", "repair")) {
        List<String> line = new ArrayList<>(List.of(command, pg.jdbcUrl(), args.get(0), "-t", "accounts", "-k", "id",
            "--user1", pg.user()));
        line.addAll(args.subList(1, args.size()));
        if (command.equals("repair")) {
          line.addAll(List.of("--resolver", "source-wins", "--apply", "--audit", dir.resolve("audit.jsonl").toString()));
        }
        Cli.Result r = Cli.run(Map.of(), line);
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).as(r.toString()).isEmpty();
        assertThat(r.err().lines()).as(r.toString()).singleElement().asString().contains(message)
            .doesNotContain("trustKey", "Exception", "***");
      }
    });
    assertThat(client.getDatabase(database).listCollectionNames().into(new ArrayList<>())).containsExactly("accounts");
    assertThat(checksums()).isEqualTo(before);
  }

  /** An option of the URI that neither MongoDB's driver nor reconcile knows (a typo) is refused, not ignored. */
  @Test
  @DisplayName("an option of the URI nobody knows is one line and exit 2")
  void unknownUriOption() {
    Cli.Result r = Cli.run("diff", pg.jdbcUrl(), mongoUri + "?readPrefrence=secondary", "-t", "accounts", "-k", "id",
        "--user1", pg.user());
    assertThat(r.exit()).as(r.toString()).isEqualTo(2);
    assertThat(r.err().lines()).as(r.toString()).singleElement().asString().contains("readPrefrence");
  }

  private Cli.Result run(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command, pg.jdbcUrl(), mongoUri, "-t", "accounts", "-k", "id",
        "--user1", pg.user()));
    args.addAll(List.of(more));
    return Cli.run(Map.of(), args);
  }

  /** Every document of a collection, in _id order, as Extended JSON with its types. */
  private static String documents(MongoCollection<Document> c) {
    return c.withDocumentClass(BsonDocument.class).find().sort(Sorts.ascending("_id")).into(new ArrayList<>()).stream()
        .map(BsonDocument::toJson).collect(Collectors.joining("\n"));
  }

  /** Documents as {@link #documents} prints them, each with its top-level fields in name order. */
  private static String inNameOrder(String documents) {
    return documents.lines().map(BsonDocument::parse)
        .map(d -> new java.util.TreeMap<>(d).entrySet().stream().map(f -> f.getKey() + "=" + f.getValue())
            .collect(Collectors.joining(", ", "{", "}")))
        .collect(Collectors.joining("\n"));
  }

  /** The table's rows and every collection's documents. */
  private String checksums() {
    StringBuilder sb = new StringBuilder(pg.query("SELECT * FROM accounts ORDER BY id"));
    MongoDatabase db = client.getDatabase(database);
    for (String name : db.listCollectionNames().into(new ArrayList<>()).stream().sorted().toList()) {
      sb.append(name).append(":\n").append(documents(db.getCollection(name))).append('\n');
    }
    return sb.toString();
  }

  /** The first line from {@code from} on that starts with {@code prefix}, or the block's size. */
  private static int indexOf(List<String> block, String prefix, int from) {
    for (int i = from; i < block.size(); i++) {
      if (block.get(i).startsWith(prefix)) {
        return i;
      }
    }
    return block.size();
  }

  /** README lines as the command prints them: without their trailing comments, and blank lines left out. */
  private static String output(List<String> lines) {
    return lines.stream().filter(l -> !l.isBlank()).map(l -> l.replaceAll("\\s+# .*$", ""))
        .collect(Collectors.joining("\n", "", "\n"));
  }

  /** {@code text} with {@code part}, which it must hold exactly once, replaced. */
  private static String replaceOnce(String text, String part, String replacement) {
    assertThat(text.split(Pattern.quote(part), -1)).as("'%s' once in %s", part, text).hasSize(2);
    return text.replace(part, replacement);
  }
}
